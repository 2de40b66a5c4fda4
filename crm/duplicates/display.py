"""How the merge page shows each field's two values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from crm.duplicates.merge import JOINABLE, KEEP, default_choices
from crm.extensions import db
from crm.models import Country, User
from crm.translations import gettext as _


@dataclass
class MergeRow:
    name: str
    label: str
    left: str
    right: str
    chosen: str
    joinable: bool

    @property
    def same(self) -> bool:
        return self.left == self.right


def shown(record: Any, name: str) -> str:
    """A field's value as a reader would say it (country and owner by name, yes/no, labels)."""
    value = getattr(record, name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if name == "country_code":
        from crm.main.template_helpers import country_name

        return country_name(db.session.get(Country, value) or value)
    if name == "owner_id":
        user = db.session.get(User, value)
        return user.name if user else str(value)
    return str(value)


def merge_rows(
    survivor: Any, loser: Any, fields: Mapping[str, Any], posted: Mapping[str, Any] | None
) -> list[MergeRow]:
    defaults = default_choices(survivor, loser, fields)
    return [
        MergeRow(
            name=name,
            label=str(label),
            left=shown(survivor, name),
            right=shown(loser, name),
            chosen=(posted or {}).get(f"choice-{name}", defaults.get(name, KEEP)),
            joinable=name in JOINABLE,
        )
        for name, label in fields.items()
    ]
