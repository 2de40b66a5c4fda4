"""Retention: `flask retention review` lists people with no activity and no consent; --apply anonymises."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from crm.inquiries.services import convert_inquiry
from crm.models import AuditEntry, ConsentRecord, Contact, Inquiry, Interaction, Thread
from crm.models.enums import InteractionKind, ThreadKind
from crm.privacy.consent import record_consent, withdraw_consent
from crm.privacy.erasure import erase_contact
from crm.privacy.retention import dormant_contacts, months_before
from crm.threads.services import add_interaction

LONG_AGO = datetime(2023, 3, 1, 10, 0, tzinfo=UTC)


def _age(db, contact, when=LONG_AGO):
    """Move everything about the contact back to `when` (services stamp records with now)."""
    db.session.flush()
    db.session.execute(
        update(Contact).where(Contact.id == contact.id).values(created_at=when, updated_at=when)
    )
    db.session.execute(
        update(Inquiry).where(Inquiry.contact_id == contact.id).values(received_at=when, updated_at=when)
    )
    db.session.execute(
        update(ConsentRecord).where(ConsentRecord.contact_id == contact.id).values(at=when, recorded_at=when)
    )
    threads = select(Thread.id).where(Thread.contacts.any(Contact.id == contact.id))
    db.session.execute(update(Thread).where(Thread.id.in_(threads)).values(updated_at=when))
    db.session.execute(update(Interaction).where(Interaction.thread_id.in_(threads)).values(occurred_at=when))
    db.session.expire_all()


@pytest.fixture
def people(db, staff, admin, make_contact, make_inquiry):
    dormant = make_contact("Dormant Person", "dormant@example.org")
    _age(db, dormant)
    consented = make_contact("Consented Person", "consented@example.org")
    record_consent(consented, "share", True, actor=staff)
    _age(db, consented)
    withdrew = make_contact("Withdrawn Person", "withdrew@example.org")
    record_consent(withdrew, "contact", True, actor=staff)
    withdraw_consent(withdrew, "contact", actor=staff)
    _age(db, withdrew)
    converted = convert_inquiry(
        make_inquiry(sender_name="Active Person", sender_email="active@example.org"),
        actor=staff,
        thread_kind=ThreadKind.CONSULTATION,
    )
    active = converted.contact
    _age(db, active)
    add_interaction(
        db.session.get(Thread, converted.thread.id),
        InteractionKind.CALL,
        "Caught up",
        actor=staff,
        occurred_at=datetime.now(UTC) - timedelta(days=20),
    )
    erased = make_contact("Erased Already", "erased@example.org")
    erase_contact(erased, actor=admin, ground="request")
    _age(db, erased)
    recent = make_contact("Recent Person", "recent@example.org")
    return {"dormant": dormant, "withdrew": withdrew, "active": active, "recent": recent}


def test_review_finds_only_the_dormant_without_consent(db, people):
    found = dormant_contacts(12)
    assert [item.name for item in found] == ["Dormant Person", "Withdrawn Person"]
    assert {item.last_activity.date() for item in found} == {LONG_AGO.date()}
    assert dormant_contacts(60) == []  # nobody has been quiet for five years


def test_cli_review_lists_and_changes_nothing(app, db, people):
    result = app.test_cli_runner().invoke(args=["retention", "review", "--months", "12"])
    assert result.exit_code == 0, result.output
    assert "Dormant Person" in result.output and "Withdrawn Person" in result.output
    assert "Active Person" not in result.output and "Consented Person" not in result.output
    assert "2 contacts have had no activity and no consent since" in result.output
    assert "Nothing was changed. Run again with --apply to anonymise them." in result.output
    assert (
        db.session.scalar(
            select(Contact.id).where(Contact.erased_at.is_not(None), Contact.id == people["dormant"].id)
        )
        is None
    )


def test_cli_apply_anonymises_them_with_the_erasure_service(app, db, people):
    result = app.test_cli_runner().invoke(args=["retention", "review", "--months", "12", "--apply"])
    assert result.exit_code == 0, result.output
    assert "Anonymised 2 contacts; each erasure is in the audit trail." in result.output
    db.session.expire_all()
    dormant = db.session.get(Contact, people["dormant"].id)
    assert dormant.full_name == f"Erased contact #{dormant.id}" and dormant.email == ""
    assert db.session.get(Contact, people["active"].id).full_name == "Active Person"
    erasures = select(AuditEntry.changes).where(AuditEntry.action == "erase").order_by(AuditEntry.id)
    grounds = db.session.scalars(erasures).all()
    assert [g["ground"] for g in grounds] == ["request", "retention", "retention"]
    again = app.test_cli_runner().invoke(args=["retention", "review", "--months", "12"])
    assert "No contact without activity and consent since" in again.output


def test_the_default_period_comes_from_config(app, db, people, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", 600)
    result = app.test_cli_runner().invoke(args=["retention", "review"])
    assert "(600 months)" in result.output and "Dormant Person" not in result.output


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 24, datetime(2024, 1, 15, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2023, 2, 28, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
