"""Importing contacts, and the round trip: export to CSV and XLSX, import into an empty database, compare."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from crm.contacts.columns import CONTACT_COLUMNS, LIST_SEPARATOR, NO, YES
from crm.contacts.services import add_affiliation
from crm.imports.rows import DUPLICATE, ERROR, EXISTING, MATCHED, NEW
from crm.imports.services import commit_import
from crm.models import Affiliation, Contact, Organisation, Tag
from crm.models.enums import Role, StakeholderType
from tests.imports.conftest import csv_bytes

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


@pytest.fixture
def people(db, make_contact, make_organisation, make_tag, coordinator):
    """Contacts with everything a contact file carries, some of it awkward for spreadsheets."""
    partners, donors = make_tag("Партнёры"), make_tag("Donors")
    centre = make_organisation("Центр по правам апатридов", "KZ")
    network = make_organisation("Statelessness Network Asia Pacific", "TH")
    aigerim = make_contact(
        "Айгерим Нургалиева",
        "aigerim@example.kz",
        "KZ",
        phone="+7 701 123 45 67",
        languages="kk, ru, en",
        stakeholder_type=StakeholderType.LAWYER,
        consent_to_contact=True,
        consent_to_share=True,
        consent_method="Registration form, 15.01.2026",
        notes="-first line\nsecond line, with a comma; and a semicolon",
        tags=[partners, donors],
        owner_id=coordinator.id,
        lived_experience=True,
        sensitive_notes="=shared in confidence",
    )
    add_affiliation(aigerim, centre, "Юрист", actor=coordinator)
    add_affiliation(aigerim, network, "", actor=coordinator)
    formula = make_contact(
        '=HYPERLINK("http://evil.example","click")',
        "",
        "TH",
        phone="@home",
        do_not_contact=True,
        notes="\tindented",
    )
    add_affiliation(formula, network, "+Coordinator", actor=coordinator)
    make_contact("Бакыт Осмонов", "Bakyt@Example.KG", None, stakeholder_type=StakeholderType.ACTIVIST)
    db.session.flush()
    return [aigerim, formula]


def snapshot(db) -> list[dict[str, Any]]:
    """Every contact as the columns describe it, sorted, for a field-by-field comparison."""
    db.session.expire_all()
    result = []
    for contact in db.session.scalars(select(Contact)):
        affiliations = db.session.scalars(
            select(Affiliation).where(Affiliation.contact_id == contact.id).order_by(Affiliation.id)
        )
        result.append(
            {
                "full_name": contact.full_name,
                "name_latin": contact.name_latin,
                "email": contact.email,
                "phone": contact.phone,
                "country": contact.country_code,
                "organisations": [(a.organisation.name, a.position) for a in affiliations],
                "languages": contact.languages,
                "stakeholder_type": contact.stakeholder_type,
                "tags": sorted(tag.name for tag in contact.tags),
                "consent_to_contact": contact.consent_to_contact,
                "consent_to_share": contact.consent_to_share,
                "consent_method": contact.consent_method,
                "do_not_contact": contact.do_not_contact,
                "notes": contact.notes,
                "owner": contact.owner.email if contact.owner else None,
                "lived_experience": contact.lived_experience,
                "sensitive_notes": contact.sensitive_notes,
            }
        )
    return sorted(result, key=lambda item: item["full_name"])


def contract_rows(db) -> tuple[list[str], list[list[str]]]:
    """The rows an export writes, following crm/contacts/columns.py by hand (see the writers below)."""
    header = [column.header for column in CONTACT_COLUMNS]
    rows = []
    for person in snapshot(db):
        organisations = person["organisations"]
        values = {
            **person,
            "country": person["country"] or "",
            "organisations": LIST_SEPARATOR.join(name for name, _p in organisations),
            "positions": LIST_SEPARATOR.join(p for _n, p in organisations)
            if any(p for _n, p in organisations)
            else "",
            "stakeholder_type": person["stakeholder_type"].value,
            "tags": LIST_SEPARATOR.join(person["tags"]),
            "owner": person["owner"] or "",
        }
        rows.append([(YES if values[c.key] else NO) if c.boolean else values[c.key] for c in CONTACT_COLUMNS])
    return header, rows


# A minimal writer following the shared contract, so this test does not depend on crm/exports
# (written at the same time by someone else); test_round_trip_through_the_exporter uses the real one.
def contract_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([f"'{v}" if v.startswith(FORMULA_TRIGGERS) else v for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def contract_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for values in [header, *rows]:
        sheet.append(values)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def empty_the_database(db) -> None:
    """Delete the contacts, their organisations and tags: the import must make them all again."""
    for model in (Contact, Organisation, Tag):
        for record in db.session.scalars(select(model)):
            db.session.delete(record)
        db.session.flush()
    assert snapshot(db) == []


@pytest.mark.parametrize(
    ("writer", "name"), [(contract_csv, "contacts.csv"), (contract_xlsx, "contacts.xlsx")]
)
def test_round_trip_compares_equal_field_by_field(db, people, coordinator, preview_of, writer, name):
    before = snapshot(db)
    data = writer(*contract_rows(db))
    empty_the_database(db)

    preview = preview_of(data, name, actor=coordinator, kind="contacts")
    assert preview.preset.key == "crm_contacts"
    assert preview.errors == [] and preview.notes[0].startswith("New tags will be made")
    commit_import(preview, actor=coordinator)

    assert snapshot(db) == before


def test_round_trip_through_the_exporter(db, people, coordinator, preview_of):
    services = pytest.importorskip("crm.exports.services")
    writers = pytest.importorskip("crm.exports.writers")
    before = snapshot(db)
    export = services.plan_contact_export(
        services.source_from_filters({}),
        file_format="csv",
        preset="full",
        column_keys=[c.key for c in CONTACT_COLUMNS],
        include_sensitive=True,
        may_include_sensitive=True,
        may_include_everyone=True,
    )
    files = {
        "contacts.csv": b"".join(writers.csv_chunks(export.header, services.table_chunks(export))),
    }
    buffer = io.BytesIO()
    writers.write_xlsx(buffer, export.header, services.table_chunks(export), "Contacts")
    files["contacts.xlsx"] = buffer.getvalue()

    for name, data in files.items():
        empty_the_database(db)
        commit_import(preview_of(data, name, actor=coordinator, kind="contacts"), actor=coordinator)
        assert snapshot(db) == before, name


def test_staff_imports_leave_sensitive_and_owner_columns_out(db, people, staff, preview_of):
    data = contract_csv(*contract_rows(db))
    empty_the_database(db)

    preview = preview_of(data, actor=staff, kind="contacts")
    commit_import(preview, actor=staff)

    assert "The sensitive columns are not imported: only a coordinator may set them." in preview.notes
    assert "The owner column is not imported: you will own the new contacts." in preview.notes
    after = snapshot(db)
    assert {person["owner"] for person in after} == {staff.email}
    assert not any(person["lived_experience"] or person["sensitive_notes"] for person in after)


def test_existing_people_tags_and_organisations_are_reused(
    db, staff, preview_of, make_contact, make_tag, make_organisation
):
    existing = make_contact("Айгерим Нургалиева", "aigerim@example.kz")
    tag = make_tag("Partners")
    organisation = make_organisation("Stateless Rights Centre")
    rows = [
        ["Full name", "E-mail", "Tags", "Organisation", "Position"],
        ["Aigerim Nurgalieva", "AIGERIM@example.kz", "partners", "", ""],
        ["Бакыт Осмонов", "bakyt@example.kg", "partners; New tag", "stateless rights centre", "Lawyer"],
        ["Bakyt Osmonov", "bakyt@example.kg", "", "", ""],
        ["Айгерим Нургалиева", "other@example.kz", "", "", ""],
        ["Someone", "", "", "", ""],
        ["Broken", "", "", "", ""],
    ]
    rows[6].append("maybe")
    rows[0].append("Consent to contact")

    preview = preview_of(csv_bytes(rows), actor=staff, kind="contacts")
    assert [row.outcome for row in preview.rows] == [EXISTING, NEW, DUPLICATE, MATCHED, NEW, ERROR]
    assert "already in the CRM as Айгерим Нургалиева (same e-mail)" in preview.rows[0].reasons
    batch = commit_import(preview, actor=staff, skip_errors=True)

    assert batch.counts["created"] == 3 and batch.counts["existing"] == 1
    bakyt = db.session.scalar(select(Contact).where(Contact.email == "bakyt@example.kg"))
    assert sorted(t.name for t in bakyt.tags) == ["New tag", "Partners"]
    assert [(a.organisation_id, a.position) for a in bakyt.affiliations] == [(organisation.id, "Lawyer")]
    assert db.session.get(Contact, existing.id).full_name == "Айгерим Нургалиева"
    assert tag.id in {t.id for t in bakyt.tags}


def test_contact_rows_in_error_say_why(preview_of, staff):
    rows = [
        ["Full name", "E-mail", "Country", "Stakeholder type", "Do not contact", "Organisation"],
        ["", "a@example.org", "KZ", "lawyer", "no", ""],
        ["B", "b@", "Narnia", "wizard", "perhaps", "X; x"],
    ]

    first, second = preview_of(csv_bytes(rows), actor=staff, kind="contacts").rows

    assert [(i.column, i.reason) for i in first.issues] == [("Full name", "the name is empty")]
    reasons = {i.column: i.reason for i in second.issues}
    assert set(reasons) == {"E-mail", "Country", "Stakeholder type", "Do not contact", "Organisation"}
    assert reasons["Stakeholder type"] == "unknown stakeholder type “wizard”"
    assert reasons["Organisation"] == "“x” is listed twice"


def test_stakeholder_types_by_value_or_label(preview_of, staff, make_user):
    rows = [["Full name", "Stakeholder type"], ["A", "ngo_staff"], ["B", "NGO staff"], ["C", ""]]

    preview = preview_of(csv_bytes(rows), actor=make_user(Role.STAFF), kind="contacts")

    assert [row.values["stakeholder_type"] for row in preview.rows] == [
        StakeholderType.NGO_STAFF,
        StakeholderType.NGO_STAFF,
        StakeholderType.OTHER,
    ]
