"""List pages: everyone reads, staff manage; bulk add from /contacts; smart lists from a filter."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from crm.lists import services
from crm.models import AuditEntry, ContactList
from tests.helpers import submit


def _members(db, contact_list) -> list[str]:
    return sorted(c.full_name for c in db.session.scalars(services.list_contacts_query(contact_list)))


def test_viewers_see_lists_but_cannot_change_them(client, db, login, viewer, staff, make_contact):
    person = make_contact()
    board = services.create_list("Board", actor=staff, description="Advisory board")
    services.add_members(board, [person.id], actor=staff)
    login(viewer)
    index = client.get("/lists").get_data(as_text=True)
    assert "Board" in index and "Advisory board" in index and "New static list" not in index
    detail = client.get(f"/lists/{board.id}").get_data(as_text=True)
    assert person.full_name in detail and "Rename" not in detail and "remove-form" not in detail
    for url in ("/lists/new", f"/lists/{board.id}/edit"):
        assert client.get(url).status_code == 403
    for url in (
        f"/lists/{board.id}/delete",
        f"/lists/{board.id}/members",
        f"/lists/{board.id}/members/remove",
        "/lists/add",
    ):
        assert client.post(url, data={"ids": str(person.id), "list_id": str(board.id)}).status_code == 403
    assert _members(db, board) == [person.full_name]


def test_staff_create_rename_and_delete_a_static_list(client, db, login, staff):
    login(staff)
    response = submit(
        client, "/lists/new", "/lists/new?", name="  Webinar   speakers ", description="Oct 2026"
    )
    board = db.session.scalar(select(ContactList))
    assert response.status_code == 302 and response.headers["Location"] == f"/lists/{board.id}"
    assert (board.name, board.kind, board.description) == ("Webinar speakers", "static", "Oct 2026")
    again = submit(client, "/lists/new", "/lists/new?", name="webinar speakers")
    assert again.status_code == 200 and "There is already a list called" in again.get_data(as_text=True)
    edit = f"/lists/{board.id}/edit"
    assert submit(client, edit, edit + "?", name="Speakers").status_code == 302
    assert board.name == "Speakers"
    assert submit(client, f"/lists/{board.id}", f"/lists/{board.id}/delete").status_code == 302
    assert db.session.scalar(select(ContactList)) is None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "contactlist")
    ).all()
    assert actions == ["create", "update", "delete"]


def test_bulk_add_the_ticked_contacts_from_the_contacts_page(client, db, login, staff, make_contact):
    people = [make_contact(full_name=f"Person {n}", email=f"p{n}@example.org") for n in range(3)]
    board = services.create_list("Board", actor=staff)
    login(staff)
    page = client.get("/contacts?country=KZ").get_data(as_text=True)
    assert 'id="bulk-form"' in page and f'value="{people[0].id}" form="bulk-form"' in page
    response = submit(
        client, "/contacts?country=KZ", "/lists/add", ids=str(people[0].id), list_id=str(board.id)
    )
    assert response.headers["Location"] == "/contacts?country=KZ"
    response = client.post(
        "/lists/add",
        data=MultiDict(
            [
                ("ids", str(people[1].id)),
                ("ids", str(people[2].id)),
                ("list_id", ""),
                ("new_list", "Follow-up"),
            ]
        ),
    )
    assert response.status_code == 302
    follow_up = db.session.scalar(select(ContactList).where(ContactList.name == "Follow-up"))
    assert _members(db, board) == ["Person 0"]
    assert _members(db, follow_up) == ["Person 1", "Person 2"]
    client.post("/lists/add", data={"ids": str(people[0].id), "list_id": "", "new_list": ""})
    assert "Choose a list, or name a new one." in client.get("/contacts").get_data(as_text=True)


def test_on_a_static_list_page_find_people_add_them_and_take_them_off(client, db, login, staff, make_contact):
    aigerim = make_contact(full_name="Айгерим Нургалиева")
    bolat = make_contact(full_name="Bolat Seitkali", email="bolat@example.kz")
    board = services.create_list("Board", actor=staff)
    login(staff)
    url = f"/lists/{board.id}"
    found = client.get(f"{url}?find=Aigerim").get_data(as_text=True)  # a Latin search finds a Cyrillic name
    assert "Айгерим Нургалиева" in found and "Bolat" not in found
    assert submit(client, f"{url}?find=Aigerim", f"{url}/members", ids=str(aigerim.id)).status_code == 302
    services.add_members(board, [bolat.id], actor=staff)
    assert _members(db, board) == ["Bolat Seitkali", "Айгерим Нургалиева"]
    assert "Nobody found" in client.get(f"{url}?find=Aigerim").get_data(as_text=True)
    response = submit(client, url, f"{url}/members/remove", ids=str(bolat.id))
    assert response.headers["Location"] == url
    assert _members(db, board) == ["Айгерим Нургалиева"]


def test_save_the_contacts_filter_as_a_smart_list_that_follows_new_contacts(
    client, db, login, staff, make_contact
):
    make_contact(full_name="Kyrgyz One", country_code="KG")
    make_contact(full_name="Kazakh One", email="kz@example.kz", country_code="KZ")
    login(staff)
    contacts = client.get("/contacts?country=KG&sort=-name").get_data(as_text=True)
    assert 'href="/lists/new?smart=1&amp;country=KG"' in contacts
    assert "Save as smart list" not in client.get("/contacts").get_data(as_text=True)  # nothing to save
    page = client.get("/lists/new?smart=1&country=KG").get_data(as_text=True)
    assert "Country: <strong>Kyrgyzstan</strong>" in page
    response = submit(
        client, "/lists/new?smart=1&country=KG", "/lists/new?smart=1&country=KG", name="Kyrgyzstan"
    )
    smart = db.session.scalar(select(ContactList))
    assert response.headers["Location"] == f"/lists/{smart.id}"
    assert (smart.kind, smart.filters) == ("smart", {"country": "KG"})
    detail = client.get(f"/lists/{smart.id}").get_data(as_text=True)
    assert "Kyrgyz One" in detail and "Kazakh One" not in detail
    assert 'href="/contacts?country=KG"' in detail
    make_contact(full_name="Kyrgyz Two", email="two@example.kg", country_code="KG")
    assert "Kyrgyz Two" in client.get(f"/lists/{smart.id}").get_data(as_text=True)


def test_the_contact_page_shows_its_lists_and_adds_to_one(client, db, login, staff, make_contact):
    person = make_contact(country_code="KG")
    board = services.create_list("Board", actor=staff)
    services.create_list("Kyrgyzstan", actor=staff, kind="smart", filters={"country": "KG"})
    services.create_list("Thailand", actor=staff, kind="smart", filters={"country": "TH"})
    login(staff)
    url = f"/contacts/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Kyrgyzstan" in page and "Thailand" not in page and "Not on any list" not in page
    response = submit(client, url, "/lists/add", list_id=str(board.id))
    assert response.headers["Location"] == url
    assert _members(db, board) == [person.full_name]
    page = client.get(url).get_data(as_text=True)
    assert f'action="/lists/{board.id}/members/remove"' in page
    submit(client, url, f"/lists/{board.id}/members/remove")
    assert _members(db, board) == []
