"""What the journeys start from, made through the app's own services (run inside LiveServer.seed)."""

from __future__ import annotations

from datetime import date

from crm.auth.services import find_by_email
from crm.contacts.services import add_affiliation, create_contact
from crm.extensions import db
from crm.inquiries.services import convert_inquiry, log_inquiry
from crm.lists.services import add_members, create_list
from crm.models import Contact, Event, Inquiry, Organisation, Tag, Thread, Topic
from crm.models.enums import InquiryChannel, InteractionKind, ThreadKind
from crm.organisations.services import create_organisation
from crm.threads.services import add_interaction, open_thread


def event(title: str, starts_on: date) -> int:
    record = Event(title=title, starts_on=starts_on)
    db.session.add(record)
    db.session.flush()
    return record.id


def topic(name: str) -> int:
    record = Topic(name=name)
    db.session.add(record)
    db.session.flush()
    return record.id


def tag(name: str) -> int:
    record = Tag(name=name)
    db.session.add(record)
    db.session.flush()
    return record.id


def contact(owner_email: str, full_name: str, email: str, country_code: str, tag_ids: list[int] = ()) -> int:
    tags = [db.session.get(Tag, tid) for tid in tag_ids]
    fields = {"full_name": full_name, "email": email, "country_code": country_code}
    return create_contact(fields, actor=find_by_email(owner_email), tags=tags).id


def inquiry(staff_email: str, sender_name: str, sender_email: str, event_id: int | None = None) -> int:
    fields = {
        "sender_name": sender_name,
        "sender_email": sender_email,
        "sender_country": "Kazakhstan",
        "sender_organisation": "",
        "channel": InquiryChannel.WEBINAR_QA,
        "event_id": event_id,
        "message": "Could you advise us on the nationality law amendments?",
    }
    return log_inquiry(fields, actor=find_by_email(staff_email)).id


def converted_inquiry(staff_email: str, sender_name: str, sender_email: str, thread_title: str) -> int:
    """An inquiry received now, converted by the staff member into a contact and a consultation."""
    staff = find_by_email(staff_email)
    record = db.session.get(Inquiry, inquiry(staff_email, sender_name, sender_email))
    result = convert_inquiry(
        record, actor=staff, thread_kind=ThreadKind.CONSULTATION, thread_title=thread_title
    )
    return result.thread.id


def thread(owner_email: str, title: str, contact_id: int) -> int:
    owner = find_by_email(owner_email)
    person = db.session.get(Contact, contact_id)
    return open_thread(ThreadKind.CONSULTATION, title, actor=owner, owner=owner, contacts=[person]).id


def organisation(owner_email: str, name: str, country_code: str) -> int:
    fields = {"name": name, "country_code": country_code}
    return create_organisation(fields, actor=find_by_email(owner_email)).id


def affiliation(staff_email: str, contact_id: int, organisation_id: int, position: str) -> int:
    person, place = db.session.get(Contact, contact_id), db.session.get(Organisation, organisation_id)
    return add_affiliation(person, place, position, actor=find_by_email(staff_email)).id


def contact_list(owner_email: str, name: str, contact_ids: list[int]) -> int:
    """A static list with these members."""
    owner = find_by_email(owner_email)
    record = create_list(name, actor=owner, description="People to invite to the next webinar.")
    add_members(record, contact_ids, actor=owner)
    return record.id


def interaction(staff_email: str, thread_id: int, summary: str, next_action: str, due: date) -> None:
    """A call on the thread, with the next action it leads to."""
    thread_ = db.session.get(Thread, thread_id)
    add_interaction(
        thread_,
        InteractionKind.CALL,
        summary,
        actor=find_by_email(staff_email),
        next_action=next_action,
        next_action_due=due,
    )
