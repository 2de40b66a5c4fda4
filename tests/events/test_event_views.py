"""Event pages: list with counts, filters and sorting; detail with inquiries and funnel; admin-only editing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.models import Event
from crm.models.base import utcnow
from crm.models.enums import EventFormat, ThreadKind


def _event_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def _form(**overrides):
    data = {
        "title": "Webinar: documentation campaigns",
        "starts_on": "2026-09-01",
        "ends_on": "",
        "format": "online",
        "host_organisation_id": "",
        "description": "Recording available on request.",
    }
    data.update(overrides)
    return data


def test_admin_creates_event(client, login, admin, db, make_organisation):
    host = make_organisation("Network Secretariat")
    login(admin)
    assert client.get("/events/new").status_code == 200
    response = client.post(
        "/events/new",
        data=_form(format="hybrid", host_organisation_id=f"{host.name} (#{host.id})", ends_on="2026-09-02"),
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Webinar: documentation campaigns"))
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert (event.starts_on, event.ends_on, event.format, event.host_organisation_id) == (
        date(2026, 9, 1),
        date(2026, 9, 2),
        EventFormat.HYBRID,
        host.id,
    )


@pytest.mark.parametrize("role_fixture", ["staff", "coordinator", "viewer"])
def test_non_admins_cannot_create_events(client, login, db, request, role_fixture):
    login(request.getfixturevalue(role_fixture))
    before = _event_count(db)
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data=_form()).status_code == 403
    assert _event_count(db) == before


def test_staff_cannot_edit_events(client, login, staff, make_event):
    event = make_event(title="Original")
    login(staff)
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.post(f"/events/{event.id}/edit", data=_form(title="Changed")).status_code == 403
    assert event.title == "Original"


def test_end_before_start_is_shown_next_to_the_field(client, login, admin, db):
    login(admin)
    before = _event_count(db)
    response = client.post("/events/new", data=_form(starts_on="2026-09-10", ends_on="2026-09-09"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = re.search(r'<div id="ends_on-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and "cannot end before it starts" in error.group(1)
    assert _event_count(db) == before


def test_missing_title_and_date_are_shown(client, login, admin, db):
    login(admin)
    response = client.post("/events/new", data=_form(title="", starts_on=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="title-error"' in html and 'id="starts_on-error"' in html


def test_admin_edits_event_and_bad_dates_change_nothing(client, login, admin, make_event, db):
    event = make_event(title="Original", starts_on=date(2026, 4, 1))
    login(admin)
    assert client.get(f"/events/{event.id}/edit").status_code == 200
    response = client.post(
        f"/events/{event.id}/edit", data=_form(title="Changed", starts_on="2026-04-01", ends_on="2026-03-01")
    )
    assert response.status_code == 200
    assert 'id="ends_on-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Original"
    response = client.post(f"/events/{event.id}/edit", data=_form(title="Changed", starts_on="2026-04-01"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Changed"


def test_edit_unknown_event_is_404(client, login, admin):
    login(admin)
    assert client.get("/events/999999/edit").status_code == 404
    assert client.get("/events/999999").status_code == 404


def test_list_counts_filters_and_sorting(client, login, viewer, make_event, make_inquiry):
    older = make_event("Alpha meeting", date(2025, 6, 1), format=EventFormat.IN_PERSON)
    newer = make_event("Zeta webinar", date(2026, 2, 1), format=EventFormat.ONLINE)
    for n in range(3):
        make_inquiry(f"S{n}", f"s{n}@example.org", event_id=newer.id)
    login(viewer)
    html = client.get("/events").get_data(as_text=True)
    assert html.index("Zeta webinar") < html.index("Alpha meeting")  # newest first by default
    counts = dict(re.findall(r'<tr data-event="(\d+)">.*?data-count="inquiries">(\d+)<', html, re.S))
    assert counts == {str(newer.id): "3", str(older.id): "0"}
    assert "New event" not in html  # only admins manage the event list
    html = client.get("/events?sort=title").get_data(as_text=True)
    assert html.index("Alpha meeting") < html.index("Zeta webinar")
    html = client.get("/events?year=2025").get_data(as_text=True)
    assert "Alpha meeting" in html and "Zeta webinar" not in html
    html = client.get("/events?format=online").get_data(as_text=True)
    assert "Zeta webinar" in html and "Alpha meeting" not in html
    html = client.get("/events?format=nonsense&sort=bogus").get_data(as_text=True)
    assert "Zeta webinar" in html and "Alpha meeting" in html


def test_list_query_count_does_not_grow_with_events(
    client, login, viewer, db, make_event, make_inquiry, make_organisation, count_statements
):
    host = make_organisation("Host")
    make_inquiry("S", "s@example.org", event_id=make_event("One", host=host).id)
    login(viewer)
    db.session.flush()
    with count_statements() as few:
        client.get("/events")
    for n in range(6):
        other_host = make_organisation(f"Host {n}")
        make_inquiry(f"S{n}", f"s{n}@example.org", event_id=make_event(f"Event {n}", host=other_host).id)
    db.session.flush()
    with count_statements() as many:
        client.get("/events")
    assert len(many) == len(few)


def test_detail_shows_inquiries_and_funnel(
    client, login, viewer, make_event, make_inquiry, make_contact, make_thread
):
    event = make_event("Webinar on amnesties")
    base = utcnow() - timedelta(days=3)
    answered = make_inquiry("Нурлан Абдуллаев", "n@example.kz", event_id=event.id, received_at=base)
    answered.first_response_at = base + timedelta(hours=5)
    answered.contact_id = make_contact().id
    make_thread(kind=ThreadKind.JOINT_INITIATIVE, title="Joint report", origin_inquiry=answered)
    waiting = make_inquiry("Someone waiting", "w@example.org", event_id=event.id, received_at=base)
    make_inquiry("Other event", "o@example.org")
    login(viewer)
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-label="Breadcrumb"' in html
    assert f'href="/inquiries/{answered.id}"' in html and f'href="/inquiries/{waiting.id}"' in html
    assert "Other event" not in html
    funnel = dict(re.findall(r'data-funnel="(\w+)">([^<]*)<', html))
    assert funnel == {
        "received": "2",
        "answered": "1",
        "converted": "1",
        "contacts": "1",
        "threads": "1",
        "consultation": "0",
        "material_exchange": "0",
        "joint_initiative": "1",
        "new_members": "0",
        "median": "5 hours",
        "p90": "5 hours",
    }
    assert "Edit" not in html
