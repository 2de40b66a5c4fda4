"""Events: keeping the event list, listing with inquiry counts, and the per-event funnel."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from crm.audit.services import apply_changes, record
from crm.errors import DomainError
from crm.extensions import db
from crm.models import Event, Inquiry, Organisation, Thread, User
from crm.models.base import as_utc
from crm.models.enums import EventFormat, ThreadKind


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
    if host_id is not None and db.session.get(Organisation, host_id) is None:
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


# --- Funnel ----------------------------------------------------------------------------------------


@dataclass
class EventFunnel:
    """From inquiries received to threads opened, for one event."""

    received: int = 0
    answered: int = 0
    converted: int = 0
    threads_by_kind: dict[ThreadKind, int] = field(default_factory=dict)
    median_first_response: timedelta | None = None

    @property
    def threads(self) -> int:
        return sum(self.threads_by_kind.values())

    def share(self, count: int) -> int | None:
        """`count` as a whole percentage of inquiries received."""
        return round(100 * count / self.received) if self.received else None


def event_funnel(event: Event) -> EventFunnel:
    """Received, answered, converted, threads opened by kind, and the median wait for a first answer."""
    rows = db.session.execute(
        select(Inquiry.received_at, Inquiry.first_response_at, Inquiry.contact_id).where(
            Inquiry.event_id == event.id
        )
    ).all()
    waits = [
        as_utc(responded) - as_utc(received)
        for received, responded, _contact in rows
        if responded is not None
    ]
    by_kind = dict.fromkeys(ThreadKind, 0)
    kind_rows = db.session.execute(
        select(Thread.kind, func.count())
        .join(Inquiry, Thread.origin_inquiry_id == Inquiry.id)
        .where(Inquiry.event_id == event.id)
        .group_by(Thread.kind)
    )
    for kind, count in kind_rows:
        by_kind[ThreadKind(kind)] = count
    return EventFunnel(
        received=len(rows),
        answered=len(waits),
        converted=sum(1 for _received, _responded, contact_id in rows if contact_id is not None),
        threads_by_kind=by_kind,
        median_first_response=_median(waits),
    )


def _median(waits: list[timedelta]) -> timedelta | None:
    # In Python rather than SQL: neither SQLite nor a portable SQL has a median of intervals.
    if not waits:
        return None
    return timedelta(seconds=statistics.median(wait.total_seconds() for wait in waits))
