"""The home page: what needs the signed-in user's attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, select

from crm.followups import services as followups
from crm.items import interaction_items
from crm.models import Interaction, Organisation, Thread, User, thread_organisations
from crm.models.base import today_utc
from crm.models.enums import ThreadKind, ThreadStage
from crm.rows import rows
from crm.threads.services import overdue_condition

HOME_LIMIT = 15
# One more than is shown, so the page can tell "15" from "more than 15".
FETCH = HOME_LIMIT + 1


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What the home page shows of a thread: its next action, kind, title, organisations and due date."""

    id: int
    title: str
    kind: ThreadKind
    stage: ThreadStage
    next_action: str
    next_action_due: date | None
    organisation_names: tuple[str, ...]

    @property
    def is_closed(self) -> bool:
        return self.stage.is_closed


def my_follow_ups(user: User, *, today: date | None = None) -> dict[str, list[FollowUp]]:
    """The user's open threads whose next action is overdue, and those due within a week
    (the threads of followups.overdue_threads and due_soon_threads, as rows)."""
    today = today or today_utc()
    columns = select(
        Thread.id, Thread.title, Thread.kind, Thread.stage, Thread.next_action, Thread.next_action_due
    )
    found = {
        "overdue": rows(followups.follow_ups(columns, [user.id], overdue_condition(today), FETCH)),
        "due_soon": rows(
            followups.follow_ups(columns, [user.id], followups.due_soon_condition(today), FETCH)
        ),
    }
    names: dict[int, list[str]] = {}
    shown = {row.id for found_rows in found.values() for row in found_rows[:HOME_LIMIT]}
    if shown:
        links = (
            select(thread_organisations.c.thread_id, Organisation.name)
            .join(Organisation, Organisation.id == thread_organisations.c.organisation_id)
            .where(thread_organisations.c.thread_id.in_(shown))
            .order_by(Organisation.name)
        )
        for thread_id, name in rows(links):
            names.setdefault(thread_id, []).append(name)
    return {
        key: [FollowUp(*row, tuple(names.get(row.id, ()))) for row in found_rows]
        for key, found_rows in found.items()
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
