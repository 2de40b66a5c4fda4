"""Two people edit the same record: the second save gets a conflict page instead of overwriting."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from crm.contacts.services import edit_contact
from crm.models import AuditEntry, Contact, Organisation, Thread
from crm.models.enums import ThreadKind, ThreadStage
from crm.pipeline.services import bulk_reassign
from crm.threads.services import change_stage
from tests.conftest import PASSWORD
from tests.helpers import _FormParser


def _form(client, page: str, action: str) -> list[tuple[str, str]]:
    """The fields of the form posting to `action` on `page`, as a browser would send them."""
    parser = _FormParser(None if page == action else action)  # an edit page's form posts to itself
    parser.feed(client.get(page).get_data(as_text=True))
    assert parser.found
    return parser.fields


def _post(client, action: str, fields: list[tuple[str, str]], **changes: str):
    data = [(k, v) for k, v in fields if k not in changes] + list(changes.items())
    return client.post(action, data=MultiDict(data))


def _second_client(app, user):
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return other


def _conflict_rows(page: str) -> dict[str, tuple[str, str]]:
    """{field label: (theirs, yours)} from the conflict table."""
    rows = re.findall(
        r'<th scope="row">(.*?)(?: <span[^>]*>[^<]*</span>)?</th>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>',
        page,
        re.S,
    )
    return {html.unescape(label): (html.unescape(t), html.unescape(y)) for label, t, y in rows}


def test_second_contact_save_gets_a_conflict_page_and_saves_nothing(
    app, db, client, staff, make_user, login, make_contact
):
    contact = make_contact(full_name="Aidana Sultanova", notes="first")
    db.session.commit()
    login(staff)
    other = _second_client(app, make_user())
    page, action = f"/contacts/{contact.id}/edit", f"/contacts/{contact.id}/edit"
    mine = _form(client, page, action)
    theirs = _form(other, page, action)
    assert ("version", "1") in mine and ("version", "1") in theirs

    assert _post(other, action, theirs, notes="their notes").status_code == 302
    assert contact.version == 2 and contact.notes == "their notes"

    response = _post(client, action, mine, notes="my notes", phone="+7 701 000 00 00")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    rows = _conflict_rows(text)
    assert rows["Notes"] == ("their notes", "my notes")
    assert rows["Phone"] == ("", "+7 701 000 00 00")
    assert rows["Full name"] == ("Aidana Sultanova", "Aidana Sultanova")
    db.session.expire_all()
    assert contact.notes == "their notes" and contact.phone == "" and contact.version == 2
    updates = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == contact.id, AuditEntry.action == "update")
    ).all()
    assert len(updates) == 1

    # Re-apply: the conflict page's form holds my values at their version; sending it saves mine.
    parser = _FormParser(None)
    parser.feed(text)
    kept = {name: value.strip() for name, value in parser.fields}
    assert kept["version"] == "2" and kept["notes"] == "my notes" and kept["phone"] == "+7 701 000 00 00"
    assert _post(client, action, parser.fields).status_code == 302
    db.session.expire_all()
    assert contact.notes == "my notes" and contact.phone == "+7 701 000 00 00" and contact.version == 3


def test_second_organisation_save_gets_a_conflict_page(
    app, db, client, staff, make_user, login, make_organisation
):
    organisation = make_organisation(name="Right to Nationality Network", website="")
    db.session.commit()
    login(staff)
    other = _second_client(app, make_user())
    page, action = f"/organisations/{organisation.id}/edit", f"/organisations/{organisation.id}/edit"
    mine, theirs = _form(client, page, action), _form(other, page, action)
    assert _post(other, action, theirs, website="https://theirs.example").status_code == 302
    response = _post(client, action, mine, website="https://mine.example")
    assert response.status_code == 409
    assert _conflict_rows(response.get_data(as_text=True))["Website"] == (
        "https://theirs.example",
        "https://mine.example",
    )
    db.session.expire_all()
    assert organisation.website == "https://theirs.example" and organisation.version == 2


def test_second_thread_edit_gets_a_conflict_page(app, db, client, staff, make_user, login, make_thread):
    thread = make_thread(title="Legal aid in Kyrgyzstan")
    db.session.commit()
    login(staff)
    other = _second_client(app, make_user())
    page, action = f"/threads/{thread.id}", f"/threads/{thread.id}/edit"
    mine, theirs = _form(client, page, action), _form(other, page, action)
    assert ("edit-version", "1") in mine
    assert _post(other, action, theirs, **{"edit-title": "Their title"}).status_code == 302
    response = _post(client, action, mine, **{"edit-title": "My title"})
    assert response.status_code == 409
    assert _conflict_rows(response.get_data(as_text=True))["Title"] == ("Their title", "My title")
    db.session.expire_all()
    assert thread.title == "Their title"


def test_a_stage_move_or_bulk_reassign_in_between_also_counts_as_a_newer_version(
    db, client, coordinator, login, make_thread, make_user
):
    thread = make_thread(title="Documentation campaign")
    login(coordinator)
    page, action = f"/threads/{thread.id}", f"/threads/{thread.id}/edit"
    mine = _form(client, page, action)
    change_stage(thread, ThreadStage.IN_PROGRESS, actor=coordinator)
    assert bulk_reassign("thread", [thread.id], make_user(), actor=coordinator) == 1
    db.session.flush()
    assert thread.version == 3
    assert _post(client, action, mine, **{"edit-title": "Renamed"}).status_code == 409


def test_a_write_based_on_a_stale_read_fails_instead_of_overwriting(db, staff, make_contact):
    """Even outside the forms: the UPDATE carries the version read, so a change made meanwhile wins."""
    contact = make_contact(full_name="Nurlan Abenov")
    db.session.flush()
    # Someone else's committed change, behind this session's back.
    db.session.execute(
        update(Contact.__table__).where(Contact.id == contact.id).values(notes="theirs", version=2)
    )
    edit_contact(contact, {"notes": "mine"}, actor=staff, may_set_sensitive=False, may_set_owner=False)
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()


def test_a_lost_race_between_check_and_save_shows_the_409_page(
    db, client, staff, login, make_thread, monkeypatch
):
    thread = make_thread(title="Amnesty research")
    login(staff)
    page, action = f"/threads/{thread.id}", f"/threads/{thread.id}/edit"
    fields = _form(client, page, action)
    from crm.threads import services

    real = services.update_thread

    def racing(thread_, data, *, actor):
        # Another request commits between this one's version check and its UPDATE.
        db.session.execute(update(Thread.__table__).where(Thread.id == thread_.id).values(version=5))
        return real(thread_, data, actor=actor)

    monkeypatch.setattr(services, "update_thread", racing)
    response = _post(client, action, fields, **{"edit-title": "Mine"})
    assert response.status_code == 409
    assert "Changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).title == "Amnesty research"


def test_services_that_update_versioned_rows_still_work(
    db, coordinator, make_thread, make_organisation, make_user
):
    owner = make_user()
    threads = [make_thread(title=f"T{i}", kind=ThreadKind.JOINT_INITIATIVE) for i in range(3)]
    organisation = make_organisation()
    db.session.flush()
    assert bulk_reassign("thread", [t.id for t in threads], owner, actor=coordinator) == 3
    assert bulk_reassign("organisation", [organisation.id], owner, actor=coordinator) == 1
    db.session.flush()
    db.session.expire_all()
    assert [t.owner_id for t in threads] == [owner.id] * 3 and [t.version for t in threads] == [2, 2, 2]
    assert db.session.get(Organisation, organisation.id).version == 2
