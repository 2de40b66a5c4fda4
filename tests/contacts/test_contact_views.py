"""Contact pages: list filters, sorting, paging, detail, create/edit, permissions, escaping."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from crm.contacts.services import add_affiliation
from crm.models import Affiliation, Contact
from crm.models.enums import InteractionKind


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _rows(html: str) -> list[str]:
    """Contact names in list order (the link text of each row)."""
    return re.findall(r'<a href="/contacts/\d+">([^<]+)</a>', html)


# --- list -----------------------------------------------------------------------------------------


def test_list_filters_by_country(client, staff, login, make_contact):
    make_contact(full_name="Kazakh Contact", country_code="KZ")
    make_contact(full_name="Thai Contact", email="thai@example.th", country_code="TH")
    login(staff)
    html = client.get("/contacts?country=KZ").get_data(as_text=True)
    assert "Kazakh Contact" in html
    assert "Thai Contact" not in html


def test_list_filters_by_region(client, staff, login, make_contact):
    make_contact(full_name="Kyrgyz Contact", country_code="KG")
    make_contact(full_name="Thai Contact", email="thai@example.th", country_code="TH")
    login(staff)
    html = client.get("/contacts?region=143").get_data(as_text=True)  # M49 143: Central Asia
    assert "Kyrgyz Contact" in html
    assert "Thai Contact" not in html
    html = client.get("/contacts?region=142").get_data(as_text=True)  # M49 142: Asia
    assert "Kyrgyz Contact" in html and "Thai Contact" in html


def test_filter_form_keeps_its_values(client, staff, login, make_contact):
    make_contact()
    login(staff)
    html = client.get("/contacts?country=KZ&q=Ay").get_data(as_text=True)
    assert 'value="Ay"' in html
    assert re.search(r'<option value="KZ"\s+selected', html)


def test_list_sorts_by_name_both_ways(client, staff, login, make_contact):
    for name in ("Bolat", "Aruzhan", "Yerlan"):
        make_contact(full_name=name, email=f"{name}@example.kz")
    login(staff)
    assert _rows(client.get("/contacts").get_data(as_text=True)) == ["Aruzhan", "Bolat", "Yerlan"]
    assert _rows(client.get("/contacts?sort=-name").get_data(as_text=True)) == ["Yerlan", "Bolat", "Aruzhan"]


def test_list_sorts_by_country_name(client, staff, login, make_contact):
    make_contact(full_name="In Thailand", email="t@example.th", country_code="TH")
    make_contact(full_name="In Kazakhstan", email="k@example.kz", country_code="KZ")
    login(staff)
    assert _rows(client.get("/contacts?sort=country").get_data(as_text=True)) == [
        "In Kazakhstan",
        "In Thailand",
    ]


def test_unknown_sort_falls_back_to_name(client, staff, login, make_contact):
    make_contact(full_name="Bolat", email="b@example.kz")
    make_contact(full_name="Aruzhan", email="a@example.kz")
    login(staff)
    response = client.get("/contacts?sort=password_hash")
    assert response.status_code == 200
    assert _rows(response.get_data(as_text=True)) == ["Aruzhan", "Bolat"]


def test_pagination_shows_page_two(app, client, staff, login, make_contact):
    per_page = app.config["PER_PAGE"]
    for n in range(per_page + 2):
        make_contact(full_name=f"Person {n:02d}", email=f"p{n}@example.org")
    login(staff)
    first = _rows(client.get("/contacts").get_data(as_text=True))
    second_html = client.get("/contacts?page=2").get_data(as_text=True)
    second = _rows(second_html)
    assert len(first) == per_page
    assert second == [f"Person {n:02d}" for n in range(per_page, per_page + 2)]
    assert f"of {per_page + 2}" in second_html


def test_list_shows_current_organisation_and_do_not_contact(
    client, staff, login, make_contact, make_organisation
):
    contact = make_contact(do_not_contact=True)
    add_affiliation(contact, make_organisation(name="Stateless Rights Centre"), "Lawyer", actor=staff)
    login(staff)
    html = client.get("/contacts").get_data(as_text=True)
    assert "Stateless Rights Centre" in html
    assert "Do not contact" in html
    assert "Aygerim Nurgalieva" in html  # the Latin form under the Cyrillic name


def test_empty_list_says_what_to_do(client, staff, login):
    login(staff)
    html = client.get("/contacts").get_data(as_text=True)
    assert "No contacts yet" in html
    assert 'href="/contacts/new"' in html
    html = client.get("/contacts?country=KZ").get_data(as_text=True)
    assert "No contact matches these filters" in html


def test_list_query_count_does_not_grow_with_contacts(
    client, db, staff, login, make_contact, make_organisation, count_statements
):
    organisation = make_organisation()

    def add(n):
        contact = make_contact(full_name=f"Contact {n}", email=f"c{n}@example.org")
        add_affiliation(contact, organisation, "", actor=staff)
        db.session.flush()
        db.session.expire_all()  # the test shares one session with the app: start each page cold

    login(staff)
    for n in range(3):
        add(n)
    with count_statements() as few:
        assert client.get("/contacts").status_code == 200
    for n in range(3, 15):
        add(n)
    with count_statements() as many:
        assert client.get("/contacts").status_code == 200
    assert len(many) == len(few), many


# --- detail ---------------------------------------------------------------------------------------


def test_detail_shows_affiliations_threads_inquiries_and_timeline(
    client, staff, login, make_contact, make_organisation, make_thread, make_inquiry
):
    from crm.threads.services import add_interaction

    contact = make_contact()
    add_affiliation(contact, make_organisation(name="Stateless Rights Centre"), "Lawyer", actor=staff)
    inquiry = make_inquiry(subject="Amnesty question")
    inquiry.contact = contact
    thread = make_thread(title="Consultation on the 2024 amnesty", contacts=[contact])
    add_interaction(thread, InteractionKind.CALL, "Talked through the draft", actor=staff)
    login(staff)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Stateless Rights Centre" in html and "Lawyer" in html
    assert f'href="/threads/{thread.id}"' in html and "Consultation on the 2024 amnesty" in html
    assert f'href="/inquiries/{inquiry.id}"' in html and "Amnesty question" in html
    assert "Talked through the draft" in html
    assert "Add an affiliation" in html


def test_detail_of_a_missing_contact_is_404(client, staff, login):
    login(staff)
    assert client.get("/contacts/999999").status_code == 404
    assert client.get("/contacts/999999/edit").status_code == 404


def test_cyrillic_name_renders(client, staff, login, make_contact):
    contact = make_contact(full_name="Айгерим Нургалиева")
    login(staff)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Айгерим Нургалиева" in html


def test_html_in_a_name_is_escaped(client, staff, login, make_contact):
    contact = make_contact(full_name="<script>alert(1)</script>")
    login(staff)
    for url in (f"/contacts/{contact.id}", "/contacts"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sensitive_block_only_for_coordinators(client, staff, coordinator, login, make_contact):
    contact = make_contact(lived_experience=True, sensitive_notes="Undocumented since birth")
    login(staff)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Undocumented since birth" not in html
    assert "Lived experience" not in html
    client.post("/logout")
    login(coordinator)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Undocumented since birth" not in html  # masked until revealed (tests/privacy)
    assert "Lived experience" in html
    assert f'action="/contacts/{contact.id}/sensitive/reveal#sensitive"' in html


def test_viewer_sees_no_edit_buttons(client, viewer, login, make_contact):
    contact = make_contact()
    login(viewer)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f"/contacts/{contact.id}/edit" not in html
    assert f'action="/contacts/{contact.id}/affiliations"' not in html
    assert "Add an affiliation" not in html
    assert 'href="/contacts/new"' not in client.get("/contacts").get_data(as_text=True)


# --- create and edit ------------------------------------------------------------------------------


def test_viewer_cannot_create(client, viewer, login, db):
    login(viewer)
    assert client.get("/contacts/new").status_code == 403
    before = _count(db, Contact)
    assert client.post("/contacts/new", data={"full_name": "Sneaky"}).status_code == 403
    assert _count(db, Contact) == before


def test_viewer_cannot_edit_or_affiliate(client, viewer, login, make_contact, make_organisation):
    contact, organisation = make_contact(), make_organisation()
    login(viewer)
    assert client.get(f"/contacts/{contact.id}/edit").status_code == 403
    response = client.post(
        f"/contacts/{contact.id}/affiliations",
        data={"organisation": f"{organisation.name} (#{organisation.id})"},
    )
    assert response.status_code == 403


def test_staff_creates_a_contact_with_an_organisation(client, staff, login, db, make_organisation):
    organisation = make_organisation()
    login(staff)
    response = client.post(
        "/contacts/new",
        data={
            "full_name": "Жанна Абенова",
            "email": "Zhanna@Example.KZ",
            "country_code": "KZ",
            "stakeholder_type": "lawyer",
            "organisation": f"{organisation.name} (#{organisation.id})",
            "position": "Legal adviser",
            "consent_to_contact": "y",
        },
    )
    assert response.status_code == 302
    contact = db.session.scalar(select(Contact).where(Contact.full_name == "Жанна Абенова"))
    assert response.headers["Location"].endswith(f"/contacts/{contact.id}")
    assert contact.email_normalized == "zhanna@example.kz"
    assert contact.owner_id == staff.id
    assert contact.consent_recorded_at is not None
    assert [a.position for a in contact.affiliations] == ["Legal adviser"]


def test_staff_form_has_no_sensitive_or_owner_fields_and_ignores_them(client, staff, coordinator, login, db):
    login(staff)
    html = client.get("/contacts/new").get_data(as_text=True)
    assert 'name="sensitive_notes"' not in html
    assert 'name="lived_experience"' not in html
    assert 'name="owner_id"' not in html
    client.post(
        "/contacts/new",
        data={
            "full_name": "Posted by staff",
            "stakeholder_type": "other",
            "lived_experience": "y",
            "sensitive_notes": "should not be kept",
            "owner_id": coordinator.id,
        },
    )
    contact = db.session.scalar(select(Contact).where(Contact.full_name == "Posted by staff"))
    assert contact.lived_experience is False
    assert contact.sensitive_notes == ""
    assert contact.owner_id == staff.id


def test_coordinator_form_has_sensitive_and_owner_fields(client, coordinator, login):
    login(coordinator)
    html = client.get("/contacts/new").get_data(as_text=True)
    assert 'name="sensitive_notes"' in html
    assert 'name="owner_id"' in html


def test_invalid_email_is_shown_next_to_the_field_and_nothing_saved(client, staff, login, db):
    login(staff)
    before = _count(db, Contact)
    response = client.post(
        "/contacts/new", data={"full_name": "Aigerim", "email": "not-an-email", "stakeholder_type": "other"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'id="email-error"[^>]*>\s*This is not a valid e-mail address', html)
    assert 'value="not-an-email"' in html
    assert _count(db, Contact) == before


def test_missing_name_is_shown_next_to_the_field(client, staff, login, db):
    login(staff)
    response = client.post("/contacts/new", data={"full_name": "  ", "stakeholder_type": "other"})
    assert response.status_code == 200
    assert re.search(r'id="full_name-error"[^>]*>\s*A contact needs a name', response.get_data(as_text=True))


def test_staff_edits_but_cannot_change_owner_or_sensitive(
    client, staff, coordinator, login, db, make_contact
):
    contact = make_contact(lived_experience=True, sensitive_notes="kept")
    login(staff)
    html = client.get(f"/contacts/{contact.id}/edit").get_data(as_text=True)
    assert 'value="Айгерим Нургалиева"' in html
    assert 'name="sensitive_notes"' not in html
    response = client.post(
        f"/contacts/{contact.id}/edit",
        data={
            "full_name": "Aigerim Nurgaliyeva",
            "stakeholder_type": "activist",
            "owner_id": coordinator.id,
            "sensitive_notes": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    assert contact.full_name == "Aigerim Nurgaliyeva"
    assert contact.owner_id == staff.id
    assert contact.sensitive_notes == "kept"
    assert contact.lived_experience is True


def test_coordinator_reassigns_owner(client, staff, coordinator, login, db, make_contact):
    contact = make_contact()
    login(coordinator)
    response = client.post(
        f"/contacts/{contact.id}/edit",
        data={"full_name": contact.full_name, "stakeholder_type": "other", "owner_id": coordinator.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).owner_id == coordinator.id


# --- affiliations ---------------------------------------------------------------------------------


def test_add_and_remove_affiliation(client, staff, login, db, make_contact, make_organisation):
    contact, organisation = make_contact(), make_organisation()
    login(staff)
    response = client.post(
        f"/contacts/{contact.id}/affiliations",
        data={
            "organisation": f"{organisation.name} (#{organisation.id})",
            "position": "Director",
            "start_on": "2023-01-01",
        },
    )
    assert response.status_code == 302
    affiliation = db.session.scalar(select(Affiliation).where(Affiliation.contact_id == contact.id))
    assert affiliation.position == "Director"
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f"/contacts/{contact.id}/affiliations/{affiliation.id}/delete" in html

    assert client.get(f"/contacts/{contact.id}/affiliations/{affiliation.id}/delete").status_code == 405
    response = client.post(f"/contacts/{contact.id}/affiliations/{affiliation.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Affiliation, affiliation.id) is None


def test_affiliation_twice_shows_the_error_and_saves_nothing(
    client, staff, login, db, make_contact, make_organisation
):
    contact, organisation = make_contact(), make_organisation()
    add_affiliation(contact, organisation, "Director", actor=staff)
    login(staff)
    before = _count(db, Affiliation)
    response = client.post(
        f"/contacts/{contact.id}/affiliations",
        data={"organisation": f"{organisation.name} (#{organisation.id})"},
    )
    assert response.status_code == 200
    assert re.search(
        r'id="organisation-error"[^>]*>\s*This contact is already affiliated', response.get_data(as_text=True)
    )
    assert _count(db, Affiliation) == before


def test_affiliation_ending_before_start_shows_the_error(
    client, staff, login, db, make_contact, make_organisation
):
    contact, organisation = make_contact(), make_organisation()
    login(staff)
    response = client.post(
        f"/contacts/{contact.id}/affiliations",
        data={
            "organisation": f"{organisation.name} (#{organisation.id})",
            "start_on": "2024-05-01",
            "end_on": "2024-04-01",
        },
    )
    assert response.status_code == 200
    assert re.search(r'id="end_on-error"[^>]*>\s*The end date is before', response.get_data(as_text=True))
    assert _count(db, Affiliation) == 0


def test_removing_another_contacts_affiliation_is_404(
    client, staff, login, db, make_contact, make_organisation
):
    owner_of_it = make_contact()
    other = make_contact(full_name="Other", email="other@example.org")
    affiliation = add_affiliation(owner_of_it, make_organisation(), "", actor=staff)
    login(staff)
    assert client.post(f"/contacts/{other.id}/affiliations/{affiliation.id}/delete").status_code == 404
    assert db.session.get(Affiliation, affiliation.id) is not None


def test_staff_pages_never_load_sensitive_columns(client, db, staff, login, make_contact, count_statements):
    contact = make_contact(lived_experience=True, sensitive_notes="Undocumented since birth")
    db.session.flush()
    db.session.expire_all()
    login(staff)
    for url in (f"/contacts/{contact.id}", f"/contacts/{contact.id}/edit"):
        with count_statements() as statements:
            assert client.get(url).status_code == 200
        assert not [s for s in statements if "sensitive_notes" in s], url


def test_detail_query_count_does_not_grow_with_links(
    client, db, staff, login, make_contact, make_organisation, make_thread, count_statements
):
    from crm.threads.services import add_interaction

    contact = make_contact()

    def add(n):
        add_affiliation(contact, make_organisation(name=f"Organisation {n}"), "", actor=staff)
        thread = make_thread(title=f"Thread {n}", contacts=[contact])
        add_interaction(thread, InteractionKind.NOTE, f"Note {n}", actor=staff)
        db.session.flush()
        db.session.expire_all()  # the test shares one session with the app: start each page cold

    login(staff)
    add(0)
    with count_statements() as few:
        assert client.get(f"/contacts/{contact.id}").status_code == 200
    for n in range(1, 8):
        add(n)
    with count_statements() as many:
        assert client.get(f"/contacts/{contact.id}").status_code == 200
    assert len(many) == len(few), many
