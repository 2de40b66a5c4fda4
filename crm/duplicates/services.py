"""The duplicate review queue: reading it, saying "not a duplicate", and the merge page's facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from crm.audit.services import record
from crm.duplicates.links import linked_rows, links_to
from crm.duplicates.merge import survivor_of
from crm.errors import DomainError
from crm.extensions import db
from crm.matching.scoring import reason_labels
from crm.models import AuditEntry, Contact, DuplicatePair, NotDuplicate, Organisation, User
from crm.models.duplicate import CONTACT, ORGANISATION

MODELS: dict[str, Any] = {CONTACT: Contact, ORGANISATION: Organisation}
KINDS = (CONTACT, ORGANISATION)

# What each link is called on the merge page; a link table added later shows its table name.
LINK_LABELS = {
    "inquiries.contact_id": _l("Inquiries"),
    "thread_contacts.contact_id": _l("Threads"),
    "interaction_contacts.contact_id": _l("Interactions present at"),
    "affiliations.contact_id": _l("Affiliations"),
    "affiliations.organisation_id": _l("People (affiliations)"),
    "contact_list_members.contact_id": _l("Lists"),
    "contact_tags.contact_id": _l("Tags"),
    "consents.contact_id": _l("Consent history"),
    "contacts.merged_into_id": _l("Records merged into it before"),
    "organisations.merged_into_id": _l("Records merged into it before"),
    "thread_organisations.organisation_id": _l("Threads"),
    "event_partners.organisation_id": _l("Events (partner)"),
}


class DuplicateError(DomainError):
    """A review action that cannot be done."""


@dataclass
class QueueRow:
    pair: DuplicatePair
    first: Any
    second: Any

    @property
    def reasons(self) -> list[str]:
        return reason_labels(self.pair.reasons)

    @property
    def likely(self) -> bool:
        return self.pair.score >= current_app.config["DUPLICATE_LIKELY_SCORE"]


@dataclass
class QueuePage:
    rows: list[QueueRow]
    page: int
    has_next: bool
    total: int


def queue(kind: str, page: int = 1) -> QueuePage:
    """Pairs of live records still to review, best first (two statements, whatever the size)."""
    model = MODELS[kind]
    first, second = aliased(model), aliased(model)
    per_page = current_app.config["PER_PAGE"]
    stmt = (
        select(DuplicatePair, first, second)
        .join(first, first.id == DuplicatePair.first_id)
        .join(second, second.id == DuplicatePair.second_id)
        .where(DuplicatePair.kind == kind, first.merged_into_id.is_(None), second.merged_into_id.is_(None))
        .where(first.deleted_at.is_(None), second.deleted_at.is_(None))
    )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(
        stmt.order_by(DuplicatePair.score.desc(), DuplicatePair.first_id, DuplicatePair.second_id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    found = [QueueRow(*row) for row in rows[:per_page]]
    return QueuePage(found, page, len(rows) > per_page, total)


def last_scan() -> AuditEntry | None:
    return db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "scan", AuditEntry.entity_type == "duplicates")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def mark_not_duplicate(kind: str, a: Any, b: Any, *, actor: User) -> NotDuplicate:
    """Remember that two records are different; the pair leaves the queue and never comes back."""
    if a.id == b.id:
        raise DuplicateError(_("A record is always the same as itself."))
    first_id, second_id = ordered(a.id, b.id)
    existing = db.session.scalar(
        select(NotDuplicate).where(
            NotDuplicate.kind == kind, NotDuplicate.first_id == first_id, NotDuplicate.second_id == second_id
        )
    )
    if existing is None:
        existing = NotDuplicate(kind=kind, first_id=first_id, second_id=second_id, decided_by_id=actor.id)
        db.session.add(existing)
        record(
            actor, "not_duplicate", entity_type=kind, changes={"first_id": first_id, "second_id": second_id}
        )
    db.session.execute(
        DuplicatePair.__table__.delete().where(
            DuplicatePair.kind == kind,
            DuplicatePair.first_id == first_id,
            DuplicatePair.second_id == second_id,
        )
    )
    return existing


def is_marked_not_duplicate(kind: str, a_id: int, b_id: int) -> bool:
    first_id, second_id = ordered(a_id, b_id)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    NotDuplicate.kind == kind,
                    NotDuplicate.first_id == first_id,
                    NotDuplicate.second_id == second_id,
                )
            )
        )
    )


def link_counts(kind: str, record_id: int) -> list[tuple[str, int]]:
    """(label, how many) for every kind of link the record has: what the merge will move."""
    model = MODELS[kind]
    counts = []
    for link in links_to(model.__table__):
        rows = linked_rows(link, record_id)
        if link.table is model.__table__:
            rows = [r for r in rows if r["id"] != record_id]
        if rows:
            counts.append((str(LINK_LABELS.get(link.name, link.name)), len(rows)))
    return counts


def live_survivor(record_: Any, kind: str) -> Any:
    """For a merged-away record: the live record it ended in (None if there is none)."""
    return survivor_of(record_, MODELS[kind])
