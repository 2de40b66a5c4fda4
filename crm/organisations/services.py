"""Organisations: creating, editing, membership, and finding likely matches."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload

from crm.audit.services import apply_changes, record
from crm.countries.services import region_condition
from crm.errors import DomainError
from crm.extensions import db
from crm.items import inquiry_items, thread_items
from crm.listing import ByCountry, ByName
from crm.models import (
    Affiliation,
    Contact,
    Inquiry,
    Organisation,
    Thread,
    User,
    thread_organisations,
)
from crm.models.base import today_utc
from crm.models.enums import MembershipStatus, OrganisationKind
from crm.names import latin, name_key
from crm.rows import rows
from crm.search import substring
from crm.translations import gettext as _


class OrganisationError(DomainError):
    """A rule was broken; the message is shown next to `field`."""

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
    organisation.name_key = name_key(name)
    organisation.owner_id = actor.id
    if organisation.membership_status not in (None, MembershipStatus.NONE):
        organisation.membership_since = today_utc()
        if organisation.membership_status == MembershipStatus.MEMBER:
            organisation.member_since = today_utc()
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
    organisation.name_key = name_key(organisation.name)
    if "membership_status" in changes:
        organisation.membership_since = today_utc()
        if (
            organisation.membership_status == MembershipStatus.MEMBER
            and old_status != MembershipStatus.MEMBER
        ):
            organisation.member_since = today_utc()
    if changes:
        record(actor, "update", organisation, changes=changes)
    return changes


def likely_organisations(name: str, limit: int = 5, *, country_code: str | None = None) -> list[Organisation]:
    """Live organisations that may be this one: same or similar name (any case, either script)."""
    from crm.matching.candidates import similar_organisations

    if not " ".join((name or "").split()):
        return []
    return [org for org, _match in similar_organisations(name, country=country_code, limit=limit)]


# --- Creating and editing as a given actor (what the web forms call) ----------------------------


def _set_owner(organisation: Organisation, owner_id: int | None, *, actor: User) -> None:
    if owner_id is not None and owner_id != organisation.owner_id:
        old = organisation.owner_id
        organisation.owner_id = owner_id
        record(actor, "reassign", organisation, changes={"owner_id": [old, owner_id]})


def reassign_organisation(organisation: Organisation, owner: User, *, actor: User) -> None:
    """Hand the organisation (and its membership follow-up) to another owner."""
    _set_owner(organisation, owner.id, actor=actor)


def add_organisation(data: dict[str, Any], *, actor: User, may_set_owner: bool) -> Organisation:
    """create_organisation, then hand it to another owner if the actor may and asked to."""
    organisation = create_organisation(data, actor=actor)
    if may_set_owner:
        _set_owner(organisation, data.get("owner_id"), actor=actor)
    return organisation


def edit_organisation(
    organisation: Organisation, data: dict[str, Any], *, actor: User, may_set_owner: bool
) -> dict:
    """update_organisation, plus a change of owner when the actor may reassign."""
    changes = update_organisation(organisation, data, actor=actor)
    if may_set_owner:
        _set_owner(organisation, data.get("owner_id"), actor=actor)
    return changes


def website_link(organisation: Organisation) -> str | None:
    """The website as a link target, only for http(s) addresses (anything else is shown as text)."""
    url = (organisation.website or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


# --- Choosing one organisation in a form: type to search, never a list of all of them ------------

LOOKUP_LIMIT = 20
_PICKED = re.compile(r"\(#(\d{1,9})\)\s*$")


def organisation_label(organisation_id: int, name: str) -> str:
    """What a form field shows for a chosen organisation; `resolve_organisation` reads it back."""
    return f"{name} (#{organisation_id})"


def lookup_organisations(text: str, limit: int = LOOKUP_LIMIT) -> list[dict[str, str]]:
    """Live organisations whose name contains every word typed (either script), at most `limit`."""
    words = name_key(text).split()
    if not words or len(text.strip()) < 2:
        return []
    stmt = (
        select(Organisation.id, Organisation.name, Organisation.country_code)
        .where(
            Organisation.live(), *(Organisation.name_key.contains(word, autoescape=True) for word in words)
        )
        .order_by(Organisation.name_latin, Organisation.id)
        .limit(limit)
    )
    return [
        {"value": organisation_label(oid, name), "label": country or ""}
        for oid, name, country in db.session.execute(stmt)
    ]


def resolve_organisation(text: str) -> Organisation | None:
    """The organisation a form field names: a picked "Name (#id)", else the one live organisation
    of that name (any case or script, by its matching key). None when empty; OrganisationError
    when unknown or ambiguous."""
    text = (text or "").strip()
    if not text:
        return None
    picked = _PICKED.search(text)
    if picked:
        organisation = db.session.get(Organisation, int(picked.group(1)))
        if organisation is not None and organisation.is_live:
            return organisation
    else:
        found = list(
            db.session.scalars(
                select(Organisation)
                .where(
                    Organisation.live(),
                    or_(Organisation.name == text, Organisation.name_key == name_key(text)),
                )
                .limit(2)
            )
        )
        if len(found) == 1:
            return found[0]
        if found:
            raise OrganisationError(
                _("Several organisations are called “%(name)s”: pick one from the list.", name=text)
            )
    raise OrganisationError(
        _("No organisation “%(name)s”. Type part of its name and pick it from the list.", name=text)
    )


# --- Reading: the list and detail pages -----------------------------------------------------------

_MEMBERSHIP_ORDER = case(
    {status.value: position for position, status in enumerate(MembershipStatus)},
    value=Organisation.membership_status,
)
ORGANISATION_SORTS: dict[str, Any] = {
    "name": ByName(Organisation.name, Organisation.name_latin),
    "country": ByCountry(Organisation.country_code),
    "kind": Organisation.kind,
    "membership": _MEMBERSHIP_ORDER,  # pipeline order, not alphabetical
    "created": Organisation.created_at,
}
ORGANISATION_FILTERS = ("q", "country", "region", "kind", "membership", "owner")


def organisation_filter_conditions(filters: Mapping[str, str]) -> list[Any]:
    """SQL conditions for the list filters; values that make no sense are ignored (deleted or merged never match)."""
    conditions: list[Any] = [Organisation.live()]
    if q := " ".join(filters.get("q", "").split()):
        # Found in the substring index where it can (crm.search.substring), else tested row by row.
        text = [
            Organisation.name.icontains(q, autoescape=True),
            Organisation.name_latin.icontains(q, autoescape=True),
        ]
        q_latin = latin(q)
        q_latin = q_latin if q_latin and q_latin != q else None
        if q_latin:
            text.append(Organisation.name_latin.icontains(q_latin, autoescape=True))
        conditions.append(
            substring.condition(substring.ORGANISATIONS, Organisation.id, or_(*text), q, q_latin)
        )
    if country := filters.get("country", "").upper():
        conditions.append(Organisation.country_code == country)
    if region := filters.get("region", ""):
        conditions.append(region_condition(Organisation.country_code, region))
    if (kind := filters.get("kind", "")) in OrganisationKind._value2member_map_:
        conditions.append(Organisation.kind == OrganisationKind(kind))
    if (status := filters.get("membership", "")) in MembershipStatus._value2member_map_:
        conditions.append(Organisation.membership_status == MembershipStatus(status))
    owner = filters.get("owner", "")
    if owner.isdigit() and len(owner) < 10:
        conditions.append(Organisation.owner_id == int(owner))
    return conditions


def organisation_list_query(filters: Mapping[str, str]) -> Select:
    """Organisations matching the filters, with country and owner loaded (unsorted)."""
    return (
        select(Organisation)
        .where(*organisation_filter_conditions(filters))
        .options(joinedload(Organisation.country), joinedload(Organisation.owner))
    )


def _current_affiliation():
    return Affiliation.current_on(today_utc())


def people_counts(organisation_ids: list[int]) -> dict[int, int]:
    """How many people are currently affiliated with each organisation (one grouped query)."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(Affiliation.organisation_id, func.count(func.distinct(Affiliation.contact_id)))
        .join(Contact, Contact.id == Affiliation.contact_id)
        .where(Affiliation.organisation_id.in_(organisation_ids), _current_affiliation(), Contact.live())
        .group_by(Affiliation.organisation_id)
    )
    return {organisation_id: count for organisation_id, count in rows}


LINKED_LIMIT = 50


@dataclass
class OrganisationDetail:
    """Everything the organisation page shows besides its own fields, as plain rows."""

    # contact_id, contact_name, do_not_contact, position, start_on, end_on, is_current
    current_people: list[Any] = field(default_factory=list)
    past_people: list[Any] = field(default_factory=list)
    threads: list[Any] = field(default_factory=list)  # crm.items.thread_items
    inquiries: list[Any] = field(default_factory=list)  # crm.items.inquiry_items


def organisation_detail(organisation: Organisation) -> OrganisationDetail:
    """People (current and past), threads concerning it, and inquiries from its people."""
    people_stmt, threads_stmt, inquiries_stmt = _detail_statements()
    params = {"organisation_id": organisation.id, "today": today_utc()}
    people = rows(people_stmt, params)
    return OrganisationDetail(
        current_people=[a for a in people if a.is_current],
        past_people=[a for a in people if not a.is_current],
        threads=rows(threads_stmt, params),
        inquiries=rows(inquiries_stmt, params),
    )


@cache
def _detail_statements() -> tuple[Select, Select, Select]:
    """organisation_detail's statements, built once per process (the organisation and day are parameters)."""
    organisation_id = bindparam("organisation_id")
    people = (
        select(
            Contact.id.label("contact_id"),
            Contact.full_name.label("contact_name"),
            Contact.do_not_contact,
            Affiliation.position,
            Affiliation.start_on,
            Affiliation.end_on,
            Affiliation.current_on(bindparam("today")).label("is_current"),
        )
        .join(Contact, Contact.id == Affiliation.contact_id)
        .where(Affiliation.organisation_id == organisation_id, Contact.live())
        .order_by(Affiliation.start_on.desc(), Affiliation.id)
    )
    threads = (
        thread_items()
        .join(thread_organisations, thread_organisations.c.thread_id == Thread.id)
        .where(thread_organisations.c.organisation_id == organisation_id)
        .order_by(Thread.opened_on.desc(), Thread.id.desc())
    )
    their_contacts = (
        select(Affiliation.contact_id)
        .join(Contact, Contact.id == Affiliation.contact_id)
        .where(Affiliation.organisation_id == organisation_id, Contact.live())
    )
    inquiries = (
        inquiry_items()
        .where(Inquiry.contact_id.in_(their_contacts))
        .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
        .limit(LINKED_LIMIT)
    )
    return people, threads, inquiries
