"""The linked threads and inquiries that detail pages list (`thread_items` and `inquiry_items` in
macros/lists.html) and the interactions of their timelines, selected as plain rows: only the
columns the items show, names joined in.

Loaded as ORM objects with their owner or event, they cost ~1 ms a page for a few rows.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from crm.models import Contact, Event, Inquiry, Interaction, Thread, User


def thread_items() -> Select:
    """id, title, kind, stage, opened_on, owner_name; add the page's WHERE and ORDER BY."""
    return select(
        Thread.id, Thread.title, Thread.kind, Thread.stage, Thread.opened_on, User.name.label("owner_name")
    ).outerjoin(User, User.id == Thread.owner_id)


def inquiry_items() -> Select:
    """id, subject, sender_name, status, received_at, event_title, contact_name; add WHERE and ORDER BY."""
    return (
        select(
            Inquiry.id,
            Inquiry.subject,
            Inquiry.sender_name,
            Inquiry.status,
            Inquiry.received_at,
            Event.title.label("event_title"),
            Contact.full_name.label("contact_name"),
        )
        .outerjoin(Event, Event.id == Inquiry.event_id)
        .outerjoin(Contact, Contact.id == Inquiry.contact_id)
    )


def interaction_items() -> Select:
    """id, occurred_at, kind, summary, author_name, newest first; add the page's WHERE."""
    return (
        select(
            Interaction.id,
            Interaction.occurred_at,
            Interaction.kind,
            Interaction.summary,
            User.name.label("author_name"),
        )
        .outerjoin(User, User.id == Interaction.author_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
