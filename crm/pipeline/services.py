"""Coordinator boards: inquiries by status, threads by stage, organisations by membership.

Every board is two queries whatever its size: one grouped count of the columns and one
query for the cards (at most CARD_LIMIT per column: a LIMITed query per column, joined
with UNION ALL, each served by an index on the column and its order).
Moving a card goes through the same service as the record's own page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, case, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from crm.countries.services import region_condition, territory_name
from crm.errors import DomainError
from crm.extensions import db
from crm.inquiries.services import AWAITING_ANSWER, assign_inquiry, unanswered_condition
from crm.models import (
    Affiliation,
    Inquiry,
    Organisation,
    Thread,
    User,
    contact_tags,
    thread_contacts,
    thread_countries,
    thread_organisations,
)
from crm.models.base import as_utc
from crm.models.enums import CLOSED_STAGES, STAGES_BY_KIND, InquiryStatus, MembershipStatus, ThreadKind
from crm.organisations.services import reassign_organisation
from crm.threads.services import is_overdue, is_stale, overdue_condition, reassign_thread, stale_condition


class PipelineError(DomainError):
    """A board action could not be done; nothing was changed."""


CARD_LIMIT = 50
DONE_LIMIT = 10  # finished columns show only the latest: the list pages hold the rest
BOARD_FILTERS = ("event", "country", "region", "owner", "tag", "overdue", "stale")
MEMBERSHIP_COLUMNS = (
    MembershipStatus.PROSPECT,
    MembershipStatus.INVITED,
    MembershipStatus.APPLIED,
    MembershipStatus.MEMBER,
    MembershipStatus.FORMER,
)
# Inquiries whose status can still move on (not converted, not closed).
STILL_OPEN = (InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.RESPONDED)


@dataclass
class BoardFilters:
    """The board's query parameters, validated."""

    event: int | None = None
    country: str | None = None
    region: str | None = None
    owner: int | None = None
    tag: int | None = None
    overdue: bool = False
    stale: bool = False
    url: str = ""  # filled in by the view
    move_url: str = ""

    @classmethod
    def from_args(cls, args: dict[str, str]) -> BoardFilters:
        def number(name: str) -> int | None:
            value = args.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(
            event=number("event"),
            country=(args.get("country") or "").upper()[:2] or None,
            region=(args.get("region") or "")[:3] or None,
            owner=number("owner"),
            tag=number("tag"),
            overdue=bool(args.get("overdue")),
            stale=bool(args.get("stale")),
        )


@dataclass
class Clock:
    """'Now' and the thresholds, passed in so boards and tests agree on what is late."""

    now: datetime
    stale_days: int
    response_days: int

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass
class Card:
    record: Any
    title: str
    url_kind: str
    organisation: str
    country: str
    owner: str
    since: datetime | date | None
    next_action: str = ""
    due: date | None = None
    overdue: bool = False
    stale: bool = False


@dataclass
class Column:
    key: str
    label: Any
    count: int
    cards: list[Card] = field(default_factory=list)


@dataclass
class Board:
    columns: list[Column]

    @property
    def total(self) -> int:
        return sum(column.count for column in self.columns)


# --- Building blocks -------------------------------------------------------------------------


def _limited_per_column(
    stmt: Select,
    column: Any,
    values: Any,
    order: list[Any],
    model: Any,
    *,
    done: tuple = (),
    done_at: Any = None,
) -> Select:
    """The cards of every column in one statement: at most CARD_LIMIT each, and only the
    DONE_LIMIT most recent in the columns where work has finished (`done`).

    Each column is its own small `WHERE column = value ORDER BY … LIMIT n` (served by an index
    on the column and its order), joined with UNION ALL: the database never sorts the whole
    board, whatever its size.
    """
    picked = []
    for value in values:
        finished = value in done
        ids = (
            stmt.with_only_columns(model.id, maintain_column_froms=True)
            .where(column == value)
            .order_by(*([done_at.desc(), *order] if finished else order))
            .limit(DONE_LIMIT if finished else CARD_LIMIT)
            .subquery()
        )
        picked.append(select(ids.c.id))
    shown = union_all(*picked).subquery()
    recent_first = case((column.in_(done), done_at), else_=None).desc() if done else literal(0)
    return select(model).where(model.id.in_(select(shown.c.id))).order_by(recent_first, *order)


def _counts(stmt: Select, column: Any) -> dict[Any, int]:
    grouped = stmt.with_only_columns(column, func.count(), maintain_column_froms=True).group_by(column)
    return {key: count for key, count in db.session.execute(grouped)}


def _age_start(value: datetime | date | None) -> datetime | date | None:
    return as_utc(value) if isinstance(value, datetime) else value


# --- Threads ---------------------------------------------------------------------------------


def _thread_conditions(filters: BoardFilters, clock: Clock) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.event:
        conditions.append(
            Thread.origin_inquiry_id.in_(select(Inquiry.id).where(Inquiry.event_id == filters.event))
        )
    if filters.country:
        conditions.append(
            Thread.id.in_(
                select(thread_countries.c.thread_id).where(thread_countries.c.country_code == filters.country)
            )
        )
    if filters.region:
        in_region = region_condition(thread_countries.c.country_code, filters.region)
        conditions.append(Thread.id.in_(select(thread_countries.c.thread_id).where(in_region)))
    if filters.owner:
        conditions.append(Thread.owner_id == filters.owner)
    if filters.tag:
        tagged = select(thread_contacts.c.thread_id).join(
            contact_tags, contact_tags.c.contact_id == thread_contacts.c.contact_id
        )
        conditions.append(Thread.id.in_(tagged.where(contact_tags.c.tag_id == filters.tag)))
    if filters.overdue:
        conditions.append(overdue_condition(clock.today))
    if filters.stale:
        conditions.append(stale_condition(clock.now, clock.stale_days))
    return conditions


def thread_board(kind: ThreadKind, filters: BoardFilters, clock: Clock) -> Board:
    """Threads of one kind in columns by stage."""
    base = select(Thread).where(Thread.kind == kind, *_thread_conditions(filters, clock))
    counts = _counts(base, Thread.stage)
    order = [Thread.next_action_due.is_(None), Thread.next_action_due, Thread.stage_changed_at, Thread.id]
    cards_stmt = _limited_per_column(
        base,
        Thread.stage,
        STAGES_BY_KIND[kind],
        order,
        Thread,
        done=tuple(CLOSED_STAGES),
        done_at=Thread.stage_changed_at,
    ).options(selectinload(Thread.owner), selectinload(Thread.organisations), selectinload(Thread.countries))
    by_stage: dict[Any, list[Card]] = {}
    for thread in db.session.scalars(cards_stmt):
        by_stage.setdefault(thread.stage, []).append(
            Card(
                record=thread,
                title=thread.title,
                url_kind="thread",
                organisation=", ".join(o.name for o in thread.organisations),
                country=", ".join(territory_name(c.alpha2, c.name) for c in thread.countries),
                owner=thread.owner.name if thread.owner else "",
                since=_age_start(thread.stage_changed_at),
                next_action=thread.next_action,
                due=thread.next_action_due,
                overdue=is_overdue(thread, clock.today),
                stale=is_stale(thread, clock.now, clock.stale_days),
            )
        )
    return Board(
        [
            Column(stage.value, stage.label, counts.get(stage, 0), by_stage.get(stage, []))
            for stage in STAGES_BY_KIND[kind]
        ]
    )


# --- Inquiries -------------------------------------------------------------------------------


def _inquiry_overdue(clock: Clock) -> ColumnElement[bool]:
    """Still owed an answer, and waiting longer than the response target."""
    return unanswered_condition() & (Inquiry.received_at < clock.now - timedelta(days=clock.response_days))


def _inquiry_stale(clock: Clock) -> ColumnElement[bool]:
    """Still open, and its status has not moved for the stale period."""
    return Inquiry.status.in_(STILL_OPEN) & (
        Inquiry.status_changed_at < clock.now - timedelta(days=clock.stale_days)
    )


def _answer_by(inquiry: Inquiry, clock: Clock) -> date | None:
    """When an inquiry still owed an answer should have had one."""
    if inquiry.first_response_at is not None or inquiry.status not in AWAITING_ANSWER:
        return None
    return (as_utc(inquiry.received_at) + timedelta(days=clock.response_days)).date()


def _inquiry_conditions(filters: BoardFilters, clock: Clock) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.event:
        conditions.append(Inquiry.event_id == filters.event)
    if filters.country:
        conditions.append(Inquiry.country_code == filters.country)
    if filters.region:
        conditions.append(region_condition(Inquiry.country_code, filters.region))
    if filters.owner:
        conditions.append(Inquiry.assignee_id == filters.owner)
    if filters.tag:
        tagged = select(contact_tags.c.contact_id).where(contact_tags.c.tag_id == filters.tag)
        conditions.append(Inquiry.contact_id.in_(tagged))
    if filters.overdue:
        conditions.append(_inquiry_overdue(clock))
    if filters.stale:
        conditions.append(_inquiry_stale(clock))
    return conditions


def inquiry_board(filters: BoardFilters, clock: Clock) -> Board:
    """Inquiries in columns by status; the oldest waiting first."""
    base = select(Inquiry).where(*_inquiry_conditions(filters, clock))
    counts = _counts(base, Inquiry.status)
    cards_stmt = _limited_per_column(
        base,
        Inquiry.status,
        InquiryStatus,
        [Inquiry.received_at, Inquiry.id],
        Inquiry,
        done=(InquiryStatus.CONVERTED, InquiryStatus.CLOSED),
        done_at=Inquiry.status_changed_at,
    ).options(selectinload(Inquiry.assignee), selectinload(Inquiry.country))
    by_status: dict[Any, list[Card]] = {}
    stale_before = clock.now - timedelta(days=clock.stale_days)
    for inquiry in db.session.scalars(cards_stmt):
        answer_by = _answer_by(inquiry, clock)
        by_status.setdefault(inquiry.status, []).append(
            Card(
                record=inquiry,
                title=inquiry.sender_name,
                url_kind="inquiry",
                organisation=inquiry.sender_organisation,
                country=territory_name(inquiry.country.alpha2, inquiry.country.name)
                if inquiry.country
                else inquiry.sender_country,
                owner=inquiry.assignee.name if inquiry.assignee else "",
                since=_age_start(inquiry.status_changed_at),
                next_action=inquiry.subject,
                due=answer_by,
                overdue=answer_by is not None
                and as_utc(inquiry.received_at) < clock.now - timedelta(days=clock.response_days),
                stale=inquiry.status in STILL_OPEN and as_utc(inquiry.status_changed_at) < stale_before,
            )
        )
    return Board([Column(s.value, s.label, counts.get(s, 0), by_status.get(s, [])) for s in InquiryStatus])


# --- Membership ------------------------------------------------------------------------------


def _organisation_conditions(filters: BoardFilters, clock: Clock) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Organisation.membership_status.in_(MEMBERSHIP_COLUMNS),
        Organisation.live(),
    ]
    people = select(Affiliation.organisation_id)
    if filters.event:
        senders = select(Inquiry.contact_id).where(Inquiry.event_id == filters.event)
        conditions.append(Organisation.id.in_(people.where(Affiliation.contact_id.in_(senders))))
    if filters.country:
        conditions.append(Organisation.country_code == filters.country)
    if filters.region:
        conditions.append(region_condition(Organisation.country_code, filters.region))
    if filters.owner:
        conditions.append(Organisation.owner_id == filters.owner)
    if filters.tag:
        tagged = select(contact_tags.c.contact_id).where(contact_tags.c.tag_id == filters.tag)
        conditions.append(Organisation.id.in_(people.where(Affiliation.contact_id.in_(tagged))))
    if filters.overdue:
        conditions.append(Organisation.id.in_(_organisations_with_overdue_threads(clock)))
    if filters.stale:
        conditions.append(_membership_stale(clock))
    return conditions


def _membership_stale(clock: Clock) -> ColumnElement[bool]:
    """A prospect, invitation or application that has not moved for the stale period."""
    waiting = (MembershipStatus.PROSPECT, MembershipStatus.INVITED, MembershipStatus.APPLIED)
    cutoff = clock.today - timedelta(days=clock.stale_days)
    return Organisation.membership_status.in_(waiting) & (Organisation.membership_since < cutoff)


def membership_board(filters: BoardFilters, clock: Clock) -> Board:
    """Organisations in columns by network membership status."""
    base = select(Organisation).where(*_organisation_conditions(filters, clock))
    counts = _counts(base, Organisation.membership_status)
    order = [Organisation.membership_since, Organisation.id]
    cards_stmt = _limited_per_column(
        base,
        Organisation.membership_status,
        MEMBERSHIP_COLUMNS,
        order,
        Organisation,
        done=(MembershipStatus.MEMBER, MembershipStatus.FORMER),
        done_at=Organisation.membership_since,
    ).options(selectinload(Organisation.owner), selectinload(Organisation.country))
    organisations = list(db.session.scalars(cards_stmt))
    shown = [organisation.id for organisation in organisations]
    late = _organisations_with_overdue_threads(clock).where(thread_organisations.c.organisation_id.in_(shown))
    overdue_ids = set(db.session.scalars(late))
    waiting = (MembershipStatus.PROSPECT, MembershipStatus.INVITED, MembershipStatus.APPLIED)
    stale_before = clock.today - timedelta(days=clock.stale_days)
    by_status: dict[Any, list[Card]] = {}
    for organisation in organisations:
        by_status.setdefault(organisation.membership_status, []).append(
            Card(
                record=organisation,
                title=organisation.name,
                url_kind="organisation",
                organisation=organisation.kind.label,
                country=territory_name(organisation.country.alpha2, organisation.country.name)
                if organisation.country
                else "",
                owner=organisation.owner.name if organisation.owner else "",
                since=organisation.membership_since,
                overdue=organisation.id in overdue_ids,
                stale=organisation.membership_status in waiting
                and organisation.membership_since is not None
                and organisation.membership_since < stale_before,
            )
        )
    return Board(
        [Column(s.value, s.label, counts.get(s, 0), by_status.get(s, [])) for s in MEMBERSHIP_COLUMNS]
    )


def _organisations_with_overdue_threads(clock: Clock) -> Select:
    """Ids of organisations concerned by an open thread whose next action is overdue."""
    return (
        select(thread_organisations.c.organisation_id)
        .join(Thread, Thread.id == thread_organisations.c.thread_id)
        .where(overdue_condition(clock.today))
    )


# --- Bulk reassignment -----------------------------------------------------------------------

REASSIGNABLE = {"thread": Thread, "inquiry": Inquiry, "organisation": Organisation}
REASSIGN = {"thread": reassign_thread, "inquiry": assign_inquiry, "organisation": reassign_organisation}


def bulk_reassign(kind: str, ids: list[int], owner: User, *, actor: User) -> int:
    """Give several threads, inquiries or organisations to one owner, each change audited."""
    model = REASSIGNABLE.get(kind)
    if model is None:
        raise PipelineError(_("Unknown kind of record."))
    if not ids:
        raise PipelineError(_("Select at least one card or row first."), "ids")
    records = list(db.session.scalars(select(model).where(model.id.in_(ids))))
    if len(records) != len(set(ids)):
        raise PipelineError(_("Some of the selected records no longer exist; nothing was changed."), "ids")
    for record in records:
        REASSIGN[kind](record, owner, actor=actor)
    return len(records)
