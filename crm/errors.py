"""The base of every domain error that services raise and views show to the user."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken; `field` names the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
