"""Role checks on the server: a lower role gets 403, the attempt is audited, and nothing changes;
fields a role may not set are ignored when posted anyway."""

import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from crm.models import AuditEntry, Contact, Inquiry, Organisation, Thread, User
from crm.models.enums import Role
from tests.helpers import _FormParser

# Open to every signed-in user (their own account and language, signing out).
OWN_ACCOUNT = {"auth.login", "auth.logout", "auth.change_password", "auth.language", "main.health", "static"}


def _counts(db):
    db.session.expire_all()
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Contact, Organisation, Inquiry, Thread, User)
    ]


def test_a_viewer_is_refused_every_change_and_each_refusal_is_audited(app, db, client, viewer, login):
    login(viewer)
    before = _counts(db)
    refused = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OWN_ACCOUNT:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            status = client.open(url, method=method, data={"name": "x", "role": "admin"}).status_code
            if method == "POST":
                assert status == 403, (method, url)  # before any lookup: no 404 that leaks existence
            if status == 403:
                refused.append((method, url))
    assert _counts(db) == before
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "forbidden")).all()
    assert sorted((e.changes["method"], e.changes["path"]) for e in audited) == sorted(refused)
    assert {(e.actor_id, e.entity_type, e.changes["role"]) for e in audited} == {
        (viewer.id, "route", "viewer")
    }
    assert len(refused) >= 60
    assert next(e for e in audited if e.changes["path"] == "/admin/users").changes["needed"] == "admin"


def test_a_refused_request_is_logged_with_who_and_what(client, staff, login, caplog):
    login(staff)
    caplog.set_level("WARNING", logger="crm.main.errors")
    assert client.post("/admin/users/1/role", data={"role": "admin"}).status_code == 403
    (line,) = [r.getMessage() for r in caplog.records if r.name == "crm.main.errors"]
    assert line == f"forbidden: user={staff.id} role=staff needed=admin POST /admin/users/1/role"


def _post_form(client, page_url, changes, extra):
    """Post the main form of a page as rendered, with some fields changed and extra ones smuggled in."""
    parser = _FormParser(None)  # the page's form without an action attribute (posts to itself)
    parser.feed(client.get(page_url).get_data(as_text=True))
    assert parser.found, page_url
    data = (
        [(k, v) for k, v in parser.fields if k not in changes] + list(changes.items()) + list(extra.items())
    )
    return client.post(page_url, data=MultiDict(data))


def test_staff_cannot_set_owner_sensitive_or_bookkeeping_fields_by_posting_them(
    db, client, staff, coordinator, login, make_contact, make_organisation
):
    contact = make_contact(full_name="Original Name", lived_experience=True, sensitive_notes="kept")
    organisation = make_organisation(name="Original Org")
    db.session.commit()
    login(staff)
    smuggled = {
        "owner_id": str(coordinator.id),
        "lived_experience": "",
        "sensitive_notes": "overwritten",
        "id": "999",
        "version": "77",
        "deleted_at": "2026-01-01T00:00:00",
        "merged_into_id": str(organisation.id),
        "created_at": "2000-01-01T00:00:00",
        "role": "admin",
    }
    response = _post_form(client, f"/contacts/{contact.id}/edit", {"full_name": "Renamed"}, smuggled)
    assert response.status_code == 302
    response = _post_form(client, f"/organisations/{organisation.id}/edit", {"name": "Renamed Org"}, smuggled)
    assert response.status_code == 302
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    assert (contact.full_name, contact.owner_id, contact.id) == ("Renamed", staff.id, contact.id)
    assert (contact.lived_experience, contact.sensitive_notes) == (True, "kept")
    assert contact.deleted_at is None and contact.merged_into_id is None and contact.created_at.year != 2000
    organisation = db.session.get(Organisation, organisation.id)
    assert (organisation.name, organisation.owner_id, organisation.deleted_at) == (
        "Renamed Org",
        staff.id,
        None,
    )
    assert db.session.get(User, staff.id).role == Role.STAFF


def test_staff_cannot_hand_an_inquiry_to_a_colleague_by_posting_the_assignee(
    db, client, staff, coordinator, login, make_inquiry
):
    inquiry = make_inquiry(sender_name="Original")
    db.session.commit()
    login(staff)
    extra = {"assignee_id": str(coordinator.id), "status": "converted", "contact_id": "1"}
    response = _post_form(client, f"/inquiries/{inquiry.id}/edit", {"sender_name": "Edited"}, extra)
    assert response.status_code == 302
    db.session.expire_all()
    inquiry = db.session.get(Inquiry, inquiry.id)
    assert (inquiry.sender_name, inquiry.assignee_id, inquiry.status.value) == ("Edited", None, "new")
    assert (
        client.post(
            f"/inquiries/{inquiry.id}/assign", data={"assign-assignee_id": coordinator.id}
        ).status_code
        == 403
    )
