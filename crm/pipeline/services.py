"""Coordinator boards: inquiries by status, threads by stage, organisations by membership.

Every board is a fixed number of queries whatever its size: one grouped count of the columns
and one query for the cards (at most CARD_LIMIT per column: a LIMITed query per column, joined
with UNION ALL, each served by an index on the column and its order), reading only the columns
the cards show, owner and country names joined in; the thread board adds one query for the
organisations and one for the countries of the threads shown, the membership board one for the
organisations with an overdue thread.
Moving a card goes through the same service as the record's own page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select, union_all

from crm.countries.services import region_condition, territory_name
from crm.errors import DomainError
from crm.extensions import db
from crm.inquiries.services import AWAITING_ANSWER, assign_inquiry, unanswered_condition
from crm.models import (
    Affiliation,
    Country,
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
from crm.rows import rows
from crm.threads.services import is_overdue, is_stale, overdue_condition, reassign_thread, stale_condition
from crm.translations import gettext as _


class PipelineError(DomainError):
    """A board action could not be done; nothing was changed."""


CARD_LIMIT = 20  # open columns: the most urgent; the column's "Show all" link leads to the rest
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


@dataclass(frozen=True)
class BoardFilters:
    """The board's query parameters, validated."""

    event: int | None = None
    country: str | None = None
    region: str | None = None
    owner: int | None = None
    tag: int | None = None
    overdue: bool = False
    stale: bool = False

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


@dataclass(slots=True)
class Card:
    """What one card shows: plain values read from the query's rows, no ORM object behind it."""

    id: int
    title: str
    organisation: str
    country: str
    owner: str
    since: date | None  # the UTC day it came into its column
    next_action: str = ""
    due: date | None = None
    overdue: bool = False
    stale: bool = False
    url: str = ""  # the card's links and element ids, filled in by the view
    move_url: str = ""
    dom_id: str = ""


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


@dataclass(frozen=True)
class _Statements:
    """What a board runs: the grouped count of its columns, and the rows of the cards it shows."""

    counts: Select
    cards: Select


def _statements(
    build: Callable[..., _Statements], key: Any, filters: BoardFilters, clock: Clock
) -> _Statements:
    """A board's statements, built once per process for each board and set of filters.

    Building them takes longer than running them (a dozen nested selects), and they hold no data:
    only the values of the filters. The overdue and stale filters compare with this request's
    time, so a board filtered by them builds its statements afresh.
    """
    if filters.overdue or filters.stale:
        return build(key, filters, clock, CARD_LIMIT, DONE_LIMIT)
    return _built(build, key, filters, CARD_LIMIT, DONE_LIMIT)


@lru_cache(maxsize=256)
def _built(
    build: Callable[..., _Statements], key: Any, filters: BoardFilters, card_limit: int, done_limit: int
) -> _Statements:
    return build(key, filters, None, card_limit, done_limit)


def _first_ids(stmt: Select, model: Any, order: list[Any], limit: int, undated: Any = None) -> Select:
    """The ids of the first `limit` rows of `stmt` in `order`.

    `undated`: a nullable column whose rows without a value go last (the order then starts with
    `undated IS NULL`). No index serves that expression, so the rows with a value and those without
    are each read in index order, `limit` of each, and only those are sorted.
    """
    ids = stmt.with_only_columns(model.id, maintain_column_froms=True)
    if undated is None:
        return ids.order_by(*order).limit(limit)
    keys = [column.label(f"k{i}") for i, column in enumerate(order)]
    both = union_all(
        *(
            select(part)
            for part in (
                ids.add_columns(*keys).where(undated.is_not(None)).order_by(*order).limit(limit).subquery(),
                ids.add_columns(*keys).where(undated.is_(None)).order_by(*order[1:]).limit(limit).subquery(),
            )
        )
    ).subquery()
    merged = [both.c[key.name] for key in keys]
    return select(both.c.id).order_by(merged[0].is_(None), *merged).limit(limit)


def _board_statements(
    base: Select,
    column: Any,
    values: Any,
    order: list[Any],
    model: Any,
    shown_columns: Select,
    limits: tuple[int, int],
    *,
    done: tuple = (),
    done_at: Any = None,
    undated: Any = None,
) -> _Statements:
    """The count of every column of `base`, and `shown_columns` of every column's cards in one
    statement, in the order they are shown.

    At most `limits[0]` cards per column, in `order` (`undated`: its rows without a value go last),
    and only the `limits[1]` most recent in the columns where work has finished (`done`). Each
    column is its own small `WHERE column = value ORDER BY … LIMIT n` (served by an index on the
    column and its order), joined with UNION ALL: the database never sorts the whole board,
    whatever its size.
    """
    card_limit, done_limit = limits
    full_order = [undated.is_(None), *order] if undated is not None else order
    picked = []
    for value in values:
        in_column = base.where(column == value)
        if value in done:
            ids = (
                in_column.with_only_columns(model.id, maintain_column_froms=True)
                .order_by(done_at.desc(), *full_order)
                .limit(done_limit)
            )
        else:
            ids = _first_ids(in_column, model, order, card_limit, undated)
        picked.append(select(ids.subquery().c.id))
    shown = select(union_all(*picked).subquery().c.id)
    if done:
        full_order = [case((column.in_(done), done_at), else_=None).desc(), *full_order]
    counts = base.with_only_columns(column, func.count(), maintain_column_froms=True).group_by(column)
    return _Statements(counts, shown_columns.where(model.id.in_(shown)).order_by(*full_order))


def _age_start(value: datetime | date | None) -> date | None:
    """The UTC day a card's time in its column started (what its age is counted from)."""
    return as_utc(value).date() if isinstance(value, datetime) else value


class _CountryNames(dict):
    """Country names in the user's language, looked up once per country on a page."""

    def name(self, code: str | None, stored: str | None) -> str:
        if not code:
            return ""
        if code not in self:
            self[code] = territory_name(code, stored or "")
        return self[code]


def _names_by_record(pairs: Any) -> dict[int, str]:
    """(record id, name) rows, in the order they come, joined into one text per record."""
    names: dict[int, list[str]] = {}
    for record_id, name in pairs:
        names.setdefault(record_id, []).append(name)
    return {record_id: ", ".join(parts) for record_id, parts in names.items()}


# --- Threads ---------------------------------------------------------------------------------


def _thread_conditions(filters: BoardFilters, clock: Clock | None) -> list[ColumnElement[bool]]:
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


def _thread_statements(
    kind: ThreadKind, filters: BoardFilters, clock: Clock | None, card_limit: int, done_limit: int
) -> _Statements:
    return _board_statements(
        select(Thread).where(Thread.kind == kind, *_thread_conditions(filters, clock)),
        Thread.stage,
        STAGES_BY_KIND[kind],
        [Thread.next_action_due, Thread.stage_changed_at, Thread.id],
        Thread,
        select(
            Thread.id,
            Thread.title,
            Thread.stage,
            Thread.stage_changed_at,
            Thread.next_action,
            Thread.next_action_due,
            Thread.last_interaction_at,
            Thread.opened_on,
            User.name.label("owner"),
        ).outerjoin(User, User.id == Thread.owner_id),
        (card_limit, done_limit),
        done=tuple(CLOSED_STAGES),
        done_at=Thread.stage_changed_at,
        undated=Thread.next_action_due,
    )


# The organisations and the countries of the threads shown (the ids change, the statements don't).
_THREAD_ORGANISATIONS = (
    select(thread_organisations.c.thread_id, Organisation.name)
    .join(Organisation, Organisation.id == thread_organisations.c.organisation_id)
    .where(thread_organisations.c.thread_id.in_(bindparam("ids", expanding=True)))
    .order_by(Organisation.name)
)
_THREAD_COUNTRIES = (
    select(thread_countries.c.thread_id, Country.alpha2, Country.name)
    .join(Country, Country.alpha2 == thread_countries.c.country_code)
    .where(thread_countries.c.thread_id.in_(bindparam("ids", expanding=True)))
    .order_by(Country.name)
)


def thread_board(kind: ThreadKind, filters: BoardFilters, clock: Clock) -> Board:
    """Threads of one kind in columns by stage: the next action due first, undated ones last."""
    statements = _statements(_thread_statements, kind, filters, clock)
    counts = {key: count for key, count in rows(statements.counts)}
    threads = rows(statements.cards)
    organisations: dict[int, str] = {}
    countries: dict[int, str] = {}
    if threads:
        ids = {"ids": [thread.id for thread in threads]}
        organisations = _names_by_record(rows(_THREAD_ORGANISATIONS, ids))
        names = _CountryNames()
        countries = _names_by_record(
            (thread_id, names.name(code, name)) for thread_id, code, name in rows(_THREAD_COUNTRIES, ids)
        )
    by_stage: dict[Any, list[Card]] = {}
    for thread in threads:
        by_stage.setdefault(thread.stage, []).append(
            Card(
                id=thread.id,
                title=thread.title,
                organisation=organisations.get(thread.id, ""),
                country=countries.get(thread.id, ""),
                owner=thread.owner or "",
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


def _answer_by(inquiry: Any, clock: Clock) -> date | None:
    """When an inquiry (or a row with its status, received_at and first_response_at) still owed
    an answer should have had one."""
    if inquiry.first_response_at is not None or inquiry.status not in AWAITING_ANSWER:
        return None
    return (as_utc(inquiry.received_at) + timedelta(days=clock.response_days)).date()


def _inquiry_conditions(filters: BoardFilters, clock: Clock | None) -> list[ColumnElement[bool]]:
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


def _inquiry_statements(
    key: None, filters: BoardFilters, clock: Clock | None, card_limit: int, done_limit: int
) -> _Statements:
    return _board_statements(
        select(Inquiry).where(*_inquiry_conditions(filters, clock)),
        Inquiry.status,
        InquiryStatus,
        [Inquiry.received_at, Inquiry.id],
        Inquiry,
        select(
            Inquiry.id,
            Inquiry.sender_name,
            Inquiry.sender_organisation,
            Inquiry.sender_country,
            Inquiry.country_code,
            Country.name.label("country_name"),
            Inquiry.subject,
            Inquiry.status,
            Inquiry.status_changed_at,
            Inquiry.received_at,
            Inquiry.first_response_at,
            User.name.label("owner"),
        )
        .outerjoin(User, User.id == Inquiry.assignee_id)
        .outerjoin(Country, Country.alpha2 == Inquiry.country_code),
        (card_limit, done_limit),
        done=(InquiryStatus.CONVERTED, InquiryStatus.CLOSED),
        done_at=Inquiry.status_changed_at,
    )


def inquiry_board(filters: BoardFilters, clock: Clock) -> Board:
    """Inquiries in columns by status; the oldest waiting first."""
    statements = _statements(_inquiry_statements, None, filters, clock)
    counts = {key: count for key, count in rows(statements.counts)}
    inquiries = rows(statements.cards)
    by_status: dict[Any, list[Card]] = {}
    stale_before = clock.now - timedelta(days=clock.stale_days)
    late_before = clock.now - timedelta(days=clock.response_days)
    countries = _CountryNames()
    for inquiry in inquiries:
        answer_by = _answer_by(inquiry, clock)
        by_status.setdefault(inquiry.status, []).append(
            Card(
                id=inquiry.id,
                title=inquiry.sender_name,
                organisation=inquiry.sender_organisation,
                country=countries.name(inquiry.country_code, inquiry.country_name)
                if inquiry.country_name is not None
                else inquiry.sender_country,
                owner=inquiry.owner or "",
                since=_age_start(inquiry.status_changed_at),
                next_action=inquiry.subject,
                due=answer_by,
                overdue=answer_by is not None and as_utc(inquiry.received_at) < late_before,
                stale=inquiry.status in STILL_OPEN and as_utc(inquiry.status_changed_at) < stale_before,
            )
        )
    return Board([Column(s.value, s.label, counts.get(s, 0), by_status.get(s, [])) for s in InquiryStatus])


# --- Membership ------------------------------------------------------------------------------


def _organisation_conditions(filters: BoardFilters, clock: Clock | None) -> list[ColumnElement[bool]]:
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


def _membership_statements(
    key: None, filters: BoardFilters, clock: Clock | None, card_limit: int, done_limit: int
) -> _Statements:
    return _board_statements(
        select(Organisation).where(*_organisation_conditions(filters, clock)),
        Organisation.membership_status,
        MEMBERSHIP_COLUMNS,
        [Organisation.membership_since, Organisation.id],
        Organisation,
        select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            Organisation.country_code,
            Country.name.label("country_name"),
            Organisation.membership_status,
            Organisation.membership_since,
            User.name.label("owner"),
        )
        .outerjoin(User, User.id == Organisation.owner_id)
        .outerjoin(Country, Country.alpha2 == Organisation.country_code),
        (card_limit, done_limit),
        done=(MembershipStatus.MEMBER, MembershipStatus.FORMER),
        done_at=Organisation.membership_since,
    )


def membership_board(filters: BoardFilters, clock: Clock) -> Board:
    """Organisations in columns by network membership status."""
    statements = _statements(_membership_statements, None, filters, clock)
    counts = {key: count for key, count in rows(statements.counts)}
    organisations = rows(statements.cards)
    overdue_ids: set[int] = set()
    if organisations:
        late = _organisations_with_overdue_threads(clock).where(
            thread_organisations.c.organisation_id.in_([organisation.id for organisation in organisations])
        )
        overdue_ids = set(db.session.scalars(late))
    waiting = (MembershipStatus.PROSPECT, MembershipStatus.INVITED, MembershipStatus.APPLIED)
    stale_before = clock.today - timedelta(days=clock.stale_days)
    kinds: dict[Any, str] = {}
    countries = _CountryNames()
    by_status: dict[Any, list[Card]] = {}
    for organisation in organisations:
        if organisation.kind not in kinds:
            kinds[organisation.kind] = str(organisation.kind.label)
        by_status.setdefault(organisation.membership_status, []).append(
            Card(
                id=organisation.id,
                title=organisation.name,
                organisation=kinds[organisation.kind],
                country=countries.name(organisation.country_code, organisation.country_name)
                if organisation.country_name is not None
                else "",
                owner=organisation.owner or "",
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
