"""The home page: what needs the signed-in user's attention."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Row

from crm.followups import services as followups
from crm.items import interaction_items
from crm.models import Interaction, Thread, User
from crm.models.base import today_utc
from crm.rows import rows

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


def unanswered_inquiries(user: User | None) -> list[Row]:
    """Inquiries nobody has answered yet, oldest first: the user's own, or unassigned ones (user=None).

    Rows of what the page shows (followups.unanswered_inquiry_rows), not whole inquiries.
    """
    return followups.unanswered_inquiry_rows([user.id] if user is not None else None, limit=FETCH)


def recent_activity(limit: int = 10) -> list[Row]:
    """The latest interactions (crm.items.interaction_items) with their thread_id and thread_title."""
    stmt = (
        interaction_items()
        .add_columns(Interaction.thread_id, Thread.title.label("thread_title"))
        .join(Thread, Thread.id == Interaction.thread_id)
        .limit(limit)
    )
    return rows(stmt)


def home_for(user: Any) -> dict[str, Any]:
    return {
        **my_follow_ups(user),
        "my_unanswered": unanswered_inquiries(user),
        "unassigned": unanswered_inquiries(None),
        "recent": recent_activity(),
        "home_limit": HOME_LIMIT,
    }
