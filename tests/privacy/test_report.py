"""The per-person data report: everything held about one contact, as JSON and as long CSV."""

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from crm.contacts.services import add_affiliation
from crm.inquiries.services import convert_inquiry
from crm.lists.services import add_members, create_list
from crm.models import AuditEntry
from crm.models.enums import InteractionKind, Role, ThreadKind
from crm.privacy.consent import record_consent
from crm.threads.services import add_interaction


@pytest.fixture
def held(db, staff, make_inquiry, make_organisation, make_tag):
    inquiry = make_inquiry(
        sender_name="Бакыт Осмонов", sender_email="bakyt@example.kg", message="=1+1 about papers"
    )
    converted = convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.MATERIAL_EXCHANGE)
    contact = converted.contact
    contact.tags = [make_tag("Speakers")]
    contact.sensitive_notes = "Stateless until 2015"
    add_affiliation(contact, make_organisation("Osh Legal Aid", "KG"), "Lawyer", actor=staff)
    for n in range(3):
        add_interaction(converted.thread, InteractionKind.EMAIL, f"Sent guide {n}", actor=staff)
    record_consent(contact, "contact", True, actor=staff, method="E-mail")
    add_members(create_list("Lawyers", actor=staff), [contact.id], actor=staff)
    db.session.flush()
    return contact


def test_json_report_holds_every_section(client, coordinator, login, db, held):
    login(coordinator)
    response = client.post(f"/contacts/{held.id}/data-report", data={"file_format": "json"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        f"attachment; filename=personal-data-contact-{held.id}-"
    )
    data = json.loads(response.get_data(as_text=True))
    assert data["contact"]["full_name"] == "Бакыт Осмонов"
    assert data["contact"]["sensitive_notes"] == "Stateless until 2015"
    assert [a["organisation"] for a in data["affiliations"]] == ["Osh Legal Aid"]
    assert data["tags"] == ["Speakers"]
    assert [item["name"] for item in data["lists"]] == ["Lawyers"]
    assert [(c["purpose"], c["given"]) for c in data["consents"]] == [("contact", True)]
    assert [i["message"] for i in data["inquiries"]] == ["=1+1 about papers"]
    assert len(data["threads"]) == 1 and len(data["interactions"]) == 3
    assert {"create", "affiliate", "consent"} <= {entry["action"] for entry in data["audit"]}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "data_report")).one()
    assert (entry.actor_id, entry.entity_id) == (coordinator.id, held.id)
    assert entry.changes["format"] == "json" and entry.changes["interactions"] == 3
    assert "Stateless" not in json.dumps(entry.changes)


def test_csv_report_is_one_long_table_safe_for_spreadsheets(client, coordinator, login, held):
    login(coordinator)
    response = client.post(f"/contacts/{held.id}/data-report", data={"file_format": "csv"})

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["section", "record", "field", "value"]
    by_field = {(section, name): value for section, _record, name, value in rows[1:]}
    assert by_field[("contact", "email")] == "bakyt@example.kg"
    assert by_field[("inquiries", "message")] == "'=1+1 about papers"  # never run as a formula
    assert {section for section, *_rest in rows[1:]} >= {
        "contact",
        "affiliations",
        "tags",
        "lists",
        "consents",
        "inquiries",
        "threads",
        "interactions",
        "audit",
    }
    assert sum(1 for row in rows if row[0] == "interactions" and row[2] == "summary") == 3


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF])
def test_only_coordinators_and_admins_get_it(client, make_user, login, db, held, role):
    login(make_user(role))
    assert client.post(f"/contacts/{held.id}/data-report", data={"file_format": "json"}).status_code == 403
    assert "data-report" not in client.get(f"/contacts/{held.id}").get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "data_report")) is None


def test_one_click_from_the_contact_page(client, admin, login, held):
    login(admin)
    page = client.get(f"/contacts/{held.id}").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="/contacts/{held.id}/data-report".*?</form>', page, re.S)
    assert form and 'name="file_format" value="json"' in form.group(0) and 'value="csv"' in form.group(0)
    response = client.post(f"/contacts/{held.id}/data-report", data={"file_format": "json"})
    assert response.status_code == 200 and json.loads(response.data)["contact"]["id"] == held.id
