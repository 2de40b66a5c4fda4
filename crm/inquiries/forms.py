"""Forms for logging and triaging inquiries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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

from crm.forms import OptionalSelectField, optional_int
from crm.models.enums import InquiryChannel, ThreadKind


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (quicker than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InquiryForm(FlaskForm):
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


class AssignForm(FlaskForm):
    assignee_id = OptionalSelectField(_l("Assign to"), coerce=optional_int, validators=[Optional()])


class ConvertForm(FlaskForm):
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


class RespondedForm(FlaskForm):
    responded_at = DateTimeLocalField(
        _l("Answered at"), validators=[Optional()], description=_l("Leave empty for now (UTC).")
    )
