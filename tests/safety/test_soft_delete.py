"""Soft delete: who may, what the pages say, restore, and that deleted or merged records show nowhere."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm.contacts.services import add_affiliation, contact_filter_conditions, likely_contacts
from crm.exports import records
from crm.exports.services import consent_summary, source_from_filters, source_from_list
from crm.imports.rows import KnownContacts
from crm.inquiries.services import triage
from crm.lists.services import add_members, create_list, list_overview
from crm.models import AuditEntry, Contact, Organisation
from crm.models.enums import MembershipStatus
from crm.organisations.services import (
    likely_organisations,
    lookup_organisations,
    organisation_filter_conditions,
    people_counts,
)
from crm.pipeline.services import BoardFilters, Clock, membership_board
from crm.reports.services import ReportFilters, funnel
from crm.safety.deletion import DeletionError, delete_record, restore_record
from crm.threads.services import ThreadOrigin

NOW = datetime.now(UTC)


@pytest.fixture
def pair(db, staff, make_contact, make_organisation):
    """A live and a deleted contact, each at a live and a deleted organisation respectively."""
    live_org = make_organisation(name="Live Org", membership_status=MembershipStatus.MEMBER)
    gone_org = make_organisation(name="Gone Org", membership_status=MembershipStatus.MEMBER)
    for org in (live_org, gone_org):
        org.member_since = date.today()
    live = make_contact(full_name="Live Person", email="live@example.kz", consent_to_contact=True)
    gone = make_contact(full_name="Gone Person", email="gone@example.kz", consent_to_contact=True)
    add_affiliation(live, live_org, "Director", actor=staff)
    add_affiliation(gone, live_org, "Lawyer", actor=staff)
    add_affiliation(live, gone_org, "Adviser", actor=staff)
    delete_record(gone, actor=staff)
    delete_record(gone_org, actor=staff)
    db.session.flush()
    return live, gone, live_org, gone_org


def _ids(db, model, conditions) -> list[int]:
    return list(db.session.scalars(select(model.id).where(*conditions).order_by(model.id)))


# --- who may, and what happens ---------------------------------------------------------------


def test_staff_may_not_delete(client, staff, login, make_contact):
    contact = make_contact()
    login(staff)
    assert client.get(f"/contacts/{contact.id}/delete").status_code == 403
    assert client.post(f"/contacts/{contact.id}/delete").status_code == 403
    assert contact.deleted_at is None
    assert "/delete" not in client.get(f"/contacts/{contact.id}").get_data(as_text=True)


def test_a_coordinator_confirms_then_deletes_and_it_is_audited(db, client, coordinator, login, make_contact):
    contact = make_contact(full_name="Erlan Tokhtarov")
    login(coordinator)
    detail = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f'href="/contacts/{contact.id}/delete"' in detail
    confirm = client.get(f"/contacts/{contact.id}/delete")
    assert confirm.status_code == 200 and "Delete “Erlan Tokhtarov”?" in confirm.get_data(as_text=True)
    assert contact.deleted_at is None  # the confirmation page changes nothing
    response = client.post(f"/contacts/{contact.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/contacts"
    assert contact.deleted_at is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()
    assert (entry.entity_type, entry.entity_id, entry.actor_id) == ("contact", contact.id, coordinator.id)
    # Gone for everyone but admins: detail and edit are 404, like a record that never existed.
    assert client.get(f"/contacts/{contact.id}").status_code == 404
    assert client.get(f"/contacts/{contact.id}/edit").status_code == 404
    assert client.post(f"/contacts/{contact.id}/delete").status_code == 404


def test_admins_see_deleted_records_and_restore_them_with_their_links(
    db, client, staff, admin, login, make_contact, make_organisation, make_thread
):
    organisation = make_organisation(name="Nationality Forum")
    contact = make_contact(full_name="Saule Dzhaksybekova")
    add_affiliation(contact, organisation, "Researcher", actor=staff)
    thread = make_thread(contacts=[contact], organisations=[organisation])
    delete_record(contact, actor=staff)
    delete_record(organisation, actor=staff)
    login(admin)
    page = client.get("/admin/deleted").get_data(as_text=True)
    assert "Saule Dzhaksybekova" in page and "Nationality Forum" in page and "Staff Member" in page
    detail = client.get(f"/contacts/{contact.id}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert "Deleted." in text and f"/admin/deleted/contact/{contact.id}/restore" in text
    assert f"/contacts/{contact.id}/edit" not in text  # restore first, then edit

    response = client.post(f"/admin/deleted/contact/{contact.id}/restore")
    assert response.status_code == 302 and response.headers["Location"] == f"/contacts/{contact.id}"
    assert client.post(f"/admin/deleted/organisation/{organisation.id}/restore").status_code == 302
    assert contact.deleted_at is None and organisation.deleted_at is None
    assert [a.organisation for a in contact.affiliations] == [organisation]
    assert thread.contacts == [contact] and thread.organisations == [organisation]
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "contact", AuditEntry.entity_id == contact.id
        )
    ).all()
    assert actions.count("delete") == 1 and actions.count("restore") == 1
    assert "Nothing has been deleted." in client.get("/admin/deleted").get_data(as_text=True)


def test_only_admins_reach_the_deleted_records(client, coordinator, login):
    login(coordinator)
    assert client.get("/admin/deleted").status_code == 403
    assert client.post("/admin/deleted/contact/1/restore").status_code == 403


def test_deleting_twice_or_a_merged_record_is_refused(db, staff, make_contact):
    contact = make_contact()
    delete_record(contact, actor=staff)
    with pytest.raises(DeletionError, match="already deleted"):
        delete_record(contact, actor=staff)
    restore_record(contact, actor=staff)
    with pytest.raises(DeletionError, match="not deleted"):
        restore_record(contact, actor=staff)
    other = make_contact(full_name="Survivor", email="s@example.kz")
    contact.merged_into_id = other.id
    with pytest.raises(DeletionError, match="merged"):
        delete_record(contact, actor=staff)


def test_organisations_are_deleted_the_same_way(client, coordinator, login, make_organisation):
    organisation = make_organisation(name="Old Coalition")
    login(coordinator)
    assert client.post(f"/organisations/{organisation.id}/delete").status_code == 302
    assert organisation.deleted_at is not None
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
    assert "Old Coalition" not in client.get("/organisations").get_data(as_text=True)


# --- left out everywhere -------------------------------------------------------------------------


def test_lists_and_their_filters_leave_out_deleted_and_merged(db, client, staff, login, pair, make_contact):
    live, gone, live_org, gone_org = pair
    merged = make_contact(full_name="Merged Person", email="merged@example.kz")
    merged.merged_into_id = live.id
    db.session.flush()
    assert _ids(db, Contact, contact_filter_conditions({})) == [live.id]
    assert _ids(db, Organisation, organisation_filter_conditions({})) == [live_org.id]
    login(staff)
    contacts = client.get("/contacts").get_data(as_text=True)
    assert "Live Person" in contacts and "Gone Person" not in contacts and "Merged Person" not in contacts
    assert "Gone Org" not in client.get("/organisations").get_data(as_text=True)
    by_org = client.get(f"/contacts?organisation={live_org.id}").get_data(as_text=True)
    assert "Live Person" in by_org and "Gone Person" not in by_org


def test_details_counts_and_country_pages_leave_them_out(db, client, staff, login, pair):
    live, gone, live_org, gone_org = pair
    assert people_counts([live_org.id]) == {live_org.id: 1}
    login(staff)
    org_page = client.get(f"/organisations/{live_org.id}").get_data(as_text=True)
    assert "Live Person" in org_page and "Gone Person" not in org_page
    contact_page = client.get(f"/contacts/{live.id}").get_data(as_text=True)
    assert "Live Org" in contact_page and "Gone Org" not in contact_page
    country = client.get("/countries/KZ").get_data(as_text=True)
    assert "Live Person" in country and "Gone Person" not in country and "Gone Org" not in country


def test_exports_leave_them_out(db, staff, pair):
    live, gone, live_org, gone_org = pair
    source = source_from_filters({})
    assert consent_summary(source).total == 1
    assert db.session.scalars(source.select(Contact.full_name)).all() == ["Live Person"]
    plan = records.record_export_plan(records.KINDS["organisations"], {})
    rows = [row for chunk in records.record_chunks(plan) for row in chunk]
    assert [(row[0], row[7]) for row in rows] == [("Live Org", 1)]  # name, people (live ones)


def test_contact_lists_leave_them_out(db, staff, pair):
    live, gone, live_org, gone_org = pair
    static = create_list("Webinar follow-up", actor=staff)
    assert add_members(static, [live.id, gone.id], actor=staff) == 1  # a deleted person is not added
    smart = create_list("Kazakhstan", actor=staff, kind="smart", filters={"country": "KZ"})
    assert {row.contact_list.name: row.count for row in list_overview()} == {
        "Kazakhstan": 1,
        "Webinar follow-up": 1,
    }
    restore_record(gone, actor=staff)
    add_members(static, [gone.id], actor=staff)
    delete_record(gone, actor=staff)  # on the list, then deleted: left out of its count and export
    assert db.session.scalars(source_from_list(static).select(Contact.full_name)).all() == ["Live Person"]
    assert {row.contact_list.name: row.count for row in list_overview()}["Webinar follow-up"] == 1
    assert smart.id


def test_boards_reports_and_pickers_leave_them_out(db, staff, pair):
    live, gone, live_org, gone_org = pair
    board = membership_board(BoardFilters(), Clock(now=NOW, stale_days=14, response_days=3))
    assert [card.title for column in board.columns for card in column.cards] == ["Live Org"]
    report = funnel(ReportFilters(), now=NOW, today=NOW.date(), stale_days=14)
    assert report.new_members == 1
    assert [o["value"] for o in lookup_organisations("Org")] == [f"Live Org (#{live_org.id})"]


def test_matching_for_inquiries_imports_and_new_threads_leaves_them_out(db, staff, pair, make_inquiry):
    live, gone, live_org, gone_org = pair
    assert likely_contacts("Gone Person", "gone@example.kz") == []
    assert [c.full_name for c, _ in likely_contacts("Live Person", "")] == ["Live Person"]
    assert likely_organisations("Gone Org") == []
    inquiry = make_inquiry(
        sender_name="Gone Person", sender_email="gone@example.kz", sender_organisation="Gone Org"
    )
    assert (triage(inquiry).contacts, triage(inquiry).organisations) == ([], [])
    known = KnownContacts.load({"gone@example.kz", "live@example.kz"}, set())
    assert list(known.by_email) == ["live@example.kz"]
    origin = ThreadOrigin.load(contact_id=gone.id, organisation_id=gone_org.id)
    assert (origin.contact, origin.organisation) == (None, None)


def test_the_funnel_counts_only_people_still_in_the_crm(db, staff, pair, make_inquiry):
    live, gone, live_org, gone_org = pair
    for contact in (live, gone):
        make_inquiry(sender_email=contact.email).contact_id = contact.id
    db.session.flush()
    report = funnel(ReportFilters(), now=NOW, today=NOW.date(), stale_days=14)
    assert (report.received, report.converted, report.contacts) == (2, 2, 1)


def test_an_inquiry_cannot_be_converted_to_a_deleted_contact(db, client, staff, login, pair, make_inquiry):
    live, gone, live_org, gone_org = pair
    inquiry = make_inquiry(sender_name="Gone Person", sender_email="gone@example.kz")  # same e-mail
    login(staff)
    response = client.post(
        f"/inquiries/{inquiry.id}/convert", data={"contact": str(gone.id), "organisation": "none"}
    )
    assert response.status_code == 200  # the form again: that contact is not one of the choices
    assert inquiry.contact_id is None and inquiry.status.value == "new"
    assert db.session.scalar(select(func.count()).select_from(Contact).where(Contact.live())) == 1


def test_pages_that_still_link_to_a_deleted_record_say_so(db, client, staff, login, pair, make_thread):
    live, gone, live_org, gone_org = pair
    thread = make_thread(contacts=[live, gone], organisations=[live_org, gone_org])
    login(staff)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert '>Gone Person</a> <span class="badge text-bg-secondary">deleted</span>' in page
    assert '>Gone Org</a> <span class="badge text-bg-secondary">deleted</span>' in page
    assert ">Live Person</a></dd>" in page and ">Live Org</a></dd>" in page  # no badge
