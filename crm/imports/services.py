"""Imports: preview a file (nothing saved), commit it in one transaction, list and report batches.

The web pages and `flask import ...` call the same functions. Services never commit and never
read the request: the caller passes the file's bytes, the settings and the actor.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from crm.audit.services import record
from crm.errors import DomainError
from crm.extensions import db
from crm.imports import contact_rows, inquiry_rows
from crm.imports.mapping import (
    CONTACTS,
    FIELDS,
    IGNORE,
    INQUIRIES,
    MULTI_COLUMN,
    PRESETS,
    Preset,
    clean_headers,
    detect_preset,
    header_score,
    propose_mapping,
)
from crm.imports.reading import Limits, Table, read_table
from crm.imports.rows import DUPLICATE, ERROR, EXISTING, MATCHED, NEW, RowOutcome, SourceRow
from crm.models import Event, ImportBatch, ImportMapping, Inquiry, User
from crm.models.enums import InquiryChannel
from crm.translations import gettext as _

HEADER_SEARCH_ROWS = 20  # a header may sit under a report's preamble (Zoom puts one there)


class ImportRefused(DomainError):
    """The import cannot be committed as it stands; nothing was saved."""


@dataclass
class Settings:
    """What the person chose for a file: kept with the upload between preview and commit."""

    kind: str = INQUIRIES
    mapping: str = "auto"  # "auto", "preset:<key>" or "saved:<id>"
    encoding: str = ""  # "" = the guess
    delimiter: str = ""
    columns: dict[str, str] | None = None  # header -> field, once changed on the preview page
    event_id: int | None = None
    channel: str = ""  # "" = the preset's

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        settings = cls(**known)
        if settings.kind not in FIELDS:
            settings.kind = INQUIRIES
        return settings


@dataclass
class Preview:
    """Everything the preview page shows, and what commit needs."""

    kind: str
    file_name: str
    table: Table
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    preset: Preset | None = None
    channel: InquiryChannel | None = None
    event: Event | None = None
    rows: list[RowOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the mapping itself is unusable
    contact_check: contact_rows.ContactCheck | None = None

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(row.outcome for row in self.rows)
        counts = {outcome: tally.get(outcome, 0) for outcome in (NEW, MATCHED, DUPLICATE, EXISTING, ERROR)}
        counts["rows"] = len(self.rows)
        counts["to_create"] = counts[NEW] + counts[MATCHED]
        return counts

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [
            {"row": row.row, "column": issue.column, "reason": issue.reason}
            for row in self.rows
            for issue in row.issues
        ]

    @property
    def mapping(self) -> dict[str, str]:
        return dict(zip(self.headers, self.fields, strict=True))

    def samples(self, limit: int = 60) -> list[str]:
        """For each column, the first value in the data rows (to recognise what it holds)."""
        start = next((i for i, (n, _c) in enumerate(self.table.rows) if n == self.header_row), -1) + 1
        found = [""] * len(self.headers)
        for _number, cells in self.table.rows[start : start + 20]:
            for index, value in enumerate(cells[: len(found)]):
                if not found[index] and value.strip():
                    found[index] = value.strip()[:limit]
        return found

    @property
    def ignored(self) -> list[str]:
        return [header for header, chosen in zip(self.headers, self.fields, strict=True) if chosen == IGNORE]


def build_preview(
    data: bytes, file_name: str, settings: Settings, limits: Limits, *, actor: User | None
) -> Preview:
    """Read, map and check every row; nothing is written."""
    table = read_table(data, limits, encoding=settings.encoding, delimiter=settings.delimiter)
    preview = Preview(settings.kind, file_name, table)
    saved = _saved_columns(settings.mapping)
    start = _header_index(table, settings.kind, saved)
    if start is None:
        preview.problems.append(_("The file has no rows."))
        return preview
    preview.header_row, header_cells = table.rows[start]
    body = table.rows[start + 1 :]
    width = max([len(header_cells), *(len(cells) for _n, cells in body)])
    preview.headers = clean_headers(header_cells, width)
    preview.preset = _preset(settings, preview.headers)
    preview.fields = _fields(preview, settings, saved)
    preview.channel = _channel(settings, preview.preset) if settings.kind == INQUIRIES else None
    preview.event = db.session.get(Event, settings.event_id) if settings.event_id else None
    preview.problems.extend(_mapping_problems(preview))
    if not body:
        preview.problems.append(_("The file has a header row but no data rows."))
    if preview.problems:
        return preview
    source = [_source_row(number, cells, preview) for number, cells in body]
    if settings.kind == INQUIRIES:
        preview.rows = inquiry_rows.check_rows(source, event_id=preview.event.id if preview.event else None)
        if "received_at" in preview.fields:
            preview.notes.append(_("Dates without a time zone are read as UTC."))
    else:
        preview.contact_check = contact_rows.check_rows(source, actor=actor)
        preview.rows = preview.contact_check.outcomes
        preview.notes.extend(preview.contact_check.notes)
    return preview


def _saved_columns(choice: str) -> dict[str, str] | None:
    if choice.startswith("saved:") and choice[6:].isdigit():
        mapping = db.session.get(ImportMapping, int(choice[6:]))
        return dict(mapping.mapping) if mapping else None
    return None


def _header_index(table: Table, kind: str, saved: dict[str, str] | None) -> int | None:
    """The row that names the columns: the one among the first rows that reads most like headers."""
    if not table.rows:
        return None
    candidates = table.rows[:HEADER_SEARCH_ROWS]
    scores = [header_score(cells, kind, saved) for _n, cells in candidates]
    best = max(scores)
    return scores.index(best) if best > 0 else 0


def _preset(settings: Settings, headers: list[str]) -> Preset:
    preset = (
        PRESETS.get(settings.mapping.removeprefix("preset:"))
        if settings.mapping.startswith("preset:")
        else None
    )
    if preset is not None and preset.kind == settings.kind:
        return preset
    return detect_preset(headers, settings.kind)


def _fields(preview: Preview, settings: Settings, saved: dict[str, str] | None) -> list[str]:
    proposed = propose_mapping(preview.headers, preview.kind, preview.preset, saved)
    if settings.columns is None:
        return proposed
    valid = FIELDS[preview.kind]
    chosen = [
        settings.columns.get(header, proposal)
        for header, proposal in zip(preview.headers, proposed, strict=True)
    ]
    return [name if name in valid else IGNORE for name in chosen]


def _channel(settings: Settings, preset: Preset) -> InquiryChannel:
    if settings.channel in InquiryChannel._value2member_map_:
        return InquiryChannel(settings.channel)
    return preset.channel or InquiryChannel.OTHER


def _mapping_problems(preview: Preview) -> list[str]:
    problems = []
    name_fields = {"sender_name", "full_name", "first_name", "last_name"}
    if not name_fields & set(preview.fields):
        problems.append(_("No column is mapped to the name. Choose the column that holds it."))
    labels = FIELDS[preview.kind]
    for name in sorted(set(preview.fields) - {IGNORE} - MULTI_COLUMN):
        columns = [h for h, f in zip(preview.headers, preview.fields, strict=True) if f == name]
        if len(columns) > 1:
            problems.append(
                _(
                    "“%(field)s” is chosen for several columns (%(columns)s); choose it for one only.",
                    field=labels[name],
                    columns=", ".join(columns),
                )
            )
    return problems


def _source_row(number: int, cells: list[str], preview: Preview) -> SourceRow:
    row = SourceRow(number)
    for index, name in enumerate(preview.fields):
        if name:
            value = cells[index] if index < len(cells) else ""
            row.cells.setdefault(name, []).append((preview.headers[index], value))
    return row


def commit_import(preview: Preview, *, actor: User | None, skip_errors: bool = False) -> ImportBatch:
    """Create what the preview promised, in the caller's transaction; refuse a file with errors.

    With `skip_errors` the rows in error are left out and listed in the batch report.
    """
    if preview.problems:
        raise ImportRefused(preview.problems[0])
    counts = preview.counts
    if counts[ERROR] and not skip_errors:
        raise ImportRefused(
            _(
                "%(count)s rows have errors, so nothing was imported. Correct the file, "
                "or choose to skip the rows in error.",
                count=counts[ERROR],
            ),
            "skip_errors",
        )
    if not counts["to_create"]:
        raise ImportRefused(_("There is nothing to import: every row is in error or already in the CRM."))
    if preview.kind == CONTACTS and actor is None:
        raise ImportRefused(_("Contacts need an owner: say who is importing them."))
    batch = _new_batch(preview, actor, counts)
    to_create = [row for row in preview.rows if row.creates]
    if preview.kind == INQUIRIES:
        inquiry_rows.create_inquiries(
            to_create,
            batch=batch,
            actor=actor,
            event_id=preview.event.id if preview.event else None,
            channel=preview.channel or InquiryChannel.OTHER,
        )
    else:
        if preview.contact_check is None or actor is None:
            raise ValueError("a contact import is committed by someone, after its rows were checked")
        contact_rows.create_contacts(preview.contact_check, actor=actor)
    record(
        actor,
        "import",
        batch,
        changes={"kind": preview.kind, "file_name": batch.file_name, **{k: v for k, v in counts.items()}},
    )
    return batch


def _new_batch(preview: Preview, actor: User | None, counts: dict[str, int]) -> ImportBatch:
    batch = ImportBatch(
        actor_id=actor.id if actor else None,
        event_id=preview.event.id if preview.event else None,
        file_name=preview.file_name[:255],
        file_format=preview.table.file_format,
        encoding=preview.table.encoding,
        delimiter=preview.table.delimiter,
        mapping=preview.mapping,
        counts={
            "kind": preview.kind,
            "channel": preview.channel.value if preview.channel else "",
            "rows": counts["rows"],
            "created": counts["to_create"],
            "matched": counts[MATCHED],
            "duplicates": counts[DUPLICATE],
            "existing": counts[EXISTING],
            "skipped": counts[ERROR],
        },
        skipped_rows=_skipped(preview),
        status="committed",
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def _skipped(preview: Preview) -> list[dict[str, Any]]:
    skipped: list[dict[str, Any]] = [
        {"row": error["row"], "column": error["column"], "reason": error["reason"], "kind": ERROR}
        for error in preview.errors
    ]
    for row in preview.rows:
        if row.outcome in (DUPLICATE, EXISTING):
            skipped.append(
                {"row": row.row, "column": "", "reason": "; ".join(row.reasons), "kind": row.outcome}
            )
    return sorted(skipped, key=lambda item: item["row"])


# --- Reading batches ----------------------------------------------------------------------------


def batch_list_query() -> Select:
    return select(ImportBatch).options(joinedload(ImportBatch.actor), joinedload(ImportBatch.event))


def batch_inquiries(batch: ImportBatch, limit: int = 50) -> tuple[list[Inquiry], int]:
    """The first inquiries a batch created, and how many there are."""
    stmt = select(Inquiry).where(Inquiry.import_batch_id == batch.id)
    items = list(db.session.scalars(stmt.order_by(Inquiry.id).limit(limit)))
    total = db.session.scalar(select(func.count()).where(Inquiry.import_batch_id == batch.id)) or 0
    return items, total


def batch_kind(batch: ImportBatch) -> str:
    return (batch.counts or {}).get("kind", INQUIRIES)
