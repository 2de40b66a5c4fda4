"""Consent: records with purpose, answer, when, how and by whom; withdrawing is one action; history kept."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.exports.services import MAILING_CONDITIONS
from crm.models import AuditEntry, ConsentRecord, Contact
from crm.models.enums import ConsentPurpose
from crm.privacy.consent import ConsentError, consent_states, record_consent, withdraw_consent


def test_giving_then_withdrawing_keeps_the_history_and_the_current_state(
    db, staff, coordinator, make_contact
):
    contact = make_contact()
    given_at = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
    record_consent(
        contact,
        ConsentPurpose.CONTACT,
        True,
        actor=staff,
        method="Webinar registration form",
        at=given_at,
        notice="v2",
    )
    assert contact.consent_to_contact is True and contact.consent_method == "Webinar registration form"

    withdraw_consent(contact, ConsentPurpose.CONTACT, actor=coordinator, method="Reply to newsletter")

    history = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
    assert [(r.purpose, r.given, r.method, r.recorded_by_id) for r in history] == [
        (ConsentPurpose.CONTACT, True, "Webinar registration form", staff.id),
        (ConsentPurpose.CONTACT, False, "Reply to newsletter", coordinator.id),
    ]
    assert history[0].notice == "v2" and history[0].at.replace(tzinfo=UTC) == given_at
    assert contact.consent_to_contact is False  # the mailing export's column follows
    states = {state.purpose: state.given for state in consent_states(contact)}
    assert states == {
        ConsentPurpose.CONTACT: False,
        ConsentPurpose.SHARE: False,
        ConsentPurpose.KEEP_SENSITIVE: False,
    }
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == contact.id)).all()
    assert actions[-2:] == ["consent", "consent_withdrawn"]


def test_withdrawn_people_drop_out_of_the_mailing_export(db, staff, make_contact):
    contact = make_contact()
    record_consent(contact, "contact", True, actor=staff)
    mailing = select(Contact.id).where(*MAILING_CONDITIONS)
    assert db.session.scalars(mailing).all() == [contact.id]
    withdraw_consent(contact, "contact", actor=staff)
    assert db.session.scalars(mailing).all() == []


def test_consent_in_the_future_or_for_nothing_is_refused(db, staff, make_contact):
    contact = make_contact()
    with pytest.raises(ConsentError) as error:
        record_consent(contact, "contact", True, actor=staff, at=datetime.now(UTC) + timedelta(days=2))
    assert error.value.field == "at"
    with pytest.raises(ConsentError) as error:
        record_consent(contact, "marketing", True, actor=staff)
    assert error.value.field == "purpose"


def test_the_contact_form_at_creation_records_consent(client, staff, login, db):
    login(staff)
    client.post(
        "/contacts/new",
        data={
            "full_name": "Жанна Абенова",
            "stakeholder_type": "lawyer",
            "consent_to_share": "y",
            "consent_method": "Call",
        },
    )
    contact = db.session.scalar(select(Contact).where(Contact.full_name == "Жанна Абенова"))
    records = db.session.scalars(select(ConsentRecord).where(ConsentRecord.contact_id == contact.id)).all()
    assert [(r.purpose, r.given, r.method, r.recorded_by_id) for r in records] == [
        (ConsentPurpose.SHARE, True, "Call", staff.id)
    ]
    assert (contact.consent_to_share, contact.consent_to_contact) == (True, False)


def test_the_contact_page_shows_state_and_history_and_withdraws_in_one_click(
    client, staff, login, db, make_contact
):
    contact = make_contact()
    record_consent(contact, "contact", True, actor=staff, method="Webinar chat")
    record_consent(contact, "share", True, actor=staff, method="Webinar chat")
    login(staff)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Be contacted by e-mail or phone" in page and "Webinar chat" in page
    assert f'action="/contacts/{contact.id}/consent/share/withdraw"' in page

    response = client.post(f"/contacts/{contact.id}/consent/share/withdraw")

    assert response.status_code == 302 and response.headers["Location"].endswith("#consent")
    db.session.expire(contact)
    assert (contact.consent_to_contact, contact.consent_to_share) == (True, False)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert page.count("<tr>") >= 4  # header + three records in the history
    assert f'action="/contacts/{contact.id}/consent/share/withdraw"' not in page


def test_recording_consent_from_the_page(client, staff, login, db, make_contact):
    contact = make_contact()
    login(staff)
    response = client.post(
        f"/contacts/{contact.id}/consent",
        data={
            "purpose": "keep_sensitive",
            "given": "yes",
            "method": "Signed form",
            "at": "2026-11-02",
            "notice": "2026-01",
        },
    )
    assert response.status_code == 302
    record = db.session.scalar(select(ConsentRecord).where(ConsentRecord.contact_id == contact.id))
    assert (record.purpose, record.given, record.method, record.notice) == (
        "keep_sensitive",
        True,
        "Signed form",
        "2026-01",
    )
    assert record.at.date().isoformat() == "2026-11-02"


def test_viewers_cannot_record_or_withdraw(client, viewer, staff, login, db, make_contact):
    contact = make_contact()
    record_consent(contact, "contact", True, actor=staff)
    login(viewer)
    assert client.post(f"/contacts/{contact.id}/consent/contact/withdraw").status_code == 403
    assert (
        client.post(f"/contacts/{contact.id}/consent", data={"purpose": "contact", "given": "no"}).status_code
        == 403
    )
    assert "Withdraw" not in client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    db.session.expire(contact)
    assert contact.consent_to_contact is True


def test_withdrawing_consent_to_keep_lived_experience_data_deletes_it(db, staff, make_contact):
    contact = make_contact(lived_experience=True, sensitive_notes="Stateless until 2019")
    record_consent(contact, "keep_sensitive", True, actor=staff, method="Signed form")
    withdraw_consent(contact, "keep_sensitive", actor=staff, method="Phone call")
    db.session.flush()
    db.session.expire(contact)
    assert (contact.lived_experience, contact.sensitive_notes) == (False, "")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consent_withdrawn")).one()
    assert entry.changes["sensitive_cleared"] is True and "Stateless" not in str(entry.changes)


def test_a_consent_in_the_future_is_shown_next_to_its_field(client, staff, login, db, make_contact):
    contact = make_contact()
    login(staff)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    response = client.post(
        f"/contacts/{contact.id}/consent", data={"purpose": "contact", "given": "yes", "at": tomorrow}
    )
    assert response.status_code == 400
    assert "Consent cannot be given in the future." in response.get_data(as_text=True)
    assert db.session.scalar(select(ConsentRecord).where(ConsentRecord.contact_id == contact.id)) is None
