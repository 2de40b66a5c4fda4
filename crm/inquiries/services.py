"""Inquiries: logging, assignment, triage and conversion into a contact and a thread.

The rule that an inquiry can be converted only once lives here (`convert_inquiry`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from crm.audit.services import apply_changes, record
from crm.contacts.services import add_affiliation, create_contact, likely_contacts
from crm.countries.services import region_condition, resolve_country
from crm.errors import DomainError
from crm.extensions import db
from crm.listing import ByCountry, ByName, contains
from crm.models import Contact, Country, Inquiry, Organisation, Topic, User, inquiry_topics
from crm.models.base import as_utc, utcnow
from crm.models.enums import InquiryChannel, InquiryStatus, ThreadKind
from crm.organisations.services import create_organisation, likely_organisations
from crm.search import substring
from crm.threads.services import open_thread
from crm.translations import gettext as _


class InquiryError(DomainError):
    """An inquiry rule was broken; the message is shown next to `field`."""


class AlreadyConverted(InquiryError):
    """The inquiry already has its contact; converting again would duplicate people."""


# Inquiries still owed an answer: closed ones need none, responded ones have had it.
AWAITING_ANSWER = (InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.CONVERTED)


def unanswered_condition():
    """SQL: an inquiry nobody has answered yet and that still needs an answer."""
    return Inquiry.first_response_at.is_(None) & Inquiry.status.in_(AWAITING_ANSWER)


LOGGED_FIELDS = (
    "event_id",
    "received_at",
    "channel",
    "sender_name",
    "sender_email",
    "sender_organisation",
    "sender_country",
    "country_code",
    "subject",
    "message",
    "assignee_id",
)


def log_inquiry(data: dict[str, Any], *, actor: User, topics: list[Topic] | None = None) -> Inquiry:
    """Record what came in, exactly as given; the country is resolved if it can be."""
    fields = {k: v for k, v in data.items() if k in LOGGED_FIELDS}
    fields["sender_name"] = (fields.get("sender_name") or "").strip()
    if not fields["sender_name"]:
        raise InquiryError(_("Give the sender's name as they wrote it."), "sender_name")
    received_at = as_utc(fields.get("received_at")) or utcnow()
    if received_at > utcnow() + timedelta(minutes=5):
        raise InquiryError(_("An inquiry cannot arrive in the future."), "received_at")
    fields["received_at"] = received_at
    if not fields.get("country_code"):
        fields["country_code"] = resolve_country(fields.get("sender_country"))
    inquiry = Inquiry(**fields, created_by_id=actor.id, topics=list(topics or []))
    inquiry.status = InquiryStatus.ASSIGNED if inquiry.assignee_id else InquiryStatus.NEW
    inquiry.status_changed_at = received_at
    db.session.add(inquiry)
    db.session.flush()
    record(actor, "create", inquiry, changes={"sender_name": inquiry.sender_name, "channel": inquiry.channel})
    return inquiry


def update_inquiry(
    inquiry: Inquiry, data: dict[str, Any], *, actor: User, topics: list[Topic] | None = None
) -> dict:
    """Correct what was logged (a typo in the name, the wrong event)."""
    fields = {
        k: v for k, v in data.items() if k in LOGGED_FIELDS and k not in ("assignee_id", "country_code")
    }
    if "sender_name" in fields:
        fields["sender_name"] = (fields["sender_name"] or "").strip()
        if not fields["sender_name"]:
            raise InquiryError(_("Give the sender's name as they wrote it."), "sender_name")
    if "received_at" in fields:
        fields["received_at"] = as_utc(fields["received_at"]) or inquiry.received_at
        if as_utc(fields["received_at"]) > utcnow() + timedelta(minutes=5):
            raise InquiryError(_("An inquiry cannot arrive in the future."), "received_at")
        answered = as_utc(inquiry.first_response_at)
        if answered is not None and as_utc(fields["received_at"]) > answered:
            raise InquiryError(_("It was answered before that; it cannot have arrived later."), "received_at")
    changes = apply_changes(inquiry, fields)
    if "sender_country" in changes:
        inquiry.country_code = resolve_country(inquiry.sender_country)
    if topics is not None and {t.id for t in topics} != {t.id for t in inquiry.topics}:
        changes["topics"] = [[t.name for t in inquiry.topics], [t.name for t in topics]]
        inquiry.topics = topics
    if changes:
        record(actor, "update", inquiry, changes=changes)
    return changes


def assign_inquiry(inquiry: Inquiry, assignee: User | None, *, actor: User) -> None:
    """Give the inquiry to someone to answer (or take it back)."""
    if assignee is inquiry.assignee or (assignee and inquiry.assignee_id == assignee.id):
        return
    old = inquiry.assignee.email if inquiry.assignee else None
    inquiry.assignee = assignee
    if assignee is not None and inquiry.status == InquiryStatus.NEW:
        inquiry.status = InquiryStatus.ASSIGNED
    elif assignee is None and inquiry.status == InquiryStatus.ASSIGNED:
        inquiry.status = InquiryStatus.NEW
    record(actor, "assign", inquiry, changes={"assignee": [old, assignee.email if assignee else None]})


def close_inquiry(inquiry: Inquiry, *, actor: User) -> None:
    """Close an inquiry that needs no follow-up (spam, a duplicate, answered elsewhere)."""
    if inquiry.status == InquiryStatus.CONVERTED:
        raise InquiryError(_("A converted inquiry is followed up on its thread; close the thread instead."))
    if inquiry.status != InquiryStatus.CLOSED:
        record(actor, "close", inquiry, changes={"status": [inquiry.status, InquiryStatus.CLOSED]})
        inquiry.status = InquiryStatus.CLOSED


def reopen_inquiry(inquiry: Inquiry, *, actor: User) -> None:
    if inquiry.status != InquiryStatus.CLOSED:
        return
    if inquiry.first_response_at:
        new = InquiryStatus.RESPONDED
    else:
        new = InquiryStatus.ASSIGNED if inquiry.assignee_id else InquiryStatus.NEW
    record(actor, "reopen", inquiry, changes={"status": [inquiry.status, new]})
    inquiry.status = new


def mark_responded(inquiry: Inquiry, at: datetime | None, *, actor: User) -> bool:
    """Record an answer given outside a thread (a reply sent straight from the mailbox)."""
    at = as_utc(at) or utcnow()
    if at > utcnow() + timedelta(minutes=5):
        raise InquiryError(_("An answer cannot be in the future."), "responded_at")
    return record_first_response(inquiry, at, actor=actor)


def record_first_response(inquiry: Inquiry, at: datetime, *, actor: User) -> bool:
    """Set the first-response time if this answer is the earliest; True if it changed."""
    at = as_utc(at)
    if at < as_utc(inquiry.received_at):
        raise InquiryError(_("A response cannot come before the inquiry arrived."), "responded_at")
    current = as_utc(inquiry.first_response_at)
    if current is not None and current <= at:
        return False
    inquiry.first_response_at = at
    if inquiry.status in (InquiryStatus.NEW, InquiryStatus.ASSIGNED):
        inquiry.status = InquiryStatus.RESPONDED
    record(actor, "first_response", inquiry, changes={"first_response_at": at})
    return True


def move_inquiry(inquiry: Inquiry, status: InquiryStatus | str, *, actor: User) -> None:
    """Move an inquiry to another status from a board, through the same rules as its page.

    A move that cannot happen raises InquiryError saying why; nothing is half-done.
    """
    try:
        status = InquiryStatus(status)
    except ValueError:
        raise InquiryError(_("Unknown status."), "status") from None
    if status == inquiry.status:
        return
    if InquiryStatus.CONVERTED in (status, inquiry.status):
        raise InquiryError(
            _("Conversion is done on the inquiry's page, where you choose the contact."), "status"
        )
    answered = inquiry.first_response_at is not None
    if status in (InquiryStatus.NEW, InquiryStatus.ASSIGNED) and answered:
        raise InquiryError(_("This inquiry has been answered, so it stays “responded”."), "status")
    if status == InquiryStatus.ASSIGNED and inquiry.assignee is None:
        raise InquiryError(_("Choose who takes it: tick the card and use “Reassign”."), "status")
    if inquiry.status == InquiryStatus.CLOSED:
        reopen_inquiry(inquiry, actor=actor)
    if status == inquiry.status:
        return
    if status == InquiryStatus.CLOSED:
        close_inquiry(inquiry, actor=actor)
    elif status == InquiryStatus.RESPONDED:
        _move_to_responded(inquiry, actor=actor)
    elif status == InquiryStatus.NEW:
        assign_inquiry(inquiry, None, actor=actor)


def _move_to_responded(inquiry: Inquiry, *, actor: User) -> None:
    if inquiry.first_response_at is None:
        mark_responded(inquiry, None, actor=actor)
    else:
        record(actor, "status", inquiry, changes={"status": [inquiry.status, InquiryStatus.RESPONDED]})
        inquiry.status = InquiryStatus.RESPONDED


@dataclass
class Triage:
    """What the inquiry page offers: likely existing records for the sender."""

    contacts: list[tuple[Contact, list[str]]] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)


def triage(inquiry: Inquiry) -> Triage:
    """Likely organisations for the sender's, then likely contacts (a shared organisation adds weight)."""
    organisations = likely_organisations(inquiry.sender_organisation, country_code=inquiry.country_code)
    contacts = likely_contacts(
        inquiry.sender_name,
        inquiry.sender_email,
        country_code=inquiry.country_code,
        organisation_ids=frozenset(o.id for o in organisations),
    )
    return Triage(contacts=contacts, organisations=organisations)


@dataclass
class Conversion:
    contact: Contact
    organisation: Organisation | None
    thread: Any


def convert_inquiry(
    inquiry: Inquiry,
    *,
    actor: User,
    contact: Contact | None = None,
    organisation: Organisation | None = None,
    create_organisation_named: str = "",
    thread_kind: ThreadKind | str | None = None,
    thread_title: str = "",
) -> Conversion:
    """Link the inquiry to an existing contact or a new one made from its details, and open a thread.

    One step, one transaction: an inquiry converts only once (AlreadyConverted).
    """
    if inquiry.contact_id is not None or inquiry.status == InquiryStatus.CONVERTED:
        raise AlreadyConverted(_("This inquiry has already been converted."))
    if inquiry.status == InquiryStatus.CLOSED:
        raise InquiryError(_("Reopen the inquiry before converting it."))
    _claim_for_conversion(inquiry)
    if organisation is None and create_organisation_named.strip():
        organisation = create_organisation(
            {"name": create_organisation_named, "country_code": inquiry.country_code}, actor=actor
        )
    if contact is None:
        contact = create_contact(
            {
                "full_name": inquiry.sender_name,
                "email": inquiry.sender_email,
                "country_code": inquiry.country_code,
                "owner_id": (inquiry.assignee_id or actor.id),
            },
            actor=actor,
        )
    if organisation is not None and not any(
        a.organisation_id == organisation.id and a.is_current for a in contact.affiliations
    ):
        add_affiliation(contact, organisation, "", actor=actor)
    thread = None
    if thread_kind:
        country = db.session.get(Country, inquiry.country_code) if inquiry.country_code else None
        thread = open_thread(
            ThreadKind(thread_kind),
            thread_title or _default_title(inquiry, ThreadKind(thread_kind)),
            actor=actor,
            owner=inquiry.assignee or actor,
            origin_inquiry=inquiry,
            contacts=[contact],
            organisations=[organisation] if organisation else [],
            countries=[country] if country else [],
        )
    inquiry.contact = contact
    inquiry.status = InquiryStatus.CONVERTED
    inquiry.converted_at = utcnow()
    record(
        actor,
        "convert",
        inquiry,
        changes={"contact_id": contact.id, "thread_id": thread.id if thread else None},
    )
    return Conversion(contact=contact, organisation=organisation, thread=thread)


def _claim_for_conversion(inquiry: Inquiry) -> None:
    """Mark the inquiry converted in the database first, so two requests at once cannot both convert it.

    The conditional UPDATE matches no row if another transaction converted it
    since we read it (PostgreSQL waits for that transaction; SQLite serialises writers).
    """
    claimed = db.session.execute(
        update(Inquiry)
        .where(
            Inquiry.id == inquiry.id, Inquiry.contact_id.is_(None), Inquiry.status != InquiryStatus.CONVERTED
        )
        .values(status=InquiryStatus.CONVERTED)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AlreadyConverted(_("This inquiry has already been converted."))


def _default_title(inquiry: Inquiry, kind: ThreadKind) -> str:
    about = inquiry.subject or (inquiry.topics[0].name if inquiry.topics else "")
    base = f"{kind.label}: {inquiry.sender_name}"
    return f"{base} — {about}"[:300] if about else base


# --- Queries for the list and detail pages -------------------------------------------------

INQUIRY_FILTERS = (
    "q",
    "event",
    "status",
    "owner",
    "country",
    "region",
    "channel",
    "topic",
    "unassigned",
    "unanswered",
)


def inquiry_sorts() -> dict[str, Any]:
    return {
        "received": Inquiry.received_at,
        "sender": ByName(Inquiry.sender_name),
        "status": Inquiry.status,
        "country": ByCountry(Inquiry.country_code),
    }


def inquiry_list_query(filters: dict[str, str]):
    """Inquiries matching the list page's query parameters, with what each row shows loaded."""

    stmt = select(Inquiry).options(
        selectinload(Inquiry.event), selectinload(Inquiry.assignee), selectinload(Inquiry.country)
    )
    if q := filters.get("q"):
        columns = (Inquiry.sender_name, Inquiry.sender_email, Inquiry.sender_organisation, Inquiry.subject)
        like = or_(*(contains(column, q) for column in columns))
        stmt = stmt.where(substring.condition(substring.INQUIRIES, Inquiry.id, like, q))
    if (event := filters.get("event", "")).isdigit():
        stmt = stmt.where(Inquiry.event_id == int(event))
    if (status := filters.get("status")) in {s.value for s in InquiryStatus}:
        stmt = stmt.where(Inquiry.status == InquiryStatus(status))
    if (owner := filters.get("owner", "")).isdigit():
        stmt = stmt.where(Inquiry.assignee_id == int(owner))
    if filters.get("unassigned"):
        stmt = stmt.where(Inquiry.assignee_id.is_(None))
    if filters.get("unanswered"):
        stmt = stmt.where(unanswered_condition())
    if country := filters.get("country"):
        stmt = stmt.where(Inquiry.country_code == country.upper())
    if region := filters.get("region"):
        stmt = stmt.where(region_condition(Inquiry.country_code, region))
    if (channel := filters.get("channel")) in {c.value for c in InquiryChannel}:
        stmt = stmt.where(Inquiry.channel == InquiryChannel(channel))
    if (topic := filters.get("topic", "")).isdigit():
        stmt = stmt.where(
            Inquiry.id.in_(select(inquiry_topics.c.inquiry_id).where(inquiry_topics.c.topic_id == int(topic)))
        )
    return stmt
