"""The event form (admins keep the event list)."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.forms import CrmForm
from crm.models.enums import EventFormat
from crm.organisations.forms import OrganisationField
from crm.translations import lazy_gettext as _l


class EventForm(CrmForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(
        _l("Ends on"), validators=[Optional()], description=_l("Leave empty for a one-day event.")
    )
    format = SelectField(_l("Format"), choices=EventFormat.choices(), default=EventFormat.ONLINE.value)
    host_organisation_id = OrganisationField(_l("Host organisation"))
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])

    def event_data(self) -> dict:
        """The validated fields as the service takes them."""
        return {
            "title": self.title.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "format": EventFormat(self.format.data),
            "host_organisation_id": self.host_organisation_id.data,
            "description": self.description.data or "",
        }
