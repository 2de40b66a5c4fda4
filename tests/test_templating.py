"""Templates read the environment's globals directly, and nothing adds globals through a template."""

from __future__ import annotations

import pytest


def test_templates_share_the_environment_globals(app):
    template = app.jinja_env.get_template("macros/forms.html")
    assert template.globals is app.jinja_env.globals
    assert "url_for" in template.globals and "csrf_token" in template.globals


def test_no_template_can_add_globals_to_the_environment(app):
    before = dict(app.jinja_env.globals)
    for load in (
        app.jinja_env.get_template,
        app.jinja_env.select_template,
        app.jinja_env.get_or_select_template,
    ):
        name = "macros/forms.html" if load is app.jinja_env.get_template else ["macros/forms.html"]
        with pytest.raises(TypeError):
            load(name, globals={"intruder": 1})
    own = app.jinja_env.from_string("{{ intruder }}", globals={"intruder": "only here"})
    assert own.render() == "only here"
    assert app.jinja_env.globals == before
