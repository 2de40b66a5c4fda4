"""Forms for logging and triaging inquiries."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.errors import DomainError
from crm.extensions import db
from crm.forms import CrmForm, OptionalSelectField, optional_int
from crm.inquiries.services import Triage
from crm.models import Contact, Inquiry, Organisation
from crm.models.enums import InquiryChannel, ThreadKind
from crm.translations import lazy_gettext as _l


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (quicker than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InquiryForm(CrmForm):
    event_id = OptionalSelectField(_l("Event"), coerce=optional_int, validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=InquiryChannel.choices(), default=InquiryChannel.EMAIL.value)
    received_at = DateTimeLocalField(
        _l("Received"), validators=[Optional()], description=_l("Leave empty for now (UTC).")
    )
    sender_name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the sender's name as they wrote it.")), Length(max=300)]
    )
    sender_email = StringField(
        _l("E-mail"),
        validators=[Optional(), Email(_l("This is not a valid e-mail address.")), Length(max=254)],
    )
    sender_organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    sender_country = StringField(
        _l("Country"),
        validators=[Optional(), Length(max=120)],
        description=_l("As given, in any language: “Kyrgyz Republic”, “Казахстан”, “TH”."),
    )
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=300)])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=20000)])
    topic_ids = CheckboxListField(_l("Topics"), coerce=int, validators=[Optional()])
    assignee_id = OptionalSelectField(_l("Assign to"), coerce=optional_int, validators=[Optional()])


class EmailFillForm(CrmForm):
    """An e-mail pasted or uploaded as .eml, read to fill the inquiry form (nothing is saved)."""

    raw = TextAreaField(
        _l("Paste an e-mail"),
        validators=[Optional(), Length(max=200000)],
        description=_l("With its From, Date and Subject lines if you can copy them."),
    )
    eml = FileField(_l("or choose a .eml file"))

    def content(self) -> bytes | str | None:
        """The uploaded file's bytes, else the pasted text, else None."""
        upload = self.eml.data
        if upload is not None and getattr(upload, "filename", ""):
            return upload.read()
        return self.raw.data if (self.raw.data or "").strip() else None


class AssignForm(CrmForm):
    assignee_id = OptionalSelectField(_l("Assign to"), coerce=optional_int, validators=[Optional()])


class ConvertForm(CrmForm):
    """Triage in one step: who the sender is, their organisation, and the thread to open."""

    contact = RadioField(_l("Contact"), validators=[DataRequired(_l("Choose a contact or create one."))])
    organisation = RadioField(_l("Organisation"), default="none")
    new_organisation_name = StringField(
        _l("New organisation's name"), validators=[Optional(), Length(max=300)]
    )
    thread_kind = SelectField(
        _l("Open a thread"),
        choices=[("", _l("No thread for now")), *ThreadKind.choices()],
        default=ThreadKind.CONSULTATION.value,
    )
    thread_title = StringField(
        _l("Thread title"),
        validators=[Optional(), Length(max=300)],
        description=_l("Leave empty for a default."),
    )

    # Where a service's error about a record it creates belongs on this form.
    ERROR_FIELDS = {
        "name": "new_organisation_name",
        "website": "new_organisation_name",
        "title": "thread_title",
    }

    def offer(self, inquiry: Inquiry, found: Triage, sender_email: str) -> ConvertForm:
        """Offer the likely matches; on a first view pre-select only what is surely the same."""
        self.contact.choices = [(str(c.id), c.full_name) for c, _reasons in found.contacts]
        self.contact.choices.append(("new", _l("Create a new contact from this inquiry")))
        orgs = [(str(o.id), o.name) for o in found.organisations]
        self.organisation.choices = [
            *orgs,
            ("new", _l("Create a new organisation")),
            ("none", _l("No organisation")),
        ]
        if not self.is_submitted():
            # A shared name is not proof of the same person: only the same e-mail is pre-selected.
            same_email = [
                c for c, _r in found.contacts if sender_email and c.email_normalized == sender_email
            ]
            self.contact.data = str(same_email[0].id) if same_email else "new"
            self.organisation.data = (
                orgs[0][0] if orgs else ("new" if inquiry.sender_organisation else "none")
            )
            self.new_organisation_name.data = inquiry.sender_organisation
        return self

    def validate(self, extra_validators: Any = None) -> bool:
        # Checked here, not as a field validator: Optional() would stop the chain on an empty name.
        valid = super().validate(extra_validators)
        if self.organisation.data == "new" and not (self.new_organisation_name.data or "").strip():
            self.new_organisation_name.errors = [
                *self.new_organisation_name.errors,
                _l("Give the new organisation's name, or choose “No organisation”."),
            ]
            return False
        return valid

    def conversion_args(self) -> dict[str, Any]:
        """The arguments for convert_inquiry from what was chosen."""
        return {
            "contact": _record(Contact, self.contact.data),
            "organisation": _record(Organisation, self.organisation.data),
            "create_organisation_named": self.new_organisation_name.data
            if self.organisation.data == "new"
            else "",
            "thread_kind": self.thread_kind.data or None,
            "thread_title": self.thread_title.data or "",
        }

    def add_domain_error(self, error: DomainError) -> None:
        name = self.ERROR_FIELDS.get(error.field or "")
        if name:
            self[name].errors.append(str(error))
        else:
            self.form_errors.append(str(error))


def _record(model: Any, value: str | None) -> Any:
    """The chosen contact or organisation; a deleted or merged-away one counts as not chosen."""
    found = db.session.get(model, int(value)) if value and value.isdigit() and len(value) < 10 else None
    return found if found is not None and found.is_live else None


class RespondedForm(CrmForm):
    responded_at = DateTimeLocalField(
        _l("Answered at"), validators=[Optional()], description=_l("Leave empty for now (UTC).")
    )
