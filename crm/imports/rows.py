"""What the preview says about each row, and the look-ups shared by inquiry and contact imports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import or_, select

from crm.contacts.services import normalise_email
from crm.extensions import db
from crm.models import Contact
from crm.names import name_key

T = TypeVar("T")

NEW, MATCHED, DUPLICATE, EXISTING, ERROR = "new", "matched", "duplicate", "existing", "error"
OUTCOMES = (NEW, MATCHED, DUPLICATE, EXISTING, ERROR)
CHUNK = 500  # values per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


@dataclass
class SourceRow:
    """One data row of the file: for each field, the (header, text) of the columns mapped to it."""

    row: int
    cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def text(self, name: str) -> str:
        """The field's text: one column's value, or several columns' values joined."""
        parts = [(header, value) for header, value in self.cells.get(name, []) if value.strip()]
        if len(parts) <= 1:
            return parts[0][1] if parts else ""
        return "\n\n".join(f"{header}: {value.strip()}" for header, value in parts)

    def header(self, name: str, default: str = "") -> str:
        columns = self.cells.get(name)
        return columns[0][0] if columns else default


@dataclass
class RowIssue:
    column: str
    reason: str


@dataclass
class RowOutcome:
    row: int
    outcome: str = NEW
    values: dict[str, Any] = field(default_factory=dict)  # cleaned, ready for the services
    issues: list[RowIssue] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why matched, duplicate or already there
    duplicate_of: int | None = None

    def problem(self, column: str, reason: str) -> None:
        self.issues.append(RowIssue(column, reason))
        self.outcome = ERROR

    @property
    def creates(self) -> bool:
        return self.outcome in (NEW, MATCHED)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class KnownContacts:
    """Existing contacts for the people in a file, found in a few queries (not one per row)."""

    by_email: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    by_name: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, emails: set[str], keys: set[str]) -> KnownContacts:
        known = cls()
        emails.discard("")
        keys.discard("")
        email_list, key_list = sorted(emails), sorted(keys)
        for start in range(0, max(len(email_list), len(key_list)), CHUNK):
            email_part = email_list[start : start + CHUNK]
            key_part = key_list[start : start + CHUNK]
            rows = db.session.execute(
                select(Contact.id, Contact.full_name, Contact.email_normalized, Contact.name_key).where(
                    or_(Contact.email_normalized.in_(email_part), Contact.name_key.in_(key_part)),
                    Contact.live(),
                )
            )
            for contact_id, full_name, email_n, key in rows:
                if email_n and email_n in emails:
                    known.by_email.setdefault(email_n, []).append((contact_id, full_name))
                if key and key in keys:
                    known.by_name.setdefault(key, []).append((contact_id, full_name))
        return known

    def matches(self, name: str, email: str) -> list[tuple[int, str, list[str]]]:
        """Like crm.contacts.services.likely_contacts: (id, name, reasons), same e-mail first."""
        found: dict[int, tuple[str, list[str]]] = {}
        for contact_id, full_name in self.by_email.get(normalise_email(email), []) if email else []:
            found.setdefault(contact_id, (full_name, []))[1].append(_("same e-mail"))
        for contact_id, full_name in self.by_name.get(name_key(name), []) if name.strip() else []:
            found.setdefault(contact_id, (full_name, []))[1].append(_("same name"))
        ranked = sorted(found.items(), key=lambda item: (-len(item[1][1]), item[0]))
        return [(contact_id, full_name, reasons) for contact_id, (full_name, reasons) in ranked[:5]]


def sender_key(name: str, email: str) -> str:
    """Who a row is from, for spotting the same person twice: the e-mail, else the name's key."""
    return normalise_email(email) or f"name:{name_key(name)}"


def text_key(text: str) -> str:
    return " ".join(text.split()).casefold()
