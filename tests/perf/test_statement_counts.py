"""Every page issues a fixed number of SQL statements, whatever the amount of data and the page size.

One test builds a small network of linked records, counts the statements of every page a signed-in
user can open (lists, records, boards, reports, forms, the duplicate and import pages, admin pages),
then adds ten times more of everything (linked to the same records, so detail pages have more to
show) and shrinks the page size, and expects exactly the same counts. Another test fails when a
page is added to the app without being counted here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.contacts.services import add_affiliation
from crm.duplicates.scan import scan_all
from crm.imports.reading import Limits
from crm.imports.services import Settings, build_preview, commit_import
from crm.lists.services import add_members, create_list
from crm.models import Country, Topic
from crm.models.enums import InteractionKind, MembershipStatus, ThreadKind
from crm.safety.deletion import delete_record
from crm.threads.services import add_interaction
from tests.imports.conftest import ZOOM_HEADER, csv_bytes, zoom_rows
from tests.imports.test_views import upload

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
    first["twin"] = make_contact("Aigerim Nurgaliyeva", "a.n@ngo.kz")  # a likely duplicate of the first
    preview = build_preview(
        csv_bytes([ZOOM_HEADER, *zoom_rows(3)]), "r.csv", Settings(), Limits(), actor=coordinator
    )
    first["batch"] = commit_import(preview, actor=coordinator)
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
            # More to review, to restore and to manage: likely duplicates (of each other and of the
            # first contact), a deleted contact, a tag and a topic, an inquiry in the first import.
            make_contact(f"Twin {n}", f"twin{n}@example.org")
            make_contact(f"Twin {n}", f"Twin{n}@example.org")
            make_contact("Айгерим Нургалиева", f"aigerim{n}@example.org")
            delete_record(make_contact(f"Deleted {n}", f"d{n}@example.org"), actor=coordinator)
            make_tag(f"Tag {n}")
            db.session.add(Topic(name=f"Topic {n}"))
            make_inquiry(f"Imported {n}", f"i{n}@example.org").import_batch_id = first["batch"].id
        db.session.flush()
        scan_all(actor=coordinator)

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
        "/search?q=Person",
        "/duplicates",
        f"/duplicates/contacts/{first['contact'].id}/merge-with",
        f"/duplicates/contacts/{first['contact'].id}/merge/{first['twin'].id}",
        "/admin/deleted",
        "/admin/tags",
        "/admin/topics",
        f"/imports/{first['batch'].id}",
        # Forms and confirmation pages
        "/contacts/new",
        f"/contacts/{first['contact'].id}/edit",
        f"/contacts/{first['contact'].id}/delete",
        f"/contacts/{first['contact'].id}/erase",
        "/organisations/new",
        f"/organisations/{first['organisation'].id}/edit",
        f"/organisations/{first['organisation'].id}/delete",
        "/inquiries/new",
        f"/inquiries/{first['inquiry'].id}/edit",
        "/threads/new",
        "/events/new",
        f"/events/{first['event'].id}/edit",
        "/lists/new",
        f"/lists/{first['list'].id}/edit",
        "/imports/new",
        "/contacts/export?country=KZ",
        f"/lists/{first['list'].id}/export",
        "/organisations/export",
        "/inquiries/export",
        "/threads/export",
        "/account/password",
        "/health",
    ]


# Pages counted elsewhere, or not pages a signed-in user opens.
NOT_HERE = {
    "static": "files, no SQL",
    "auth.login": "a signed-in user is sent on",
    "imports.preview": "needs an upload: test_import_preview_takes_the_same_statements_for_any_file",
}


def test_every_page_of_the_app_is_counted(app, network):
    first, _grow = network
    adapter = app.url_map.bind("localhost")
    counted = {adapter.match(path.split("?")[0], method="GET")[0] for path in _pages(first)}
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert pages - counted - NOT_HERE.keys() == set()


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
    assert min(small.values()) > 0
    grow(20)
    monkeypatch.setitem(app.config, "PER_PAGE", 5)  # page size changes: fewer rows per page, more pages
    large = {path: statements(path) for path in _pages(first)}
    # The new data reached the pages (a page of 5 now, 20 more of everything).
    grown = {
        f"/imports/{first['batch'].id}": "Imported ",
        "/admin/deleted": "Deleted ",
        "/duplicates": "Twin ",
        f"/duplicates/contacts/{first['contact'].id}/merge-with": "Compare and merge",
    }
    shown = {path: client.get(path).get_data(as_text=True).count(text) for path, text in grown.items()}
    assert all(count >= 5 for count in shown.values()), shown

    assert large == small
    assert {path: n for path, n in small.items() if n > CEILING} == {}


def test_import_preview_takes_the_same_statements_for_any_file(
    db, client, login, staff, make_contact, count_statements
):
    login(staff)
    make_contact("Aigulb Bekovab", "aigul1@example.org")  # a row that matches a contact, too

    def statements(rows: int) -> int:
        url = upload(client, csv_bytes([ZOOM_HEADER, *zoom_rows(rows)])).headers["Location"]
        db.session.expire_all()
        with count_statements() as seen:
            page = client.get(url)
        assert page.status_code == 200 and page.get_data(as_text=True).count('class="import-row"') == rows
        return len(seen)

    small = statements(3)
    assert 0 < small <= CEILING
    assert statements(30) == small
