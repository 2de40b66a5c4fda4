"""Soft delete for contacts and organisations: hidden everywhere, restorable by an admin.

Deleting only sets `deleted_at`: every link (affiliations, inquiries, threads, interactions,
lists, tags) stays as it was, so nothing is orphaned and a restore gives back exactly what was
there. Lists, counts, boards, reports, exports, pickers and matching leave the record out through
`Contact.live()` / `Organisation.live()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import desc, select

from crm.audit.services import record
from crm.errors import DomainError
from crm.extensions import db
from crm.models import AuditEntry, Contact, Organisation, User
from crm.models.base import as_utc, utcnow
from crm.translations import gettext as _

DELETABLE: dict[str, type[Contact] | type[Organisation]] = {
    "contact": Contact,
    "organisation": Organisation,
}


class DeletionError(DomainError):
    """The record cannot be deleted or restored as asked; the message says why."""


def name_of(item: Contact | Organisation) -> str:
    return item.full_name if isinstance(item, Contact) else item.name


def delete_record(item: Contact | Organisation, *, actor: User) -> None:
    """Mark a live contact or organisation deleted (audited); its links are kept for a restore."""
    if item.deleted_at is not None:
        raise DeletionError(_("“%(name)s” is already deleted.", name=name_of(item)))
    if item.merged_into_id is not None:
        raise DeletionError(
            _("“%(name)s” was merged into another record; delete that one instead.", name=name_of(item))
        )
    item.deleted_at = utcnow()
    record(actor, "delete", item, changes={"name": name_of(item)})


def restore_record(item: Contact | Organisation, *, actor: User) -> None:
    """Bring a deleted contact or organisation back, with all its links (audited)."""
    if item.deleted_at is None:
        raise DeletionError(_("“%(name)s” is not deleted.", name=name_of(item)))
    item.deleted_at = None
    record(actor, "restore", item, changes={"name": name_of(item)})


@dataclass
class DeletedRecord:
    kind: str
    item: Contact | Organisation
    deleted_by: str

    @property
    def deleted_at(self) -> datetime | None:
        return self.item.deleted_at


def _deleters(kind: str, ids: list[int]) -> dict[int, str]:
    """Who deleted each record: the newest 'delete' audit entry (one query)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(AuditEntry.entity_id, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.entity_type == kind, AuditEntry.action == "delete", AuditEntry.entity_id.in_(ids))
        .order_by(AuditEntry.id)
    )
    return {entity_id: name or "" for entity_id, name in rows}  # later entries win


def deleted_records(limit: int = 200) -> list[DeletedRecord]:
    """Deleted contacts and organisations, most recently deleted first (four queries)."""
    found: list[DeletedRecord] = []
    for kind, model in DELETABLE.items():
        items: list[Any] = list(
            db.session.scalars(
                select(model)
                .where(model.deleted_at.is_not(None))
                .order_by(desc(model.deleted_at), model.id)
                .limit(limit)
            )
        )
        deleters = _deleters(kind, [item.id for item in items])
        found += [DeletedRecord(kind, item, deleters.get(item.id, "")) for item in items]
    found.sort(key=lambda each: as_utc(each.deleted_at) or utcnow(), reverse=True)
    return found[:limit]
