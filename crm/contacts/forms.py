"""Contact forms: create/edit, add an affiliation, and the choices for the list filters."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from crm.countries.services import region_filter_options
from crm.forms import (
    CrmForm,
    OptionalSelectField,
    country_field_choices,
    optional_int,
    optional_str,
    tag_choices,
    user_choices,
)
from crm.models.enums import StakeholderType
from crm.organisations.forms import OrganisationField
from crm.safety.conflicts import VersionField
from crm.translations import lazy_gettext as _l


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ContactForm(CrmForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("A contact needs a name.")), Length(max=300)],
        filters=[strip],
        description=_l("As the person writes it, in any script."),
    )
    email = StringField(
        _l("E-mail"),
        validators=[Optional(), Email(message=_l("This is not a valid e-mail address.")), Length(max=254)],
        filters=[strip],
    )
    phone = StringField(_l("Phone"), validators=[Length(max=50)], filters=[strip])
    country_code = OptionalSelectField(_l("Country"), coerce=optional_str)
    languages = StringField(
        _l("Languages"), validators=[Length(max=200)], filters=[strip], description=_l("e.g. Russian, Kazakh")
    )
    stakeholder_type = SelectField(
        _l("Stakeholder type"), coerce=StakeholderType, default=StakeholderType.OTHER
    )
    owner_id = OptionalSelectField(_l("Owner"), coerce=optional_int)
    tags = SelectMultipleField(_l("Tags"), coerce=int)
    consent_to_contact = BooleanField(_l("Consents to be contacted"))
    consent_to_share = BooleanField(_l("Consents to be shared in network lists"))
    consent_method = StringField(
        _l("How consent was given"),
        validators=[Length(max=200)],
        filters=[strip],
        description=_l("e.g. registration form tick box, e-mail of 3 May"),
    )
    do_not_contact = BooleanField(_l("Do not contact"))
    notes = TextAreaField(_l("Notes"), filters=[strip])
    lived_experience = BooleanField(_l("Lived experience of statelessness"))
    sensitive_notes = TextAreaField(_l("Sensitive notes"), filters=[strip])
    organisation = OrganisationField(_l("Organisation"))
    position = StringField(_l("Position"), validators=[Length(max=200)], filters=[strip])
    version = VersionField()


SENSITIVE_FIELDS = ("lived_experience", "sensitive_notes")
CONSENT_FIELDS = ("consent_to_contact", "consent_to_share", "consent_method")


def contact_form(
    *, may_set_sensitive: bool, may_set_owner: bool, creating: bool, obj: Any = None
) -> ContactForm:
    """A contact form holding only the fields this user may set: the others are neither rendered nor read.

    Fields are removed on a subclass, before the form reads `obj`, so a staff member's edit form
    never even loads the deferred sensitive columns.
    """
    removed: dict[str, None] = {}
    if not may_set_sensitive:
        removed.update(dict.fromkeys(SENSITIVE_FIELDS))
    if not may_set_owner:
        removed["owner_id"] = None
    if not creating:  # affiliations are managed on the detail page once the contact exists
        removed.update(organisation=None, position=None)
        # Consent changes are records with their own history, and sensitive values are shown only
        # after an audited reveal: both are changed in their blocks on the contact page (crm/privacy).
        removed.update(dict.fromkeys((*CONSENT_FIELDS, *SENSITIVE_FIELDS)))
    form = type("ContactForm", (ContactForm,), removed)(obj=obj)
    if may_set_owner:
        form.owner_id.choices = user_choices()
    form.country_code.choices = country_field_choices()
    form.stakeholder_type.choices = StakeholderType.choices()
    form.tags.choices = tag_choices()
    if obj is not None and not form.is_submitted():
        form.tags.data = [tag.id for tag in obj.tags]
    return form


class AffiliationForm(CrmForm):
    organisation = OrganisationField(
        _l("Organisation"), validators=[InputRequired(message=_l("Choose an organisation."))]
    )
    position = StringField(_l("Position"), validators=[Length(max=200)], filters=[strip])
    start_on = DateField(_l("From"), validators=[Optional()])
    end_on = DateField(_l("Until"), validators=[Optional()])


def affiliation_form() -> AffiliationForm:
    return AffiliationForm()


class ConfirmForm(CrmForm):
    """An empty form: a POST button that carries only the CSRF token."""


def contact_filter_options() -> dict[str, list[tuple[Any, Any]]]:
    """Choices for the list filters (the GET form in macros/filters.html)."""
    return {
        "country": country_field_choices(blank=False),
        "region": region_filter_options(),
        "owner": user_choices(blank=False),
        "stakeholder_type": StakeholderType.choices(),
        "tag": tag_choices(),
    }
