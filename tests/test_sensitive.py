"""Special-category data (lived experience of statelessness) never reaches staff or viewers."""

import pytest

from crm.contacts.services import add_affiliation
from crm.inquiries.services import convert_inquiry
from crm.models.enums import Role, ThreadKind

NOTE = "Was stateless until 2019; prefers not to be named"


@pytest.fixture
def sensitive_world(db, staff, make_inquiry, make_organisation):
    inquiry = make_inquiry(
        sender_name="Гулшан Юсупова", sender_email="gulshan@example.tj", sender_country="TJ"
    )
    result = convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    contact = result.contact
    contact.lived_experience = True
    contact.sensitive_notes = NOTE
    organisation = make_organisation(name="Khujand Legal Aid", country_code="TJ")
    add_affiliation(contact, organisation, "Paralegal", actor=staff)
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
    }


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
        assert not [s for s in statements if "sensitive_notes" in s or "lived_experience" in s], url


def test_coordinators_see_them_on_the_contact_page(client, coordinator, login, sensitive_world):
    login(coordinator)
    page = client.get(f"/contacts/{sensitive_world['contact'].id}").get_data(as_text=True)
    assert NOTE in page
