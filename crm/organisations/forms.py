"""Organisation forms: create/edit, and the choices for the list filters."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from crm.countries.services import region_filter_options
from crm.extensions import db
from crm.forms import (
    CrmForm,
    OptionalSelectField,
    country_field_choices,
    optional_int,
    optional_str,
    user_choices,
)
from crm.html import text_input
from crm.models import Organisation
from crm.models.enums import MembershipStatus, OrganisationKind
from crm.safety.conflicts import VersionField
from crm.translations import lazy_gettext as _l
from crm.translations import lazy_pgettext as pgettext  # lazy; this name is one pybabel extracts


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class OrganisationForm(CrmForm):
    name = StringField(
        pgettext("organisation", "Name"),  # «Название», not a person's «Имя»
        validators=[DataRequired(message=_l("An organisation needs a name.")), Length(max=300)],
        filters=[strip],
        description=_l("As the organisation writes it, in any script."),
    )
    kind = SelectField(_l("Kind"), coerce=OrganisationKind, default=OrganisationKind.NGO)
    country_code = OptionalSelectField(_l("Country"), coerce=optional_str)
    website = StringField(
        _l("Website"),
        validators=[Length(max=500)],
        filters=[strip],
        description=_l("Starting with https:// or http://"),
    )
    membership_status = SelectField(
        _l("Network membership"), coerce=MembershipStatus, default=MembershipStatus.NONE
    )
    owner_id = OptionalSelectField(_l("Owner"), coerce=optional_int)
    notes = TextAreaField(_l("Notes"), filters=[strip])
    version = VersionField()


def organisation_form(*, may_set_owner: bool, obj: Any = None) -> OrganisationForm:
    """The organisation form; the owner field only for those who may reassign work."""
    form_class = (
        OrganisationForm
        if may_set_owner
        else type("OrganisationForm", (OrganisationForm,), {"owner_id": None})
    )
    form = form_class(obj=obj)
    form.kind.choices = OrganisationKind.choices()
    form.membership_status.choices = MembershipStatus.choices()
    form.country_code.choices = country_field_choices()
    if may_set_owner:
        form.owner_id.choices = user_choices()
    return form


def organisation_filter_options() -> dict[str, list[tuple[Any, Any]]]:
    """Choices for the list filters (the GET form in macros/filters.html)."""
    return {
        "country": country_field_choices(blank=False),
        "region": region_filter_options(),
        "kind": OrganisationKind.choices(),
        "membership": MembershipStatus.choices(),
        "owner": user_choices(blank=False),
    }


class OrganisationLookupInput:
    """A text input whose datalist static/js/lookup.js makes and fills from /organisations/lookup as you type.

    Without JavaScript it is a plain text field: typing an organisation's exact name works too.
    """

    def attributes(self, field: Any) -> dict[str, str]:
        """What it adds to a text input."""
        return {
            "list": f"{field.id}-options",
            "autocomplete": "off",
            "data-lookup": url_for("organisations.lookup"),
            "maxlength": "320",
        }

    def __call__(self, field: Any, **kwargs: Any) -> str:
        # lookup.js adds the <datalist> it fills; written as WTForms' TextInput would (crm.html)
        return text_input(field, {**kwargs, **self.attributes(field)})


class OrganisationField(StringField):
    """Choose one organisation by typing part of its name (never a select of every organisation).

    `data` is the chosen organisation's id (or None); the text typed is kept to show it again.
    """

    widget = OrganisationLookupInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("description", _l("Type part of the name, then pick it from the list."))
        super().__init__(*args, **kwargs)
        self.text = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.text = (valuelist[0] if valuelist else "").strip()
        self.data = None

    def pre_validate(self, form: Any) -> None:
        from crm.organisations.services import OrganisationError, resolve_organisation

        try:
            organisation = resolve_organisation(self.text)
        except OrganisationError as error:
            raise ValidationError(str(error)) from error
        self.data = organisation.id if organisation else None

    def _value(self) -> str:
        if self.text:
            return self.text
        if self.data:
            from crm.organisations.services import organisation_label

            name = db.session.scalar(select(Organisation.name).where(Organisation.id == self.data))
            return organisation_label(self.data, name) if name else ""
        return ""
