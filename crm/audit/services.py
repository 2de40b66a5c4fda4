"""Audit trail: every change to a record is written in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert

from crm.extensions import db
from crm.models import AuditEntry, User

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    """Make a value JSON-friendly for the changes column."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def record(
    actor: User | None,
    action: str,
    entity: Any = None,
    *,
    entity_type: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry for `action` on `entity`; the caller's transaction commits it."""
    if entity is not None and getattr(entity, "id", None) is None:
        db.session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type or (type(entity).__name__.lower() if entity is not None else ""),
        entity_id=getattr(entity, "id", None),
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    db.session.add(entry)
    log.debug(
        "audit: actor=%s action=%s %s=%s",
        actor.id if actor else None,
        action,
        entry.entity_type,
        entry.entity_id,
    )
    return entry


def apply_changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes from `data`, returning {field: [old, new]} for those that changed."""
    changed: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [_plain(old), _plain(new)]
            setattr(obj, field, new)
    return changed


def record_many(
    actor: User | None, action: str, entity_type: str, changes_by_id: Iterable[tuple[int, dict[str, Any]]]
) -> int:
    """The audit entries `record` would write for many records (bulk imports), in multi-row INSERTs."""
    rows = [
        {
            "actor_id": actor.id if actor is not None else None,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "changes": {k: _plain(v) for k, v in changes.items()},
        }
        for entity_id, changes in changes_by_id
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(AuditEntry.__table__), rows[start : start + 1000])
    log.debug("audit: actor=%s action=%s %s x%d", actor.id if actor else None, action, entity_type, len(rows))
    return len(rows)
