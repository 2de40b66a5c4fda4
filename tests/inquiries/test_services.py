"""Inquiry rules, called without HTTP: logging, triage, conversion, first response."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.inquiries import services
from crm.models import AuditEntry, Contact, Organisation, Thread
from crm.models.base import as_utc, utcnow
from crm.models.enums import InquiryStatus, InteractionKind, ThreadKind, ThreadStage
from crm.threads.services import ThreadError, add_interaction


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_log_keeps_details_as_given_and_resolves_the_country(db, staff):
    inquiry = services.log_inquiry(
        {
            "sender_name": "  Бакыт Осмонов ",
            "sender_email": "B.Osmonov@Mail.KG",
            "sender_country": "Кыргызстан",
        },
        actor=staff,
    )
    assert inquiry.sender_name == "Бакыт Осмонов"
    assert inquiry.sender_email == "B.Osmonov@Mail.KG"  # as given; matching normalises, storage doesn't
    assert inquiry.sender_country == "Кыргызстан"
    assert inquiry.country_code == "KG"
    assert inquiry.status == InquiryStatus.NEW


@pytest.mark.parametrize(
    "given, code",
    [
        ("Kyrgyz Republic", "KG"),
        ("kazakhstan", "KZ"),
        ("Казахстан", "KZ"),
        ("TH", "TH"),
        ("Philippines", "PH"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_country_as_typed_is_resolved(db, staff, given, code):
    inquiry = services.log_inquiry({"sender_name": "X", "sender_country": given}, actor=staff)
    assert inquiry.country_code == code


def test_log_refuses_an_empty_name_and_a_future_date(db, staff):
    with pytest.raises(services.InquiryError) as err:
        services.log_inquiry({"sender_name": "   "}, actor=staff)
    assert err.value.field == "sender_name"
    with pytest.raises(services.InquiryError) as err:
        services.log_inquiry({"sender_name": "A", "received_at": utcnow() + timedelta(days=1)}, actor=staff)
    assert err.value.field == "received_at"


def test_an_assigned_inquiry_starts_assigned(db, staff):
    inquiry = services.log_inquiry({"sender_name": "A", "assignee_id": staff.id}, actor=staff)
    assert inquiry.status == InquiryStatus.ASSIGNED


def test_triage_finds_the_same_email_whatever_the_case(db, make_inquiry, make_contact):
    existing = make_contact(full_name="Aigerim N.", email="aigerim@example.kz")
    make_contact(full_name="Someone Else", email="other@example.kz")
    found = services.triage(make_inquiry(sender_name="А. Нургалиева", sender_email="AIGERIM@Example.KZ"))
    assert [c.id for c, _ in found.contacts] == [existing.id]
    assert "same e-mail" in found.contacts[0][1]


def test_triage_finds_the_same_name_across_scripts(db, make_inquiry, make_contact):
    latin = make_contact(full_name="Aigerim Nurgalieva", email="a.n@ngo.example")
    found = services.triage(
        make_inquiry(sender_name="Айгерим Нургалиева", sender_email="personal@mail.example")
    )
    assert [(c.id, reasons) for c, reasons in found.contacts] == [(latin.id, ["same name", "same country"])]


def test_triage_finds_the_organisation_by_name(db, make_inquiry, make_organisation):
    org = make_organisation(name="Stateless Rights Centre")
    make_organisation(name="Another Centre")
    found = services.triage(make_inquiry(sender_organisation="stateless rights centre"))
    assert found.organisations == [org]


def test_convert_creates_contact_organisation_and_thread_in_one_step(db, staff, make_inquiry):
    inquiry = make_inquiry(sender_name="Динара Абдуллаева", sender_email="Dinara@Example.kz")
    result = services.convert_inquiry(
        inquiry,
        actor=staff,
        create_organisation_named="Общественный фонд «Право на гражданство»",
        thread_kind=ThreadKind.CONSULTATION,
    )
    contact, thread = result.contact, result.thread
    assert contact.full_name == "Динара Абдуллаева"
    assert contact.name_latin == "Dinara Abdullaeva"
    assert contact.email_normalized == "dinara@example.kz"
    assert contact.country_code == "KZ"
    assert [a.organisation.name for a in contact.affiliations] == ["Общественный фонд «Право на гражданство»"]
    assert thread.kind == ThreadKind.CONSULTATION and thread.stage == ThreadStage.REQUESTED
    assert thread.origin_inquiry is inquiry and thread.contacts == [contact]
    assert [c.alpha2 for c in thread.countries] == ["KZ"]
    assert thread.owner == staff
    assert inquiry.contact is contact and inquiry.threads == [thread]
    assert inquiry.status == InquiryStatus.CONVERTED and inquiry.converted_at is not None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "inquiry")).all()
    assert "convert" in actions


def test_convert_to_an_existing_contact_makes_no_new_person(
    db, staff, make_inquiry, make_contact, make_organisation
):
    contact = make_contact(email="aigerim@example.kz")
    org = make_organisation()
    before = count(db, Contact)
    result = services.convert_inquiry(
        make_inquiry(),
        actor=staff,
        contact=contact,
        organisation=org,
        thread_kind=ThreadKind.MATERIAL_EXCHANGE,
    )
    assert result.contact is contact
    assert count(db, Contact) == before
    assert [a.organisation for a in contact.affiliations] == [org]
    assert result.thread.stage == ThreadStage.REQUESTED


def test_an_inquiry_converts_only_once(db, staff, make_inquiry):
    inquiry = make_inquiry()
    services.convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    contacts, threads = count(db, Contact), count(db, Thread)
    with pytest.raises(services.AlreadyConverted):
        services.convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    assert (count(db, Contact), count(db, Thread)) == (contacts, threads)


def test_a_closed_inquiry_must_be_reopened_before_converting(db, staff, make_inquiry):
    inquiry = make_inquiry()
    services.close_inquiry(inquiry, actor=staff)
    with pytest.raises(services.InquiryError):
        services.convert_inquiry(inquiry, actor=staff)
    services.reopen_inquiry(inquiry, actor=staff)
    assert inquiry.status == InquiryStatus.NEW
    services.convert_inquiry(inquiry, actor=staff)
    assert inquiry.status == InquiryStatus.CONVERTED


def test_convert_without_organisation_or_thread(db, staff, make_inquiry):
    before = count(db, Organisation)
    result = services.convert_inquiry(make_inquiry(), actor=staff)
    assert result.thread is None and result.organisation is None
    assert result.contact.affiliations == []
    assert count(db, Organisation) == before


def test_first_real_interaction_records_the_first_response_time(db, staff, make_inquiry):
    received = utcnow() - timedelta(days=3)
    inquiry = make_inquiry(received_at=received)
    thread = services.convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION).thread
    add_interaction(
        thread,
        InteractionKind.NOTE,
        "Internal: check the draft law first",
        actor=staff,
        occurred_at=received + timedelta(hours=2),
    )
    assert inquiry.first_response_at is None  # a note is not an answer
    add_interaction(
        thread,
        InteractionKind.EMAIL,
        "Replied with the analysis",
        actor=staff,
        occurred_at=received + timedelta(days=2),
    )
    assert inquiry.first_response_time == timedelta(days=2)
    add_interaction(
        thread,
        InteractionKind.CALL,
        "Follow-up call",
        actor=staff,
        occurred_at=received + timedelta(days=2, hours=5),
    )
    assert inquiry.first_response_time == timedelta(days=2)  # later interactions don't move it
    add_interaction(
        thread,
        InteractionKind.CALL,
        "Back-dated: we had called the same day",
        actor=staff,
        occurred_at=received + timedelta(hours=6),
    )
    assert inquiry.first_response_time == timedelta(hours=6)  # an earlier answer logged late wins
    assert as_utc(thread.last_interaction_at) == received + timedelta(days=2, hours=5)


def test_an_interaction_cannot_predate_the_inquiry_or_be_in_the_future(db, staff, make_inquiry):
    received = utcnow() - timedelta(days=1)
    inquiry = make_inquiry(received_at=received)
    thread = services.convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION).thread
    with pytest.raises(ThreadError) as err:
        add_interaction(
            thread, InteractionKind.EMAIL, "x", actor=staff, occurred_at=received - timedelta(hours=1)
        )
    assert err.value.field == "occurred_at"
    with pytest.raises(ThreadError):
        add_interaction(
            thread, InteractionKind.EMAIL, "x", actor=staff, occurred_at=utcnow() + timedelta(days=1)
        )
    assert inquiry.first_response_at is None


def test_mark_responded_outside_a_thread(db, staff, make_inquiry):
    received = utcnow() - timedelta(hours=10)
    inquiry = make_inquiry(received_at=received, assignee_id=staff.id)
    services.mark_responded(inquiry, received + timedelta(hours=4), actor=staff)
    assert inquiry.status == InquiryStatus.RESPONDED
    assert inquiry.first_response_time == timedelta(hours=4)
    with pytest.raises(services.InquiryError):
        services.mark_responded(
            make_inquiry(received_at=received), received - timedelta(hours=1), actor=staff
        )


def test_assignment_moves_status_between_new_and_assigned(db, staff, make_inquiry):
    inquiry = make_inquiry()
    services.assign_inquiry(inquiry, staff, actor=staff)
    assert inquiry.status == InquiryStatus.ASSIGNED and inquiry.assignee == staff
    services.assign_inquiry(inquiry, None, actor=staff)
    assert inquiry.status == InquiryStatus.NEW


def test_a_converted_inquiry_cannot_be_closed(db, staff, make_inquiry):
    inquiry = make_inquiry()
    services.convert_inquiry(inquiry, actor=staff)
    with pytest.raises(services.InquiryError):
        services.close_inquiry(inquiry, actor=staff)


def test_list_query_filters(db, staff, make_inquiry, make_event):
    event = make_event()
    kz = make_inquiry(sender_name="Kazakh sender", event_id=event.id)
    th = make_inquiry(sender_name="Thai sender", sender_country="Thailand")
    found = lambda **f: set(db.session.scalars(services.inquiry_list_query(f)))  # noqa: E731
    assert found(country="KZ") >= {kz} and th not in found(country="KZ")
    assert kz in found(region="143") and th not in found(region="143")  # Central Asia
    assert th in found(region="035") and kz not in found(region="035")  # South-eastern Asia
    assert th in found(region="142") and kz in found(region="142")  # Asia
    assert found(event=str(event.id)) == {kz}
    assert th in found(q="thai") and kz not in found(q="thai")
    assert found(q="%") == set()  # LIKE wildcards in the search are taken literally
    assert found(q="_") == set()
    pct = make_inquiry(sender_name="50% Foundation")
    assert found(q="%") == {pct}


def test_a_conversion_that_lost_a_race_converts_nothing(db, staff, make_inquiry, make_contact):
    """Another request converted this inquiry after we loaded it: ours must not make a second contact."""
    from sqlalchemy import update

    from crm.models import Inquiry

    inquiry = make_inquiry()
    winner = make_contact(full_name="Converted elsewhere", email="w@example.org")
    db.session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry.id)
        .values(contact_id=winner.id, status=InquiryStatus.CONVERTED)
        .execution_options(synchronize_session=False)
    )
    assert inquiry.contact_id is None  # our copy is stale
    contacts, threads = count(db, Contact), count(db, Thread)
    with pytest.raises(services.AlreadyConverted):
        services.convert_inquiry(inquiry, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    assert (count(db, Contact), count(db, Thread)) == (contacts, threads)


def test_an_answered_inquiry_cannot_be_moved_after_its_answer(db, staff, make_inquiry):
    received = utcnow() - timedelta(days=3)
    inquiry = make_inquiry(received_at=received)
    services.mark_responded(inquiry, received + timedelta(hours=5), actor=staff)
    with pytest.raises(services.InquiryError) as err:
        services.update_inquiry(inquiry, {"received_at": received + timedelta(days=1)}, actor=staff)
    assert err.value.field == "received_at" and inquiry.first_response_time == timedelta(hours=5)
