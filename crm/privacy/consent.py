"""Consent: each statement given or withdrawn is a record; the newest per purpose is the current state.

`Contact.consent_to_contact` / `consent_to_share` / `consent_recorded_at` / `consent_method` stay as
a copy of the current state (the mailing export and the list filters read them); only this module
writes them, so they cannot drift from the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, joinedload

from crm.audit.services import record
from crm.errors import DomainError
from crm.extensions import db
from crm.models import ConsentRecord, Contact, User
from crm.models.base import as_utc, utcnow
from crm.models.enums import ConsentPurpose
from crm.translations import gettext as _

# The purposes mirrored on the contacts table.
MIRRORED = {ConsentPurpose.CONTACT: "consent_to_contact", ConsentPurpose.SHARE: "consent_to_share"}


class ConsentError(DomainError):
    """A consent cannot be recorded as asked; the message goes next to `field`."""


@dataclass
class ConsentState:
    """Where one purpose stands for one contact: the latest record, if any."""

    purpose: ConsentPurpose
    latest: ConsentRecord | None

    @property
    def given(self) -> bool:
        return self.latest is not None and self.latest.given


def record_consent(
    contact: Contact,
    purpose: ConsentPurpose | str,
    given: bool,
    *,
    actor: User | None,
    method: str = "",
    at: datetime | None = None,
    notice: str = "",
) -> ConsentRecord:
    """Add a record of consent given or withdrawn, and bring the contact's current-state columns in step."""
    try:
        purpose = ConsentPurpose(purpose)
    except ValueError:
        raise ConsentError(_("Choose what the consent is for."), "purpose") from None
    now = utcnow()
    at = as_utc(at) or now
    if at > now + timedelta(minutes=5):
        raise ConsentError(_("Consent cannot be given in the future."), "at")
    entry = ConsentRecord(
        contact=contact,
        purpose=purpose,
        given=given,
        at=at,
        method=(method or "").strip()[:200],
        notice=(notice or "").strip()[:100],
        recorded_by_id=actor.id if actor is not None else None,
        recorded_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    sync_current_state(contact)
    changes = {"purpose": purpose, "given": given, "at": at, "consent_record_id": entry.id}
    if purpose == ConsentPurpose.KEEP_SENSITIVE and not given:
        # Without their consent we may no longer hold their special-category data (Art. 9): it goes now.
        contact.lived_experience, contact.sensitive_notes = False, ""
        changes["sensitive_cleared"] = True
    record(actor, "consent" if given else "consent_withdrawn", contact, changes=changes)
    return entry


def withdraw_consent(
    contact: Contact, purpose: ConsentPurpose | str, *, actor: User | None, method: str = ""
):
    """Withdrawing is one action: a record saying so, now, by whoever took the request."""
    return record_consent(contact, purpose, False, actor=actor, method=method)


def consent_states(contact: Contact, history: list[ConsentRecord] | None = None) -> list[ConsentState]:
    """The current state of every purpose, in the order of ConsentPurpose.

    `history`, if the caller has it already, is `consent_history(contact)` (newest first).
    """
    latest: dict[ConsentPurpose, ConsentRecord] = {}
    for entry in reversed(consent_history(contact) if history is None else history):
        latest[entry.purpose] = entry
    return [ConsentState(purpose, latest.get(purpose)) for purpose in ConsentPurpose]


def consent_history(contact: Contact, *, newest_first: bool = True) -> list[ConsentRecord]:
    """Every record for the contact, with who recorded it."""
    order = (ConsentRecord.at, ConsentRecord.id)
    stmt = (
        select(ConsentRecord)
        .where(ConsentRecord.contact_id == contact.id)
        .options(joinedload(ConsentRecord.recorded_by))
        .order_by(*(column.desc() for column in order) if newest_first else order)
    )
    return list(db.session.scalars(stmt))


def sync_current_state(contact: Contact) -> None:
    """Copy the current state of the mirrored purposes onto the contact's own columns."""
    states = {state.purpose: state for state in consent_states(contact)}
    newest = None
    for purpose, column in MIRRORED.items():
        latest = states[purpose].latest
        if latest is None:  # nothing recorded yet (rows older than the history): leave the column be
            continue
        setattr(contact, column, latest.given)
        if newest is None or (as_utc(latest.at), latest.id) > (as_utc(newest.at), newest.id):
            newest = latest
    if newest is not None:
        contact.consent_recorded_at = newest.at
        contact.consent_method = newest.method


def record_form_consent(contact: Contact, changes: dict, *, actor: User | None, method: str) -> None:
    """Consent ticked or unticked on a contact form or in an imported file becomes records too."""
    for purpose, column in MIRRORED.items():
        if column in changes:
            record_consent(contact, purpose, bool(getattr(contact, column)), actor=actor, method=method)


def currently_given_condition(purpose: ConsentPurpose | None = None):
    """SQL on Contact: some consent (or the given purpose) is currently given."""
    newer = aliased(ConsentRecord)
    is_latest = ~exists().where(
        newer.contact_id == ConsentRecord.contact_id,
        newer.purpose == ConsentRecord.purpose,
        or_(newer.at > ConsentRecord.at, and_(newer.at == ConsentRecord.at, newer.id > ConsentRecord.id)),
    )
    conditions = [ConsentRecord.contact_id == Contact.id, ConsentRecord.given.is_(True), is_latest]
    if purpose is not None:
        conditions.append(ConsentRecord.purpose == purpose)
    return exists().where(*conditions)
