"""The report filter: a GET form (from, to, event) that falls back to the last 30 days."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from crm.forms import CrmForm, OptionalSelectField, optional_int
from crm.reports.services import ReportFilters
from crm.translations import lazy_gettext as _l

EARLIEST = date(1990, 1, 1)


class DayField(DateField):
    """A date as YYYY-MM-DD, with a message that says what to type instead of 'not valid'."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date as YYYY-MM-DD, for example 2026-10-01.")) from None

    def _value(self) -> str:
        # A date input cannot show text that is not a date (browsers log a warning and show it
        # empty anyway): leave it empty, the message beside it says what to type.
        if self.process_errors:
            return ""
        return super()._value()


class ReportFilterForm(CrmForm):
    """Read from the query string; a report changes nothing, so there is no CSRF token."""

    class Meta:
        csrf = False

    start = DayField(_l("From"), name="from", validators=[Optional()])
    end = DayField(_l("To"), name="to", validators=[Optional()])
    event = OptionalSelectField(
        _l("Event"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("Leave the dates empty to see everything that came from an event."),
    )

    def validate_start(self, field: DayField) -> None:
        if field.data and field.data < EARLIEST:
            raise ValidationError(_l("Choose a date from %(year)d on.", year=EARLIEST.year))

    def validate_end(self, field: DayField) -> None:
        if field.data and field.data < EARLIEST:
            raise ValidationError(_l("Choose a date from %(year)d on.", year=EARLIEST.year))
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self, today: date, *, asked: bool) -> ReportFilters:
        """What to report on: the form's values if valid, else the last 30 days.

        `asked` is False on a first visit (no query string): the default range is then shown
        in the fields too. Empty dates in a submitted form mean "no limit on that side".
        """
        default = ReportFilters.last_days(today)
        if not asked:
            self.start.data, self.end.data = default.start, default.end
            return default
        self.validate()  # errors are shown next to their fields; the valid parts still apply
        event_id = None if self.event.errors else self.event.data
        if self.start.errors or self.end.errors:
            return ReportFilters(start=default.start, end=default.end, event_id=event_id)
        return ReportFilters(start=self.start.data, end=self.end.data, event_id=event_id)
