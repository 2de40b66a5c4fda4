"""Contact rules: creating, editing, affiliations, and the list and detail queries."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from crm.contacts import services
from crm.contacts.services import ContactError
from crm.models import Affiliation
from crm.models.enums import InteractionKind, StakeholderType


def _names(stmt, db) -> set[str]:
    return {contact.full_name for contact in db.session.scalars(stmt)}


def test_a_contact_needs_a_name(db, staff):
    with pytest.raises(ContactError) as error:
        services.add_contact({"full_name": "   "}, actor=staff, may_set_sensitive=False, may_set_owner=False)
    assert error.value.field == "full_name"


def test_email_is_normalised_and_kept_as_given(db, staff):
    contact = services.add_contact(
        {"full_name": "Aigerim", "email": " Aigerim@Example.KZ "},
        actor=staff,
        may_set_sensitive=False,
        may_set_owner=False,
    )
    assert contact.email_normalized == "aigerim@example.kz"


def test_latin_name_follows_the_name_as_written(db, staff, make_contact):
    contact = make_contact(full_name="Айгерим Нургалиева")
    assert contact.name_latin == "Aygerim Nurgalieva"
    services.edit_contact(
        contact, {"full_name": "Бахтияр Тимур"}, actor=staff, may_set_sensitive=False, may_set_owner=False
    )
    assert contact.name_latin == "Bakhtiyar Timur"


def test_emptying_the_name_on_edit_is_refused(db, staff, make_contact):
    contact = make_contact()
    with pytest.raises(ContactError) as error:
        services.edit_contact(
            contact, {"full_name": " "}, actor=staff, may_set_sensitive=False, may_set_owner=False
        )
    assert error.value.field == "full_name"


def test_staff_cannot_set_sensitive_fields_or_owner_even_if_posted(db, staff, coordinator):
    posted = {
        "full_name": "Dilnoza",
        "lived_experience": True,
        "sensitive_notes": "stateless since 1991",
        "owner_id": coordinator.id,
    }
    contact = services.add_contact(posted, actor=staff, may_set_sensitive=False, may_set_owner=False)
    db.session.flush()
    db.session.expire(contact)
    assert contact.lived_experience is False
    assert contact.sensitive_notes == ""
    assert contact.owner_id == staff.id

    changes = services.edit_contact(
        contact, posted, actor=staff, may_set_sensitive=False, may_set_owner=False
    )
    db.session.flush()
    db.session.expire(contact)
    assert changes == {}
    assert contact.lived_experience is False
    assert contact.owner_id == staff.id


def test_coordinator_sets_sensitive_fields_and_owner(db, staff, coordinator):
    contact = services.add_contact(
        {"full_name": "Dilnoza", "lived_experience": True, "sensitive_notes": "notes", "owner_id": staff.id},
        actor=coordinator,
        may_set_sensitive=True,
        may_set_owner=True,
    )
    db.session.flush()
    db.session.expire(contact)
    assert contact.lived_experience is True
    assert contact.sensitive_notes == "notes"
    assert contact.owner_id == staff.id


def test_consent_records_when_it_was_given(db, staff, make_contact):
    without = make_contact()
    assert without.consent_recorded_at is None
    services.edit_contact(
        without, {"consent_to_contact": True}, actor=staff, may_set_sensitive=False, may_set_owner=False
    )
    assert without.consent_recorded_at is not None


def test_creating_with_an_organisation_affiliates(db, staff, make_organisation):
    organisation = make_organisation()
    contact = services.add_contact(
        {"full_name": "Aigerim"},
        actor=staff,
        may_set_sensitive=False,
        may_set_owner=False,
        organisation=organisation,
        position="Lawyer",
    )
    assert [(a.organisation_id, a.position) for a in contact.affiliations] == [(organisation.id, "Lawyer")]


def test_same_organisation_twice_is_refused(db, staff, make_contact, make_organisation):
    contact, organisation = make_contact(), make_organisation()
    services.add_affiliation(contact, organisation, "Director", actor=staff)
    with pytest.raises(ContactError) as error:
        services.add_affiliation(contact, organisation, "Adviser", actor=staff)
    assert error.value.field == "organisation"


def test_affiliation_ending_before_it_starts_is_refused(db, staff, make_contact, make_organisation):
    with pytest.raises(ContactError) as error:
        services.add_affiliation(
            make_contact(),
            make_organisation(),
            "",
            actor=staff,
            start_on=date(2024, 5, 1),
            end_on=date(2024, 4, 1),
        )
    assert error.value.field == "end_on"


def test_remove_affiliation(db, staff, make_contact, make_organisation):
    contact = make_contact()
    affiliation = services.add_affiliation(contact, make_organisation(), "", actor=staff)
    services.remove_affiliation(affiliation, actor=staff)
    db.session.flush()
    assert db.session.get(Affiliation, affiliation.id) is None


def test_list_filters_by_text_in_either_script(db, make_contact):
    make_contact(full_name="Айгерим Нургалиева", email="a@example.kz")
    make_contact(full_name="Somchai Srisuk", email="somchai@example.th", country_code="TH")
    query = services.contact_list_query
    assert _names(query({"q": "Nurgal"}), db) == {"Айгерим Нургалиева"}
    assert _names(query({"q": "Нургалиева"}), db) == {"Айгерим Нургалиева"}
    assert _names(query({"q": "SOMCHAI@example"}), db) == {"Somchai Srisuk"}
    assert _names(query({"q": "%"}), db) == set()  # LIKE wildcards are taken literally
    assert _names(query({"q": "_"}), db) == set()


def test_list_text_filter_finds_any_part_of_a_name_or_email_and_follows_edits(db, staff, make_contact):
    """Three characters or more come from the substring index on SQLite (crm.search.substring) and
    from LIKE on PostgreSQL: the same contacts either way, in every script and case."""
    aigerim = make_contact(full_name="Айгерим Нургалиева", email="aigerim.n@example.kz")
    make_contact(full_name='Sean O"Brien 50%_off', email="sean@example.ie", country_code="IE")
    gone = make_contact(full_name="Галия Нургалиева", email="galiya@example.kz")
    gone.deleted_at = gone.created_at
    query = services.contact_list_query

    def found(q: str) -> set[str]:
        return _names(query({"q": q}), db)

    assert found("ургали") == found("УРГАЛИ") == found("urgaliev") == {"Айгерим Нургалиева"}  # mid-word
    assert found("нургалиева") == {"Айгерим Нургалиева"}  # any case, Cyrillic too; deleted never
    assert found("rgalieva aig") == set()  # the text as typed, not words in any order
    assert found("m.n@exa") == {"Айгерим Нургалиева"}  # part of an e-mail
    assert found('o"brien') == found("50%_") == {'Sean O"Brien 50%_off'}  # quotes, wildcards literal
    assert found("%%%") == found("___") == found("_%_") == set()
    services.edit_contact(
        aigerim, {"full_name": "Бахтияр Тимур"}, actor=staff, may_set_sensitive=False, may_set_owner=False
    )
    db.session.flush()
    assert found("ургали") == set()
    assert found("хтия") == found("akhtiya") == {"Бахтияр Тимур"}


def test_list_text_filter_with_a_nul_is_tested_with_like_not_fts(db, make_contact):
    """A NUL cannot go into an FTS5 string (a smart list saved with one before requests refused it
    would have broken every contact page): such text is tested with LIKE. PostgreSQL never holds one."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL cannot store or compare a NUL; requests holding one are refused")
    make_contact(full_name="Айгерим Нургалиева")
    for q in ("Нург\x00", "\x00\x00\x00", "abc\x00def"):  # FTS5 failed: "unterminated string"
        compiled = str(services.contact_list_query({"q": q}).compile(db.engine))
        assert " LIKE " in compiled and "MATCH" not in compiled
        # It runs; what SQLite's LIKE makes of a NUL is SQLite's own business.
        _names(services.contact_list_query({"q": q}), db)


def test_list_filters_by_stakeholder_tag_owner_and_organisation(
    db, staff, coordinator, make_contact, make_organisation, make_tag
):
    researcher = make_contact(full_name="Researcher", stakeholder_type=StakeholderType.RESEARCHER)
    tagged = make_contact(full_name="Tagged", tags=[make_tag("speaker")], owner_id=coordinator.id)
    affiliated = make_contact(full_name="Affiliated")
    organisation = make_organisation()
    services.add_affiliation(affiliated, organisation, "", actor=staff)
    query = services.contact_list_query
    assert _names(query({"stakeholder_type": "researcher"}), db) == {researcher.full_name}
    assert _names(query({"tag": str(tagged.tags[0].id)}), db) == {tagged.full_name}
    assert _names(query({"owner": str(coordinator.id)}), db) == {tagged.full_name}
    assert _names(query({"organisation": str(organisation.id)}), db) == {affiliated.full_name}
    # Nonsense values are ignored rather than failing the page.
    assert len(_names(query({"owner": "x", "stakeholder_type": "nope", "tag": "-1"}), db)) == 3


def test_detail_gathers_threads_inquiries_and_timeline(
    db, staff, make_contact, make_thread, make_inquiry, make_organisation
):
    from crm.threads.services import add_interaction

    contact = make_contact()
    other = make_contact(full_name="Someone else", email="else@example.org")
    organisation = make_organisation()
    services.add_affiliation(contact, organisation, "Lawyer", actor=staff)
    inquiry = make_inquiry()
    inquiry.contact = contact
    thread = make_thread(contacts=[contact])
    make_thread(title="Not theirs", contacts=[other])
    older = add_interaction(thread, InteractionKind.EMAIL, "First reply", actor=staff)
    older.occurred_at = older.occurred_at - timedelta(days=2)
    newer = add_interaction(thread, InteractionKind.CALL, "Call", actor=staff)
    db.session.flush()

    detail = services.contact_detail(contact)
    assert [a.organisation_name for a in detail.affiliations] == [organisation.name]
    assert [i.id for i in detail.inquiries] == [inquiry.id]
    assert [(t.id, t.title) for t in detail.threads] == [(thread.id, thread.title)]
    assert [(i.id, i.thread_title) for i in detail.timeline] == [
        (newer.id, thread.title),
        (older.id, thread.title),
    ]


def test_an_empty_name_is_refused_before_anything_changes(db, staff, make_contact):
    from crm.contacts.services import ContactError, update_contact

    contact = make_contact(full_name="Ольга Ким", email="olga@example.uz")
    with pytest.raises(ContactError):
        update_contact(
            contact,
            {"full_name": "  ", "email": "new@example.uz"},
            actor=staff,
            may_set_sensitive=False,
            may_set_owner=False,
        )
    assert contact.full_name == "Ольга Ким" and contact.email == "olga@example.uz"


def test_a_current_affiliation_with_a_future_end_date_cannot_be_added_twice(
    db, staff, make_contact, make_organisation
):
    from datetime import date, timedelta

    from crm.contacts.services import ContactError, add_affiliation

    contact, org = make_contact(), make_organisation()
    add_affiliation(contact, org, "Lawyer", actor=staff, end_on=date.today() + timedelta(days=90))
    with pytest.raises(ContactError):
        add_affiliation(contact, org, "Lawyer", actor=staff)


def test_without_the_right_to_add_pg_trgm_migrating_warns_and_the_filter_still_works(
    db, make_contact, caplog
):
    """PostgreSQL: a database user who may not add the extension gets no trigram index and a
    warning naming the fix, not a failed upgrade; the filter then reads every contact."""
    from sqlalchemy import text

    from crm.search import substring

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 needs no extension")
    make_contact(full_name="Айгерим Нургалиева")
    db.session.flush()
    connection = db.session.connection()
    connection.execute(text("DROP EXTENSION pg_trgm CASCADE"))  # the test's transaction is rolled back
    role = f"crm_no_extensions_{uuid.uuid4().hex[:8]}"  # roles are the cluster's: one per run
    connection.execute(text(f"CREATE ROLE {role}"))
    connection.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))
    connection.execute(text(f"SET ROLE {role}"))
    try:
        substring.install(connection)
        indexes = connection.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'ix_%_trgm'")
        ).scalar_one()
        assert indexes == 0
        assert "trigram indexes could not be built" in caplog.text and "flask search rebuild" in caplog.text
        assert _names(services.contact_list_query({"q": "ургали"}), db) == {"Айгерим Нургалиева"}
    finally:
        connection.execute(text("RESET ROLE"))
