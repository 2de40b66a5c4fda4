"""The app's Jinja environment: templates read the environment's globals themselves.

Jinja gives every template a ChainMap of its own globals over the environment's, so that a
template's globals never reach the environment. Our templates have none of their own, and a
ChainMap is slow where Jinja uses it most: every `{% from … import … %}` compares the ~45 global
names one by one, and every render and include copies them one by one (~25 µs each time, 0.2–0.4
ms a page). All globals are set while the app is built, before any template is loaded.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment


class TemplateEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return self.globals if not d else super().make_globals(d)

    def _load_template(self, name: Any, globals: Any) -> Any:  # noqa: A002
        # Jinja adds the globals asked for to a cached template's globals: here the environment's
        # own. get_template, select_template and get_or_select_template all load through here.
        if globals:
            raise TypeError("templates take no globals of their own here; pass them as context")
        return super()._load_template(name, globals)
