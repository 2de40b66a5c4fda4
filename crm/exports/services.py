"""Contact exports: which rows (a list page's filter or a contact list), consent rules, columns, audit.

Rows are read as plain columns in chunks (`yield_per`, a server-side cursor on PostgreSQL), never as
ORM objects, in one statement: the many-valued columns (organisations, tags) are joined into their
cells by the database. Memory holds one chunk at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, String, and_, case, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

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
from crm.exports.writers import FORMULA_TRIGGERS
from crm.extensions import db
from crm.listing import sort_expression
from crm.lists.services import list_condition
from crm.models import Affiliation, Contact, ContactList, Organisation, Tag, User, contact_tags
from crm.models.base import utcnow
from crm.translations import gettext as _

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
    return Affiliation.current_on(utcnow().date())


def _joined_in_sql(value: Any, order: Any, stmt: Select) -> Any:
    """The values of `stmt` (correlated to the contact) joined with "; " in `order`, by the database.

    PostgreSQL has string_agg(… ORDER BY …); SQLite's group_concat follows the order of an ordered
    subquery.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        joined = stmt.with_only_columns(func.string_agg(value, aggregate_order_by(LIST_SEPARATOR, order)))
        return func.coalesce(joined.scalar_subquery(), "")
    ordered = stmt.with_only_columns(value.label("value")).order_by(order).correlate(Contact).subquery()
    return func.coalesce(select(func.group_concat(ordered.c.value, LIST_SEPARATOR)).scalar_subquery(), "")


def _linked_column(key: str) -> Any:
    """A many-valued column as one text cell: current organisations (and positions, in the same
    order) or tags (by name)."""
    if key == "tags":
        stmt = (
            select(Tag.name)
            .select_from(contact_tags)
            .join(Tag, Tag.id == contact_tags.c.tag_id)
            .where(contact_tags.c.contact_id == Contact.id)
        )
        return _joined_in_sql(Tag.name, Tag.name, stmt)
    affiliations = (
        select(Affiliation.id)
        .select_from(Affiliation)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.contact_id == Contact.id, _current_affiliation(), Organisation.live())
    )
    if key == "organisations":
        return _joined_in_sql(Organisation.name, Affiliation.id, affiliations)
    # Only separators when no position is given: table_chunks empties those cells.
    return _joined_in_sql(func.coalesce(Affiliation.position, ""), Affiliation.id, affiliations)


def _first_linked(key: str) -> Any:
    """The first current organisation's name, or the position held there (for vCards)."""
    value = Organisation.name if key == "organisations" else func.coalesce(Affiliation.position, "")
    first = (
        select(value)
        .select_from(Affiliation)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.contact_id == Contact.id, _current_affiliation(), Organisation.live())
        .order_by(Affiliation.id)
        .limit(1)
    )
    return func.coalesce(first.scalar_subquery(), "")


# Cells that can hold what a person typed; the others are codes, enum values or yes/no.
_FREE_TEXT = {"full_name", "name_latin", "email", "phone", "languages", "consent_method", "notes"}
_FREE_TEXT |= {"sensitive_notes", "owner"}


def _guarded(expr: Any) -> Any:
    """The cell with a leading apostrophe when a spreadsheet could take it for a formula (as
    crm.exports.writers.neutralise does), worked out by the database for every row at once."""
    postgresql = db.session.get_bind().dialect.name == "postgresql"  # its text cannot hold NUL anyway
    triggers = [trigger for trigger in FORMULA_TRIGGERS if trigger != "\0" or not postgresql]
    starts = func.substr(expr, 1, 1)
    return case((starts.in_(triggers), literal("'").concat(expr)), else_=expr)


def _rows(export: ContactExport, columns: list[Any], *, owner: Any = None) -> Iterator[Any]:
    """The columns a chunk of rows at a time, in the export's order, as plain rows."""
    stmt = export.source.select(*columns).where(*export.conditions).order_by(*export.source.order_by)
    if owner is not None:
        stmt = stmt.outerjoin(owner, owner.id == Contact.owner_id)
    result = stream(stmt)
    try:
        yield from result.partitions()
    finally:
        result.close()


def table_chunks(export: ContactExport, *, guarded: bool = False) -> Iterator[list[Any]]:
    """Rows for CSV and XLSX in the export's column order, values as the shared column spec writes them.

    One statement: the many-valued columns are joined by the database too. With `guarded` the
    formula guard is applied here (in SQL for plain columns; in Python for the cells a subquery
    makes, which SQLite would otherwise run three times), so the writer need not look at each
    cell again (csv_chunks/write_xlsx with guarded=True).
    """
    owner = aliased(User) if any(column.key == "owner" for column in export.columns) else None
    columns, computed = [], []
    for at, column in enumerate(export.columns):
        if column.key in _LINKED:
            columns.append(_linked_column(column.key))
            computed.append(at)
            continue
        expr = func.coalesce(owner.email, "") if column.key == "owner" else _as_text(column.key)
        columns.append(_guarded(expr) if guarded and column.key in _FREE_TEXT else expr)
    positions = [at for at, column in enumerate(export.columns) if column.key == "positions"]
    triggers = tuple(FORMULA_TRIGGERS)
    for partition in _rows(export, columns, owner=owner):
        rows = [list(row) for row in partition]
        if not computed:
            yield rows
            continue
        for row in rows:
            for at in positions:
                if not row[at].rstrip(LIST_SEPARATOR):  # no position given at any organisation
                    row[at] = ""
            if guarded:
                for at in computed:
                    if row[at].startswith(triggers):
                        row[at] = "'" + row[at]
        yield rows


def card_chunks(export: ContactExport) -> Iterator[list[dict[str, str]]]:
    """Fields for vCards: name, first current organisation and its position, e-mail, phone, notes."""
    chosen = {column.key for column in export.columns}
    wanted = [key for key in ("full_name", "email", "phone", "notes") if key in chosen or key == "full_name"]
    linked = [key for key in ("organisations", "positions") if key in chosen]
    columns = [_as_text(key) for key in wanted] + [_first_linked(key) for key in linked]
    names = {"notes": "note", "organisations": "organisation", "positions": "title"}
    keys = [names.get(key, key) for key in wanted + linked]
    for partition in _rows(export, columns):
        yield [dict(zip(keys, row, strict=True)) for row in partition]


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
