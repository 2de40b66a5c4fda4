"""Who may do what: one place for every role rule.

Roles are ordered viewer < staff < coordinator < admin; each role can do
everything the roles below it can. Views use `role_required`; templates get
the same `can_*` predicates so a page hides what the server would refuse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g
from flask_login import current_user

from crm.models.enums import Role

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def has_role(user: Any, role: Role) -> bool:
    """True if the user is signed in, active, and at least `role`."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Role(user.role).rank >= role.rank


def can_view(user: Any) -> bool:
    return has_role(user, Role.VIEWER)


def can_edit(user: Any) -> bool:
    """Log inquiries, create and edit contacts, organisations, threads and interactions."""
    return has_role(user, Role.STAFF)


def can_reassign(user: Any) -> bool:
    """Change who owns a thread or contact, or who an inquiry is assigned to."""
    return has_role(user, Role.COORDINATOR)


def can_assign(user: Any, current_assignee_id: int | None, assignee_id: int | None) -> bool:
    """Staff may take an unassigned inquiry or give back their own; moving others' work needs a coordinator."""
    if can_reassign(user):
        return True
    if not can_edit(user):
        return False
    taking = current_assignee_id is None and assignee_id == user.id
    giving_back = current_assignee_id == user.id and assignee_id is None
    return taking or giving_back or current_assignee_id == assignee_id


def can_view_sensitive(user: Any) -> bool:
    """See special-category attributes such as lived experience of statelessness."""
    return has_role(user, Role.COORDINATOR)


def can_reveal_sensitive(user: Any) -> bool:
    """Unmask (and then change) a contact's sensitive attributes; each reveal is audited."""
    return can_view_sensitive(user)


def can_record_consent(user: Any) -> bool:
    """Record consent given or withdrawn: staff take these requests as they come in."""
    return can_edit(user)


def can_report_personal_data(user: Any) -> bool:
    """Download everything held about one person (a subject-access request); audited."""
    return has_role(user, Role.COORDINATOR)


def can_erase(user: Any) -> bool:
    """Anonymise a person for good (erasure request, retention): irreversible, so admins only."""
    return has_role(user, Role.ADMIN)


def can_view_pipelines(user: Any) -> bool:
    """The coordinator boards (inquiries by status, threads by stage, membership)."""
    return has_role(user, Role.COORDINATOR)


def configured_role(setting: str, default: Role) -> Role:
    """A least role read from config; an unknown value fails closed to admins only."""
    value = str(current_app.config.get(setting, default.value)).strip().lower()
    try:
        return Role(value)
    except ValueError:
        log.error("%s=%r is not a role; only admins may do it", setting, value)
        return Role.ADMIN


def can_export(user: Any) -> bool:
    """Download contacts, organisations, inquiries or threads as a file (EXPORT_ROLE, default coordinator)."""
    return has_role(user, configured_role("EXPORT_ROLE", Role.COORDINATOR))


def can_merge(user: Any) -> bool:
    """Review likely duplicates, mark pairs as not duplicates, merge two contacts or organisations."""
    return has_role(user, Role.STAFF)


def can_scan_duplicates(user: Any) -> bool:
    """Start a full duplicate scan from the review page (it reads every contact and organisation)."""
    return has_role(user, Role.COORDINATOR)


def can_manage_users(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def can_manage_reference_data(user: Any) -> bool:
    """Events, topics and tags."""
    return has_role(user, Role.ADMIN)


def can_delete_records(user: Any) -> bool:
    """Soft-delete a contact or organisation: it leaves every list and export, like a reassignment
    it is a decision about the shared data set, so coordinators (staff correct records by editing)."""
    return has_role(user, Role.COORDINATOR)


def can_restore_records(user: Any) -> bool:
    """See deleted contacts and organisations (their pages, /admin/deleted) and restore them."""
    return has_role(user, Role.ADMIN)


def role_required(role: Role) -> Callable[[F], F]:
    """Refuse the view with 403 unless the signed-in user has at least `role`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from crm.extensions import login_manager

                return login_manager.unauthorized()
            if not has_role(current_user, role):
                g.role_needed = role  # the 403 handler logs and audits the refusal with it
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


TEMPLATE_PREDICATES = {
    "can_edit": can_edit,
    "can_reassign": can_reassign,
    "can_assign": can_assign,
    "can_view_sensitive": can_view_sensitive,
    "can_export": can_export,
    "can_view_pipelines": can_view_pipelines,
    "can_reveal_sensitive": can_reveal_sensitive,
    "can_record_consent": can_record_consent,
    "can_report_personal_data": can_report_personal_data,
    "can_erase": can_erase,
    "can_manage_users": can_manage_users,
    "can_merge": can_merge,
    "can_scan_duplicates": can_scan_duplicates,
    "can_manage_reference_data": can_manage_reference_data,
    "can_delete_records": can_delete_records,
    "can_restore_records": can_restore_records,
}
