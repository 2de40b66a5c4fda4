"""The demo data set: realistic, built through the services, consistent in time, and loaded once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from crm.models import AuditEntry, Contact, Event, Inquiry, Interaction, Organisation, Thread, User
from crm.models.base import as_utc, utcnow
from crm.models.enums import STAGES_BY_KIND, InquiryStatus, Role, ThreadKind
from crm.seed.demo import load_demo
from tests.conftest import PASSWORD

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _counts(db) -> dict[str, int]:
    models = (User, Event, Organisation, Contact, Inquiry, Thread, Interaction, AuditEntry)
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


@pytest.fixture
def demo(db):
    result = load_demo()
    db.session.flush()
    return result


def test_summary_matches_what_was_created(db, demo):
    counts = _counts(db)
    assert demo.summary == (
        f"Loaded demo data: {counts['Event']} events, {counts['Organisation']} organisations, "
        f"{counts['Contact']} contacts, {counts['Inquiry']} inquiries, {counts['Thread']} threads, "
        f"{counts['Interaction']} interactions."
    )
    assert counts["Inquiry"] >= 35
    assert counts["Organisation"] >= 20


def test_inquiries_cover_every_status_channel_and_both_events(db, demo):
    inquiries = db.session.scalars(select(Inquiry)).all()
    assert {i.status for i in inquiries} == set(InquiryStatus)
    assert len({i.channel for i in inquiries}) >= 5
    events = db.session.scalars(select(Event)).all()
    assert len(events) == 2
    for event in events:
        assert any(i.event_id == event.id for i in inquiries)
    assert any(i.event_id is None for i in inquiries)
    assert sum(i.status == InquiryStatus.NEW and i.assignee_id is None for i in inquiries) >= 3
    # Sender countries are kept as typed; most are recognised, in either script.
    typed = {i.sender_country for i in inquiries}
    assert {"Казахстан", "Kazakhstan", "Kyrgyz Republic", "PH"} <= typed
    assert sum(i.country_code is not None for i in inquiries) >= 35


def test_names_in_both_scripts(db, demo):
    names = db.session.scalars(select(Contact.full_name)).all()
    assert any(CYRILLIC.search(n) for n in names)
    assert any(not CYRILLIC.search(n) for n in names)
    # The Latin form used for matching is derived by the service, for every contact.
    assert all(c.name_latin and c.name_latin.isascii() for c in db.session.scalars(select(Contact)))


def test_threads_of_every_kind_each_in_a_stage_of_its_own_pipeline(db, demo):
    threads = db.session.scalars(select(Thread)).all()
    assert {t.kind for t in threads} == set(ThreadKind)
    for thread in threads:
        assert thread.stage in STAGES_BY_KIND[thread.kind]
        assert thread.origin_inquiry is not None
        assert thread.owner is not None
        if thread.is_closed:
            assert thread.closed_on is not None and thread.outcome
    assert len({t.owner_id for t in threads}) >= 3
    assert any(t.stage.value == "completed" for t in threads)
    assert any(t.stage.value == "dropped" for t in threads)


def test_next_actions_overdue_due_soon_later_and_none(db, demo):
    today = date.today()
    open_threads = [t for t in db.session.scalars(select(Thread)) if not t.is_closed]
    dues = [t.next_action_due for t in open_threads if t.next_action_due]
    assert any(d < today for d in dues), "at least one overdue next action"
    assert any(today <= d <= today + timedelta(days=7) for d in dues), "one due within a week"
    assert any(d > today + timedelta(days=7) for d in dues)
    assert any(not t.next_action for t in open_threads)
    assert all(t.next_action for t in open_threads if t.next_action_due)


def test_first_response_times_vary_from_hours_to_days(db, demo):
    answered = [i for i in db.session.scalars(select(Inquiry)) if i.first_response_at is not None]
    assert len(answered) >= 20
    waits = sorted(i.first_response_time for i in answered)
    assert waits[0] < timedelta(hours=12)
    assert waits[-1] > timedelta(days=5)
    assert all(w > timedelta(0) for w in waits)


def test_history_is_consistent_in_time(db, demo):
    now = utcnow()
    for inquiry in db.session.scalars(select(Inquiry)):
        received = as_utc(inquiry.received_at)
        assert received <= now
        assert received >= now - timedelta(days=40)
        if inquiry.converted_at is not None:
            assert received <= as_utc(inquiry.converted_at) <= now
    for interaction in db.session.scalars(select(Interaction)):
        at = as_utc(interaction.occurred_at)
        assert at <= now
        assert at >= as_utc(interaction.thread.origin_inquiry.received_at)
        assert interaction.thread.opened_on <= at.date()
    for thread in db.session.scalars(select(Thread)):
        latest = max(as_utc(i.occurred_at) for i in thread.interactions)
        assert as_utc(thread.last_interaction_at) == latest
    # Not everything "opened today": the month has a history.
    assert len({t.opened_on for t in db.session.scalars(select(Thread))}) > 10


def test_people_details_consent_and_special_category_data(db, demo):
    contacts = db.session.scalars(select(Contact)).all()
    assert any(len(c.inquiries) >= 2 for c in contacts), "one person wrote in twice"
    assert sum(len(c.affiliations) >= 2 for c in contacts) >= 2
    assert sum(c.consent_to_contact for c in contacts) >= 5
    assert all(c.consent_recorded_at is not None for c in contacts if c.consent_to_contact)
    assert sum(c.do_not_contact for c in contacts) == 1
    sensitive = [c for c in contacts if c.lived_experience]
    assert len(sensitive) >= 2
    assert all(c.sensitive_notes for c in sensitive)
    # Special-category data stays in the protected columns, not in open notes or tags.
    for contact in sensitive:
        assert "stateless" not in contact.notes.lower()
        assert all("lived" not in tag.name for tag in contact.tags)


def test_everything_went_through_the_services(db, demo):
    def audited(action, entity_type):
        return db.session.scalar(
            select(func.count()).where(AuditEntry.action == action, AuditEntry.entity_type == entity_type)
        )

    assert audited("create", "inquiry") == db.session.scalar(select(func.count()).select_from(Inquiry))
    assert audited("create", "thread") == db.session.scalar(select(func.count()).select_from(Thread))
    assert audited("interaction", "thread") == db.session.scalar(
        select(func.count()).select_from(Interaction)
    )
    assert audited("convert", "inquiry") >= 20
    assert audited("close", "inquiry") >= 2
    assert audited("stage", "thread") >= 15


def test_sign_in_gives_one_time_passwords(db, demo):
    roles = {role for _, _, role in demo.sign_in}
    assert {Role.ADMIN.value, Role.STAFF.value} <= roles
    for email, password, role in demo.sign_in:
        assert email.endswith(".example")
        assert len(password) >= 12
        assert password != PASSWORD
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.role.value == role
        assert check_password_hash(user.password_hash, password)
        assert user.must_change_password
    assert len({password for _, password, _ in demo.sign_in}) == len(demo.sign_in)


def test_second_load_changes_nothing(db, demo):
    before = _counts(db)
    again = load_demo()
    db.session.flush()
    assert _counts(db) == before
    assert again.sign_in == []
    assert "already" in again.summary


def test_existing_accounts_are_reused_not_duplicated(db, make_user):
    existing = make_user(Role.ADMIN, email="elena.pak@network.example", name="Elena Pak")
    result = load_demo()
    assert existing.email not in {email for email, _, _ in result.sign_in}
    assert db.session.scalar(select(func.count()).where(User.email == existing.email)) == 1
    assert result.sign_in, "the other accounts are still created"


def test_demo_inquiries_have_sat_in_their_status_for_a_believable_time(db):
    from crm.models.base import as_utc

    load_demo()
    inquiries = db.session.scalars(select(Inquiry)).all()
    for inquiry in inquiries:
        assert as_utc(inquiry.received_at) <= as_utc(inquiry.status_changed_at) <= utcnow()
    assert len({as_utc(i.status_changed_at).date() for i in inquiries}) > 10  # not all "today"
