"""Duplicate review forms: the merge form (a choice per field) and the other-record picker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import HiddenField, IntegerField
from wtforms.validators import DataRequired, NumberRange

from crm.duplicates.merge import BOTH, JOINABLE, KEEP, TAKE
from crm.forms import CrmForm
from crm.translations import lazy_gettext as _l


class MergeForm(CrmForm):
    """The versions the page showed (an edit meanwhile refuses the merge); choices are radio groups."""

    survivor_version = HiddenField()
    loser_version = HiddenField()

    def choices(self, posted: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, str]:
        """The chosen side for each field; anything unexpected keeps the survivor's value."""
        allowed = {KEEP, TAKE}
        return {
            name: value
            if (value := posted.get(f"choice-{name}", KEEP)) in allowed
            or (value == BOTH and name in JOINABLE)
            else KEEP
            for name in fields
        }

    def versions(self, survivor_id: int, loser_id: int) -> dict[int, int]:
        found = {}
        for record_id, value in (
            (survivor_id, self.survivor_version.data),
            (loser_id, self.loser_version.data),
        ):
            if value and str(value).isdigit():
                found[record_id] = int(value)
        return found


class OtherRecordForm(CrmForm):
    """'Merge with…' a record given by its number (shown on every detail page's address)."""

    class Meta:
        csrf = False  # a GET form that only navigates

    other = IntegerField(
        _l("Or the number of the other record"),
        validators=[DataRequired(message=_l("Give a record number.")), NumberRange(min=1)],
        description=_l("The number at the end of its page's address, e.g. 42 in /contacts/42."),
    )
