"""Choosing an organisation by typing part of its name: the lookup, the field, and the pages using it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.models import Affiliation
from crm.organisations.services import OrganisationError, lookup_organisations, resolve_organisation


def test_lookup_matches_every_word_typed_in_either_script(db, make_organisation):
    centre = make_organisation("Центр правовой помощи")
    make_organisation("Legal Aid Society")
    found = lookup_organisations("pravovoi tsentr")
    assert found == [{"value": f"Центр правовой помощи (#{centre.id})", "label": "KZ"}]


def test_lookup_returns_at_most_the_limit_and_no_one_merged_or_deleted(db, make_organisation):
    for n in range(25):
        make_organisation(f"Rights Network {n:02d}")
    gone = make_organisation("Rights Network gone")
    gone.deleted_at = datetime.now(UTC)
    found = lookup_organisations("rights netw")
    assert len(found) == 20
    assert found[0]["value"].startswith("Rights Network 00 (#")
    assert not any("gone" in item["value"] for item in found)
    assert lookup_organisations("r") == []  # one letter: not worth a query


def test_resolve_reads_a_picked_label_or_an_exact_name(db, make_organisation):
    centre = make_organisation("Legal Aid Centre")
    assert resolve_organisation(f"Legal Aid Centre (#{centre.id})") is centre
    assert resolve_organisation("legal aid centre") is centre  # typed without picking, any case
    assert resolve_organisation("  ") is None


def test_resolve_refuses_an_unknown_or_ambiguous_name(db, make_organisation):
    make_organisation("Twin Foundation")
    make_organisation("Twin Foundation", country_code="UZ")
    with pytest.raises(OrganisationError, match="Several organisations"):
        resolve_organisation("Twin Foundation")
    with pytest.raises(OrganisationError, match="No organisation"):
        resolve_organisation("Nobody Known")
    with pytest.raises(OrganisationError, match="No organisation"):
        resolve_organisation("Whatever (#999999)")


def test_lookup_view_answers_json_to_signed_in_users_only(client, login, staff, make_organisation):
    centre = make_organisation("Legal Aid Centre")
    assert client.get("/organisations/lookup?q=legal").status_code == 302  # to the sign-in page
    login(staff)
    response = client.get("/organisations/lookup?q=legal")
    assert response.status_code == 200
    assert response.json == {"results": [{"value": f"Legal Aid Centre (#{centre.id})", "label": "KZ"}]}


def test_contact_page_has_a_search_field_not_a_list_of_every_organisation(
    client, login, staff, make_contact, make_organisation
):
    contact = make_contact()
    for n in range(5):
        make_organisation(f"Organisation {n}")
    login(staff)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert 'data-lookup="/organisations/lookup"' in page
    assert 'list="organisation-options"' in page
    assert "Organisation 3" not in page  # no option of any organisation is rendered
    assert "js/lookup.js" in page


def test_adding_an_affiliation_by_typed_name_shows_errors_next_to_the_field(
    client, login, staff, db, make_contact, make_organisation
):
    contact = make_contact()
    centre = make_organisation("Legal Aid Centre")
    login(staff)
    response = client.post(f"/contacts/{contact.id}/affiliations", data={"organisation": "Nobody Known"})
    assert response.status_code == 200
    assert "No organisation “Nobody Known”" in response.get_data(as_text=True)
    assert 'value="Nobody Known"' in response.get_data(as_text=True)  # what was typed stays
    response = client.post(f"/contacts/{contact.id}/affiliations", data={"organisation": "Legal Aid Centre"})
    assert response.status_code == 302
    assert [a.organisation_id for a in db.session.query(Affiliation).filter_by(contact_id=contact.id)] == [
        centre.id
    ]


def test_event_form_shows_the_current_host_as_a_label_it_can_read_back(
    client, login, admin, make_organisation
):
    from crm.events.services import create_event

    host = make_organisation("Network Secretariat")
    event = create_event(
        {"title": "Webinar", "starts_on": datetime(2026, 5, 1).date(), "host_organisation_id": host.id},
        actor=admin,
    )
    login(admin)
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="Network Secretariat (#{host.id})"' in page
