"""Contacts: creating, editing, affiliations, and finding likely matches."""

from __future__ import annotations

from typing import Any

from anyascii import anyascii
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from crm.audit.services import apply_changes, record
from crm.extensions import db
from crm.models import Affiliation, Contact, Organisation, Tag, User


class ContactError(Exception):
    """A contact rule was broken; the message is shown next to `field`."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def latin(name: str) -> str:
    """A Latin transliteration of a name in any script, for matching and sorting."""
    return " ".join(anyascii(name).split())


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _sync_derived(contact: Contact) -> None:
    contact.name_latin = latin(contact.full_name)
    contact.email_normalized = normalise_email(contact.email)


EDITABLE = (
    "full_name",
    "email",
    "phone",
    "country_code",
    "languages",
    "stakeholder_type",
    "consent_to_contact",
    "consent_to_share",
    "consent_method",
    "do_not_contact",
    "notes",
)
SENSITIVE = ("lived_experience", "sensitive_notes")


def create_contact(data: dict[str, Any], *, actor: User, tags: list[Tag] | None = None) -> Contact:
    """Create a contact from validated form data (unknown keys are ignored)."""
    fields = {k: v for k, v in data.items() if k in EDITABLE + SENSITIVE + ("owner_id",)}
    if not (fields.get("full_name") or "").strip():
        raise ContactError(_("A contact needs a name."), "full_name")
    fields["full_name"] = fields["full_name"].strip()
    contact = Contact(**fields)
    contact.owner_id = fields.get("owner_id") or actor.id
    if tags is not None:
        contact.tags = tags
    _sync_derived(contact)
    db.session.add(contact)
    db.session.flush()
    record(actor, "create", contact, changes={"full_name": contact.full_name})
    return contact


def update_contact(
    contact: Contact,
    data: dict[str, Any],
    *,
    actor: User,
    may_set_sensitive: bool,
    may_set_owner: bool,
    tags: list[Tag] | None = None,
) -> dict[str, list[Any]]:
    """Apply the fields this actor may change; returns what changed (sensitive values not logged)."""
    allowed = set(EDITABLE)
    if may_set_sensitive:
        allowed.update(SENSITIVE)
    if may_set_owner:
        allowed.add("owner_id")
    changes = apply_changes(contact, {k: v for k, v in data.items() if k in allowed})
    if tags is not None and {t.id for t in tags} != {t.id for t in contact.tags}:
        changes["tags"] = [[t.name for t in contact.tags], [t.name for t in tags]]
        contact.tags = tags
    if "full_name" in changes and not contact.full_name.strip():
        raise ContactError(_("A contact needs a name."), "full_name")
    _sync_derived(contact)
    if changes:
        logged = {k: (v if k not in SENSITIVE else ["…", "…"]) for k, v in changes.items()}
        record(actor, "update", contact, changes=logged)
    return changes


def add_affiliation(
    contact: Contact, organisation: Organisation, position: str, *, actor: User, start_on=None, end_on=None
) -> Affiliation:
    """Link a contact to an organisation (once per organisation while current)."""
    for existing in contact.affiliations:
        if existing.organisation_id == organisation.id and existing.end_on is None:
            raise ContactError(_("This contact is already affiliated with that organisation."), "organisation")
    if start_on and end_on and end_on < start_on:
        raise ContactError(_("The end date is before the start date."), "end_on")
    affiliation = Affiliation(
        contact=contact, organisation=organisation, position=position.strip(), start_on=start_on, end_on=end_on
    )
    db.session.add(affiliation)
    db.session.flush()
    record(actor, "affiliate", contact, changes={"organisation": organisation.name, "position": position})
    return affiliation


def remove_affiliation(affiliation: Affiliation, *, actor: User) -> None:
    record(actor, "unaffiliate", affiliation.contact, changes={"organisation": affiliation.organisation.name})
    db.session.delete(affiliation)


def likely_contacts(name: str, email: str, limit: int = 5) -> list[tuple[Contact, list[str]]]:
    """Existing contacts that may be this person: same e-mail (any case) or same name (either script)."""
    email_n = normalise_email(email)
    name_clean = " ".join(name.split())
    name_latin = latin(name_clean).casefold()
    conditions = []
    if email_n:
        conditions.append(Contact.email_normalized == email_n)
    if name_clean:
        # name_latin is ASCII, so lower() behaves the same on SQLite and PostgreSQL.
        conditions.append(func.lower(Contact.name_latin) == name_latin)
    if not conditions:
        return []
    found = db.session.scalars(select(Contact).where(or_(*conditions)).limit(limit * 2))
    results = []
    for contact in found:
        reasons = []
        if email_n and contact.email_normalized == email_n:
            reasons.append(_("same e-mail"))
        if name_clean and contact.name_latin.casefold() == name_latin:
            reasons.append(_("same name"))
        results.append((contact, reasons))
    results.sort(key=lambda pair: -len(pair[1]))
    return results[:limit]
