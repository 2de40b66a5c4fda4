"""What the preview says about each row, and the look-ups shared by inquiry and contact imports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import or_, select

from crm.contacts.services import normalise_email
from crm.extensions import db
from crm.matching.candidates import Probe
from crm.matching.scoring import Person, score_people
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
    """Existing live contacts for the people in a file, found in a few queries (not one per row).

    Candidates share an e-mail, a phone (E.164) or a name key with a row; crm.matching scores
    them, so a preview says what inquiry triage and the contact form would say.
    """

    by_email: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    by_name: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    by_phone: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)

    @classmethod
    def load(cls, emails: set[str], keys: set[str], phones: set[str] | None = None) -> KnownContacts:
        known = cls()
        for values in (emails, keys, phones or set()):
            values.discard("")
        lists = [sorted(emails), sorted(keys), sorted(phones or ())]
        for start in range(0, max(map(len, lists)), CHUNK):
            email_part, key_part, phone_part = (values[start : start + CHUNK] for values in lists)
            rows = db.session.execute(
                select(
                    Contact.id,
                    Contact.full_name,
                    Contact.email_normalized,
                    Contact.name_key,
                    Contact.phone_e164,
                    Contact.country_code,
                ).where(
                    or_(
                        Contact.email_normalized.in_(email_part),
                        Contact.name_key.in_(key_part),
                        Contact.phone_e164.in_(phone_part),
                    ),
                    Contact.live(),
                )
            )
            for contact_id, full_name, email_n, key, phone, country in rows:
                known.people[contact_id] = Person(contact_id, key or "", email_n or "", phone or "", country)
                wanted = (
                    (known.by_email, email_n, emails),
                    (known.by_name, key, keys),
                    (known.by_phone, phone, phones),
                )
                for index, value, asked in wanted:
                    if value and value in (asked or ()):
                        index.setdefault(value, []).append((contact_id, full_name))
        return known

    def matches(
        self, name: str, email: str, phone: str = "", country: str | None = None
    ) -> list[tuple[int, str, list[str]]]:
        """Like crm.contacts.services.likely_contacts: (id, name, reasons), best first."""
        probe = Probe(name, email, phone, country).person()
        candidates: dict[int, str] = {}
        for index, value in (
            (self.by_email, probe.email),
            (self.by_name, probe.name_key),
            (self.by_phone, probe.phone),
        ):
            candidates.update(index.get(value, []) if value else [])
        scored = [
            (score_people(probe, self.people[cid]), cid, full_name) for cid, full_name in candidates.items()
        ]
        ranked = sorted(
            (item for item in scored if item[0].suggested), key=lambda item: (-item[0].score, item[1])
        )
        return [(cid, full_name, match.labels) for match, cid, full_name in ranked[:5]]


def sender_key(name: str, email: str) -> str:
    """Who a row is from, for spotting the same person twice: the e-mail, else the name's key."""
    return normalise_email(email) or f"name:{name_key(name)}"


def text_key(text: str) -> str:
    return " ".join(text.split()).casefold()
