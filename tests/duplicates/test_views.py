"""/duplicates, the merge pages, the new-contact warning and merged-away redirects, by role."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from crm.contacts.services import add_affiliation
from crm.duplicates.links import links_to
from crm.duplicates.scan import scan_all
from crm.duplicates.services import LINK_LABELS, MODELS
from crm.models import AuditEntry, Contact, DuplicatePair, NotDuplicate, Organisation
from crm.privacy.consent import record_consent
from crm.safety.deletion import delete_record


@pytest.fixture
def twins(make_contact, staff):
    a = make_contact(full_name="Aigerim Nurgaliyeva", email="a.n@ngo.kz")
    b = make_contact(full_name="Айгерим Нургалиева", email="aigerim@mail.kz", phone="+7 701 234 5678")
    scan_all(actor=staff)
    return a, b


def test_viewers_cannot_see_the_queue_or_merge(client, login, viewer, twins):
    a, b = twins
    login(viewer)
    assert client.get("/duplicates").status_code == 403
    assert client.get(f"/duplicates/contacts/{a.id}/merge/{b.id}").status_code == 403
    assert client.post(f"/duplicates/contacts/{a.id}/merge/{b.id}").status_code == 403
    assert client.post(f"/duplicates/contacts/{a.id}/{b.id}/not-duplicate").status_code == 403
    assert client.get(f"/duplicates/contacts/{a.id}/merge-with").status_code == 403
    page = client.get(f"/contacts/{a.id}").get_data(as_text=True)
    assert "Merge with…" not in page
    assert "/duplicates" not in client.get("/contacts").get_data(as_text=True)


def test_staff_see_the_queue_with_reasons_but_only_coordinators_scan(client, login, staff, twins):
    a, b = twins
    login(staff)
    page = client.get("/duplicates").get_data(as_text=True)
    assert "Aigerim Nurgaliyeva" in page and "Айгерим Нургалиева" in page
    assert "same name, same country" in page and "1 pair to review" in page
    assert "Scan now" not in page
    assert client.post("/duplicates/scan").status_code == 403
    assert 'href="/duplicates?kind=contact"' in client.get("/contacts").get_data(as_text=True)


def test_coordinators_scan_from_the_page(client, login, coordinator, twins):
    login(coordinator)
    assert "Scan now" in client.get("/duplicates").get_data(as_text=True)
    response = client.post("/duplicates/scan", follow_redirects=True)
    assert "Scan finished: 1 contact pair and 0 organisation pairs to review." in response.get_data(
        as_text=True
    )


def test_not_a_duplicate_is_remembered(db, client, login, staff, twins):
    a, b = twins
    login(staff)
    response = client.post(f"/duplicates/contacts/{b.id}/{a.id}/not-duplicate", follow_redirects=True)
    assert "will not be suggested again" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DuplicatePair)) == 0
    assert [(n.first_id, n.second_id) for n in db.session.scalars(select(NotDuplicate))] == [(a.id, b.id)]
    assert "No likely duplicates to review." in client.get("/duplicates").get_data(as_text=True)


def test_the_merge_page_shows_both_records_side_by_side(client, login, staff, twins):
    a, b = twins
    login(staff)
    page = client.get(f"/duplicates/contacts/{a.id}/merge/{b.id}").get_data(as_text=True)
    assert "a.n@ngo.kz" in page and "aigerim@mail.kz" in page
    # the survivor has no phone: the other record's is chosen by default
    assert 'id="choice-phone-loser" value="loser" checked' in page
    assert 'id="choice-email-survivor" value="survivor" checked' in page
    assert f"Merge into #{a.id}" in page


def test_merging_redirects_to_the_survivor_and_the_old_page_leads_there(db, client, login, staff, twins):
    a, b = twins
    login(staff)
    response = client.post(
        f"/duplicates/contacts/{a.id}/merge/{b.id}",
        data={
            "choice-full_name": "loser",
            "choice-phone": "loser",
            "survivor_version": "1",
            "loser_version": "1",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/contacts/{a.id}"
    survivor = db.session.get(Contact, a.id)
    assert (survivor.full_name, survivor.email, survivor.phone_e164) == (
        "Айгерим Нургалиева",
        "a.n@ngo.kz",
        "+77012345678",
    )
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "merge"))
        == 1
    )
    old = client.get(f"/contacts/{b.id}", follow_redirects=True)
    assert old.request.path == f"/contacts/{a.id}"
    assert f"#{b.id} was merged into this record" in old.get_data(as_text=True)
    assert client.get(f"/contacts/{b.id}/edit").headers["Location"] == f"/contacts/{a.id}/edit"
    assert client.post(f"/contacts/{b.id}/edit", data={"full_name": "Changed"}).status_code == 302
    assert (
        db.session.get(Contact, b.id).full_name == "Айгерим Нургалиева"
    )  # the merged-away record is never edited


def test_merging_a_record_with_itself_or_a_merged_one_is_refused_with_a_reason(
    db, client, login, staff, twins
):
    a, b = twins
    login(staff)
    page = client.get(f"/duplicates/contacts/{a.id}/merge/{a.id}").get_data(as_text=True)
    assert "cannot be merged with itself" in page and "Merge into" not in page
    response = client.post(f"/duplicates/contacts/{a.id}/merge/{a.id}", data={}, follow_redirects=True)
    assert "cannot be merged with itself" in response.get_data(as_text=True)
    client.post(f"/duplicates/contacts/{a.id}/merge/{b.id}", data={})
    again = client.post(f"/duplicates/contacts/{a.id}/merge/{b.id}", data={}, follow_redirects=True)
    assert f"#{b.id} has already been merged into #{a.id}." in again.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "merge"))
        == 1
    )


def test_a_merge_after_someone_edited_a_record_is_refused(db, client, login, staff, twins):
    a, b = twins
    login(staff)
    data = {"survivor_version": str(a.version), "loser_version": str(b.version)}
    db.session.get(Contact, b.id).version += 1  # someone saved it meanwhile
    db.session.commit()
    response = client.post(f"/duplicates/contacts/{a.id}/merge/{b.id}", data=data, follow_redirects=True)
    assert "reload and try again" in response.get_data(as_text=True)
    assert db.session.get(Contact, b.id).merged_into_id is None


def test_merge_with_lists_likely_matches_and_takes_a_number(client, login, staff, twins):
    a, b = twins
    login(staff)
    page = client.get(f"/duplicates/contacts/{a.id}/merge-with").get_data(as_text=True)
    assert f'href="/duplicates/contacts/{a.id}/merge/{b.id}"' in page and "same name" in page
    response = client.get(f"/duplicates/contacts/{a.id}/merge-with?other={b.id}")
    assert response.headers["Location"] == f"/duplicates/contacts/{a.id}/merge/{b.id}"
    assert "Merge with…" in client.get(f"/contacts/{a.id}").get_data(as_text=True)


def test_organisations_merge_through_the_same_pages(db, client, login, staff, make_organisation):
    a = make_organisation(name="Stateless Rights Centre", website="https://src.example")
    b = make_organisation(name="SRC", website="https://www.src.example")
    scan_all(actor=staff)
    login(staff)
    assert "same website" in client.get("/duplicates?kind=organisation").get_data(as_text=True)
    response = client.post(f"/duplicates/organisations/{a.id}/merge/{b.id}", data={})
    assert response.headers["Location"] == f"/organisations/{a.id}"
    assert db.session.get(Organisation, b.id).merged_into_id == a.id
    assert client.get(f"/organisations/{b.id}").headers["Location"] == f"/organisations/{a.id}"


def test_an_unknown_kind_is_not_found(client, login, staff):
    login(staff)
    assert client.get("/duplicates/people/1/merge/2").status_code == 404


def test_the_new_contact_form_warns_of_likely_matches_and_saves_anyway(
    db, client, login, staff, make_contact
):
    existing = make_contact(full_name="Aigerim Nurgaliyeva", email="a.n@ngo.kz")
    login(staff)
    data = {
        "full_name": "Айгерим Нургалиева",
        "email": "A.N@ngo.kz",
        "country_code": "KZ",
        "stakeholder_type": "other",
    }
    page = client.post("/contacts/new", data=data).get_data(as_text=True)
    assert "This person may already be in the CRM" in page
    assert f'href="/contacts/{existing.id}"' in page and "same e-mail, same name, same country" in page
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 1
    response = client.post("/contacts/new", data={**data, "save_anyway": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 2


def test_the_new_contact_form_says_nothing_without_a_match(db, client, login, staff, make_contact):
    make_contact(full_name="Timur Karimov", email="t@k.kz")
    login(staff)
    data = {"full_name": "Timur Karimova", "email": "t2@k.kz", "stakeholder_type": "other"}
    assert client.post("/contacts/new", data=data).status_code == 302


def test_merged_away_records_leave_the_lists(db, client, login, staff, twins, make_organisation):
    a, b = twins
    kept, gone = make_organisation(name="Centre A"), make_organisation(name="Centre B")
    login(staff)
    client.post(f"/duplicates/contacts/{a.id}/merge/{b.id}", data={})
    client.post(f"/duplicates/organisations/{kept.id}/merge/{gone.id}", data={})
    contacts = client.get("/contacts").get_data(as_text=True)
    assert f'href="/contacts/{a.id}"' in contacts and f'href="/contacts/{b.id}"' not in contacts
    organisations = client.get("/organisations").get_data(as_text=True)
    assert "Centre A" in organisations and "Centre B" not in organisations
    suggestions = client.get("/organisations/lookup?q=Centre").get_data(as_text=True)
    assert "Centre A" in suggestions and "Centre B" not in suggestions  # what the affiliation field offers


def test_the_merge_page_counts_what_each_record_would_bring_with_it(
    db, client, login, staff, twins, make_organisation, make_tag, make_inquiry, make_event
):
    a, b = twins
    record_consent(a, "contact", True, actor=staff, method="Registration form")
    record_consent(a, "contact", False, actor=staff, method="E-mail")
    add_affiliation(b, make_organisation("Stateless Rights Centre"), "Lawyer", actor=staff)
    b.tags.append(make_tag("Webinar 2026"))
    for inquiry in (make_inquiry(), make_inquiry()):
        inquiry.contact_id = b.id
    db.session.commit()
    login(staff)

    page = client.get(f"/duplicates/contacts/{a.id}/merge/{b.id}").get_data(as_text=True)

    survivor, loser = re.findall(r'<td class="small">(.*?)</td>', page, re.S)[-2:]
    assert re.findall(r"<div>(.*?)</div>", survivor) == ["Consent history: 2"]
    assert re.findall(r"<div>(.*?)</div>", loser) == ["Affiliations: 1", "Tags: 1", "Inquiries: 2"]

    host = make_organisation("Host NGO")
    other = make_organisation("Host NGO", country_code="KG")
    make_event(host_organisation_id=host.id)
    db.session.commit()
    page = client.get(f"/duplicates/organisations/{host.id}/merge/{other.id}").get_data(as_text=True)
    assert "<div>Events (host): 1</div>" in page


def test_every_link_a_merge_moves_has_a_name_on_the_merge_page(app):
    with app.app_context():
        unnamed = [
            link.name
            for model in MODELS.values()
            for link in links_to(model.__table__)
            if link.name not in LINK_LABELS
        ]
    assert unnamed == []


def test_a_pair_whose_record_was_deleted_since_the_scan_is_neither_shown_nor_counted(
    db, client, login, staff, coordinator, twins, make_contact
):
    a, b = twins
    c = make_contact(full_name="Somchai Srisuk", email="s@example.th", country_code="TH")
    d = make_contact(full_name="Somchai Srisuk", email="somchai@example.th", country_code="TH")
    scan_all(actor=staff)
    db.session.commit()
    login(staff)
    assert "2 pairs to review" in client.get("/duplicates").get_data(as_text=True)

    delete_record(db.session.get(Contact, b.id), actor=coordinator)
    db.session.commit()

    page = client.get("/duplicates").get_data(as_text=True)
    assert "1 pair to review" in page
    assert f"/duplicates/contacts/{c.id}/merge/{d.id}" in page
    assert f"/merge/{b.id}" not in page and f"/{b.id}/merge/" not in page
