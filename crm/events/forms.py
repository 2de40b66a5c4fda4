"""The event form (admins keep the event list)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.collation import name_order
from crm.extensions import db
from crm.forms import BLANK, optional_int
from crm.models import Organisation
from crm.models.enums import EventFormat


def organisation_choices() -> list[tuple[str, str]]:
    order = name_order(Organisation.name, Organisation.name_latin)
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.live()).order_by(order, Organisation.id)
    )
    return [BLANK, *((str(oid), name) for oid, name in rows)]


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(
        _l("Ends on"), validators=[Optional()], description=_l("Leave empty for a one-day event.")
    )
    format = SelectField(_l("Format"), choices=EventFormat.choices(), default=EventFormat.ONLINE.value)
    # A plain SelectField: the blank choice coerces to None and validates as a choice.
    host_organisation_id = SelectField(_l("Host organisation"), coerce=optional_int)
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.host_organisation_id.choices = organisation_choices()

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
