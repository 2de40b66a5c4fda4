"""Who may export: the role configured in EXPORT_ROLE, and coordinators for sensitive data."""

from __future__ import annotations

from typing import Any

from crm.auth.permissions import can_export, configured_role, has_role
from crm.models.enums import Role


def export_role() -> Role:
    """The configured least role for exports."""
    return configured_role("EXPORT_ROLE", Role.COORDINATOR)


may_export = can_export  # the one rule, from crm.auth.permissions


def may_include_sensitive(user: Any) -> bool:
    """Tick 'include sensitive attributes' (lived experience, sensitive notes): coordinators and admins."""
    return may_export(user) and has_role(user, Role.COORDINATOR)


def may_include_everyone(user: Any) -> bool:
    """A full-record export that keeps do-not-contact and unconsented people: coordinators and admins."""
    return may_export(user) and has_role(user, Role.COORDINATOR)
