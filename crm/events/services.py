"""Events: keeping the event list and listing it with inquiry counts.

The per-event funnel is the reports service with an event filter (crm.reports.services.funnel).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from crm.audit.services import apply_changes, record
from crm.errors import DomainError
from crm.extensions import db
from crm.models import Event, Inquiry, Organisation, User
from crm.models.enums import EventFormat
from crm.translations import gettext as _


class EventError(DomainError):
    """An event rule was broken; the message is shown next to `field`."""


EDITABLE = ("title", "starts_on", "ends_on", "format", "host_organisation_id", "description")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise EventError(_("An event needs a title."), "title")
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
    host_id = fields.get("host_organisation_id")
    host = db.session.get(Organisation, host_id) if host_id is not None else None
    if host_id is not None and (host is None or not host.is_live):
        raise EventError(_("Choose an existing organisation."), "host_organisation_id")
    return fields


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is None:
        raise EventError(_("An event needs a start date."), "starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise EventError(_("The event cannot end before it starts (%(start)s).", start=starts_on), "ends_on")


def create_event(data: dict[str, Any], *, actor: User) -> Event:
    """Add an event to the list."""
    fields = _clean(data)
    _check_dates(fields.get("starts_on"), fields.get("ends_on"))
    event = Event(**fields)
    db.session.add(event)
    db.session.flush()
    record(actor, "create", event, changes={"title": event.title, "starts_on": event.starts_on})
    return event


def update_event(event: Event, data: dict[str, Any], *, actor: User) -> dict[str, list[Any]]:
    """Change an event's details; returns what changed."""
    fields = _clean(data)
    _check_dates(fields.get("starts_on", event.starts_on), fields.get("ends_on", event.ends_on))
    changes = apply_changes(event, fields)
    if changes:
        record(actor, "update", event, changes=changes)
    return changes


# --- Listing ---------------------------------------------------------------------------------------


def events_statement(year: int | None = None, event_format: EventFormat | None = None) -> Select:
    """Events filtered by the year they start in and their format (unsorted)."""
    stmt = select(Event)
    if year is not None:
        stmt = stmt.where(Event.starts_on >= date(year, 1, 1), Event.starts_on < date(year + 1, 1, 1))
    if event_format is not None:
        stmt = stmt.where(Event.format == event_format)
    return stmt


def event_years() -> list[int]:
    """The years that have events, newest first (for the year filter)."""
    first, last = db.session.execute(select(func.min(Event.starts_on), func.max(Event.starts_on))).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def inquiry_counts(event_ids: list[int]) -> dict[int, int]:
    """How many inquiries each of these events brought in (one grouped query)."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Inquiry.event_id, func.count())
        .where(Inquiry.event_id.in_(event_ids))
        .group_by(Inquiry.event_id)
    )
    return {event_id: count for event_id, count in rows}
