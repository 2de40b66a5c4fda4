"""The home page: what needs the signed-in user's attention."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.followups import services as followups
from crm.models import Inquiry, Interaction, Thread, User
from crm.models.base import today_utc

HOME_LIMIT = 15
# One more than is shown, so the page can tell "15" from "more than 15".
FETCH = HOME_LIMIT + 1


def my_follow_ups(user: User, *, today: date | None = None) -> dict[str, list[Thread]]:
    """The user's open threads whose next action is overdue, and those due within a week."""
    today = today or today_utc()
    return {
        "overdue": followups.overdue_threads([user.id], today, limit=FETCH),
        "due_soon": followups.due_soon_threads([user.id], today, followups.DUE_SOON_DAYS, limit=FETCH),
    }


def unanswered_inquiries(user: User | None) -> list[Inquiry]:
    """Inquiries nobody has answered yet, oldest first: the user's own, or unassigned ones (user=None)."""
    return followups.unanswered_inquiries([user.id] if user is not None else None, limit=FETCH)


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
        "home_limit": HOME_LIMIT,
    }
