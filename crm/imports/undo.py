"""Undoing an import: remove the inquiries a batch created, unless later work depends on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update

from crm.audit.services import record
from crm.auth.permissions import can_edit, can_reassign
from crm.errors import DomainError
from crm.extensions import db
from crm.imports.mapping import INQUIRIES
from crm.models import AuditEntry, ImportBatch, Inquiry, Thread, User
from crm.models.base import as_utc, utcnow
from crm.models.enums import InquiryStatus
from crm.translations import gettext as _

COMMITTED, UNDONE = "committed", "undone"
# Saving an inquiry moves updated_at; a gap this long after creation means someone edited it.
EDIT_GRACE = timedelta(seconds=5)


@dataclass
class Blocker:
    row: int | None
    inquiry_id: int
    name: str
    reasons: list[str] = field(default_factory=list)


class UndoRefused(DomainError):
    """The batch cannot be undone; `blockers` says which rows and why."""

    def __init__(self, message: str, blockers: list[Blocker] | None = None) -> None:
        super().__init__(message)
        self.blockers = blockers or []


def can_undo_import(user: Any, batch: ImportBatch) -> bool:
    """A coordinator may undo any import; staff only their own."""
    return can_reassign(user) or (can_edit(user) and batch.actor_id == user.id)


def undo_import(batch: ImportBatch, *, actor: User) -> int:
    """Delete the batch's inquiries and mark it undone; returns how many went. Refuses, saying why."""
    if batch.status != COMMITTED:
        raise UndoRefused(_("This import has already been undone."))
    if (batch.counts or {}).get("kind", INQUIRIES) != INQUIRIES:
        raise UndoRefused(_("A contact import cannot be undone here; edit or delete the contacts instead."))
    blockers = undo_blockers(batch)
    if blockers:
        raise UndoRefused(
            _(
                "This import cannot be undone: later work depends on %(count)s of its inquiries.",
                count=len(blockers),
            ),
            blockers,
        )
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == COMMITTED)
        .values(status=UNDONE, undone_at=utcnow(), undone_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # someone else undid it a moment ago
        raise UndoRefused(_("This import has already been undone."))
    removed = db.session.execute(
        delete(Inquiry)
        .where(Inquiry.import_batch_id == batch.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.refresh(batch)
    record(actor, "undo_import", batch, changes={"file_name": batch.file_name, "deleted": removed})
    return removed


def undo_blockers(batch: ImportBatch) -> list[Blocker]:
    """Inquiries of the batch that were converted, answered, assigned, closed, given a thread or edited."""
    in_batch = select(Inquiry.id).where(Inquiry.import_batch_id == batch.id)
    blockers: dict[int, Blocker] = {}
    rows: dict[int, int] = {}
    for inquiry_id, action, changes in db.session.execute(
        select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.entity_type == "inquiry", AuditEntry.entity_id.in_(in_batch))
        .order_by(AuditEntry.id)
    ):
        if action == "create":
            rows[inquiry_id] = (changes or {}).get("row")
        else:
            _blocker(blockers, inquiry_id).reasons.append(_action_reason(action))
    for inquiry in db.session.scalars(select(Inquiry).where(Inquiry.import_batch_id == batch.id)):
        for reason in _state_reasons(inquiry):
            _blocker(blockers, inquiry.id).reasons.append(reason)
        if inquiry.id in blockers:
            blockers[inquiry.id].name = inquiry.sender_name
    for inquiry_id, title in db.session.execute(
        select(Thread.origin_inquiry_id, Thread.title).where(Thread.origin_inquiry_id.in_(in_batch))
    ):
        _blocker(blockers, inquiry_id).reasons.append(
            _("the thread “%(title)s” was opened from it", title=title)
        )
    result = []
    for inquiry_id, blocker in blockers.items():
        blocker.row = rows.get(inquiry_id)
        blocker.reasons = list(dict.fromkeys(blocker.reasons))
        result.append(blocker)
    return sorted(result, key=lambda b: (b.row or 0, b.inquiry_id))


def _blocker(blockers: dict[int, Blocker], inquiry_id: int) -> Blocker:
    return blockers.setdefault(inquiry_id, Blocker(None, inquiry_id, ""))


def _action_reason(action: str) -> str:
    reasons = {
        "convert": _("it was converted into a contact"),
        "first_response": _("it was answered"),
        "assign": _("it was assigned"),
        "close": _("it was closed"),
        "reopen": _("it was reopened"),
        "update": _("it was edited after the import"),
    }
    return reasons.get(action, _("it was changed after the import (%(action)s)", action=action))


def _state_reasons(inquiry: Inquiry) -> list[str]:
    """What the record itself shows, in case a change left no audit entry."""
    reasons = []
    if inquiry.contact_id is not None or inquiry.status == InquiryStatus.CONVERTED:
        reasons.append(_("it was converted into a contact"))
    if inquiry.first_response_at is not None:
        reasons.append(_("it was answered"))
    if inquiry.assignee_id is not None:
        reasons.append(_("it was assigned"))
    if inquiry.status == InquiryStatus.CLOSED:
        reasons.append(_("it was closed"))
    if not reasons and as_utc(inquiry.updated_at) - as_utc(inquiry.created_at) > EDIT_GRACE:
        reasons.append(_("it was edited after the import"))
    return reasons
