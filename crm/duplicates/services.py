"""The duplicate review queue: reading it, saying "not a duplicate", and the merge page's facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import exists, func, literal_column, select, union_all
from sqlalchemy.orm import aliased

from crm.audit.services import record
from crm.duplicates.links import links_to
from crm.duplicates.merge import survivor_of
from crm.errors import DomainError
from crm.extensions import db
from crm.matching.scoring import reason_labels
from crm.models import AuditEntry, Contact, DuplicatePair, NotDuplicate, Organisation, User
from crm.models.duplicate import CONTACT, ORGANISATION
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

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
    "consent_records.contact_id": _l("Consent history"),
    "contacts.merged_into_id": _l("Records merged into it before"),
    "organisations.merged_into_id": _l("Records merged into it before"),
    "thread_organisations.organisation_id": _l("Threads"),
    "event_partners.organisation_id": _l("Events (partner)"),
    "events.host_organisation_id": _l("Events (host)"),
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
        return reason_labels(self.pair.reasons.split(","))

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
    """Pairs still to review, best first: one page of the pair index, then its records (three statements).

    Merges and "not a duplicate" delete their pairs; a pair whose record was deleted (or merged
    elsewhere) since the scan is neither shown nor counted.
    """
    model = MODELS[kind]
    per_page = current_app.config["PER_PAGE"]
    first, second = aliased(model), aliased(model)
    live = [
        DuplicatePair.kind == kind,
        *(side.deleted_at.is_(None) for side in (first, second)),
        *(side.merged_into_id.is_(None) for side in (first, second)),
    ]

    def joined(stmt: Any) -> Any:
        return stmt.join(first, first.id == DuplicatePair.first_id).join(
            second, second.id == DuplicatePair.second_id
        )

    total = db.session.scalar(joined(select(func.count()).select_from(DuplicatePair)).where(*live)) or 0
    pairs = db.session.scalars(
        joined(select(DuplicatePair))
        .where(*live)
        .order_by(DuplicatePair.score.desc(), DuplicatePair.first_id, DuplicatePair.second_id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    ids = {p.first_id for p in pairs} | {p.second_id for p in pairs}
    records = {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(ids)))}
    rows = [QueueRow(p, records[p.first_id], records[p.second_id]) for p in pairs[:per_page]]
    return QueuePage(rows, page, len(pairs) > per_page, total)


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
        raise DuplicateError(_("Choose two different records."))
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
    """(label, how many) for every kind of link the record has: what the merge will move.

    One statement, counts only: a contact may have thousands of interactions.
    """
    model = MODELS[kind]
    links = links_to(model.__table__)
    counts = []
    for n, link in enumerate(links):
        where = [link.column == record_id]
        if link.table is model.__table__:
            where.append(link.table.c.id != record_id)  # a record never counts as its own link
        # The link's position, inlined: a bound number has no type for PostgreSQL in a UNION.
        counts.append(select(literal_column(str(n)), func.count()).select_from(link.table).where(*where))
    found = {n: count for n, count in db.session.execute(union_all(*counts))}
    return [
        (str(LINK_LABELS.get(link.name, link.name)), found[n]) for n, link in enumerate(links) if found.get(n)
    ]


def live_survivor(record_: Any, kind: str) -> Any:
    """For a merged-away record: the live record it ended in (None if there is none)."""
    return survivor_of(record_, MODELS[kind])
