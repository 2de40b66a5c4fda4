"""Contacts: creating, editing, affiliations, and finding likely matches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, or_, select, union
from sqlalchemy.orm import aliased, joinedload, selectinload

from crm.audit.services import apply_changes, record
from crm.countries.services import region_condition
from crm.errors import DomainError
from crm.extensions import db
from crm.items import inquiry_items, interaction_items, thread_items
from crm.listing import ByCountry, ByName
from crm.matching.candidates import Probe, similar_contacts
from crm.matching.phones import normalise_phone
from crm.models import (
    Affiliation,
    Contact,
    Country,
    Inquiry,
    Interaction,
    Organisation,
    Tag,
    Thread,
    User,
    contact_tags,
    interaction_contacts,
    thread_contacts,
)
from crm.models.base import today_utc, utcnow
from crm.models.enums import StakeholderType
from crm.names import latin, name_key
from crm.privacy.consent import MIRRORED, record_form_consent
from crm.rows import rows
from crm.search import substring
from crm.translations import gettext as _


class ContactError(DomainError):
    """A contact rule was broken; the message is shown next to `field`."""


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def derived_values(
    full_name: str, email: str | None, phone: str | None = "", country_code: str | None = None
) -> dict[str, str]:
    """The columns kept in step with the name, e-mail and phone, for sorting and matching."""
    return {
        "name_latin": latin(full_name),
        "name_key": name_key(full_name),
        "email_normalized": normalise_email(email),
        "phone_e164": normalise_phone(phone or "", country_code),
    }


def _sync_derived(contact: Contact) -> None:
    for key, value in derived_values(
        contact.full_name, contact.email, contact.phone, contact.country_code
    ).items():
        setattr(contact, key, value)


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


def contact_values(data: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """A new contact's columns from validated data (unknown keys ignored): the rules of create_contact.

    The importer inserts many such rows at once; create_contact makes one Contact of them.
    """
    fields = {k: v for k, v in data.items() if k in EDITABLE + SENSITIVE + ("owner_id",)}
    if not (fields.get("full_name") or "").strip():
        raise ContactError(_("A contact needs a name."), "full_name")
    fields["full_name"] = fields["full_name"].strip()
    fields["owner_id"] = fields.get("owner_id") or actor.id
    fields.update(
        derived_values(
            fields["full_name"], fields.get("email"), fields.get("phone"), fields.get("country_code")
        )
    )
    return fields


def create_contact(data: dict[str, Any], *, actor: User, tags: list[Tag] | None = None) -> Contact:
    """Create a contact from validated form data (unknown keys are ignored)."""
    contact = Contact(**contact_values(data, actor=actor))
    if tags is not None:
        contact.tags = tags
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
    fields = {k: v for k, v in data.items() if k in allowed}
    if "full_name" in fields:
        fields["full_name"] = (fields["full_name"] or "").strip()
        if not fields["full_name"]:
            raise ContactError(_("A contact needs a name."), "full_name")
    changes = apply_changes(contact, fields)
    if tags is not None and {t.id for t in tags} != {t.id for t in contact.tags}:
        changes["tags"] = [[t.name for t in contact.tags], [t.name for t in tags]]
        contact.tags = tags
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
        if existing.organisation_id == organisation.id and existing.is_current:
            raise ContactError(
                _("This contact is already affiliated with that organisation."), "organisation"
            )
    if start_on and end_on and end_on < start_on:
        raise ContactError(_("The end date is before the start date."), "end_on")
    affiliation = Affiliation(
        contact=contact,
        organisation=organisation,
        position=position.strip(),
        start_on=start_on,
        end_on=end_on,
    )
    db.session.add(affiliation)
    db.session.flush()
    record(actor, "affiliate", contact, changes={"organisation": organisation.name, "position": position})
    return affiliation


def remove_affiliation(affiliation: Affiliation, *, actor: User) -> None:
    record(actor, "unaffiliate", affiliation.contact, changes={"organisation": affiliation.organisation.name})
    db.session.delete(affiliation)


def likely_contacts(
    name: str,
    email: str,
    limit: int = 5,
    *,
    phone: str = "",
    country_code: str | None = None,
    organisation_ids: frozenset[int] = frozenset(),
    exclude_id: int | None = None,
) -> list[tuple[Contact, list[str]]]:
    """Live contacts that may be this person (crm.matching), best first, with the reasons why."""
    probe = Probe(name, email, phone, country_code, organisation_ids).person()
    found = similar_contacts(probe, exclude_id=exclude_id, limit=limit)
    return [(contact, match.labels) for contact, match in found]


# --- Creating and editing as a given actor (what the web forms call) ----------------------------


def _permitted(data: dict[str, Any], *, may_set_sensitive: bool, may_set_owner: bool) -> dict[str, Any]:
    """Drop the fields this actor may not set, whatever was posted."""
    blocked = set()
    if not may_set_sensitive:
        blocked.update(SENSITIVE)
    if not may_set_owner:
        blocked.add("owner_id")
    return {k: v for k, v in data.items() if k not in blocked}


def add_contact(
    data: dict[str, Any],
    *,
    actor: User,
    may_set_sensitive: bool,
    may_set_owner: bool,
    tags: list[Tag] | None = None,
    organisation: Organisation | None = None,
    position: str = "",
) -> Contact:
    """Create a contact with only the fields this actor may set, optionally affiliated to `organisation`."""
    contact = create_contact(
        _permitted(data, may_set_sensitive=may_set_sensitive, may_set_owner=may_set_owner),
        actor=actor,
        tags=tags,
    )
    given = {column: True for column in MIRRORED.values() if getattr(contact, column)}
    record_form_consent(contact, given, actor=actor, method=contact.consent_method)
    if organisation is not None:
        add_affiliation(contact, organisation, position or "", actor=actor)
    return contact


def permitted_contact_values(
    data: dict[str, Any], *, actor: User, may_set_sensitive: bool, may_set_owner: bool
) -> dict[str, Any]:
    """What add_contact creates (only the fields this actor may set, consent dated), as column values."""
    values = contact_values(
        _permitted(data, may_set_sensitive=may_set_sensitive, may_set_owner=may_set_owner), actor=actor
    )
    if values.get("consent_to_contact") or values.get("consent_to_share"):
        values["consent_recorded_at"] = utcnow()
    return values


def edit_contact(
    contact: Contact,
    data: dict[str, Any],
    *,
    actor: User,
    may_set_sensitive: bool,
    may_set_owner: bool,
    tags: list[Tag] | None = None,
) -> dict[str, list[Any]]:
    """update_contact, plus: a change to either consent becomes a consent record (crm.privacy.consent)."""
    changes = update_contact(
        contact,
        data,
        actor=actor,
        may_set_sensitive=may_set_sensitive,
        may_set_owner=may_set_owner,
        tags=tags,
    )
    record_form_consent(contact, changes, actor=actor, method=contact.consent_method)
    return changes


# --- Reading: the list and detail pages -----------------------------------------------------------

# Sort keys a list URL may ask for; anything else falls back to the default (see crm/listing.py).
CONTACT_SORTS: dict[str, Any] = {
    "name": ByName(Contact.full_name, Contact.name_latin),
    "country": ByCountry(Contact.country_code),
    "created": Contact.created_at,
    "updated": Contact.updated_at,
}
CONTACT_FILTERS = ("q", "country", "region", "owner", "stakeholder_type", "tag", "organisation")


def _as_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _text_condition(q: str):
    """Name as written, its Latin form, or e-mail contains `q`; a Cyrillic query also matches Latin names.

    Found in the substring index where it can (crm.search.substring: SQLite, three characters or
    more, case ignored in every script); else tested row by row, which PostgreSQL's trigram indexes
    serve and SQLite does by reading every contact (LIKE there ignores the case of Latin letters only).
    """
    q_latin = latin(q)
    q_latin = q_latin if q_latin and q_latin != q else None
    conditions = [
        Contact.full_name.icontains(q, autoescape=True),
        Contact.name_latin.icontains(q, autoescape=True),
        Contact.email_normalized.icontains(q.lower(), autoescape=True),
    ]
    if q_latin:
        conditions.append(Contact.name_latin.icontains(q_latin, autoescape=True))
    return substring.condition(substring.CONTACTS, Contact.id, or_(*conditions), q, q_latin)


def contact_filter_conditions(filters: Mapping[str, str]) -> list[Any]:
    """SQL conditions for the list filters; values that make no sense are ignored, never an error.

    Deleted and merged-away contacts never match: lists, smart lists and exports all start here.
    """
    conditions: list[Any] = [Contact.live()]
    if q := " ".join(filters.get("q", "").split()):
        conditions.append(_text_condition(q))
    if country := filters.get("country", "").upper():
        conditions.append(Contact.country_code == country)
    if region := filters.get("region", ""):
        conditions.append(region_condition(Contact.country_code, region))
    if (owner_id := _as_id(filters.get("owner"))) is not None:
        conditions.append(Contact.owner_id == owner_id)
    if (kind := filters.get("stakeholder_type", "")) in StakeholderType._value2member_map_:
        conditions.append(Contact.stakeholder_type == StakeholderType(kind))
    if (tag_id := _as_id(filters.get("tag"))) is not None:
        conditions.append(
            Contact.id.in_(select(contact_tags.c.contact_id).where(contact_tags.c.tag_id == tag_id))
        )
    if (organisation_id := _as_id(filters.get("organisation"))) is not None:
        conditions.append(
            Contact.id.in_(
                select(Affiliation.contact_id).where(Affiliation.organisation_id == organisation_id)
            )
        )
    return conditions


def contact_list_query(filters: Mapping[str, str]) -> Select:
    """Contacts matching the filters, with what the list shows loaded up front (unsorted)."""
    return (
        select(Contact)
        .where(*contact_filter_conditions(filters))
        .options(
            joinedload(Contact.country),
            joinedload(Contact.owner),
            selectinload(Contact.affiliations).joinedload(Affiliation.organisation),
        )
    )


def contact_list_rows(filters: Mapping[str, str]) -> Select:
    """The list page's rows: the columns a row shows, with the country's and owner's names (unsorted).

    Plain rows, not contacts: building 25 contacts with their countries and owners as objects cost
    more than all the SQL of the page. The names are looked up per row shown, not joined, so the
    page's total and its ids are counted and sorted over the contacts alone.
    """
    return select(
        Contact.id,
        Contact.full_name,
        Contact.name_latin,
        Contact.do_not_contact,
        Contact.country_code,
        select(Country.name)
        .where(Country.alpha2 == Contact.country_code)
        .scalar_subquery()
        .label("country_name"),
        Contact.stakeholder_type,
        select(User.name).where(User.id == Contact.owner_id).scalar_subquery().label("owner_name"),
        Contact.created_at,
        Contact.updated_at,
    ).where(*contact_filter_conditions(filters))


def current_organisations(contact_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(organisation name, position) of each contact's current affiliations, oldest first."""
    found: dict[int, list[tuple[str, str]]] = {}
    for contact_id, name, position in rows(
        _current_organisations(), {"contact_ids": contact_ids, "today": today_utc()}
    ):
        found.setdefault(contact_id, []).append((name, position))
    return found


@cache
def _current_organisations() -> Select:
    """current_organisations' statement, built once per process (ids and today are parameters)."""
    return (
        select(Affiliation.contact_id, Organisation.name, Affiliation.position)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(
            Affiliation.contact_id.in_(bindparam("contact_ids", expanding=True)),
            Affiliation.current_on(bindparam("today")),  # is_current
        )
        .order_by(Affiliation.id)
    )


TIMELINE_LIMIT = 50


@dataclass
class ContactDetail:
    """Everything the contact page shows besides the contact's own fields, as plain rows."""

    # id, position, start_on, end_on, is_current, organisation_id, organisation_name
    affiliations: list[Any] = field(default_factory=list)
    inquiries: list[Any] = field(default_factory=list)  # crm.items.inquiry_items
    threads: list[Any] = field(default_factory=list)  # crm.items.thread_items
    # id, occurred_at, kind, summary, author_name, thread_id, thread_title
    timeline: list[Any] = field(default_factory=list)
    tag_names: list[str] = field(default_factory=list)


def contact_detail(contact: Contact) -> ContactDetail:
    """Affiliations, inquiries, threads taken part in, and the newest interactions (a fixed number of queries)."""
    statements = _detail_statements()
    params = {"contact_id": contact.id, "today": today_utc()}
    affiliations, inquiries, threads, timeline, tags = (rows(each, params) for each in statements)
    return ContactDetail(
        affiliations=affiliations,
        inquiries=inquiries,
        threads=threads,
        timeline=timeline,
        tag_names=[name for (name,) in tags],
    )


@cache
def _detail_statements() -> tuple[Select, Select, Select, Select, Select]:
    """contact_detail's statements, built once per process (the contact and the day are parameters).

    Building them on every request cost more than running them; plain rows, not ORM objects,
    because loading those cost several times the SQL.
    """
    contact_id = bindparam("contact_id")
    affiliations = (
        select(
            Affiliation.id,
            Affiliation.position,
            Affiliation.start_on,
            Affiliation.end_on,
            Affiliation.current_on(bindparam("today")).label("is_current"),
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation_name"),
        )
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.contact_id == contact_id, Organisation.live())
        .order_by(Affiliation.end_on.is_not(None), Affiliation.start_on.desc(), Affiliation.id)
    )
    inquiries = (
        inquiry_items()
        .where(Inquiry.contact_id == contact_id)
        .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
    )
    thread_ids = select(thread_contacts.c.thread_id).where(thread_contacts.c.contact_id == contact_id)
    threads = (
        thread_items().where(Thread.id.in_(thread_ids)).order_by(Thread.opened_on.desc(), Thread.id.desc())
    )
    present_in = select(interaction_contacts.c.interaction_id).where(
        interaction_contacts.c.contact_id == contact_id
    )
    # The contact's interactions as one small id set first (a UNION, not an OR): with an OR,
    # PostgreSQL walks every interaction newest first looking for them (250 ms at 200,000).
    on_threads = aliased(Interaction, name="on_threads")
    mine = union(select(on_threads.id).where(on_threads.thread_id.in_(thread_ids)), present_in)
    timeline = (
        interaction_items()
        .add_columns(Thread.id.label("thread_id"), Thread.title.label("thread_title"))
        .join(Thread, Thread.id == Interaction.thread_id)
        .where(Interaction.id.in_(mine))
        .limit(TIMELINE_LIMIT)
    )
    tags = (
        select(Tag.name)
        .join(contact_tags, contact_tags.c.tag_id == Tag.id)
        .where(contact_tags.c.contact_id == contact_id)
        .order_by(Tag.name)
    )
    return affiliations, inquiries, threads, timeline, tags
