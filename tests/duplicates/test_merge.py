"""Merging contacts and organisations: chosen values, every link moved, one audit entry, refusals."""

from __future__ import annotations

import pytest
from flask_babel import refresh
from sqlalchemy import func, select, update

from crm.duplicates.merge import MergeError, merge_contacts, merge_organisations
from crm.duplicates.scan import scan_contacts
from crm.duplicates.services import mark_not_duplicate, queue
from crm.models import (
    Affiliation,
    AuditEntry,
    Contact,
    Inquiry,
    Organisation,
    thread_organisations,
)
from crm.models.duplicate import CONTACT
from crm.models.enums import ThreadKind


@pytest.fixture
def pair(make_contact, make_tag, make_organisation, make_thread, make_inquiry, staff):
    from crm.contacts.services import add_affiliation

    centre, fund = make_organisation(name="Stateless Rights Centre"), make_organisation(name="Fund")
    shared_tag, other_tag = make_tag("webinar"), make_tag("partner")
    kept = make_contact(full_name="Aigerim Nurgaliyeva", email="a.n@ngo.kz", phone="", tags=[shared_tag])
    gone = make_contact(
        full_name="Айгерим Нургалиева", email="aigerim@mail.kz", phone="8 701 234 5678", notes="Met in Almaty",
        tags=[shared_tag, other_tag],
    )  # fmt: skip
    add_affiliation(kept, centre, "Lawyer", actor=staff)
    add_affiliation(gone, centre, "Lawyer", actor=staff)  # the same link: kept once
    add_affiliation(gone, fund, "Board", actor=staff)
    both = make_thread(ThreadKind.CONSULTATION, "Both in it", contacts=[kept, gone])
    only_gone = make_thread(ThreadKind.JOINT_INITIATIVE, "Only the other", contacts=[gone])
    inquiry = make_inquiry()
    inquiry.contact = gone
    return (
        kept,
        gone,
        {"both": both, "only_gone": only_gone, "inquiry": inquiry, "centre": centre, "fund": fund},
    )


def test_merge_moves_every_link_to_the_survivor_once(db, staff, pair):
    kept, gone, things = pair
    result = merge_contacts(
        kept, gone, {"phone": "loser", "notes": "loser"}, actor=staff, may_see_sensitive=False
    )
    db.session.commit()
    survivor = db.session.get(Contact, kept.id)
    assert [t.name for t in survivor.tags] == ["partner", "webinar"]
    assert sorted((a.organisation.name, a.position) for a in survivor.affiliations) == [
        ("Fund", "Board"),
        ("Stateless Rights Centre", "Lawyer"),
    ]
    assert [c.id for c in things["both"].contacts] == [kept.id]
    assert [c.id for c in things["only_gone"].contacts] == [kept.id]
    assert db.session.get(Inquiry, things["inquiry"].id).contact_id == kept.id
    assert result.moved.dropped_count == 3  # the shared tag, the shared thread, the identical affiliation
    assert (survivor.phone, survivor.phone_e164, survivor.notes) == (
        "8 701 234 5678",
        "+77012345678",
        "Met in Almaty",
    )
    assert survivor.email == "a.n@ngo.kz"  # not chosen: the survivor's own value stays


def test_the_merged_away_contact_is_kept_and_marked(db, staff, pair):
    kept, gone, _things = pair
    merge_contacts(kept, gone, {}, actor=staff, may_see_sensitive=False)
    loser = db.session.get(Contact, gone.id)
    assert loser.merged_into_id == kept.id and not loser.is_live
    assert loser.full_name == "Айгерим Нургалиева"  # kept as it was, for the record
    assert db.session.scalar(select(func.count()).select_from(Contact).where(Contact.live())) == 1


def test_one_audit_entry_records_both_originals_in_full(db, staff, pair):
    kept, gone, things = pair
    merge_contacts(kept, gone, {"notes": "both"}, actor=staff, may_see_sensitive=False)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert len(entries) == 1
    changes = entries[0].changes
    assert (entries[0].entity_id, changes["survivor_id"], changes["loser_id"]) == (kept.id, kept.id, gone.id)
    loser = changes["originals"][str(gone.id)]
    assert (
        loser["fields"]["full_name"] == "Айгерим Нургалиева" and loser["fields"]["phone"] == "8 701 234 5678"
    )
    assert loser["fields"]["sensitive_notes"] == ""  # every column, sensitive ones included
    assert loser["links"]["inquiries.contact_id"] == [things["inquiry"].id]
    assert sorted(r["thread_id"] for r in loser["links"]["thread_contacts.contact_id"]) == sorted(
        [things["both"].id, things["only_gone"].id]
    )
    assert len(loser["links"]["affiliations.contact_id"]) == 2
    assert changes["originals"][str(kept.id)]["fields"]["email"] == "a.n@ngo.kz"
    assert changes["choices"]["notes"] == "both"
    assert sum(len(rows) for rows in changes["dropped_as_duplicates"].values()) == 3


def test_sensitive_attributes_an_actor_cannot_see_are_kept_from_both(db, staff, make_contact):
    kept = make_contact(full_name="A One", email="one@x.kz")
    gone = make_contact(full_name="A One", email="two@x.kz", lived_experience=True, sensitive_notes="private")
    merge_contacts(kept, gone, {"lived_experience": "survivor"}, actor=staff, may_see_sensitive=False)
    db.session.expire_all()
    survivor = db.session.get(Contact, kept.id)
    assert (survivor.lived_experience, survivor.sensitive_notes) == (True, "private")


@pytest.mark.parametrize("same", [True, False])
def test_refused_for_the_same_record_or_one_already_merged(db, staff, make_contact, same):
    a, b, c = (make_contact(full_name=n, email=f"{n}@x.kz") for n in ("a", "b", "c"))
    if same:
        with pytest.raises(MergeError, match="cannot be merged with itself"):
            merge_contacts(a, a, {}, actor=staff, may_see_sensitive=False)
        return
    merge_contacts(a, b, {}, actor=staff, may_see_sensitive=False)
    with pytest.raises(MergeError, match=f"#{b.id} has already been merged into #{a.id}"):
        merge_contacts(c, db.session.get(Contact, b.id), {}, actor=staff, may_see_sensitive=False)
    with pytest.raises(MergeError, match="already been merged"):
        merge_contacts(db.session.get(Contact, b.id), c, {}, actor=staff, may_see_sensitive=False)


def test_a_second_merge_of_the_same_loser_cannot_claim_it(db, staff, make_contact):
    """Two requests loaded the same loser; the first merge commits, the second's claim finds nothing live."""
    a, b, c = (make_contact(full_name=n, email=f"{n}@x.kz") for n in ("a", "b", "c"))
    db.session.execute(
        update(Contact).where(Contact.id == b.id).values(merged_into_id=a.id)
    )  # the other request
    with pytest.raises(MergeError, match="changed, merged or deleted by someone else"):
        merge_contacts(c, b, {}, actor=staff, may_see_sensitive=False)  # b still looks live in this session


def test_a_merge_is_refused_if_a_record_was_edited_since_the_page_was_shown(db, staff, make_contact):
    a, b = make_contact(full_name="a", email="a@x.kz"), make_contact(full_name="b", email="b@x.kz")
    with pytest.raises(MergeError, match="reload and try again"):
        merge_contacts(
            a, b, {}, actor=staff, may_see_sensitive=False, versions={a.id: a.version, b.id: b.version - 1}
        )
    assert db.session.get(Contact, b.id).merged_into_id is None


def test_merging_organisations_moves_people_and_threads(
    db, staff, make_organisation, make_contact, make_thread
):
    from crm.contacts.services import add_affiliation

    kept = make_organisation(name="Stateless Rights Centre", website="")
    gone = make_organisation(name="Центр прав апатридов", website="https://src.example")
    person = make_contact()
    add_affiliation(person, gone, "Director", actor=staff)
    thread = make_thread(organisations=[kept, gone])
    merge_organisations(kept, gone, {"website": "loser"}, actor=staff)
    db.session.expire_all()
    assert [a.organisation_id for a in db.session.scalars(select(Affiliation))] == [kept.id]
    assert db.session.scalars(
        select(thread_organisations.c.organisation_id).where(thread_organisations.c.thread_id == thread.id)
    ).all() == [kept.id]
    survivor = db.session.get(Organisation, kept.id)
    assert survivor.website == "https://src.example"
    assert db.session.get(Organisation, gone.id).merged_into_id == kept.id


def test_a_merge_takes_both_records_out_of_the_queue(db, staff, make_contact):
    a = make_contact(full_name="Aigerim Nurgalieva", email="a@x.kz")
    b = make_contact(full_name="Айгерим Нургалиева", email="b@x.kz")
    c = make_contact(full_name="Nurgalieva Aigerim", email="c@x.kz")
    scan_contacts(actor=staff)
    assert queue(CONTACT).total == 3
    merge_contacts(a, b, {}, actor=staff, may_see_sensitive=False)
    assert [(r.first.id, r.second.id) for r in queue(CONTACT).rows] == [(a.id, c.id)]
    mark_not_duplicate(CONTACT, c, a, actor=staff)
    assert queue(CONTACT).total == 0


def test_merge_keeps_both_consent_histories_and_the_newest_decides(db, staff, make_contact):
    from datetime import UTC, datetime

    from crm.models import ConsentRecord
    from crm.models.enums import ConsentPurpose
    from crm.privacy.consent import record_consent

    kept = make_contact(full_name="Yulia Ivanova", email="yulia@ngo.kg")
    gone = make_contact(full_name="Юлия Иванова", email="yulia.i@mail.kg")
    record_consent(
        kept, ConsentPurpose.CONTACT, True, actor=staff, method="Form", at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    record_consent(
        gone, ConsentPurpose.CONTACT, False, actor=staff, method="E-mail", at=datetime(2026, 6, 1, tzinfo=UTC)
    )
    db.session.flush()
    assert kept.consent_to_contact is True

    merge_contacts(kept, gone, {}, actor=staff, may_see_sensitive=False)
    db.session.commit()

    survivor = db.session.get(Contact, kept.id)
    history = db.session.scalars(
        select(ConsentRecord.given).where(ConsentRecord.contact_id == kept.id).order_by(ConsentRecord.at)
    ).all()
    assert history == [True, False]  # nothing lost: both records now belong to the survivor
    assert survivor.consent_to_contact is False  # the newer withdrawal wins over the older consent


def test_merging_a_record_with_itself_is_refused_in_a_whole_sentence_in_each_language(
    app, db, staff, make_contact, make_organisation
):
    contact, organisation = make_contact(), make_organisation()
    with pytest.raises(MergeError) as refused:
        merge_contacts(contact, contact, {}, actor=staff, may_see_sensitive=False)
    assert str(refused.value) == "A contact cannot be merged with itself: choose two different records."
    with pytest.raises(MergeError) as refused:
        merge_organisations(organisation, organisation, {}, actor=staff)
    assert str(refused.value) == "An organisation cannot be merged with itself: choose two different records."
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        refresh()  # the suite's outer app context keeps the last request's language
        with pytest.raises(MergeError) as refused:
            merge_organisations(organisation, organisation, {}, actor=staff)
        assert str(refused.value).startswith("Организацию нельзя объединить саму с собой")
    refresh()  # and back to the default for the tests after this one
