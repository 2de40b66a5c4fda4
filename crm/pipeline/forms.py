"""Board forms: move a card, reassign several at once."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired

from crm.forms import CrmForm, optional_int
from crm.translations import lazy_gettext as _l


class MoveForm(CrmForm):
    to = SelectField(_l("Move to"), validators=[DataRequired()])
    next = HiddenField()


class BulkReassignForm(CrmForm):
    kind = HiddenField(validators=[DataRequired()])
    ids = SelectMultipleField(_l("Selected"), coerce=int, validate_choice=False)
    owner_id = SelectField(
        _l("New owner"), coerce=optional_int, validators=[DataRequired(_l("Choose an owner."))]
    )
    next = HiddenField()


def bulk_reassign_form(kind: str, back_to: str) -> BulkReassignForm:
    """The 'reassign the selected' form for a board or a list page."""
    from crm.forms import user_choices

    form = BulkReassignForm(kind=kind, next=back_to, formdata=None)
    form.owner_id.choices = user_choices()
    return form
