"""Organisation rules: creating, editing, owner, and the list and detail queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.contacts.services import add_affiliation
from crm.models.enums import MembershipStatus, OrganisationKind
from crm.organisations import services
from crm.organisations.services import OrganisationError


def _names(stmt, db) -> set[str]:
    return {organisation.name for organisation in db.session.scalars(stmt)}


def test_an_organisation_needs_a_name(db, staff):
    with pytest.raises(OrganisationError) as error:
        services.add_organisation({"name": "  "}, actor=staff, may_set_owner=False)
    assert error.value.field == "name"


def test_only_http_websites_are_accepted(db, staff):
    with pytest.raises(OrganisationError) as error:
        services.add_organisation(
            {"name": "Centre", "website": "javascript:alert(1)"}, actor=staff, may_set_owner=False
        )
    assert error.value.field == "website"


def test_latin_name_and_membership_dates(db, staff):
    organisation = services.add_organisation(
        {"name": "Центр прав", "membership_status": MembershipStatus.MEMBER}, actor=staff, may_set_owner=False
    )
    assert organisation.name_latin == "Tsentr prav"
    assert organisation.member_since == date.today()
    assert organisation.membership_since == date.today()


def test_staff_cannot_set_owner_even_if_posted(db, staff, coordinator):
    organisation = services.add_organisation(
        {"name": "Centre", "owner_id": coordinator.id}, actor=staff, may_set_owner=False
    )
    assert organisation.owner_id == staff.id
    services.edit_organisation(organisation, {"owner_id": coordinator.id}, actor=staff, may_set_owner=False)
    assert organisation.owner_id == staff.id


def test_coordinator_reassigns_owner(db, staff, coordinator):
    organisation = services.add_organisation(
        {"name": "Centre", "owner_id": staff.id}, actor=coordinator, may_set_owner=True
    )
    assert organisation.owner_id == staff.id
    services.edit_organisation(
        organisation, {"owner_id": coordinator.id}, actor=coordinator, may_set_owner=True
    )
    assert organisation.owner_id == coordinator.id


def test_website_link_only_for_http(db, make_organisation):
    organisation = make_organisation(website="https://example.org")
    assert services.website_link(organisation) == "https://example.org"
    organisation.website = "javascript:alert(1)"  # stored before the rule existed, say
    assert services.website_link(organisation) is None


def test_list_filters(db, make_organisation):
    make_organisation(name="Kazakh NGO", country_code="KZ")
    make_organisation(name="Thai University", country_code="TH", kind=OrganisationKind.ACADEMIC)
    make_organisation(name="Member Network", country_code="TH", membership_status=MembershipStatus.MEMBER)
    query = services.organisation_list_query
    assert _names(query({"country": "kz"}), db) == {"Kazakh NGO"}
    assert _names(query({"region": "143"}), db) == {"Kazakh NGO"}
    assert _names(query({"kind": "academic"}), db) == {"Thai University"}
    assert _names(query({"membership": "member"}), db) == {"Member Network"}
    assert _names(query({"q": "univ"}), db) == {"Thai University"}
    assert len(_names(query({"kind": "nonsense", "owner": "abc"}), db)) == 3


def test_people_counts_only_current_affiliations(db, staff, make_contact, make_organisation):
    organisation, empty = make_organisation(), make_organisation(name="Empty")
    current = make_contact(full_name="Current", email="c@example.org")
    former = make_contact(full_name="Former", email="f@example.org")
    add_affiliation(current, organisation, "", actor=staff)
    add_affiliation(former, organisation, "", actor=staff, end_on=date.today() - timedelta(days=1))
    assert services.people_counts([organisation.id, empty.id]) == {organisation.id: 1}
    assert services.people_counts([]) == {}


def test_detail_splits_people_and_finds_threads_and_inquiries(
    db, staff, make_contact, make_organisation, make_thread, make_inquiry
):
    organisation = make_organisation()
    current = make_contact(full_name="Current", email="c@example.org")
    former = make_contact(full_name="Former", email="f@example.org")
    add_affiliation(current, organisation, "", actor=staff)
    add_affiliation(former, organisation, "", actor=staff, end_on=date.today() - timedelta(days=1))
    thread = make_thread(organisations=[organisation])
    make_thread(title="Elsewhere")
    inquiry = make_inquiry()
    inquiry.contact = current
    make_inquiry(sender_name="Stranger", sender_email="s@example.org")
    db.session.flush()

    detail = services.organisation_detail(organisation)
    assert [a.contact_name for a in detail.current_people] == ["Current"]
    assert [a.contact_name for a in detail.past_people] == ["Former"]
    assert [t.id for t in detail.threads] == [thread.id]
    assert [(i.id, i.contact_name) for i in detail.inquiries] == [(inquiry.id, "Current")]
