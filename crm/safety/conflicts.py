"""Concurrent edits: an edit form carries the version it was read at; a newer one means a conflict.

The form's hidden `version` is compared with the record's before anything is changed. If
someone saved in between, nothing is saved and the conflict page shows both versions: theirs
as saved and yours as submitted, with your values kept in the form (now at the new version),
so one click re-applies them on top of theirs. Between that check and the UPDATE the models'
`version_id_col` still guards the row (a StaleDataError ends in the 409 page of crm/safety/errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, SelectFieldBase

from crm.translations import lazy_gettext as _l

NOT_COMPARED = frozenset({"csrf_token", "version"})


class VersionField(HiddenField):
    """The record's version when the form was shown; never written to the record."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = int(raw) if str(raw).isdigit() and len(str(raw)) < 10 else None


def submitted_version(form: FlaskForm) -> int | None:
    field = getattr(form, "version", None)
    return field.data if field is not None and isinstance(field.data, int) else None


def is_stale(record: Any, form: FlaskForm) -> bool:
    """The form was read at an older version than the record now has.

    A post without a version (not one of our forms) is not compared; the models' version
    column still stops it from overwriting a change made while it was being saved.
    """
    version = submitted_version(form)
    return version is not None and version != record.version


@dataclass
class Difference:
    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


def _shown(field: Field, value: Any) -> str:
    if isinstance(field, BooleanField):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(field, SelectFieldBase):
        labels = {str(key): str(label) for key, label, *_ in field.iter_choices()}
        values = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    if value is None:
        return ""
    return str(getattr(value, "label", value))


def _value_of(record: Any, name: str) -> Any:
    value = getattr(record, name)
    if isinstance(value, list):  # relationships in a multiple select (tags): compare by id
        return [item.id for item in value]
    return value.value if hasattr(value, "value") and not isinstance(value, (str, int)) else value


def differences(record: Any, form: FlaskForm) -> list[Difference]:
    """Each field of the form: the record's value now (theirs) and the submitted one (yours)."""
    rows = []
    for field in form:
        if field.name in NOT_COMPARED or field.short_name in NOT_COMPARED:
            continue
        theirs = _shown(field, _value_of(record, field.short_name))
        rows.append(Difference(str(field.label.text), theirs, _shown(field, field.data)))
    return rows


def prepare_reapply(record: Any, form: FlaskForm) -> list[Difference]:
    """The rows of the conflict page; the form keeps your values but now carries their version."""
    rows = differences(record, form)
    form.version.data = record.version
    form.version.raw_data = [str(record.version)]
    return rows
