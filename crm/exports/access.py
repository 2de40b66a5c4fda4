"""Who may export: the role configured in EXPORT_ROLE, and coordinators for sensitive data."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from crm.auth.permissions import has_role
from crm.models.enums import Role

log = logging.getLogger(__name__)


def export_role() -> Role:
    """The configured least role for exports; an unknown value locks exports to admins (fail closed)."""
    value = str(current_app.config.get("EXPORT_ROLE", Role.COORDINATOR.value)).strip().lower()
    try:
        return Role(value)
    except ValueError:
        log.error("EXPORT_ROLE=%r is not a role; only admins may export", value)
        return Role.ADMIN


def may_export(user: Any) -> bool:
    """Download contacts, organisations, inquiries or threads as a file."""
    return has_role(user, export_role())


def may_include_sensitive(user: Any) -> bool:
    """Tick 'include sensitive attributes' (lived experience, sensitive notes): coordinators and admins."""
    return may_export(user) and has_role(user, Role.COORDINATOR)


def may_include_everyone(user: Any) -> bool:
    """A full-record export that keeps do-not-contact and unconsented people: coordinators and admins."""
    return may_export(user) and has_role(user, Role.COORDINATOR)
