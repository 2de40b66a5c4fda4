"""The home page: what needs the signed-in user's attention."""

from __future__ import annotations

from typing import Any


def home_for(user: Any) -> dict[str, Any]:
    return {}
