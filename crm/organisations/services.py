"""Organisations: creating, editing, membership, and finding likely matches."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.audit.services import apply_changes, record
from crm.contacts.services import latin
from crm.extensions import db
from crm.models import Organisation, User
from crm.models.enums import MembershipStatus


class OrganisationError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


EDITABLE = ("name", "kind", "country_code", "website", "notes", "membership_status")


def _check_website(url: str) -> None:
    if url and not url.lower().startswith(("http://", "https://")):
        raise OrganisationError(_("A website address must start with http:// or https://."), "website")


def create_organisation(data: dict[str, Any], *, actor: User) -> Organisation:
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    name = (fields.get("name") or "").strip()
    if not name:
        raise OrganisationError(_("An organisation needs a name."), "name")
    fields["name"] = name
    _check_website(fields.get("website", ""))
    organisation = Organisation(**fields)
    organisation.name_latin = latin(name)
    organisation.owner_id = actor.id
    if organisation.membership_status not in (None, MembershipStatus.NONE):
        organisation.membership_since = date.today()
        if organisation.membership_status == MembershipStatus.MEMBER:
            organisation.member_since = date.today()
    db.session.add(organisation)
    db.session.flush()
    record(actor, "create", organisation, changes={"name": name})
    return organisation


def update_organisation(organisation: Organisation, data: dict[str, Any], *, actor: User) -> dict:
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise OrganisationError(_("An organisation needs a name."), "name")
    _check_website(fields.get("website", ""))
    old_status = organisation.membership_status
    changes = apply_changes(organisation, fields)
    organisation.name_latin = latin(organisation.name)
    if "membership_status" in changes:
        organisation.membership_since = date.today()
        if organisation.membership_status == MembershipStatus.MEMBER and old_status != MembershipStatus.MEMBER:
            organisation.member_since = date.today()
    if changes:
        record(actor, "update", organisation, changes=changes)
    return changes


def likely_organisations(name: str, limit: int = 5) -> list[Organisation]:
    """Organisations with the same name (any case, either script)."""
    name_clean = " ".join((name or "").split())
    if not name_clean:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(func.lower(Organisation.name_latin) == latin(name_clean).lower())
            .order_by(Organisation.name)
            .limit(limit)
        )
    )
