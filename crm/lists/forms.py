"""Contact list forms: name a list, add or remove people, add the selected contacts to a list."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from crm.forms import CrmForm, optional_int
from crm.translations import lazy_gettext as _l
from crm.translations import lazy_pgettext as pgettext  # lazy; this name is one pybabel extracts


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ListForm(CrmForm):
    name = StringField(
        pgettext("list", "Name"),  # «Название», not a person's «Имя»
        validators=[DataRequired(message=_l("A list needs a name.")), Length(max=200)],
        filters=[strip],
    )
    description = TextAreaField(_l("Description"), filters=[strip], description=_l("What the list is for."))


class MembersForm(CrmForm):
    """Add or remove the people ticked on a page."""

    ids = SelectMultipleField(_l("Selected"), coerce=int, validate_choice=False)
    next = HiddenField()


class AddToListForm(CrmForm):
    """The bulk action on /contacts and the contact page: add the selected to a static list."""

    ids = SelectMultipleField(_l("Selected"), coerce=int, validate_choice=False)
    list_id = SelectField(_l("Add the selected to"), coerce=optional_int)
    new_list = StringField(_l("or to a new list named"), validators=[Length(max=200)], filters=[strip])
    next = HiddenField()


def add_to_list_form(static_lists: list[tuple[str, str]], back_to: str | None = None) -> AddToListForm:
    """The bulk form: blank to render on a page (coming back to `back_to`), or read from the POST."""
    form = AddToListForm() if back_to is None else AddToListForm(next=back_to, formdata=None)
    form.list_id.choices = [("", _l("— a new list —")), *static_lists]
    return form
