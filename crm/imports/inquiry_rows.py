"""Rows that become inquiries: checking them for the preview, and creating them in one go.

The rules are log_inquiry's (crm/inquiries/services.py): the sender's name is required, the
country is resolved when it can be, an inquiry cannot arrive in the future, and a new inquiry
starts as "new" in its received time. They are applied to the whole file at once here so that
thousands of rows are inserted in a few statements; tests/imports/test_inquiry_import.py checks
that an imported inquiry equals one logged by log_inquiry.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select

from crm.countries.services import resolve_country
from crm.extensions import db
from crm.imports.rows import (
    DUPLICATE,
    ERROR,
    EXISTING,
    MATCHED,
    KnownContacts,
    RowOutcome,
    SourceRow,
    chunks,
    sender_key,
    text_key,
)
from crm.imports.values import ValueProblem, check_email, parse_datetime, slashes_day_first, too_long
from crm.models import AuditEntry, ImportBatch, Inquiry, User
from crm.models.base import utcnow
from crm.models.enums import InquiryChannel, InquiryStatus
from crm.names import name_key
from crm.translations import gettext as _

log = logging.getLogger(__name__)
LOGGED = (
    "sender_name",
    "sender_email",
    "sender_organisation",
    "sender_country",
    "country_code",
    "subject",
    "message",
)
LIMITS = {
    "sender_name": 300,
    "sender_email": 254,
    "sender_organisation": 300,
    "sender_country": 120,
    "subject": 300,
    "message": 20000,
}


def check_rows(rows: list[SourceRow], *, event_id: int | None) -> list[RowOutcome]:
    """Every row's outcome: new, matched to a contact, duplicate, already imported, or error."""
    day_first = slashes_day_first([row.text("received_at") for row in rows])
    hint: list[str] = []  # the date format that worked last
    outcomes = [_check(row, day_first, hint) for row in rows]
    valid = [o for o in outcomes if o.outcome != ERROR]
    known = KnownContacts.load(
        {v.values["sender_email"].lower() for v in valid}, {name_key(v.values["sender_name"]) for v in valid}
    )
    existing = _existing_inquiries(valid, event_id)
    first_row: dict[tuple[str, str, str], int] = {}
    for outcome in valid:
        key = _content_key(outcome.values)
        if key in existing:
            outcome.outcome = EXISTING
            outcome.reasons.append(_("already in the CRM as inquiry #%(id)s", id=existing[key]))
        elif key in first_row:
            outcome.outcome = DUPLICATE
            outcome.duplicate_of = first_row[key]
            outcome.reasons.append(_("same as row %(row)s: one inquiry is made", row=first_row[key]))
        else:
            first_row[key] = outcome.row
            values = outcome.values
            matches = known.matches(values["sender_name"], values["sender_email"], "", values["country_code"])
            if matches:
                outcome.outcome = MATCHED
                outcome.values["matches"] = matches
    return outcomes


def _check(row: SourceRow, day_first: bool, hint: list[str]) -> RowOutcome:
    outcome = RowOutcome(row.row)
    name = row.text("sender_name").strip()
    if not name:
        name = " ".join(
            part for part in (row.text("first_name").strip(), row.text("last_name").strip()) if part
        )
    values: dict[str, Any] = {
        "sender_name": name,
        "sender_email": row.text("sender_email").strip(),
        "sender_organisation": row.text("sender_organisation").strip(),
        "sender_country": row.text("sender_country").strip(),
        "subject": row.text("subject").strip(),
        "message": row.text("message").strip(),
    }
    name_column = row.header("sender_name") or row.header("first_name") or row.header("last_name")
    if not values["sender_name"]:
        outcome.problem(name_column or _("Name"), _("the name is empty"))
    for field_name, limit in LIMITS.items():
        if problem := too_long(values[field_name], limit):
            outcome.problem(_column(row, field_name, name_column), str(problem))
    try:
        values["sender_email"] = check_email(values["sender_email"])
    except ValueProblem as problem:
        outcome.problem(row.header("sender_email"), str(problem))
    values["country_code"] = resolve_country(values["sender_country"])
    if values["sender_country"] and values["country_code"] is None:
        outcome.problem(
            row.header("sender_country"), _("unknown country “%(text)s”", text=values["sender_country"])
        )
    values["received_at"] = _received_at(row, day_first, hint, outcome)
    outcome.values = values
    return outcome


def _column(row: SourceRow, field_name: str, name_column: str) -> str:
    return name_column if field_name == "sender_name" else row.header(field_name)


def _received_at(row: SourceRow, day_first: bool, hint: list[str], outcome: RowOutcome):
    try:
        received_at = parse_datetime(row.text("received_at"), day_first=day_first, hint=hint)
    except ValueProblem as problem:
        outcome.problem(row.header("received_at"), str(problem))
        return None
    if received_at is not None and received_at > utcnow() + timedelta(minutes=5):
        outcome.problem(row.header("received_at"), _("the date is in the future"))
    return received_at


def _content_key(values: dict[str, Any]) -> tuple[str, str, str]:
    return (
        sender_key(values["sender_name"], values["sender_email"]),
        text_key(values["subject"]),
        text_key(values["message"]),
    )


def _existing_inquiries(valid: list[RowOutcome], event_id: int | None) -> dict[tuple[str, str, str], int]:
    """Inquiries already in the CRM for the same event, sender and text (the file imported before)."""
    emails = sorted({o.values["sender_email"].lower() for o in valid} - {""})
    names = sorted({o.values["sender_name"] for o in valid if not o.values["sender_email"]})
    same_event = Inquiry.event_id == event_id if event_id else Inquiry.event_id.is_(None)
    found: dict[tuple[str, str, str], int] = {}
    for start in range(0, max(len(emails), len(names)), 500):
        rows = db.session.execute(
            select(Inquiry.id, Inquiry.sender_name, Inquiry.sender_email, Inquiry.subject, Inquiry.message)
            .where(same_event)
            .where(
                or_(
                    func.lower(Inquiry.sender_email).in_(emails[start : start + 500]),
                    Inquiry.sender_name.in_(names[start : start + 500]),
                )
            )
        )
        for inquiry_id, name, email, subject, message in rows:
            values = {"sender_name": name, "sender_email": email, "subject": subject, "message": message}
            found.setdefault(_content_key(values), inquiry_id)
    return found


def create_inquiries(
    outcomes: list[RowOutcome],
    *,
    batch: ImportBatch,
    actor: User | None,
    event_id: int | None,
    channel: InquiryChannel,
) -> int:
    """Insert the rows' inquiries and their audit entries with a few multi-row statements.

    ORM objects one by one would cost an INSERT per row on SQLite (it cannot return ids for
    a multi-row insert in order), so rows go in as executemany; ids are read back by batch.
    """
    now = utcnow()
    rows = []
    for outcome in outcomes:
        values = outcome.values
        received_at = values["received_at"] or now
        rows.append(
            {
                **{key: values[key] for key in LOGGED},
                "event_id": event_id,
                "received_at": received_at,
                "channel": channel,
                "status": InquiryStatus.NEW,
                "status_changed_at": received_at,
                "created_by_id": actor.id if actor else None,
                "import_batch_id": batch.id,
            }
        )
    for part in chunks(rows, 1000):
        db.session.execute(insert(Inquiry), part)
    row_of = {_content_key(o.values): o.row for o in outcomes}
    entries = []
    for inquiry_id, *content in db.session.execute(
        select(Inquiry.id, Inquiry.sender_name, Inquiry.sender_email, Inquiry.subject, Inquiry.message)
        .where(Inquiry.import_batch_id == batch.id)
        .order_by(Inquiry.id)
    ):
        values = dict(zip(("sender_name", "sender_email", "subject", "message"), content, strict=True))
        entries.append(
            {
                "actor_id": actor.id if actor else None,
                "action": "create",
                "entity_type": "inquiry",
                "entity_id": inquiry_id,
                "changes": {
                    "sender_name": values["sender_name"],
                    "channel": channel.value,
                    "import_batch_id": batch.id,
                    "row": row_of.get(_content_key(values)),
                },
            }
        )
    for part in chunks(entries, 1000):
        db.session.execute(insert(AuditEntry), part)
    log.info("import: actor=%s batch=%s inquiries=%d", actor.id if actor else "cli", batch.id, len(rows))
    return len(rows)
