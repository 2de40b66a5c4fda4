"""Organisation pages: list filters, sorting, people count, detail, create/edit, permissions."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from crm.contacts.services import add_affiliation
from crm.models import Organisation
from crm.models.enums import MembershipStatus, OrganisationKind


def _rows(html: str) -> list[str]:
    return re.findall(r'<a href="/organisations/\d+">([^<]+)</a>', html)


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_list_filters_by_country_and_region(client, staff, login, make_organisation):
    make_organisation(name="Kazakh NGO", country_code="KZ")
    make_organisation(name="Thai NGO", country_code="TH")
    login(staff)
    assert _rows(client.get("/organisations?country=KZ").get_data(as_text=True)) == ["Kazakh NGO"]
    assert _rows(client.get("/organisations?region=143").get_data(as_text=True)) == ["Kazakh NGO"]
    assert _rows(client.get("/organisations?region=035").get_data(as_text=True)) == ["Thai NGO"]


def test_list_filters_by_kind_and_membership(client, staff, login, make_organisation):
    make_organisation(name="University", kind=OrganisationKind.ACADEMIC)
    make_organisation(name="Member", membership_status=MembershipStatus.MEMBER)
    login(staff)
    assert _rows(client.get("/organisations?kind=academic").get_data(as_text=True)) == ["University"]
    assert _rows(client.get("/organisations?membership=member").get_data(as_text=True)) == ["Member"]


def test_list_sorts_by_membership_in_pipeline_order(client, staff, login, make_organisation):
    make_organisation(name="A member", membership_status=MembershipStatus.MEMBER)
    make_organisation(name="B prospect", membership_status=MembershipStatus.PROSPECT)
    make_organisation(name="C none")
    login(staff)
    html = client.get("/organisations?sort=membership").get_data(as_text=True)
    assert _rows(html) == ["C none", "B prospect", "A member"]
    html = client.get("/organisations?sort=-name").get_data(as_text=True)
    assert _rows(html) == ["C none", "B prospect", "A member"]


def test_list_shows_people_count(client, staff, login, db, make_organisation, make_contact):
    organisation = make_organisation(name="Busy NGO")
    for n in range(3):
        contact = make_contact(full_name=f"Person {n}", email=f"p{n}@example.org")
        add_affiliation(contact, organisation, "", actor=staff)
    former = make_contact(full_name="Former", email="former@example.org")
    add_affiliation(former, organisation, "", actor=staff, end_on=date.today() - timedelta(days=3))
    db.session.flush()
    login(staff)
    html = client.get("/organisations").get_data(as_text=True)
    assert re.search(r'<td class="text-end">3</td>', html)


def test_list_query_count_does_not_grow(
    client, staff, login, db, make_organisation, make_contact, count_statements
):
    contact = make_contact()

    def add(n):
        add_affiliation(contact, make_organisation(name=f"Organisation {n}"), "", actor=staff)
        db.session.flush()
        db.session.expire_all()  # the test shares one session with the app: start each page cold

    login(staff)
    for n in range(3):
        add(n)
    with count_statements() as few:
        assert client.get("/organisations").status_code == 200
    for n in range(3, 15):
        add(n)
    with count_statements() as many:
        assert client.get("/organisations").status_code == 200
    assert len(many) == len(few), many


def test_empty_list_says_what_to_do(client, staff, login):
    login(staff)
    html = client.get("/organisations").get_data(as_text=True)
    assert "No organisations yet" in html
    assert 'href="/organisations/new"' in html


def test_detail_shows_people_threads_and_membership(
    client, staff, login, make_organisation, make_contact, make_thread
):
    organisation = make_organisation(
        name="Stateless Rights Centre", membership_status=MembershipStatus.MEMBER
    )
    current = make_contact(full_name="Айгерим Нургалиева")
    former = make_contact(full_name="Former Director", email="former@example.org")
    add_affiliation(current, organisation, "Lawyer", actor=staff)
    add_affiliation(former, organisation, "Director", actor=staff, end_on=date.today() - timedelta(days=1))
    thread = make_thread(title="Joint research on registration", organisations=[organisation])
    login(staff)
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert f'href="/contacts/{current.id}"' in html and "Айгерим Нургалиева" in html
    assert f'href="/contacts/{former.id}"' in html
    assert html.index("Айгерим Нургалиева") < html.index(">Past<") < html.index("Former Director")
    assert f'href="/threads/{thread.id}"' in html
    assert "Member since" in html


def test_website_is_a_link_only_when_http(client, staff, login, db, make_organisation):
    safe = make_organisation(name="Safe", website="https://example.org/about")
    unsafe = make_organisation(name="Unsafe")
    unsafe.website = "javascript:alert(1)"  # the service refuses this; the page must not trust the data
    db.session.flush()
    login(staff)
    assert 'href="https://example.org/about"' in client.get(f"/organisations/{safe.id}").get_data(
        as_text=True
    )
    html = client.get(f"/organisations/{unsafe.id}").get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_missing_organisation_is_404(client, staff, login):
    login(staff)
    assert client.get("/organisations/999999").status_code == 404
    assert client.get("/organisations/999999/edit").status_code == 404


def test_viewer_cannot_create_or_edit(client, viewer, login, db, make_organisation):
    organisation = make_organisation()
    login(viewer)
    before = _count(db)
    assert client.get("/organisations/new").status_code == 403
    assert client.post("/organisations/new", data={"name": "Sneaky", "kind": "ngo"}).status_code == 403
    assert client.get(f"/organisations/{organisation.id}/edit").status_code == 403
    assert _count(db) == before
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert f"/organisations/{organisation.id}/edit" not in html


def test_staff_creates_an_organisation(client, staff, coordinator, login, db):
    login(staff)
    html = client.get("/organisations/new").get_data(as_text=True)
    assert 'name="owner_id"' not in html
    response = client.post(
        "/organisations/new",
        data={
            "name": "Правовой центр",
            "kind": "ngo",
            "country_code": "KG",
            "membership_status": "prospect",
            "owner_id": coordinator.id,
        },
    )
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Правовой центр"))
    assert response.headers["Location"].endswith(f"/organisations/{organisation.id}")
    assert organisation.owner_id == staff.id
    assert organisation.membership_status == MembershipStatus.PROSPECT


def test_bad_website_is_shown_next_to_the_field_and_nothing_saved(client, staff, login, db):
    login(staff)
    before = _count(db)
    response = client.post(
        "/organisations/new",
        data={"name": "Centre", "kind": "ngo", "membership_status": "none", "website": "ftp://example.org"},
    )
    assert response.status_code == 200
    assert re.search(
        r'id="website-error"[^>]*>\s*A website address must start', response.get_data(as_text=True)
    )
    assert _count(db) == before


def test_edit_keeps_html_escaped(client, staff, login, db, make_organisation):
    organisation = make_organisation()
    login(staff)
    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data={"name": "<b>Bold</b> NGO", "kind": "ngo", "membership_status": "member"},
    )
    assert response.status_code == 302
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; NGO" in html
    assert "<b>Bold</b>" not in html
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).member_since == date.today()
