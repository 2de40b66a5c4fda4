"""Every page issues a fixed number of SQL statements, whatever the amount of data and the page size.

One test builds a small network of linked records, counts the statements of every list, detail,
board and report page, then adds ten times more of everything (linked to the same records, so
detail pages have more to show) and shrinks the page size, and expects exactly the same counts.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.contacts.services import add_affiliation
from crm.lists.services import add_members, create_list
from crm.models import Country
from crm.models.enums import InteractionKind, MembershipStatus, ThreadKind
from crm.threads.services import add_interaction

# The most statements any page may issue; each page's own number must not move at all.
CEILING = 16


@pytest.fixture
def network(
    db, coordinator, make_contact, make_organisation, make_inquiry, make_thread, make_event, make_tag
):
    """The records every page is opened for, and `grow(n)` to add n more of everything around them."""
    kz = db.session.get(Country, "KZ")
    tag = make_tag("Webinar 2026")
    event = make_event()
    first = {
        "contact": make_contact(tags=[tag]),
        "organisation": make_organisation(membership_status=MembershipStatus.PROSPECT),
        "event": event,
    }
    first["inquiry"] = make_inquiry(event_id=event.id)
    first["thread"] = make_thread(
        contacts=[first["contact"]], organisations=[first["organisation"]], countries=[kz], actor=coordinator
    )
    first["list"] = create_list("Invitations", actor=coordinator)
    counter = iter(range(1, 10_000))

    def grow(count: int) -> None:
        for _ in range(count):
            n = next(counter)
            person = make_contact(f"Person {n} Иванова", f"p{n}@example.org", tags=[tag])
            organisation = make_organisation(f"Organisation {n}", membership_status=MembershipStatus.INVITED)
            add_affiliation(person, first["organisation"], "Member", actor=coordinator)
            add_affiliation(first["contact"], organisation, f"Role {n}", actor=coordinator)
            make_inquiry(sender_name=f"Sender {n}", sender_email=f"s{n}@example.org", event_id=event.id)
            thread = make_thread(
                kind=ThreadKind.CONSULTATION,
                title=f"Thread {n}",
                contacts=[person, first["contact"]],
                organisations=[organisation, first["organisation"]],
                countries=[kz],
                next_action=f"Call {n}",
                next_action_due=date(2026, 1, 1) + timedelta(days=n),
            )
            add_interaction(thread, InteractionKind.CALL, f"Call {n}", actor=coordinator, contacts=[person])
            add_interaction(
                first["thread"], InteractionKind.NOTE, f"Note {n}", actor=coordinator, contacts=[person]
            )
            add_members(first["list"], [person.id], actor=coordinator)
        db.session.flush()

    grow(2)
    return first, grow


def _pages(first) -> list[str]:
    return [
        "/",
        "/contacts",
        "/contacts?country=KZ&sort=name",
        f"/contacts/{first['contact'].id}",
        "/organisations",
        f"/organisations/{first['organisation'].id}",
        "/organisations/lookup?q=organisation",
        "/inquiries",
        f"/inquiries/{first['inquiry'].id}",
        "/threads",
        f"/threads/{first['thread'].id}",
        "/events",
        f"/events/{first['event'].id}",
        "/countries",
        "/countries/KZ",
        "/lists",
        f"/lists/{first['list'].id}",
        "/imports",
        "/pipeline/inquiries",
        "/pipeline/threads",
        "/pipeline/membership",
        "/reports",
        "/admin/users",
    ]


def test_every_page_takes_the_same_statements_at_any_size(
    app, db, client, login, admin, network, count_statements, monkeypatch
):
    first, grow = network
    login(admin)

    def statements(path: str) -> int:
        db.session.expire_all()  # the app shares the test's session: start each page cold
        with count_statements() as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        return len(seen)

    small = {path: statements(path) for path in _pages(first)}
    grow(20)
    monkeypatch.setitem(app.config, "PER_PAGE", 5)  # page size changes: fewer rows per page, more pages
    large = {path: statements(path) for path in _pages(first)}

    assert large == small
    assert {path: n for path, n in small.items() if n > CEILING} == {}
