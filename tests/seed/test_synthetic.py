"""`seed synthetic`: proportional counts, valid stages, deterministic, bulk (fast), refuses a non-empty database."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from crm.models import (
    Affiliation,
    Contact,
    Event,
    Inquiry,
    Interaction,
    Organisation,
    Thread,
    User,
    interaction_contacts,
    thread_contacts,
    thread_countries,
    thread_organisations,
)
from crm.models.enums import STAGES_BY_KIND
from crm.names import latin, name_key
from crm.seed.synthetic import load_synthetic, planned_counts


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_500_contacts_give_proportional_counts_valid_stages_and_derived_names(db):
    started = time.perf_counter()
    result = load_synthetic(500, seed=7)
    db.session.flush()
    assert time.perf_counter() - started < 10  # bulk inserts: well under a second normally
    assert planned_counts(500) == {
        "users": 8,
        "events": 3,
        "organisations": 100,
        "contacts": 500,
        "inquiries": 250,
        "threads": 200,
        "interactions": 1000,
    }
    for model, expected in (
        (Contact, 500),
        (Organisation, 100),
        (Inquiry, 250),
        (Thread, 200),
        (Interaction, 1000),
        (Event, 3),
    ):
        assert _count(db, model) == expected == result.counts[model.__tablename__]
    assert 0 < _count(db, Affiliation) <= 3 * 500
    for thread in db.session.scalars(select(Thread)):
        assert thread.stage in STAGES_BY_KIND[thread.kind]
        assert thread.is_closed or (thread.next_action and thread.next_action_due)
    contacts = db.session.scalars(select(Contact)).all()
    assert any(c.full_name != c.name_latin for c in contacts)  # some Cyrillic names
    assert any(c.full_name == c.name_latin for c in contacts)  # some Latin ones
    for contact in contacts[:50]:
        assert contact.name_latin == latin(contact.full_name)
        assert contact.name_key == name_key(contact.full_name)
        assert contact.email_normalized == contact.email.lower()
    # A new row after the explicit ids gets a fresh id (PostgreSQL sequences moved on).
    extra = Contact(full_name="After Seed")
    db.session.add(extra)
    db.session.flush()
    assert extra.id == 501


def _first_names(db) -> list[str]:
    return list(db.session.scalars(select(Contact.full_name).order_by(Contact.id).limit(20)))


def test_same_seed_same_data_and_refuses_a_database_with_contacts(app, db):
    load_synthetic(50, seed=3)
    db.session.flush()
    first = _first_names(db)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["seed", "synthetic", "--contacts", "50"])
    assert refused.exit_code != 0 and "already has" in refused.output
    for table in (interaction_contacts, thread_contacts, thread_countries, thread_organisations):
        db.session.execute(table.delete())
    for model in (Interaction, Thread, Inquiry, Event, Affiliation, Contact, Organisation):
        db.session.execute(model.__table__.delete())
    db.session.execute(User.__table__.delete().where(User.email.like("synthetic-staff-%")))
    load_synthetic(50, seed=3)
    assert _first_names(db) == first
