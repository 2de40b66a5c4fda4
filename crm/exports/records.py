"""Exports of the organisations, inquiries and threads list pages: their rows, fixed columns.

Each kind reuses its list page's own query function, so a file holds exactly the rows the page
counts for the same filters; rows are read as plain columns a chunk at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask_babel import force_locale, pgettext
from sqlalchemy import Select, func, select

from crm.audit.services import record
from crm.contacts.columns import LIST_SEPARATOR, NO, YES
from crm.exports.services import FORMATS, file_name, stream
from crm.extensions import db
from crm.inquiries import services as inquiries
from crm.listing import count_rows, directed
from crm.models import (
    Affiliation,
    Contact,
    Event,
    Inquiry,
    Organisation,
    Thread,
    Topic,
    User,
    inquiry_topics,
    thread_countries,
    thread_organisations,
)
from crm.models.base import as_utc, utcnow
from crm.organisations import services as organisations
from crm.threads import services as threads
from crm.translations import lazy_gettext as _l

log = logging.getLogger(__name__)

RECORD_FORMATS = ("csv", "xlsx")
Loader = Callable[[list[int]], dict[int, list[str]]]


@dataclass(frozen=True)
class RecordColumn:
    header: Any  # lazily translated: the file's header row is in the user's language
    expr: Any = None  # an SQL expression on the kind's table …
    loader: Loader | None = None  # … or several values per row, loaded per chunk of ids


@dataclass(frozen=True)
class RecordKind:
    """One exportable list page: its filters, sorts, query function and columns."""

    key: str
    model: Any
    label: Any
    filters: Callable[[], tuple[str, ...]]
    sorts: Callable[[], dict[str, Any]]
    default_sort: str
    list_query: Callable[[dict[str, str]], Select]
    columns: Callable[[], tuple[RecordColumn, ...]]


def _email_of(user_id_column: Any):
    return select(User.email).where(User.id == user_id_column).scalar_subquery()


def _names(stmt: Select) -> dict[int, list[str]]:
    """{record id: [names]} from rows of (id, name), in the statement's order."""
    found: dict[int, list[str]] = {}
    for record_id, name in db.session.execute(stmt):
        found.setdefault(record_id, []).append(name)
    return found


def _inquiry_topics(ids: list[int]) -> dict[int, list[str]]:
    return _names(
        select(inquiry_topics.c.inquiry_id, Topic.name)
        .join(Topic, Topic.id == inquiry_topics.c.topic_id)
        .where(inquiry_topics.c.inquiry_id.in_(ids))
        .order_by(inquiry_topics.c.inquiry_id, Topic.name)
    )


def _thread_organisations(ids: list[int]) -> dict[int, list[str]]:
    return _names(
        select(thread_organisations.c.thread_id, Organisation.name)
        .join(Organisation, Organisation.id == thread_organisations.c.organisation_id)
        .where(thread_organisations.c.thread_id.in_(ids), Organisation.live())
        .order_by(thread_organisations.c.thread_id, Organisation.name)
    )


def _thread_countries(ids: list[int]) -> dict[int, list[str]]:
    return _names(
        select(thread_countries.c.thread_id, thread_countries.c.country_code)
        .where(thread_countries.c.thread_id.in_(ids))
        .order_by(thread_countries.c.thread_id, thread_countries.c.country_code)
    )


def _organisation_columns() -> tuple[RecordColumn, ...]:
    current = Affiliation.current_on(utcnow().date())
    people = (
        select(func.count())
        .select_from(Affiliation)
        .join(Contact, Contact.id == Affiliation.contact_id)
        .where(Affiliation.organisation_id == Organisation.id, current, Contact.live())
        .scalar_subquery()
    )
    return (
        RecordColumn(pgettext("organisation", "Name"), Organisation.name),
        RecordColumn(pgettext("organisation", "Name (Latin)"), Organisation.name_latin),
        RecordColumn(_l("Kind"), Organisation.kind),
        RecordColumn(_l("Country"), Organisation.country_code),
        RecordColumn(_l("Website"), Organisation.website),
        RecordColumn(_l("Membership"), Organisation.membership_status),
        RecordColumn(_l("Member since"), Organisation.member_since),
        RecordColumn(_l("People"), people),
        RecordColumn(_l("Owner"), _email_of(Organisation.owner_id)),
        RecordColumn(_l("Notes"), Organisation.notes),
        RecordColumn(_l("Added"), Organisation.created_at),
    )


def _inquiry_columns() -> tuple[RecordColumn, ...]:
    return (
        RecordColumn(_l("Received"), Inquiry.received_at),
        RecordColumn(_l("Channel"), Inquiry.channel),
        RecordColumn(_l("Sender name"), Inquiry.sender_name),
        RecordColumn(_l("Sender e-mail"), Inquiry.sender_email),
        RecordColumn(_l("Sender organisation"), Inquiry.sender_organisation),
        RecordColumn(_l("Sender country (as given)"), Inquiry.sender_country),
        RecordColumn(_l("Country"), Inquiry.country_code),
        RecordColumn(_l("Event"), select(Event.title).where(Event.id == Inquiry.event_id).scalar_subquery()),
        RecordColumn(_l("Subject"), Inquiry.subject),
        RecordColumn(_l("Message"), Inquiry.message),
        RecordColumn(_l("Topics"), loader=_inquiry_topics),
        RecordColumn(_l("Status"), Inquiry.status),
        RecordColumn(_l("Assigned to"), _email_of(Inquiry.assignee_id)),
        RecordColumn(_l("First response"), Inquiry.first_response_at),
    )


def _thread_columns() -> tuple[RecordColumn, ...]:
    return (
        RecordColumn(_l("Title"), Thread.title),
        RecordColumn(_l("Kind"), Thread.kind),
        RecordColumn(_l("Stage"), Thread.stage),
        RecordColumn(_l("Owner"), _email_of(Thread.owner_id)),
        RecordColumn(_l("Organisations"), loader=_thread_organisations),
        RecordColumn(_l("Countries"), loader=_thread_countries),
        RecordColumn(_l("Opened on"), Thread.opened_on),
        RecordColumn(_l("Last interaction"), Thread.last_interaction_at),
        RecordColumn(_l("Next action"), Thread.next_action),
        RecordColumn(_l("Next action due"), Thread.next_action_due),
        RecordColumn(_l("Closed on"), Thread.closed_on),
        RecordColumn(_l("Outcome"), Thread.outcome),
    )


KINDS: dict[str, RecordKind] = {
    "organisations": RecordKind(
        key="organisations",
        model=Organisation,
        label=_l("organisations"),
        filters=lambda: organisations.ORGANISATION_FILTERS,
        sorts=lambda: organisations.ORGANISATION_SORTS,
        default_sort="name",
        list_query=organisations.organisation_list_query,
        columns=_organisation_columns,
    ),
    "inquiries": RecordKind(
        key="inquiries",
        model=Inquiry,
        label=_l("inquiries"),
        filters=lambda: inquiries.INQUIRY_FILTERS,
        sorts=inquiries.inquiry_sorts,
        default_sort="-received",
        list_query=inquiries.inquiry_list_query,
        columns=_inquiry_columns,
    ),
    "threads": RecordKind(
        key="threads",
        model=Thread,
        label=_l("threads"),
        filters=lambda: threads.THREAD_FILTERS,
        sorts=threads.thread_sorts,
        default_sort="-updated",
        list_query=threads.thread_list_query,
        columns=_thread_columns,
    ),
}


@dataclass(frozen=True)
class RecordExport:
    """Rows of one list page for one set of filters, in the page's order."""

    kind: RecordKind
    filters: dict[str, str]
    sort: str
    descending: bool
    file_format: str = "csv"

    @property
    def list_query(self) -> Select:
        return self.kind.list_query(self.filters)

    @property
    def header(self) -> list[str]:
        return [str(column.header) for column in self.kind.columns()]

    @property
    def content_type(self) -> str:
        return FORMATS[self.file_format][0]

    def file_name(self, today: date | None = None) -> str:
        return file_name(self.kind.key, FORMATS[self.file_format][1], today)


def record_export_plan(
    kind: RecordKind,
    filters: Mapping[str, str],
    sort: str = "",
    descending: bool = False,
    file_format: str = "csv",
) -> RecordExport:
    """Keep only the page's own filters and an allowlisted sort (anything else falls back to its default)."""
    clean = {name: str(filters[name]) for name in kind.filters() if filters.get(name)}
    if sort not in kind.sorts():
        sort, descending = kind.default_sort.lstrip("-"), kind.default_sort.startswith("-")
    return RecordExport(
        kind, clean, sort, descending, file_format if file_format in RECORD_FORMATS else "csv"
    )


def count_records(export: RecordExport) -> int:
    """The list page's own total for these filters."""
    return count_rows(export.list_query)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return value


def record_chunks(export: RecordExport) -> Iterator[list[list[Any]]]:
    """The rows, a chunk at a time, in the page's order (one query per chunk per many-valued column)."""
    model, columns = export.kind.model, export.kind.columns()
    scalar = [column.expr for column in columns if column.loader is None]
    where = export.list_query.whereclause
    stmt = select(model.id, *scalar).select_from(model)
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.order_by(
        directed(export.kind.sorts()[export.sort], export.descending),
        model.id.desc() if export.descending else model.id.asc(),
    )
    result = stream(stmt)
    try:
        for partition in result.partitions():
            ids = [row[0] for row in partition]
            loaded = [column.loader(ids) if column.loader else None for column in columns]
            chunk = []
            for row in partition:
                values = iter(row[1:])
                chunk.append(
                    [_cell(many.get(row[0], []) if many is not None else next(values)) for many in loaded]
                )
            yield chunk
    finally:
        result.close()


def record_records_export(actor: User | None, export: RecordExport, rows: int) -> None:
    """Audit: who exported which list page, with which filters, format and row count."""
    record(
        actor,
        "export",
        entity_type=export.kind.model.__name__.lower(),
        changes={
            "filters": export.filters,
            "format": export.file_format,
            "columns": english(lambda: export.header),
            "rows": rows,
        },
    )
    log.info(
        "export: actor=%s %s=%d format=%s",
        actor.id if actor else "cli",
        export.kind.key,
        rows,
        export.file_format,
    )


def english(make: Callable[[], list[str]]) -> list[str]:
    """The audit trail names columns in English, whatever language the export was made in."""
    with force_locale("en"):
        return make()
