"""Sensitive attributes (special-category data): masked for everyone until a coordinator reveals them.

Viewers and staff never see them, anywhere. Coordinators and admins see a masked block and a
"Reveal" button; each reveal is an audit entry naming who looked at whose data (the values
themselves never go into the audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.audit.services import record
from crm.contacts.services import SENSITIVE, update_contact
from crm.models import Contact, User


@dataclass(frozen=True)
class SensitiveValues:
    lived_experience: bool
    sensitive_notes: str


def reveal_sensitive(contact: Contact, *, actor: User) -> SensitiveValues:
    """Read the sensitive attributes for `actor`, leaving an audit entry that they did."""
    record(actor, "reveal_sensitive", contact, changes={"fields": list(SENSITIVE)})
    return SensitiveValues(bool(contact.lived_experience), contact.sensitive_notes or "")


def update_sensitive(contact: Contact, data: dict, *, actor: User) -> dict:
    """Change the sensitive attributes only (audited by update_contact, values masked)."""
    fields = {key: data[key] for key in SENSITIVE if key in data}
    return update_contact(contact, fields, actor=actor, may_set_sensitive=True, may_set_owner=False)
