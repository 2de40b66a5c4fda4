"""Erasure: after it, no table anywhere holds the person's name, e-mail or phone; counts stay right.

The check reads every text and JSON column of every table in db.metadata, and also every table the
database itself has (SQLite: sqlite_master, FTS/virtual tables included; PostgreSQL: the public
schema), so tables added by other features are covered without being named here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, String, Text, func, inspect, select, text

from crm.contacts.services import edit_contact
from crm.imports.reading import Limits
from crm.imports.services import Settings, build_preview, commit_import
from crm.inquiries.services import convert_inquiry
from crm.lists.services import add_members, create_list
from crm.models import AuditEntry, Contact, Inquiry, Interaction, Thread
from crm.models.enums import ConsentPurpose, InteractionKind, Role, ThreadKind
from crm.names import latin
from crm.privacy.consent import record_consent
from crm.privacy.erasure import ErasureError, erase_contact
from crm.reports.services import ReportFilters, funnel
from crm.threads.services import add_interaction

NAME = "Ойгул Эрасебекова"
EMAIL = "oigul.erase@example.tj"
PHONE = "+992 93 555 01 23"
NEEDLES = [NAME, latin(NAME), EMAIL, PHONE, "992935550123"]


def _csv(rows):
    return "\n".join(",".join(row) for row in rows).encode()


@pytest.fixture
def person(db, client, staff, coordinator, make_inquiry, make_event, make_tag, make_thread, login):
    """One person, touched by as many features as possible."""
    event = make_event()
    inquiry = make_inquiry(
        sender_name=NAME,
        sender_email=EMAIL.upper(),
        subject=f"Question from {NAME.split()[0]}",
        message=f"Hello, I am {NAME}; call me on {PHONE}.",
        event_id=event.id,
    )
    converted = convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    contact = converted.contact
    edit_contact(
        contact,
        {"phone": PHONE, "notes": f"Met {NAME} at the webinar", "tags": None},
        actor=coordinator,
        may_set_sensitive=True,
        may_set_owner=True,
        tags=[make_tag("Webinar speakers")],
    )
    contact.sensitive_notes = f"{NAME} was stateless until 2019"
    record_consent(contact, ConsentPurpose.CONTACT, True, actor=staff, method=f"e-mail from {EMAIL}")
    add_interaction(
        converted.thread,
        InteractionKind.CALL,
        f"Called {NAME.split()[0]} on {PHONE}",
        actor=staff,
        contacts=[contact],
    )
    other_thread = make_thread(title="Regional coalition")
    add_interaction(other_thread, InteractionKind.NOTE, f"{NAME} ({EMAIL}) may join.", actor=staff)
    speakers = create_list("Speakers", actor=staff)
    add_members(speakers, [contact.id], actor=staff)
    # An import whose report names them ("already in the CRM as … (same e-mail)").
    data = _csv([["Full name", "E-mail"], [NAME, EMAIL], ["Бакыт Осмонов", "bakyt@example.kg"]])
    preview = build_preview(data, "people.csv", Settings(kind="contacts"), Limits(), actor=staff)
    commit_import(preview, actor=staff)
    # An export whose audit entry keeps the search that found them.
    login(coordinator)
    response = client.post(
        f"/contacts/export?q={EMAIL}",
        data={"file_format": "csv", "preset": "mailing", "columns": ["full_name"]},
    )
    assert response.status_code == 200
    db.session.flush()
    return contact


def _text_values(db):
    """(table, column, value) of every text-like value in the database, by the database's own catalogue."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    tables = {table.name: table for table in db.metadata.sorted_tables}
    if dialect == "sqlite":
        names = (
            connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
        )
    else:
        names = (
            connection.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            )
            .scalars()
            .all()
        )
    assert set(tables) <= set(names)
    for name in names:
        if name in tables:
            table = tables[name]
            columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
            for row in db.session.execute(select(*columns)) if columns else []:
                for column, value in zip(columns, row, strict=True):
                    yield (
                        name,
                        column.name,
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                    )
        else:  # a table no model describes (FTS index, another feature's helper table): every column
            quoted = connection.dialect.identifier_preparer.quote(name)
            for row in connection.execute(text(f"SELECT * FROM {quoted}")).mappings():  # noqa: S608
                for column, value in row.items():
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "ignore")
                    yield name, column, str(value)


def _found(db, needles):
    folded = [needle.casefold() for needle in needles]
    return sorted(
        {
            (table, column, needle)
            for table, column, value in _text_values(db)
            for needle in folded
            if value and needle in value.casefold()
        }
    )


def _counts(db):
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_erasure_leaves_no_trace_of_name_email_or_phone_in_any_table(db, client, admin, login, person):
    assert len(_found(db, NEEDLES)) >= 15  # the person really is everywhere before
    client.post("/logout")
    login(admin)
    page = client.get(f"/contacts/{person.id}/erase")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    before = _counts(db)
    today = datetime.now(UTC).date()
    report_before = funnel(ReportFilters(), now=datetime.now(UTC), today=today, stale_days=14)

    response = client.post(f"/contacts/{person.id}/erase", data={"ground": "request", "confirm": "y"})

    assert response.status_code == 302
    assert _found(db, NEEDLES) == []
    after = _counts(db)
    assert after.pop("audit_entries") == before.pop("audit_entries") + 1
    assert after == before  # every record stays, so counts and reports stay right
    assert funnel(ReportFilters(), now=datetime.now(UTC), today=today, stale_days=14) == report_before
    erased = db.session.get(Contact, person.id)
    assert erased.full_name == f"Erased contact #{person.id}" and erased.erased_at is not None
    assert db.session.scalar(select(func.count()).where(Inquiry.contact_id == person.id)) == 1
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert (entry.actor_id, entry.entity_id) == (admin.id, person.id)
    assert entry.changes["ground"] == "request" and entry.changes["inquiries"] == 1


def test_other_people_and_unrelated_words_are_left_alone(db, staff, admin, make_contact, make_thread):
    person = make_contact(NAME, EMAIL, "TJ", phone=PHONE)
    namesake = make_contact(NAME, "another.oigul@example.kz", "KZ")
    first_name_only = make_contact("Ойгул Сатыбалдиева", "oigul.s@example.kg", "KG")
    thread = make_thread(title="Ойгул Сатыбалдиева: training", contacts=[first_name_only])
    add_interaction(thread, InteractionKind.NOTE, "Ойгулы came too; Эрасебековаша is a place.", actor=staff)

    erase_contact(person, actor=admin, ground="request")

    db.session.expire_all()
    assert (namesake.full_name, namesake.email) == (NAME, "another.oigul@example.kz")
    creates = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == namesake.id, AuditEntry.action == "create")
    )
    assert [entry.changes for entry in creates if entry.entity_type == "contact"] == [{"full_name": NAME}]
    assert first_name_only.full_name == "Ойгул Сатыбалдиева"
    assert db.session.get(Thread, thread.id).title == "Ойгул Сатыбалдиева: training"
    assert db.session.scalar(select(Interaction.summary).where(Interaction.thread_id == thread.id)) == (
        "Ойгулы came too; Эрасебековаша is a place."
    )


def test_erasing_twice_or_without_a_ground_is_refused(db, admin, make_contact):
    person = make_contact(NAME, EMAIL)
    with pytest.raises(ErasureError) as error:
        erase_contact(person, actor=admin, ground="because")
    assert error.value.field == "ground"
    erase_contact(person, actor=admin, ground="request")
    with pytest.raises(ErasureError):
        erase_contact(person, actor=admin, ground="request")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF, Role.COORDINATOR])
def test_only_admins_may_erase(db, client, make_user, login, make_contact, role):
    person = make_contact(NAME, EMAIL)
    login(make_user(role))
    assert client.get(f"/contacts/{person.id}/erase").status_code == 403
    assert (
        client.post(f"/contacts/{person.id}/erase", data={"ground": "request", "confirm": "y"}).status_code
        == 403
    )
    assert f"/contacts/{person.id}/erase" not in client.get(f"/contacts/{person.id}").get_data(as_text=True)
    db.session.expire(person)
    assert person.full_name == NAME


def test_the_confirmation_box_must_be_ticked(db, client, admin, login, make_contact):
    person = make_contact(NAME, EMAIL)
    login(admin)
    response = client.post(f"/contacts/{person.id}/erase", data={"ground": "request"})
    assert response.status_code == 200
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    db.session.expire(person)
    assert person.full_name == NAME and person.erased_at is None


def test_the_search_index_follows(db, admin, make_contact):
    """Whatever search uses (LIKE today, an FTS/trigram index later) no longer finds them."""
    from crm.search.services import search

    person = make_contact(NAME, EMAIL, phone=PHONE)
    assert [c.id for c in search(NAME).contacts] == [person.id]
    erase_contact(person, actor=admin, ground="request")
    assert search(NAME).total == 0 and search(EMAIL).total == 0 and search("935550123").total == 0


def test_after_an_erasure_the_index_pages_hold_no_trace_either(db, admin, make_contact):
    """SQLite's FTS5 keeps a deleted document's terms in its pages until a merge: purge rewrites them."""
    from crm.privacy.erasure import purge_search_index

    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's VACUUM reclaims dead index rows; there is no page to read from SQL")
    person = make_contact(NAME, EMAIL, phone=PHONE)
    db.session.flush()

    def pages() -> bytes:
        return b"".join(
            bytes(row[0] or b"") for row in db.session.execute(text("SELECT block FROM search_fts_data"))
        )

    needle = b"935550123"  # the phone digits, one token (FTS5 pages compress shared prefixes of others)
    assert needle in pages()
    erase_contact(person, actor=admin, ground="request")
    purge_search_index()
    assert needle not in pages()


def test_the_generic_check_sees_tables_no_model_describes(db):
    """The check itself: a table outside db.metadata holding the name is caught."""
    connection = db.session.connection()
    connection.execute(text("CREATE TABLE privacy_probe (note TEXT)"))
    connection.execute(text("INSERT INTO privacy_probe VALUES (:note)"), {"note": f"hello {EMAIL}"})
    assert ("privacy_probe", "note", EMAIL) in _found(db, [EMAIL])
    assert inspect(connection).has_table("privacy_probe")


def test_duplicates_merged_into_the_person_go_with_them(db, admin, make_contact):
    person = make_contact(NAME, EMAIL, phone=PHONE)
    duplicate = make_contact(latin(NAME), "oigul.old@example.tj")
    duplicate.merged_into_id = person.id
    db.session.flush()
    with pytest.raises(ErasureError):
        erase_contact(duplicate, actor=admin, ground="request")

    erase_contact(person, actor=admin, ground="request")

    db.session.expire_all()
    assert duplicate.erased_at is not None and duplicate.merged_into_id == person.id
    assert _found(db, [*NEEDLES, "oigul.old@example.tj"]) == []
    erased = db.session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "erase")).all()
    assert sorted(erased) == sorted([person.id, duplicate.id])


def test_other_features_can_hook_into_erasure(db, admin, make_contact, monkeypatch):
    from crm.privacy import erasure

    seen = []
    monkeypatch.setattr(erasure, "ON_ERASE", [lambda contact: seen.append((contact.id, contact.full_name))])
    person = make_contact(NAME, EMAIL)
    erase_contact(person, actor=admin, ground="request")
    assert seen == [(person.id, f"Erased contact #{person.id}")]
