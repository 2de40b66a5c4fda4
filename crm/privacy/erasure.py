"""Erasure: anonymise one person everywhere, keeping every record (and so every count) in place.

What goes: the contact's name, e-mail, phone, notes and sensitive data; the sender details and
message of the inquiries they sent; their name wherever it appears in the titles and notes of
their threads and interactions; and any mention of their name, e-mail or phone in any text or JSON
column of any table (audit details, import reports, history tables added later). What stays:
the rows themselves, their dates, statuses, countries, owners and links, so reports add up.

The erasure is audited with counts only. Database backups still hold the person until they
rotate out (see docs/privacy.md); restoring one must be followed by erasing them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, update

from crm.audit.services import record
from crm.errors import DomainError
from crm.extensions import db
from crm.models import (
    Affiliation,
    AuditEntry,
    ConsentRecord,
    Contact,
    Inquiry,
    Interaction,
    Thread,
    User,
    interaction_contacts,
    thread_contacts,
)
from crm.models.base import utcnow
from crm.names import latin, name_key
from crm.privacy.scrub import ERASED, Scrubber, scrub_everywhere
from crm.search import index as search_index
from crm.search import substring
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

log = logging.getLogger(__name__)

GROUNDS = {
    "request": _l("The person asked to be erased"),
    "retention": _l("Retention period over (no activity, no consent)"),
    "other": _l("Another legal ground"),
}
# Values of these keys in the audit details of the person's own records are personal data.
PERSONAL_KEYS = frozenset(
    {
        "full_name",
        "name_latin",
        "email",
        "phone",
        "notes",
        "languages",
        "consent_method",
        "sender_name",
        "sender_email",
        "sender_organisation",
        "message",
        "subject",
        "position",
        "sensitive_notes",
        "lived_experience",
        "title",
        "summary",
    }
)
IDENTITY = ("full_name", "name_latin", "email", "email_normalized", "phone", "phone_e164")
# Columns that say who a record's own person is: the erased person's were blanked above; anyone
# else's are theirs (a namesake), so the database-wide scan leaves these columns alone.
OWN_IDENTITY = {"contacts": {*IDENTITY, "name_key"}, "inquiries": {"sender_name", "sender_email"}}


# Other features register here what they must do for an erased person beyond removing the name,
# e-mail and phone (e.g. drop version snapshots holding their notes): fn(contact), in the transaction.
ON_ERASE: list[Callable[[Contact], None]] = []


class ErasureError(DomainError):
    """The contact cannot be erased as asked."""


@dataclass
class Footprint:
    """Where one person appears: their records' ids and the identifiers to remove."""

    contact: Contact
    inquiry_ids: list[int] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)
    interaction_ids: list[int] = field(default_factory=list)
    needles: set[str] = field(default_factory=set)  # full identifiers: removed everywhere
    name_parts: set[str] = field(default_factory=set)  # first/last names: only in their own records


def erased_name(contact_id: int) -> str:
    return f"Erased contact #{contact_id}"


def footprint(contact: Contact) -> Footprint:
    """Find the person's inquiries (linked, or sent from their e-mail), threads and interactions."""
    found = Footprint(contact=contact)
    inquiry_condition = Inquiry.contact_id == contact.id
    if contact.email_normalized:
        inquiry_condition = or_(
            inquiry_condition, func.lower(Inquiry.sender_email) == contact.email_normalized
        )
    inquiries = db.session.execute(
        select(Inquiry.id, Inquiry.sender_name, Inquiry.sender_email).where(inquiry_condition)
    ).all()
    found.inquiry_ids = [row.id for row in inquiries]
    found.thread_ids = list(
        db.session.scalars(
            select(thread_contacts.c.thread_id).where(thread_contacts.c.contact_id == contact.id)
        )
    )
    found.interaction_ids = list(
        db.session.scalars(
            select(Interaction.id).where(
                or_(
                    Interaction.thread_id.in_(found.thread_ids),
                    Interaction.id.in_(
                        select(interaction_contacts.c.interaction_id).where(
                            interaction_contacts.c.contact_id == contact.id
                        )
                    ),
                )
            )
        )
    )
    names = {contact.full_name, contact.name_latin, *(row.sender_name for row in inquiries)}
    names |= _past_values(contact, found.inquiry_ids, ("full_name", "sender_name"))
    contacts = {contact.email, contact.email_normalized, contact.phone, contact.phone_e164}
    contacts |= {row.sender_email for row in inquiries}
    contacts |= _past_values(contact, found.inquiry_ids, ("email", "phone", "sender_email"))
    digits = "".join(ch for ch in contact.phone if ch.isdigit())
    if len(digits) >= 7:
        contacts.add(digits)
    found.needles = {value for value in names | contacts if value and value.strip()}
    found.needles |= {latin(name) for name in names if name}
    found.name_parts = {
        part
        for name in found.needles
        for part in name.split()
        if len(part) >= 3 and "@" not in part and any(ch.isalpha() for ch in part)
    }
    return found


def _past_values(contact: Contact, inquiry_ids: list[int], keys: tuple[str, ...]) -> set[str]:
    """Earlier names and addresses, from the audit details of the person's own records."""
    values: set[str] = set()
    for entry in db.session.scalars(_own_audit_entries(contact, inquiry_ids, [])):
        for key in keys:
            value = (entry.changes or {}).get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    values.add(item)
    return values


def _own_audit_entries(contact: Contact, inquiry_ids: list[int], thread_ids: list[int]):
    conditions = [(AuditEntry.entity_type == "contact") & (AuditEntry.entity_id == contact.id)]
    if inquiry_ids:
        conditions.append((AuditEntry.entity_type == "inquiry") & AuditEntry.entity_id.in_(inquiry_ids))
    if thread_ids:
        conditions.append((AuditEntry.entity_type == "thread") & AuditEntry.entity_id.in_(thread_ids))
    return select(AuditEntry).where(or_(*conditions))


def purge_search_index() -> None:
    """Make the search and substring indexes drop an erased person's terms from their pages, not only from results.

    Call once after one or more erasures, in the same transaction (SQLite's FTS5 keeps deleted terms'
    bytes until its segments merge; PostgreSQL's VACUUM does the same for dead rows).
    """
    connection = db.session.connection()
    search_index.purge(connection)
    substring.purge(connection)


def erase_contact(contact: Contact, *, actor: User | None, ground: str) -> dict[str, Any]:
    """Anonymise the person everywhere; returns what was done (counts, no data). Never commits."""
    if contact.erased_at is not None:
        raise ErasureError(_("This contact has already been erased."))
    if ground not in GROUNDS:
        raise ErasureError(_("Say on what ground the contact is erased."), "ground")
    if contact.merged_into_id is not None:
        raise ErasureError(
            _(
                "This contact was merged into another one: erase that one, and its merged duplicates go with it."
            )
        )
    # Duplicates merged into this contact are the same person under other spellings or addresses.
    for duplicate in db.session.scalars(
        select(Contact).where(Contact.merged_into_id == contact.id, Contact.erased_at.is_(None))
    ).all():
        duplicate.merged_into_id = None  # erased on its own terms, then linked back
        erase_contact(duplicate, actor=actor, ground=ground)
        duplicate.merged_into_id = contact.id
    found = footprint(contact)
    namesakes = _namesakes(contact, found)
    close = Scrubber(found.needles | found.name_parts)
    _anonymise_contact(contact)
    _anonymise_inquiries(found, close)
    _scrub_rows(Thread, found.thread_ids, ("title", "next_action", "outcome"), close)
    _scrub_rows(Interaction, found.interaction_ids, ("summary",), close)
    db.session.execute(update(Affiliation).where(Affiliation.contact_id == contact.id).values(position=""))
    db.session.execute(
        update(ConsentRecord).where(ConsentRecord.contact_id == contact.id).values(method="", notice="")
    )
    _scrub_own_audit(contact, found, close)
    for hook in ON_ERASE:
        hook(contact)
    db.session.flush()
    changed = scrub_everywhere(
        Scrubber(found.needles), _protect(namesakes), skip_tables={"users"}, skip_columns=OWN_IDENTITY
    )
    db.session.expire_all()
    summary = {
        "ground": ground,
        "inquiries": len(found.inquiry_ids),
        "threads": len(found.thread_ids),
        "interactions": len(found.interaction_ids),
        "other_rows": changed,
    }
    record(actor, "erase", contact, changes=summary)
    log.info("erased: actor=%s contact=%s ground=%s", actor.id if actor else None, contact.id, ground)
    return summary


def _anonymise_contact(contact: Contact) -> None:
    """Blank what identifies the person; keep country, stakeholder type, owner, dates and links."""
    contact.full_name = erased_name(contact.id)
    contact.name_latin = contact.full_name
    contact.name_key = name_key(contact.full_name)
    for column in (
        "email",
        "email_normalized",
        "phone",
        "phone_e164",
        "languages",
        "notes",
        "consent_method",
    ):
        setattr(contact, column, "")
    contact.sensitive_notes = ""
    contact.lived_experience = False
    contact.consent_to_contact = contact.consent_to_share = False
    contact.do_not_contact = True  # nothing left to contact them with, and they must not be re-added
    contact.erased_at = utcnow()


def _anonymise_inquiries(found: Footprint, scrubber: Scrubber) -> None:
    if not found.inquiry_ids:
        return
    db.session.execute(
        update(Inquiry)
        .where(Inquiry.id.in_(found.inquiry_ids))
        .values(sender_name=erased_name(found.contact.id), sender_email="", message=ERASED)
        .execution_options(synchronize_session=False)
    )
    _scrub_rows(Inquiry, found.inquiry_ids, ("subject",), scrubber)


def _scrub_rows(model: Any, ids: list[int], columns: tuple[str, ...], scrubber: Scrubber) -> None:
    if not ids:
        return
    stmt = select(model.id, *(getattr(model, name) for name in columns)).where(model.id.in_(ids))
    for row in db.session.execute(stmt).mappings():
        values = {name: scrubber.text(row[name]) for name in columns if scrubber.text(row[name]) != row[name]}
        if values:
            db.session.execute(
                update(model)
                .where(model.id == row["id"])
                .values(**values)
                .execution_options(synchronize_session=False)
            )


def _scrub_own_audit(contact: Contact, found: Footprint, scrubber: Scrubber) -> None:
    """Audit details of their contact, inquiries and threads: personal fields blanked, names replaced."""
    for entry in db.session.scalars(_own_audit_entries(contact, found.inquiry_ids, found.thread_ids)):
        blank = entry.entity_type in ("contact", "inquiry")
        entry.changes = {
            key: (_blanked(value) if blank and key in PERSONAL_KEYS else scrubber.value(value))
            for key, value in (entry.changes or {}).items()
        }


def _blanked(value: Any) -> Any:
    return [ERASED for _item in value] if isinstance(value, list) else ERASED


def _namesakes(contact: Contact, found: Footprint) -> dict[str, set[int]]:
    """Other people who share one of the identifiers: their own records must not be touched."""
    wanted = {value.casefold() for value in found.needles}
    others = db.session.execute(
        select(Contact.id, *(getattr(Contact, name) for name in IDENTITY)).where(
            Contact.id != contact.id,
            or_(
                Contact.full_name.in_(found.needles),
                func.lower(Contact.full_name).in_(wanted),
                Contact.email_normalized.in_(wanted),
                Contact.phone.in_(found.needles),
            ),
        )
    ).all()
    senders = db.session.scalars(
        select(Inquiry.id).where(
            Inquiry.id.not_in(found.inquiry_ids or [0]),
            or_(
                Inquiry.sender_name.in_(found.needles),
                func.lower(Inquiry.sender_name).in_(wanted),
                func.lower(Inquiry.sender_email).in_(wanted),
            ),
        )
    ).all()
    return {"contact": {row.id for row in others}, "inquiry": set(senders)}


def _protect(namesakes: dict[str, set[int]]):
    """Rows that belong to a namesake (their contact or inquiry, and the audit entries about them)."""

    def protected(table: str, row: Any) -> bool:
        if table == "contacts":
            return row["id"] in namesakes["contact"]
        if table == "inquiries":
            return row["id"] in namesakes["inquiry"]
        if table == "audit_entries":
            return row["entity_id"] in namesakes.get(row["entity_type"], set())
        return False

    return protected
