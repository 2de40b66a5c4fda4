"""Events: creating and editing with the date rule, listing helpers, and the per-event funnel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.events.services import (
    EventError,
    create_event,
    event_years,
    events_statement,
    inquiry_counts,
    update_event,
)
from crm.models import AuditEntry
from crm.models.base import utcnow
from crm.models.enums import EventFormat, ThreadKind
from crm.reports import services as reports


def event_funnel(event):
    """The event page's funnel: the reports service filtered to one event."""
    return reports.funnel(
        reports.ReportFilters(event_id=event.id), now=utcnow(), today=date.today(), stale_days=14
    )


def test_create_event_is_audited(db, admin, make_organisation):
    host = make_organisation("Central Asian Network on Statelessness")
    event = create_event(
        {
            "title": "  Webinar: birth registration  ",
            "starts_on": date(2026, 3, 4),
            "ends_on": None,
            "format": EventFormat.HYBRID,
            "host_organisation_id": host.id,
            "description": "",
        },
        actor=admin,
    )
    assert event.id is not None
    assert event.title == "Webinar: birth registration"
    assert event.host == host
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "event"))
    assert (entry.action, entry.actor_id, entry.entity_id) == ("create", admin.id, event.id)


def test_event_cannot_end_before_it_starts(db, admin):
    with pytest.raises(EventError) as error:
        create_event(
            {"title": "Backwards", "starts_on": date(2026, 3, 4), "ends_on": date(2026, 3, 3)}, actor=admin
        )
    assert error.value.field == "ends_on"


def test_one_day_event_may_end_the_day_it_starts(db, admin):
    event = create_event(
        {"title": "Same day", "starts_on": date(2026, 3, 4), "ends_on": date(2026, 3, 4)}, actor=admin
    )
    assert event.ends_on == date(2026, 3, 4)


def test_update_checks_dates_against_the_stored_start(db, admin, make_event):
    event = make_event(starts_on=date(2026, 5, 10))
    with pytest.raises(EventError) as error:
        update_event(event, {"ends_on": date(2026, 5, 9)}, actor=admin)
    assert error.value.field == "ends_on"
    changes = update_event(event, {"title": "Renamed", "ends_on": date(2026, 5, 11)}, actor=admin)
    assert set(changes) == {"title", "ends_on"}


def test_unknown_host_is_refused(db, admin):
    with pytest.raises(EventError) as error:
        create_event(
            {"title": "X", "starts_on": date(2026, 1, 1), "host_organisation_id": 999_999}, actor=admin
        )
    assert error.value.field == "host_organisation_id"


def test_year_and_format_filters(db, make_event):
    a = make_event("A", date(2025, 12, 31), format=EventFormat.ONLINE)
    b = make_event("B", date(2026, 1, 1), format=EventFormat.IN_PERSON)
    c = make_event("C", date(2026, 12, 31), format=EventFormat.ONLINE)
    assert set(db.session.scalars(events_statement(2026))) == {b, c}
    assert set(db.session.scalars(events_statement(2026, EventFormat.ONLINE))) == {c}
    assert set(db.session.scalars(events_statement(None, EventFormat.ONLINE))) == {a, c}
    assert event_years() == [2026, 2025]


def test_inquiry_counts_are_grouped(db, make_event, make_inquiry):
    busy, quiet, empty = make_event("Busy"), make_event("Quiet"), make_event("Empty")
    for n in range(3):
        make_inquiry(f"Sender {n}", f"s{n}@example.org", event_id=busy.id)
    make_inquiry("Lone", "lone@example.org", event_id=quiet.id)
    make_inquiry("No event", "none@example.org")
    assert inquiry_counts([busy.id, quiet.id, empty.id]) == {busy.id: 3, quiet.id: 1}
    assert inquiry_counts([]) == {}


@pytest.fixture
def funnel_data(db, make_event, make_inquiry, make_contact, make_thread):
    """Event A: 5 inquiries, 3 answered after 2 h, 4 h and 10 h, 3 converted, 3 threads.

    Event B and an inquiry without event must not leak into A's figures.
    """
    base = utcnow() - timedelta(days=20)
    event_a, event_b = make_event("A"), make_event("B")
    contact = make_contact()
    rows = [  # (hours to first response or None, converted?, thread kinds opened)
        (2, True, [ThreadKind.CONSULTATION]),
        (4, True, [ThreadKind.MATERIAL_EXCHANGE, ThreadKind.CONSULTATION]),
        (10, False, []),
        (None, False, []),
        (None, True, []),
    ]
    for n, (hours, converted, kinds) in enumerate(rows):
        inquiry = make_inquiry(f"A{n}", f"a{n}@example.org", event_id=event_a.id, received_at=base)
        if hours is not None:
            inquiry.first_response_at = base + timedelta(hours=hours)
        if converted:
            inquiry.contact_id = contact.id
        for kind in kinds:
            make_thread(kind=kind, title=f"{kind} {n}", origin_inquiry=inquiry)
    for n, hours in enumerate([1, 3]):
        inquiry = make_inquiry(f"B{n}", f"b{n}@example.org", event_id=event_b.id, received_at=base)
        inquiry.first_response_at = base + timedelta(hours=hours)
        inquiry.contact_id = contact.id
        make_thread(kind=ThreadKind.JOINT_INITIATIVE, title=f"B thread {n}", origin_inquiry=inquiry)
    stray = make_inquiry("Stray", "stray@example.org", received_at=base)
    make_thread(kind=ThreadKind.CONSULTATION, title="Stray thread", origin_inquiry=stray)
    db.session.flush()
    return event_a, event_b


def test_event_funnel_exact_numbers(db, funnel_data):
    event_a, event_b = funnel_data
    funnel = event_funnel(event_a)
    assert (funnel.received, funnel.answered, funnel.converted) == (5, 3, 3)
    assert funnel.contacts == 1  # the three converted inquiries came from one person
    assert funnel.threads_by_kind == {
        ThreadKind.CONSULTATION: 2,
        ThreadKind.MATERIAL_EXCHANGE: 1,
        ThreadKind.JOINT_INITIATIVE: 0,
    }
    assert funnel.threads == 3
    assert funnel.median_first_response == timedelta(hours=4)
    assert funnel.p90_first_response == timedelta(hours=10)
    assert (funnel.share(funnel.answered), funnel.share(funnel.converted)) == (60, 60)


def test_event_funnel_median_of_an_even_count(db, funnel_data):
    _event_a, event_b = funnel_data
    funnel = event_funnel(event_b)
    assert (funnel.received, funnel.answered, funnel.converted, funnel.threads) == (2, 2, 2, 2)
    assert funnel.median_first_response == timedelta(hours=2)


def test_event_funnel_of_a_quiet_event(db, make_event):
    funnel = event_funnel(make_event("Nobody wrote"))
    assert (funnel.received, funnel.answered, funnel.converted, funnel.threads) == (0, 0, 0, 0)
    assert funnel.median_first_response is None
    assert funnel.share(0) is None
