"""Reports: the funnel from inquiries to contacts, threads and members; reach; topics; workload.

One service for `/reports` and for the funnel on `/events/<id>`, so the two pages can never disagree.

What the figures count (the page says the same in words):

- The **inquiries in scope** are those received within the date range (whole UTC days, both ends
  included) and, when an event is chosen, logged against that event. Either filter may be absent.
- *Answered* inquiries have a first response; *converted* ones were matched to a contact, and
  *contacts* counts the distinct people they became (two inquiries from one person count once).
- *Threads* are those opened from the inquiries in scope (their origin inquiry), by kind and stage.
- *New network members* are organisations whose `member_since` falls within the date range. With
  an event, only organisations a contact from the event's inquiries is affiliated with, and that
  became members on or after the day the event started. Organisations that have since left the
  network still count: they joined in that period.
- *Workload* (stale and overdue by owner) is today's picture of all open threads; the date range
  does not apply, an event narrows it to threads opened from that event's inquiries.
- Response times: the median is the middle value (the mean of the two middle values for an even
  count); the 90th percentile uses the nearest-rank method: the smallest wait that at least 90 % of
  answered inquiries did not exceed (the ⌈0.9·N⌉-th of the N waits in ascending order).
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, case, distinct, func, select

from crm.collation import CYRILLIC_LANGUAGES, current_language, sort_key
from crm.countries.services import territory_name
from crm.extensions import db
from crm.inquiries.services import unanswered_condition
from crm.models import (
    Affiliation,
    Contact,
    Country,
    Event,
    Inquiry,
    Organisation,
    Thread,
    Topic,
    User,
    inquiry_topics,
)
from crm.models.enums import CLOSED_STAGES, STAGES_BY_KIND, ThreadKind, ThreadStage
from crm.threads.services import overdue_condition, stale_condition

TOP_TOPICS = 10

# Upper bounds of the response-time buckets; the last bucket is open-ended.
RESPONSE_BUCKETS: tuple[timedelta, ...] = (timedelta(days=1), timedelta(days=2), timedelta(days=7))


@dataclass(frozen=True)
class ReportFilters:
    """Which inquiries a report is about: a date range (inclusive, UTC days) and/or one event."""

    start: date | None = None
    end: date | None = None
    event_id: int | None = None

    @classmethod
    def last_days(cls, today: date, days: int = 30) -> ReportFilters:
        """The default view: the last `days` days, today included."""
        return cls(start=today - timedelta(days=days - 1), end=today)


@dataclass
class Area:
    """A country, M49 region or sub-region with the number of inquiries from it."""

    code: str
    name: str
    inquiries: int


@dataclass
class TopicCount:
    name: str
    inquiries: int


@dataclass
class CountryReach(Area):
    region_code: str | None = None
    region: str | None = None
    subregion_code: str | None = None
    subregion: str | None = None


@dataclass
class OwnerWorkload:
    """One owner's open threads and how many of them are stale or overdue (owner None: unassigned)."""

    owner_id: int | None
    name: str | None
    open: int
    stale: int
    overdue: int


@dataclass
class Funnel:
    """Every figure of the report, for one set of filters."""

    filters: ReportFilters
    received: int = 0
    answered: int = 0
    awaiting: int = 0  # not answered and still owed an answer (closed ones are not)
    converted: int = 0  # inquiries matched to a contact
    contacts: int = 0  # distinct contacts those inquiries became
    median_first_response: timedelta | None = None
    p90_first_response: timedelta | None = None
    # How many answered inquiries waited less than each RESPONSE_BUCKETS bound, the rest last.
    response_buckets: list[int] = field(default_factory=list)
    threads_by_kind: dict[ThreadKind, int] = field(default_factory=dict)
    stages_by_kind: dict[ThreadKind, dict[ThreadStage, int]] = field(default_factory=dict)
    new_members: int = 0
    countries: list[CountryReach] = field(default_factory=list)
    regions: list[Area] = field(default_factory=list)
    subregions: list[Area] = field(default_factory=list)
    topics: list[TopicCount] = field(default_factory=list)
    workload: list[OwnerWorkload] = field(default_factory=list)

    @property
    def threads(self) -> int:
        return sum(self.threads_by_kind.values())

    @property
    def joint_initiatives(self) -> int:
        return self.threads_by_kind.get(ThreadKind.JOINT_INITIATIVE, 0)

    @property
    def unanswered(self) -> int:
        return self.awaiting

    @property
    def country_unknown(self) -> int:
        """Inquiries whose country could not be told from what the sender wrote."""
        return self.received - sum(country.inquiries for country in self.countries)

    @property
    def region_unknown(self) -> int:
        return self.received - sum(region.inquiries for region in self.regions)

    @property
    def subregion_unknown(self) -> int:
        return self.received - sum(subregion.inquiries for subregion in self.subregions)

    def share(self, count: int) -> int | None:
        """`count` as a whole percentage of inquiries received (None when nothing was received)."""
        return round(100 * count / self.received) if self.received else None


def funnel(filters: ReportFilters, *, now: datetime, today: date, stale_days: int) -> Funnel:
    """All report figures for these filters; `now`, `today` and `stale_days` define stale and overdue."""
    scope = inquiry_conditions(filters)
    report = Funnel(filters=filters)
    report.received, report.answered, report.awaiting, report.converted, report.contacts = _counts(scope)
    waits = _waits(scope)
    report.median_first_response = median(waits)
    report.p90_first_response = percentile(waits, 90)
    report.response_buckets = response_buckets(waits)
    report.threads_by_kind, report.stages_by_kind = _threads(scope)
    report.new_members = _new_members(filters, scope)
    report.countries = _countries(scope)
    report.regions, report.subregions = rollup(report.countries)
    report.topics = _topics(scope)
    report.workload = _workload(filters, now=now, today=today, stale_days=stale_days)
    return report


def inquiry_conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """SQL conditions on Inquiry for the filters (received within the days, from the event)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.start is not None:
        conditions.append(Inquiry.received_at >= _midnight(filters.start))
    if filters.end is not None:
        conditions.append(Inquiry.received_at < _midnight(filters.end + timedelta(days=1)))
    if filters.event_id is not None:
        conditions.append(Inquiry.event_id == filters.event_id)
    return conditions


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- Statistics (in Python: neither SQLite nor portable SQL has a median of intervals) ---------------


def median(values: Sequence[timedelta]) -> timedelta | None:
    """The middle value; the mean of the two middle values for an even count; None for no values."""
    if not values:
        return None
    return timedelta(seconds=statistics.median(value.total_seconds() for value in values))


def percentile(values: Sequence[timedelta], pct: int) -> timedelta | None:
    """Nearest-rank percentile: the ⌈pct·N/100⌉-th smallest value; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(-(-pct * len(ordered) // 100), 1)  # integer ceiling: no floating-point surprises
    return ordered[rank - 1]


def response_buckets(waits: Sequence[timedelta]) -> list[int]:
    """How many waits fall under each bound of RESPONSE_BUCKETS, and how many beyond the last."""
    counts = [0] * (len(RESPONSE_BUCKETS) + 1)
    for wait in waits:
        # The first bound the wait is under: the number of bounds it reached (they are ascending).
        counts[bisect_right(RESPONSE_BUCKETS, wait)] += 1
    return counts


# --- Queries: each one statement, whatever the amount of data ---------------------------------------


def _counts(scope: list[ColumnElement[bool]]) -> tuple[int, int, int, int, int]:
    # People still in the CRM: a deleted contact is not counted (a merged one is its survivor's).
    # Looked up by id for the few converted inquiries only: an outer join of every inquiry in scope
    # to contacts made PostgreSQL hash all 100,000 contacts (38 ms; 5 ms this way).
    converted = select(Inquiry.contact_id).where(*scope, Inquiry.contact_id.is_not(None)).correlate(None)
    people = (
        select(func.count(Contact.id))
        .where(Contact.id.in_(converted), Contact.live())
        .correlate(None)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(
            func.count(Inquiry.id),
            func.count(Inquiry.first_response_at),
            func.count(case((unanswered_condition(), Inquiry.id))),
            func.count(Inquiry.contact_id),
            people,
        ).where(*scope)
    ).one()
    return row[0], row[1], row[2], row[3], row[4]


def _waits(scope: list[ColumnElement[bool]]) -> list[timedelta]:
    rows = db.session.execute(
        select(Inquiry.received_at, Inquiry.first_response_at).where(
            *scope, Inquiry.first_response_at.is_not(None)
        )
    )
    # Both naive (SQLite, stored as UTC) or both aware (PostgreSQL): the difference is the same.
    return [responded - received for received, responded in rows]


def _threads(
    scope: list[ColumnElement[bool]],
) -> tuple[dict[ThreadKind, int], dict[ThreadKind, dict[ThreadStage, int]]]:
    """Threads opened from the inquiries in scope: by kind, and by stage within each kind (zero-filled)."""
    by_kind = dict.fromkeys(ThreadKind, 0)
    by_stage = {kind: dict.fromkeys(STAGES_BY_KIND[kind], 0) for kind in ThreadKind}
    rows = db.session.execute(
        select(Thread.kind, Thread.stage, func.count(Thread.id))
        .join(Inquiry, Thread.origin_inquiry_id == Inquiry.id)
        .where(*scope)
        .group_by(Thread.kind, Thread.stage)
    )
    for kind, stage, count in rows:
        kind, stage = ThreadKind(kind), ThreadStage(stage)
        by_kind[kind] += count
        by_stage[kind][stage] = by_stage[kind].get(stage, 0) + count
    return by_kind, by_stage


def _new_members(filters: ReportFilters, scope: list[ColumnElement[bool]]) -> int:
    stmt = select(func.count(distinct(Organisation.id))).where(
        Organisation.member_since.is_not(None), Organisation.live()
    )
    if filters.start is not None:
        stmt = stmt.where(Organisation.member_since >= filters.start)
    if filters.end is not None:
        stmt = stmt.where(Organisation.member_since <= filters.end)
    if filters.event_id is not None:
        event_start = select(Event.starts_on).where(Event.id == filters.event_id).scalar_subquery()
        event_contacts = select(Inquiry.contact_id).where(*scope, Inquiry.contact_id.is_not(None))
        stmt = stmt.join(Affiliation, Affiliation.organisation_id == Organisation.id).where(
            Affiliation.contact_id.in_(event_contacts), Organisation.member_since >= event_start
        )
    return db.session.scalar(stmt) or 0


def _countries(scope: list[ColumnElement[bool]]) -> list[CountryReach]:
    """Inquiries per known country, most first (inquiries without a country are left out).

    Counted per country code first (from ix_inquiries_reports), then the few countries joined,
    rather than joining a country to every inquiry and grouping by six text columns.
    """
    per_code = (
        select(Inquiry.country_code.label("code"), func.count(Inquiry.id).label("inquiries"))
        .where(*scope, Inquiry.country_code.is_not(None))
        .group_by(Inquiry.country_code)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Country.alpha2,
            Country.name,
            Country.region_code,
            Country.region,
            Country.subregion_code,
            Country.subregion,
            per_code.c.inquiries,
        )
        .join(Country, per_code.c.code == Country.alpha2)
        .order_by(per_code.c.inquiries.desc(), Country.name)
    )
    # Named in the user's language (the stored names are English), then ordered by that name.
    reach = [
        CountryReach(
            code=code,
            name=territory_name(code, name),
            inquiries=n,
            region_code=region_code,
            region=territory_name(region_code, region or ""),
            subregion_code=subregion_code,
            subregion=territory_name(subregion_code, subregion or ""),
        )
        for code, name, region_code, region, subregion_code, subregion, n in rows
    ]
    return _most_first(reach)


def _most_first(areas):
    """Most inquiries first, then by name in the user's alphabet."""
    cyrillic_first = current_language() in CYRILLIC_LANGUAGES
    return sorted(areas, key=lambda area: (-area.inquiries, sort_key(area.name, cyrillic_first)))


def rollup(countries: Sequence[CountryReach]) -> tuple[list[Area], list[Area]]:
    """Sum the countries into their M49 regions and sub-regions, most inquiries first."""
    regions: dict[str, Area] = {}
    subregions: dict[str, Area] = {}
    for country in countries:
        for areas, code, name in (
            (regions, country.region_code, country.region),
            (subregions, country.subregion_code, country.subregion),
        ):
            if code:
                areas.setdefault(code, Area(code=code, name=name or code, inquiries=0))
                areas[code].inquiries += country.inquiries

    return _most_first(regions.values()), _most_first(subregions.values())


def _topics(scope: list[ColumnElement[bool]]) -> list[TopicCount]:
    """The TOP_TOPICS topics most asked about, most first, then by name."""
    count = func.count(Inquiry.id)
    rows = db.session.execute(
        select(Topic.name, count)
        .join(inquiry_topics, inquiry_topics.c.topic_id == Topic.id)
        .join(Inquiry, Inquiry.id == inquiry_topics.c.inquiry_id)
        .where(*scope)
        .group_by(Topic.id, Topic.name)
        .order_by(count.desc(), Topic.name)
        .limit(TOP_TOPICS)
    )
    return [TopicCount(name=name, inquiries=n) for name, n in rows]


def _workload(filters: ReportFilters, *, now: datetime, today: date, stale_days: int) -> list[OwnerWorkload]:
    """Open threads per owner with their stale and overdue counts; unassigned threads last.

    Grouped by owner id alone (read in the order of ix_threads_workload, which covers every column
    used), and the few owners' names joined afterwards, not once per thread.
    """
    counts = (
        select(
            Thread.owner_id.label("owner_id"),
            func.count(Thread.id).label("open"),
            # Only open threads are read (the WHERE below): their stage need not be tested again.
            func.sum(case((stale_condition(now, stale_days, open_known=True), 1), else_=0)).label("stale"),
            func.sum(case((overdue_condition(today, open_known=True), 1), else_=0)).label("overdue"),
        )
        .where(Thread.stage.not_in(CLOSED_STAGES))
        .group_by(Thread.owner_id)
    )
    if filters.event_id is not None:
        counts = counts.join(Inquiry, Thread.origin_inquiry_id == Inquiry.id).where(
            Inquiry.event_id == filters.event_id
        )
    per_owner = counts.subquery()
    stmt = select(
        per_owner.c.owner_id, User.name, per_owner.c.open, per_owner.c.stale, per_owner.c.overdue
    ).outerjoin(User, per_owner.c.owner_id == User.id)
    rows = [
        OwnerWorkload(owner_id=owner_id, name=name, open=n, stale=stale or 0, overdue=overdue or 0)
        for owner_id, name, n, stale, overdue in db.session.execute(stmt)
    ]
    return sorted(rows, key=lambda row: (row.owner_id is None, (row.name or "").casefold()))
