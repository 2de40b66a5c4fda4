"""The home page: what needs the signed-in user's attention."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Inquiry, Interaction, Thread, User
from crm.models.enums import CLOSED_STAGES, InquiryStatus

HOME_LIMIT = 15


def my_follow_ups(user: User, *, today: date | None = None) -> dict[str, list[Thread]]:
    """The user's open threads whose next action is overdue, and those due within a week."""
    today = today or date.today()
    base = (
        select(Thread)
        .where(
            Thread.owner_id == user.id,
            Thread.stage.not_in(CLOSED_STAGES),
            Thread.next_action_due.is_not(None),
        )
        .options(selectinload(Thread.organisations))
        .order_by(Thread.next_action_due, Thread.id)
    )
    overdue = db.session.scalars(base.where(Thread.next_action_due < today).limit(HOME_LIMIT))
    due_soon = db.session.scalars(
        base.where(
            Thread.next_action_due >= today, Thread.next_action_due <= today + timedelta(days=7)
        ).limit(HOME_LIMIT)
    )
    return {"overdue": list(overdue), "due_soon": list(due_soon)}


def unanswered_inquiries(user: User | None) -> list[Inquiry]:
    """Inquiries nobody has answered yet, oldest first: the user's own, or unassigned ones (user=None)."""
    stmt = (
        select(Inquiry)
        .where(Inquiry.first_response_at.is_(None), Inquiry.status != InquiryStatus.CLOSED)
        .options(selectinload(Inquiry.event))
        .order_by(Inquiry.received_at, Inquiry.id)
        .limit(HOME_LIMIT)
    )
    if user is None:
        stmt = stmt.where(Inquiry.assignee_id.is_(None))
    else:
        stmt = stmt.where(Inquiry.assignee_id == user.id)
    return list(db.session.scalars(stmt))


def recent_activity(limit: int = 10) -> list[Interaction]:
    stmt = (
        select(Interaction)
        .options(selectinload(Interaction.thread), selectinload(Interaction.author))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def home_for(user: Any) -> dict[str, Any]:
    return {
        **my_follow_ups(user),
        "my_unanswered": unanswered_inquiries(user),
        "unassigned": unanswered_inquiries(None),
        "recent": recent_activity(),
    }
