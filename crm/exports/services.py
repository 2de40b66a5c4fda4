"""Contact exports: which rows (a list page's filter or a contact list), consent rules, columns, audit.

Rows are read as plain columns in chunks (`yield_per`), never as ORM objects, with one query per
chunk for each many-valued column (organisations, tags): memory holds one chunk at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, and_, bindparam, case, func, or_, select, type_coerce

from crm.audit.services import record
from crm.contacts.columns import (
    COLUMNS_BY_KEY,
    CONTACT_COLUMNS,
    LIST_SEPARATOR,
    NO,
    PRESETS,
    YES,
    ContactColumn,
    file_header,
)
from crm.contacts.services import CONTACT_FILTERS, CONTACT_SORTS, contact_list_query
from crm.errors import DomainError
from crm.extensions import db
from crm.listing import sort_expression
from crm.lists.services import list_condition
from crm.models import Affiliation, Contact, ContactList, Organisation, Tag, User, contact_tags
from crm.models.base import utcnow

log = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# format -> (Content-Type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": (XLSX_TYPE, "xlsx"),
    "vcf": ("text/vcard; charset=utf-8", "vcf"),
}
CHUNK_SIZE = 1000


class ExportError(DomainError):
    """An export cannot be made as asked; the message goes next to `field`."""


def stream(stmt: Any) -> Any:
    """Rows as plain tuples, fetched CHUNK_SIZE at a time (a server-side cursor on PostgreSQL).

    Run on the session's connection as Core: no ORM row processing, which is most of the cost.
    Core does not autoflush, so pending changes are flushed first.
    """
    db.session.flush()
    return db.session.connection().execute(stmt, execution_options={"yield_per": CHUNK_SIZE})


def file_name(stem: str, extension: str, today: date | None = None) -> str:
    """A server-chosen download name: ASCII, with the date (contacts-2026-11-28.csv)."""
    return f"{stem}-{(today or utcnow().date()).isoformat()}.{extension}"


# --- Which contacts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactSource:
    """The contacts an export starts from: the SQL condition of a list page or of a contact list."""

    where: Any  # None: every contact
    order_by: tuple[Any, ...]
    audit: dict[str, Any]
    file_stem: str
    contact_list: ContactList | None = None

    def select(self, *columns: Any):
        stmt = select(*columns).select_from(Contact).where(Contact.live())  # never a deleted or merged one
        return stmt if self.where is None else stmt.where(self.where)


def contact_order(sort: str = "name", descending: bool = False) -> tuple[Any, ...]:
    """The /contacts page's order for an allowlisted sort key (unknown keys sort by name)."""
    column = sort_expression(CONTACT_SORTS.get(sort, CONTACT_SORTS["name"]))
    if descending:
        return column.desc(), Contact.id.desc()
    return column.asc(), Contact.id.asc()


def source_from_filters(
    filters: Mapping[str, str], sort: str = "name", descending: bool = False
) -> ContactSource:
    """Exactly the rows /contacts shows for these filters: its own query's WHERE clause."""
    clean = {name: str(filters[name]) for name in CONTACT_FILTERS if filters.get(name)}
    return ContactSource(
        where=contact_list_query(clean).whereclause,
        order_by=contact_order(sort, descending),
        audit={"filters": clean},
        file_stem="contacts",
    )


def source_from_list(contact_list: ContactList) -> ContactSource:
    """A static list's members, or a smart list's filter evaluated now."""
    audit: dict[str, Any] = {"list_id": contact_list.id, "list": contact_list.name, "kind": contact_list.kind}
    if contact_list.is_smart:
        audit["filters"] = dict(contact_list.filters or {})
    return ContactSource(
        where=list_condition(contact_list),
        order_by=contact_order(),
        audit=audit,
        file_stem=f"contact-list-{contact_list.id}",
        contact_list=contact_list,
    )


# --- Consent ---------------------------------------------------------------------------------------

# A mailing export leaves these people out: they asked not to be contacted, or never agreed to be.
MAILING_CONDITIONS = (Contact.do_not_contact.is_(False), Contact.consent_to_contact.is_(True))


@dataclass(frozen=True)
class ConsentSummary:
    """How many contacts a source holds, and how many a mailing export leaves out and why."""

    total: int
    do_not_contact: int
    no_consent: int  # not marked do-not-contact, but no consent to be contacted

    @property
    def left_out(self) -> int:
        return self.do_not_contact + self.no_consent

    @property
    def mailing_total(self) -> int:
        return self.total - self.left_out


def _count_if(condition: Any):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def consent_summary(source: ContactSource) -> ConsentSummary:
    """Counts for the export page, in one statement."""
    no_consent = and_(Contact.do_not_contact.is_(False), Contact.consent_to_contact.is_(False))
    total, dnc, unconsented = db.session.execute(
        source.select(func.count(), _count_if(Contact.do_not_contact.is_(True)), _count_if(no_consent))
    ).one()
    return ConsentSummary(total=int(total), do_not_contact=int(dnc), no_consent=int(unconsented))


# --- What is written ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactExport:
    """A planned export: rows, columns and format, decided before anything is read."""

    source: ContactSource
    file_format: str
    preset: str
    columns: tuple[ContactColumn, ...]
    consent_rules: bool  # leave out do-not-contact and unconsented people
    include_sensitive: bool
    conditions: tuple[Any, ...] = field(default=())

    @property
    def header(self) -> list[str]:
        """The file's header row, in the user's language."""
        return [file_header(column) for column in self.columns]

    @property
    def content_type(self) -> str:
        return FORMATS[self.file_format][0]

    def file_name(self, today: date | None = None) -> str:
        return file_name(self.source.file_stem, FORMATS[self.file_format][1], today)


def plan_contact_export(
    source: ContactSource,
    *,
    file_format: str,
    preset: str,
    column_keys: list[str],
    include_sensitive: bool,
    may_include_sensitive: bool,
    may_include_everyone: bool,
) -> ContactExport:
    """Resolve the choices: unknown columns dropped, sensitive ones only when allowed *and* ticked."""
    if file_format not in FORMATS:
        raise ExportError(_("Choose CSV, XLSX or vCard."), "file_format")
    if preset not in PRESETS:
        raise ExportError(_("Choose a mailing list or a full record."), "preset")
    sensitive = include_sensitive and may_include_sensitive
    if sensitive and file_format == "vcf":
        raise ExportError(
            _("A vCard carries no sensitive attributes: choose CSV or XLSX, or untick them."),
            "include_sensitive",
        )
    keys = {key for key in column_keys if key in COLUMNS_BY_KEY and not COLUMNS_BY_KEY[key].sensitive}
    if file_format == "vcf":
        keys.add("full_name")  # every card needs its name
    if not keys:
        raise ExportError(_("Choose at least one column."), "columns")
    columns = tuple(c for c in CONTACT_COLUMNS if c.key in keys or (sensitive and c.sensitive))
    consent_rules = preset != "full" or not may_include_everyone
    return ContactExport(
        source=source,
        file_format=file_format,
        preset=preset,
        columns=columns,
        consent_rules=consent_rules,
        include_sensitive=sensitive,
        conditions=MAILING_CONDITIONS if consent_rules else (),
    )


def count_export_rows(export: ContactExport) -> int:
    """How many contacts the file will hold."""
    return db.session.scalar(export.source.select(func.count()).where(*export.conditions)) or 0


# Columns read straight from the contacts row (the owner through a one-row subquery).
_SCALAR: dict[str, Any] = {
    "full_name": Contact.full_name,
    "name_latin": Contact.name_latin,
    "email": Contact.email,
    "phone": Contact.phone,
    "country": Contact.country_code,
    "languages": Contact.languages,
    "stakeholder_type": Contact.stakeholder_type,
    "consent_to_contact": Contact.consent_to_contact,
    "consent_to_share": Contact.consent_to_share,
    "consent_method": Contact.consent_method,
    "do_not_contact": Contact.do_not_contact,
    "notes": Contact.notes,
    "owner": select(User.email).where(User.id == Contact.owner_id).scalar_subquery(),
    "lived_experience": Contact.lived_experience,
    "sensitive_notes": Contact.sensitive_notes,
}
_LINKED = ("organisations", "positions", "tags")


def _as_text(key: str) -> Any:
    """The column as the file writes it, worked out by the database: yes/no, enum values, '' for NULL.

    Doing it in SQL keeps the per-row Python work of a 100,000-row export small.
    """
    expr = _SCALAR[key]
    if COLUMNS_BY_KEY[key].boolean:
        return case((expr.is_(True), YES), else_=NO)
    if key == "stakeholder_type":
        return type_coerce(expr, String())  # the stored value, not the Python enum
    return func.coalesce(expr, "")


def _current_affiliation():
    return or_(Affiliation.end_on.is_(None), Affiliation.end_on >= utcnow().date())


def _linked_queries(keys: set[str]) -> list[tuple[str, Any]]:
    """Statements for the many-valued columns, built once per export and run per chunk of ids.

    An expanding bind parameter keeps the statement cached: 1,000 ids are not coerced anew each time.
    """
    ids = bindparam("ids", expanding=True)
    queries: list[tuple[str, Any]] = []
    if keys & {"organisations", "positions"}:
        queries.append(
            (
                "affiliations",
                select(Affiliation.contact_id, Organisation.name, Affiliation.position)
                .join(Organisation, Organisation.id == Affiliation.organisation_id)
                .where(Affiliation.contact_id.in_(ids), _current_affiliation(), Organisation.live())
                .order_by(Affiliation.contact_id, Affiliation.id),
            )
        )
    if "tags" in keys:
        queries.append(
            (
                "tags",
                select(contact_tags.c.contact_id, Tag.name)
                .join(Tag, Tag.id == contact_tags.c.tag_id)
                .where(contact_tags.c.contact_id.in_(ids))
                .order_by(contact_tags.c.contact_id, Tag.name),
            )
        )
    return queries


def _linked(queries: list[tuple[str, Any]], ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """Organisations, positions (current affiliations, in the same order) and tags of one chunk."""
    linked: dict[str, dict[int, list[str]]] = {key: {} for key in _LINKED}
    connection = db.session.connection()
    for kind, query in queries:
        rows = connection.execute(query, {"ids": ids})
        if kind == "tags":
            for contact_id, name in rows:
                linked["tags"].setdefault(contact_id, []).append(name)
            continue
        for contact_id, name, position in rows:
            linked["organisations"].setdefault(contact_id, []).append(name)
            linked["positions"].setdefault(contact_id, []).append(position or "")
    return linked


def _partitions(
    export: ContactExport, keys: list[str]
) -> Iterator[tuple[Any, dict[str, dict[int, list[str]]]]]:
    """(rows, linked values) a chunk at a time; a row is (id, *scalar columns in `keys` order)."""
    scalar = [key for key in keys if key in _SCALAR]
    stmt = (
        export.source.select(Contact.id, *(_as_text(key).label(key) for key in scalar))
        .where(*export.conditions)
        .order_by(*export.source.order_by)
    )
    queries = _linked_queries(set(keys))
    result = stream(stmt)
    try:
        for partition in result.partitions():
            yield partition, _linked(queries, [row[0] for row in partition]) if queries else {}
    finally:
        result.close()


def _joined(values: list[str]) -> str:
    return LIST_SEPARATOR.join(values) if any(values) else ""


def table_chunks(export: ContactExport) -> Iterator[list[list[Any]]]:
    """Rows for CSV and XLSX in the export's column order, values as the shared column spec writes them."""
    keys = [column.key for column in export.columns]
    scalar = [key for key in keys if key in _SCALAR]
    # Where each output cell comes from: a position in the SQL row, or a many-valued column.
    plan = [(scalar.index(key) + 1, key) if key in _SCALAR else (0, key) for key in keys]
    for partition, linked in _partitions(export, keys):
        if not linked:
            yield [list(row[1:]) for row in partition]
            continue
        joined = {key: {cid: _joined(values) for cid, values in linked[key].items()} for key in _LINKED}
        yield [[row[at] if at else joined[key].get(row[0], "") for at, key in plan] for row in partition]


def card_chunks(export: ContactExport) -> Iterator[list[dict[str, str]]]:
    """Fields for vCards: name, first current organisation and its position, e-mail, phone, notes."""
    keys = [column.key for column in export.columns]
    scalar = [key for key in keys if key in _SCALAR]
    at = {key: scalar.index(key) + 1 for key in scalar}
    chosen = set(keys)

    def value(row: Any, key: str) -> str:
        return row[at[key]] if key in at else ""

    for partition, linked in _partitions(export, keys):
        organisations, positions = linked.get("organisations", {}), linked.get("positions", {})
        yield [
            {
                "full_name": row[at["full_name"]],
                "organisation": organisations.get(row[0], [""])[0] if "organisations" in chosen else "",
                "title": positions.get(row[0], [""])[0] if "positions" in chosen else "",
                "email": value(row, "email"),
                "phone": value(row, "phone"),
                "note": value(row, "notes"),
            }
            for row in partition
        ]


# --- Audit ---------------------------------------------------------------------------------------


def record_export(actor: User | None, export: ContactExport, rows: int, *, via: str = "web") -> None:
    """Who exported which contacts, in what format and columns, how many, and whether sensitive ones."""
    changes = {
        **export.source.audit,
        "format": export.file_format,
        "preset": export.preset,
        "columns": [column.header for column in export.columns],  # English in the audit trail
        "rows": rows,
        "sensitive": export.include_sensitive,
        "consent_rules": export.consent_rules,
        "via": via,
    }
    contact_list = export.source.contact_list
    record(actor, "export", contact_list, entity_type=None if contact_list else "contact", changes=changes)
    if contact_list is not None:
        contact_list.last_used_at = utcnow()
    log.info(
        "export: actor=%s contacts=%d format=%s sensitive=%s source=%s",
        actor.id if actor else "cli",
        rows,
        export.file_format,
        export.include_sensitive,
        export.source.file_stem,
    )


def record_refused_export(actor: User, what: str, path: str) -> None:
    """An export attempt without the export role: kept in the audit trail as well as the log."""
    record(actor, "export_refused", entity_type=what, changes={"path": path, "role": str(actor.role)})
    log.warning("export refused: actor=%s role=%s what=%s", actor.id, actor.role, what)
