"""The organisation, inquiry and thread lists' text filters: any part of the text, in any case and
script, from the substring index on SQLite (crm.search.substring) and from ILIKE on PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from crm.inquiries.services import inquiry_list_query, update_inquiry
from crm.models import Inquiry, Organisation, Thread
from crm.organisations.services import organisation_list_query, update_organisation
from crm.privacy.erasure import purge_search_index
from crm.search import substring
from crm.threads.services import thread_list_query, update_thread


@pytest.fixture(params=["organisations", "inquiries", "threads"])
def text_list(request, staff, make_organisation, make_inquiry, make_thread):
    """For each list: make a record with this text, its query, the text shown, edit the text, the model."""
    return {
        "organisations": (
            lambda text: make_organisation(name=text),
            organisation_list_query,
            lambda record: record.name,
            lambda record, text: update_organisation(record, {"name": text}, actor=staff),
            Organisation,
        ),
        "inquiries": (
            lambda text: make_inquiry(sender_name=text, sender_email="sender@example.org"),
            inquiry_list_query,
            lambda record: record.sender_name,
            lambda record, text: update_inquiry(record, {"sender_name": text}, actor=staff),
            Inquiry,
        ),
        "threads": (
            lambda text: make_thread(title=text),
            thread_list_query,
            lambda record: record.title,
            lambda record, text: update_thread(record, {"title": text}, actor=staff),
            Thread,
        ),
    }[request.param]


def test_a_lists_text_filter_finds_any_part_in_any_case_and_follows_edits(db, text_list):
    make, query, shown, edit, model = text_list
    first = make("Центр Нургалиева по правам человека")
    make('Sean O"Brien 50%_off')
    db.session.flush()

    def found(q: str) -> set[str]:
        return {shown(record) for record in db.session.scalars(query({"q": q}))}

    assert found("ургали") == found("УРГАЛИ") == {"Центр Нургалиева по правам человека"}  # mid-word
    assert found("правам чел") == {"Центр Нургалиева по правам человека"}  # across words, as typed
    assert found("человека центр") == set()
    assert found('o"brien') == found("50%_") == found("BRIEN") == {'Sean O"Brien 50%_off'}
    assert found("%%%") == found("___") == found('"""') == found("NEAR(") == set()  # taken literally
    assert found("ур") == {"Центр Нургалиева по правам человека"}  # two characters: LIKE
    edit(first, "Бахтияр Тимур")
    db.session.flush()
    assert found("ургали") == set() and found("хтия") == {"Бахтияр Тимур"}
    db.session.execute(delete(model).where(model.id == first.id))
    assert found("хтия") == set()


def test_a_cyrillic_query_finds_an_organisation_written_in_latin(db, make_organisation):
    make_organisation(name="Nurgalieva Legal Centre")
    db.session.flush()
    found = {o.name for o in db.session.scalars(organisation_list_query({"q": "Нургалиева"}))}
    assert found == {"Nurgalieva Legal Centre"}


def test_an_inquirys_text_filter_reads_its_e_mail_organisation_and_subject(db, make_inquiry):
    inquiry = make_inquiry(
        sender_name="A. Person",
        sender_email="a.person@stateless.kz",
        sender_organisation="Право на гражданство",
        subject="Birth registration question",
    )
    db.session.flush()
    for q in ("person@state", "НА ГРАЖДАН", "registration quest"):
        assert set(db.session.scalars(inquiry_list_query({"q": q}))) == {inquiry}, q


def test_three_characters_or_more_come_from_the_index_on_sqlite(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's trigram indexes serve the ILIKE itself")
    for query in (organisation_list_query, inquiry_list_query, thread_list_query):
        assert "MATCH" in str(query({"q": "ург"}).compile(db.engine))
        assert "MATCH" not in str(query({"q": "ур"}).compile(db.engine))
        assert "MATCH" not in str(query({"q": "ург\x00"}).compile(db.engine))


def test_an_erasure_compacts_every_lists_substring_index(db, count_statements):
    """FTS5 keeps a deleted row's trigrams in its pages until they are merged: the erasure's purge
    rewrites every list's table (crm.privacy.erasure.purge_search_index)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's VACUUM does this for its indexes")
    with count_statements() as seen:
        purge_search_index()
    compacted = {
        m.group(1) for s in seen if (m := re.match(r"INSERT INTO (\w+) \(\1\) VALUES \('optimize'\)", s))
    }
    assert compacted >= {target.fts for target in substring.VERSIONS[substring.CURRENT]}
