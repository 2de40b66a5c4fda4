"""The index follows every way of writing: ORM saves, Core bulk inserts, raw UPDATEs, deletes, merges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from crm.contacts.services import contact_list_query, update_contact
from crm.inquiries.services import inquiry_list_query
from crm.models import Contact, Inquiry, Organisation, Thread
from crm.names import latin, name_key
from crm.organisations.services import organisation_list_query
from crm.search import index, substring
from crm.search.services import search
from crm.seed.synthetic import load_synthetic
from crm.threads.services import thread_list_query


def _index_text(db) -> str:
    """Everything the index stores, as one string (what a look at the database file would show)."""
    if db.session.get_bind().dialect.name == "sqlite":
        rows = db.session.execute(text("SELECT key, names, body, exact FROM search_fts"))
    else:
        rows = db.session.execute(text("SELECT key, exact, document::text FROM search_documents"))
    return " ".join(" ".join(str(value) for value in row) for row in rows).lower()


def _documents(db) -> int:
    table = "search_fts" if db.session.get_bind().dialect.name == "sqlite" else "search_documents"
    return db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - a fixed name


def test_an_edit_through_the_service_replaces_the_old_name(db, staff, make_contact):
    contact = make_contact(full_name="Айгерим Нургалиева", email="a.n@example.kz")
    update_contact(
        contact, {"full_name": "Dana Serikova"}, actor=staff, may_set_sensitive=False, may_set_owner=False
    )
    db.session.flush()
    assert search("Aigerim").contacts == [] and search("Нургалиева").contacts == []
    assert search("Serikova").contacts == [contact]


def test_an_erasure_by_raw_update_leaves_no_trace_of_name_email_or_phone(db, make_contact):
    contact = make_contact(
        full_name="Айгерим Нургалиева", email="Aigerim.N@example.kz", phone="+7 701 234 5678"
    )
    erased = "Erased contact"
    db.session.execute(
        update(Contact)
        .where(Contact.id == contact.id)
        .values(
            full_name=erased,
            name_latin=latin(erased),
            name_key=name_key(erased),
            email="",
            email_normalized="",
            phone="",
            phone_e164="",
        )
        .execution_options(synchronize_session=False)
    )
    index.purge(db.session.connection())
    for typed in ("Aigerim", "Нургалиева", "aigerim.n@example.kz", "87012345678", "7012345678"):
        assert search(typed).total == 0, typed
    stored = _index_text(db)
    for trace in ("aigerim", "айгерим", "нургалиева", "nurgal", "example.kz", "7012345678"):
        assert trace not in stored, trace
    assert [c.id for c in search("Erased contact").contacts] == [contact.id]


def test_a_bulk_insert_is_indexed_like_the_synthetic_loader_does(db):
    rows = [
        {
            "id": 900_001 + n,
            "full_name": name,
            "name_latin": latin(name),
            "name_key": name_key(name),
            "email": f"bulk{n}@example.org",
            "email_normalized": f"bulk{n}@example.org",
            "phone": "+996 555 12-34-56" if n == 0 else "",
        }
        for n, name in enumerate(["Бахтияр Исмаилов", "Zarina Karimova"])
    ]
    db.session.execute(insert(Contact.__table__), rows)
    assert [c.full_name for c in search("Bakhtiyar").contacts] == ["Бахтияр Исмаилов"]
    assert [c.full_name for c in search("0555 12 34 56").contacts] == ["Бахтияр Исмаилов"]
    assert [c.full_name for c in search("Каримова").contacts] == ["Zarina Karimova"]


def test_deleted_and_merged_records_leave_the_results_and_come_back_when_restored(
    db, make_contact, make_organisation
):
    keep = make_contact(full_name="Aigerim Nurgaliyeva", email="keep@example.org")
    merged = make_contact(full_name="Айгерим Нургалиева", email="merged@example.org")
    deleted = make_contact(full_name="Aigerim Nurgalieva", email="deleted@example.org")
    org = make_organisation(name="Legal Aid Centre")
    gone = make_organisation(name="Legal Aid Foundation")
    merged.merged_into_id = keep.id
    deleted.deleted_at = datetime.now(UTC)
    gone.deleted_at = datetime.now(UTC)
    db.session.flush()
    assert search("Aigerim").contacts == [keep]
    assert search("legal aid").organisations == [org]
    # Raw SQL, as an undo or an import might write it.
    db.session.execute(update(Contact).where(Contact.id == deleted.id).values(deleted_at=None))
    db.session.execute(update(Organisation).where(Organisation.id == org.id).values(merged_into_id=gone.id))
    db.session.expire_all()
    assert {c.id for c in search("Aigerim").contacts} == {keep.id, deleted.id}
    assert search("legal aid").organisations == []


def test_deleting_rows_removes_their_documents(db, make_contact, make_inquiry, make_thread):
    contact = make_contact(full_name="Bakyt Osmonov", email="b@example.kg")
    inquiry = make_inquiry(sender_name="Bakyt Osmonov", message="Documents for my son")
    thread = make_thread(title="Documents for Bakyt's son")
    before = _documents(db)
    assert search("Bakyt").total == 3
    db.session.execute(delete(Thread).where(Thread.id == thread.id))
    db.session.execute(delete(Inquiry).where(Inquiry.id == inquiry.id))
    db.session.delete(contact)
    db.session.flush()
    assert search("Bakyt").total == 0
    assert _documents(db) == before - 3


def test_inquiry_and_thread_edits_are_followed(db, make_inquiry, make_thread):
    inquiry = make_inquiry(sender_name="Ratna Dewi", subject="Birth registration", message="Late?")
    thread = make_thread(title="Birth registration in Sabah")
    inquiry.message = "Citizenship by descent"
    inquiry.subject = "Descent"
    thread.title = "Citizenship by descent"
    db.session.flush()
    found = search("descent")
    assert found.inquiries == [inquiry] and found.threads == [thread]
    assert search("Sabah").total == 0 and search("birth").total == 0


def test_only_name_email_and_phone_of_a_contact_are_copied(db, make_contact):
    make_contact(
        full_name="Bakyt Osmonov",
        email="b@example.kg",
        notes="Met at the Bishkek workshop",
        lived_experience=True,
        sensitive_notes="Undocumented since birth",
    )
    stored = _index_text(db)
    assert "bakyt" in stored
    assert "undocumented" not in stored and "bishkek" not in stored


def test_the_synthetic_data_set_is_searchable(db):
    load_synthetic(300, seed=3)
    db.session.flush()
    live = {
        Contact: db.session.scalar(select(func.count()).select_from(Contact).where(Contact.live())),
        Organisation: db.session.scalar(select(func.count()).select_from(Organisation)),
        Inquiry: db.session.scalar(select(func.count()).select_from(Inquiry)),
        Thread: db.session.scalar(select(func.count()).select_from(Thread)),
    }
    assert _documents(db) == sum(live.values())
    aigerims = db.session.scalars(
        select(Contact.id).where(Contact.name_key.contains("aigerim")).order_by(Contact.id)
    ).all()
    found = search("Айгерим", limit=1000).contacts
    assert sorted(c.id for c in found) == list(aigerims)


def test_the_rebuild_command_restores_a_lost_index(app, db, make_contact, make_thread):
    make_contact(full_name="Айгерим Нургалиева", email="a.n@example.kz")
    make_thread(title="Birth registration in Sabah")
    table = "search_fts" if db.session.get_bind().dialect.name == "sqlite" else "search_documents"
    db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - a fixed name
    assert search("Aigerim").total == 0
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt: 2 documents." in result.output
    assert len(search("Aigerim").contacts) == 1 and len(search("Sabah").threads) == 1


def test_the_rebuild_command_restores_the_lists_substring_indexes_too(
    app, db, make_contact, make_organisation, make_inquiry, make_thread
):
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's substring indexes are indexes on the tables, nothing to lose apart")
    made = {
        contact_list_query: make_contact(full_name="Айгерим Нургалиева", email="a.n@example.kz"),
        organisation_list_query: make_organisation(name="Центр Нургалиева"),
        inquiry_list_query: make_inquiry(sender_name="Айгерим Нургалиева"),
        thread_list_query: make_thread(title="Консультация Нургалиевой"),
    }
    for target in substring.VERSIONS[substring.CURRENT]:
        db.session.execute(text(f"DELETE FROM {target.fts}"))  # noqa: S608 - the module's own names

    def found() -> dict:
        return {query: db.session.scalars(query({"q": "ургали"})).all() for query in made}

    assert found() == dict.fromkeys(made, [])
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert found() == {query: [record] for query, record in made.items()}
