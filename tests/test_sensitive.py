"""Special-category data (lived experience of statelessness) never reaches staff or viewers,
and is masked for coordinators and admins until they reveal it, each reveal audited."""

import pytest
from sqlalchemy import select

from crm.contacts.services import add_affiliation
from crm.inquiries.services import convert_inquiry
from crm.models import AuditEntry, ContactList
from crm.models.enums import Role, ThreadKind

NOTE = "Was stateless until 2019; prefers not to be named"


@pytest.fixture
def sensitive_world(db, staff, make_inquiry, make_organisation, make_event):
    event = make_event()
    inquiry = make_inquiry(
        sender_name="Гулшан Юсупова",
        sender_email="gulshan@example.tj",
        sender_country="TJ",
        event_id=event.id,
    )
    result = convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    contact = result.contact
    contact.lived_experience = True
    contact.sensitive_notes = NOTE
    organisation = make_organisation(name="Khujand Legal Aid", country_code="TJ")
    add_affiliation(contact, organisation, "Paralegal", actor=staff)
    contact_list = ContactList(name="Tajikistan partners", kind="static", members=[contact])
    db.session.add(contact_list)
    db.session.flush()
    return {
        "pages": [
            "/contacts",
            f"/contacts/{contact.id}",
            f"/organisations/{organisation.id}",
            "/countries/TJ",
            f"/threads/{result.thread.id}",
            f"/inquiries/{inquiry.id}",
        ],
        "contact": contact,
        "ids": {
            "contact_id": contact.id,
            "organisation_id": organisation.id,
            "thread_id": result.thread.id,
            "inquiry_id": inquiry.id,
            "event_id": event.id,
            "list_id": contact_list.id,
            "alpha2": "TJ",
        },
    }


def _reads_sensitive(statements):
    return [s for s in statements if "sensitive_notes" in s or "lived_experience" in s]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF])
def test_no_page_shows_or_even_reads_sensitive_attributes(
    db, client, make_user, login, sensitive_world, count_statements, role
):
    login(make_user(role))
    for url in sensitive_world["pages"]:
        db.session.expire_all()
        with count_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        assert NOTE not in response.get_data(as_text=True), url
        assert not _reads_sensitive(statements), url


def _every_get_url(app, ids):
    """Every GET route of the URL map, its arguments filled with the world's ids (so new routes are covered)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {name: ids.get(name, ids["contact_id"]) for name in rule.arguments}
        path = rule.build(values, append_unknown=False)[1]
        urls.append(f"{path}?q=%D0%93%D1%83%D0%BB%D1%88%D0%B0%D0%BD&format=csv")
    return urls


@pytest.mark.parametrize("role", list(Role))
def test_no_get_route_of_the_app_shows_or_reads_them_for_any_role(
    app, db, client, make_user, login, sensitive_world, count_statements, role
):
    """Lists, search, boards, reports, export pages, JSON: no GET shows them; only the audited POST does."""
    login(make_user(role))
    urls = _every_get_url(app, sensitive_world["ids"])
    assert len(urls) > 30
    for url in urls:
        if url.startswith("/logout"):
            continue
        db.session.expire_all()
        with count_statements() as statements:
            response = client.get(url)
        assert response.status_code < 500, url
        assert NOTE not in response.get_data(as_text=True), url
        assert not _reads_sensitive(statements), url


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_them_only_after_an_audited_reveal(
    db, client, make_user, login, sensitive_world, role
):
    user = make_user(role)
    login(user)
    contact = sensitive_world["contact"]
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert NOTE not in page and "Reveal" in page

    response = client.post(f"/contacts/{contact.id}/sensitive/reveal")
    assert response.status_code == 200
    assert NOTE in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal_sensitive")).all()
    assert [(e.actor_id, e.entity_type, e.entity_id) for e in entries] == [(user.id, "contact", contact.id)]
    assert NOTE not in str(entries[0].changes)
    # Leaving and coming back masks them again.
    assert NOTE not in client.get(f"/contacts/{contact.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF])
def test_lower_roles_can_neither_reveal_nor_change_them(db, client, make_user, login, sensitive_world, role):
    login(make_user(role))
    contact = sensitive_world["contact"]
    assert client.post(f"/contacts/{contact.id}/sensitive/reveal").status_code == 403
    response = client.post(f"/contacts/{contact.id}/sensitive", data={"sensitive_notes": "overwritten"})
    assert response.status_code == 403
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reveal_sensitive")) is None
    db.session.expire(contact)
    assert contact.sensitive_notes == NOTE


def test_a_coordinator_changes_them_from_the_revealed_block(db, client, coordinator, login, sensitive_world):
    login(coordinator)
    contact = sensitive_world["contact"]
    response = client.post(
        f"/contacts/{contact.id}/sensitive",
        data={"lived_experience": "", "sensitive_notes": "Now has papers"},
    )
    assert response.status_code == 302
    db.session.expire(contact)
    assert (contact.lived_experience, contact.sensitive_notes) == (False, "Now has papers")
    updates = select(AuditEntry).where(AuditEntry.action == "update").order_by(AuditEntry.id.desc())
    update = db.session.scalars(updates).first()
    assert update.changes == {"lived_experience": ["…", "…"], "sensitive_notes": ["…", "…"]}


def test_the_edit_form_no_longer_shows_them_unmasked(client, coordinator, login, sensitive_world):
    login(coordinator)
    page = client.get(f"/contacts/{sensitive_world['contact'].id}/edit").get_data(as_text=True)
    assert NOTE not in page and 'name="sensitive_notes"' not in page
