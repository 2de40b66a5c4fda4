"""Retention (storage limitation): people with no activity and no consent for N months are anonymised.

"Activity" is any change to the contact, an inquiry from them, an interaction on a thread they
take part in (or with them present), a change to such a thread, or a consent recorded. "No
consent" means no purpose currently given. The review lists them; applying erases each one with
the same service as an erasure request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select

from crm.extensions import db
from crm.models import (
    ConsentRecord,
    Contact,
    Inquiry,
    Interaction,
    Thread,
    User,
    interaction_contacts,
    thread_contacts,
)
from crm.models.base import as_utc, utcnow
from crm.privacy.consent import currently_given_condition
from crm.privacy.erasure import erase_contact, purge_search_index


@dataclass(frozen=True)
class Dormant:
    """A contact due for anonymisation, with when they were last active."""

    contact_id: int
    name: str
    last_activity: datetime


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _their_threads():
    # Nested two levels deep: say explicitly that Contact is the outer query's row.
    return (
        select(thread_contacts.c.thread_id)
        .where(thread_contacts.c.contact_id == Contact.id)
        .correlate(Contact)
    )


def _activity_since(cutoff: datetime):
    """SQL on Contact: anything happened to or with the person since `cutoff`."""
    present = select(interaction_contacts.c.interaction_id).where(
        interaction_contacts.c.contact_id == Contact.id
    )
    return or_(
        Contact.updated_at >= cutoff,
        Contact.created_at >= cutoff,
        exists().where(
            Inquiry.contact_id == Contact.id, or_(Inquiry.received_at >= cutoff, Inquiry.updated_at >= cutoff)
        ),
        exists().where(
            or_(Interaction.thread_id.in_(_their_threads()), Interaction.id.in_(present)),
            Interaction.occurred_at >= cutoff,
        ),
        exists().where(Thread.id.in_(_their_threads()), Thread.updated_at >= cutoff),
        exists().where(ConsentRecord.contact_id == Contact.id, ConsentRecord.recorded_at >= cutoff),
    )


def dormant_condition(cutoff: datetime):
    """SQL on Contact: not yet erased, not merged away, no consent now, no activity since `cutoff`."""
    return (
        Contact.erased_at.is_(None)
        & Contact.merged_into_id.is_(None)
        & Contact.consent_to_contact.is_(False)
        & Contact.consent_to_share.is_(False)
        & ~currently_given_condition()
        & ~_activity_since(cutoff)
    )


def dormant_contacts(months: int, now: datetime | None = None) -> list[Dormant]:
    """Everyone the retention rule applies to, longest-dormant first."""
    cutoff = months_before(now or utcnow(), months)
    last_inquiry = select(func.max(Inquiry.received_at)).where(Inquiry.contact_id == Contact.id)
    last_interaction = select(func.max(Interaction.occurred_at)).where(
        Interaction.thread_id.in_(_their_threads())
    )
    rows = db.session.execute(
        select(
            Contact.id,
            Contact.full_name,
            Contact.updated_at,
            last_inquiry.scalar_subquery(),
            last_interaction.scalar_subquery(),
        )
        .where(dormant_condition(cutoff))
        .order_by(Contact.id)
    ).all()
    found = [
        Dormant(row[0], row[1], max(as_utc(moment) for moment in row[2:] if moment is not None))
        for row in rows
    ]
    return sorted(found, key=lambda item: (item.last_activity, item.contact_id))


def apply_retention(months: int, *, actor: User | None = None, now: datetime | None = None) -> list[int]:
    """Anonymise every dormant contact (same service as an erasure request); returns their ids."""
    erased = []
    for item in dormant_contacts(months, now):
        contact = db.session.get(Contact, item.contact_id)
        if contact is not None:
            erase_contact(contact, actor=actor, ground="retention")
            erased.append(item.contact_id)
    if erased:
        purge_search_index()
    return erased
