"""The contact import inserts its rows in a few multi-row statements, with the form's rules and audit."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.imports.services import commit_import
from crm.models import AuditEntry, ConsentRecord, Contact
from crm.models.enums import ConsentPurpose
from crm.names import name_key
from tests.imports.conftest import csv_bytes

HEADER = ["Full name", "E-mail", "Country", "Tags", "Organisation", "Position", "Consent to contact"]


def _rows(count: int, first: int = 0) -> list[list[str]]:
    return [HEADER] + [
        [
            f"Person {n:04d} Иванова",
            f"p{n}@example.org",
            "Kazakhstan",
            "Webinar",
            "",
            "",
            "yes" if n % 2 else "no",
        ]
        for n in range(first, first + count)
    ]


def test_imported_contacts_have_the_forms_derived_columns_owner_consent_and_audit(db, staff, preview_of):
    rows = [
        HEADER,
        [
            "Гүлнар Сейітова",
            "Gulnar@Example.KZ",
            "Kazakhstan",
            "Partners; Webinar",
            "Центр права; Legal Aid",
            "Юрист; ",
            "yes",
        ],
        ["Bakyt Osmonov", "", "Kyrgyzstan", "", "", "", "no"],
    ]
    batch = commit_import(preview_of(csv_bytes(rows), actor=staff, kind="contacts"), actor=staff)
    db.session.flush()

    gulnar = db.session.scalar(select(Contact).where(Contact.full_name == "Гүлнар Сейітова"))
    assert (gulnar.name_key, gulnar.email_normalized, gulnar.owner_id) == (
        name_key("Гүлнар Сейітова"),
        "gulnar@example.kz",
        staff.id,
    )
    assert gulnar.consent_to_contact and gulnar.consent_recorded_at is not None
    assert sorted(tag.name for tag in gulnar.tags) == ["Partners", "Webinar"]
    assert [(a.organisation.name, a.position) for a in gulnar.affiliations] == [
        ("Центр права", "Юрист"),
        ("Legal Aid", ""),
    ]
    bakyt = db.session.scalar(select(Contact).where(Contact.full_name == "Bakyt Osmonov"))
    assert bakyt.consent_recorded_at is None and bakyt.affiliations == []
    consents = db.session.execute(
        select(
            ConsentRecord.contact_id, ConsentRecord.purpose, ConsentRecord.given, ConsentRecord.recorded_by_id
        )
    ).all()
    assert consents == [(gulnar.id, ConsentPurpose.CONTACT, True, staff.id)]  # as add_contact records it

    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.changes, AuditEntry.actor_id)
        .where(AuditEntry.entity_type == "contact")
        .order_by(AuditEntry.id)
    ).all()
    assert [(action, entity, changes) for action, entity, changes, _actor in entries] == [
        ("create", gulnar.id, {"full_name": "Гүлнар Сейітова"}),
        ("create", bakyt.id, {"full_name": "Bakyt Osmonov"}),
        ("affiliate", gulnar.id, {"organisation": "Центр права", "position": "Юрист"}),
        ("affiliate", gulnar.id, {"organisation": "Legal Aid", "position": ""}),
    ]
    assert {actor for *_rest, actor in entries} == {staff.id}
    assert batch.counts["created"] == 2


def test_a_ten_times_larger_file_takes_the_same_number_of_statements(
    db, staff, preview_of, count_statements, make_tag
):
    make_tag("Webinar")

    def statements(count: int, first: int) -> int:
        preview = preview_of(csv_bytes(_rows(count, first)), actor=staff, kind="contacts")
        with count_statements() as seen:
            commit_import(preview, actor=staff)
            db.session.flush()
        return len(seen)

    few, many = statements(40, 0), statements(400, 1000)
    assert many == few
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 440


def test_addresses_at_an_already_checked_domain_are_still_checked_for_their_own_part():
    from crm.imports.values import ValueProblem, check_email

    assert check_email(" first@webinar.example ") == "first@webinar.example"
    assert check_email("second.person+kz@webinar.example") == "second.person+kz@webinar.example"
    for bad in (
        "two..dots@webinar.example",
        ".lead@webinar.example",
        "no-at-sign",
        "x@",
        "a b@webinar.example",
    ):
        try:
            check_email(bad)
        except ValueProblem:
            continue
        raise AssertionError(f"{bad!r} was accepted")
