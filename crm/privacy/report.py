"""The per-person data report (subject access, GDPR Art. 15 and 20): everything held about one contact.

One dictionary of sections, written as JSON or as one long CSV (section, record, field, value):
structured, machine-readable and complete. Sensitive attributes are included: the person is
entitled to them, and only coordinators and admins may make the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.audit.services import record
from crm.extensions import db
from crm.lists.services import lists_for_contact
from crm.models import (
    Affiliation,
    AuditEntry,
    Contact,
    Inquiry,
    Interaction,
    Thread,
    User,
    contact_list_members,
    interaction_contacts,
    thread_contacts,
)
from crm.models.base import utcnow
from crm.privacy.consent import consent_history

SECTIONS = (
    "contact",
    "affiliations",
    "tags",
    "lists",
    "consents",
    "inquiries",
    "threads",
    "interactions",
    "audit",
)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _columns(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of a row, deferred ones included."""
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in inspect(type(obj)).column_attrs
        if attr.key not in skip
    }


def _user(user: User | None) -> str | None:
    return user.email if user is not None else None


def personal_data(contact: Contact) -> dict[str, Any]:
    """Everything held about the person, section by section."""
    inquiries = list(
        db.session.scalars(
            select(Inquiry)
            .where(Inquiry.contact_id == contact.id)
            .options(joinedload(Inquiry.event), selectinload(Inquiry.topics))
            .order_by(Inquiry.received_at, Inquiry.id)
        )
    )
    thread_ids = select(thread_contacts.c.thread_id).where(thread_contacts.c.contact_id == contact.id)
    present = select(interaction_contacts.c.interaction_id).where(
        interaction_contacts.c.contact_id == contact.id
    )
    threads = list(
        db.session.scalars(
            select(Thread)
            .where(Thread.id.in_(thread_ids))
            .options(joinedload(Thread.owner))
            .order_by(Thread.id)
        )
    )
    interactions = db.session.scalars(
        select(Interaction)
        .where(or_(Interaction.thread_id.in_(thread_ids), Interaction.id.in_(present)))
        .options(joinedload(Interaction.author))
        .order_by(Interaction.occurred_at, Interaction.id)
    )
    return {
        "generated_at": utcnow().isoformat(),
        "contact": {
            **_columns(contact),
            "country": contact.country.name if contact.country else None,
            "owner": _user(contact.owner),
        },
        "affiliations": [
            {
                "organisation": a.organisation.name,
                "position": a.position,
                "start_on": _plain(a.start_on),
                "end_on": _plain(a.end_on),
            }
            for a in db.session.scalars(
                select(Affiliation)
                .where(Affiliation.contact_id == contact.id)
                .options(joinedload(Affiliation.organisation))
                .order_by(Affiliation.id)
            )
        ],
        "tags": [tag.name for tag in contact.tags],
        "lists": _lists(contact),
        "consents": [
            {
                **_columns(entry, skip=("contact_id", "recorded_by_id")),
                "recorded_by": _user(entry.recorded_by),
            }
            for entry in consent_history(contact, newest_first=False)
        ],
        "inquiries": [
            {
                **_columns(inquiry, skip=("assignee_id", "created_by_id", "event_id")),
                "event": inquiry.event.title if inquiry.event else None,
                "topics": [topic.name for topic in inquiry.topics],
            }
            for inquiry in inquiries
        ],
        "threads": [
            {**_columns(thread, skip=("owner_id", "version")), "owner": _user(thread.owner)}
            for thread in threads
        ],
        "interactions": [
            {**_columns(item, skip=("author_id",)), "author": _user(item.author)} for item in interactions
        ],
        "audit": _audit(contact, [inquiry.id for inquiry in inquiries]),
    }


def _lists(contact: Contact) -> list[dict[str, Any]]:
    added = dict(
        db.session.execute(
            select(contact_list_members.c.list_id, contact_list_members.c.added_at).where(
                contact_list_members.c.contact_id == contact.id
            )
        ).all()
    )
    return [
        {"id": each.id, "name": each.name, "kind": each.kind, "added_at": _plain(added.get(each.id))}
        for each in lists_for_contact(contact)
    ]


def _audit(contact: Contact, inquiry_ids: list[int]) -> list[dict[str, Any]]:
    """Who did what to the person's contact record and inquiries, and when."""
    about = (AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == contact.id)
    if inquiry_ids:
        about = about | ((AuditEntry.entity_type == "inquiry") & AuditEntry.entity_id.in_(inquiry_ids))
    entries = db.session.scalars(
        select(AuditEntry)
        .where(about)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        {
            "at": _plain(entry.at),
            "actor": _user(entry.actor),
            "action": entry.action,
            "record": f"{entry.entity_type} {entry.entity_id}",
            "changes": entry.changes,
        }
        for entry in entries
    ]


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


CSV_HEADER = ["section", "record", "field", "value"]


def as_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """Long format: one row per field; lists and nested details as JSON text."""
    yield ["report", "", "generated_at", data["generated_at"]]
    for section in SECTIONS:
        value = data[section]
        items = [value] if isinstance(value, dict) else value
        for number, item in enumerate(items, start=1):
            record_id = str(item.get("id", number)) if isinstance(item, dict) else str(number)
            fields = item.items() if isinstance(item, dict) else [("value", item)]
            for name, field_value in fields:
                yield [section, record_id, name, _cell(field_value)]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def record_report(contact: Contact, data: dict[str, Any], file_format: str, *, actor: User) -> None:
    """Audit the report: who made it for whom, in which format, and how many records per section."""
    counts = {section: len(data[section]) for section in SECTIONS if isinstance(data[section], list)}
    record(actor, "data_report", contact, changes={"format": file_format, **counts})
