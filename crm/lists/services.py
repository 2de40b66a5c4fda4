"""Contact lists: static lists of people and smart lists (a saved /contacts filter re-evaluated on use)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, insert, select
from sqlalchemy.orm import joinedload

from crm.audit.services import apply_changes, record
from crm.collation import name_order
from crm.contacts.services import CONTACT_FILTERS, contact_filter_conditions, contact_list_query
from crm.countries.services import territory_name
from crm.errors import DomainError
from crm.extensions import db
from crm.models import Contact, ContactList, Country, Organisation, Tag, User, contact_list_members
from crm.models.base import utcnow
from crm.models.enums import StakeholderType
from crm.rows import rows
from crm.translations import gettext as _

STATIC, SMART = "static", "smart"
MAX_BATCH = 1000  # contacts added or removed in one request
CANDIDATES = 20


class ListError(DomainError):
    """A list rule was broken; the message is shown next to `field`."""


def clean_filters(filters: Mapping[str, Any]) -> dict[str, str]:
    """Only the /contacts filters, as short non-empty strings (what a smart list may save)."""
    clean = {}
    for name in CONTACT_FILTERS:
        value = str(filters.get(name) or "").strip()[:200]
        if value:
            clean[name] = value
    return clean


def _members(list_id: int) -> Select:
    return select(contact_list_members.c.contact_id).where(contact_list_members.c.list_id == list_id)


def list_condition(contact_list: ContactList) -> Any:
    """SQL condition for the list's contacts: its members, or its filter as /contacts applies it now."""
    if contact_list.is_smart:
        return contact_list_query(clean_filters(contact_list.filters or {})).whereclause
    return and_(Contact.live(), Contact.id.in_(_members(contact_list.id)))


def list_contacts_query(contact_list: ContactList) -> Select:
    """The list's contacts with what the contact list page shows loaded (unsorted)."""
    if contact_list.is_smart:
        return contact_list_query(clean_filters(contact_list.filters or {}))
    return contact_list_query({}).where(list_condition(contact_list))


# --- Changing lists --------------------------------------------------------------------------------


def _check_name(name: str, *, keep: ContactList | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ListError(_("A list needs a name."), "name")
    if len(name) > 200:
        raise ListError(_("Keep the name under 200 characters."), "name")
    taken = select(ContactList.id).where(func.lower(ContactList.name) == name.lower())
    if keep is not None:
        taken = taken.where(ContactList.id != keep.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise ListError(_("There is already a list called “%(name)s”.", name=name), "name")
    return name


def create_list(
    name: str,
    *,
    actor: User,
    description: str = "",
    kind: str = STATIC,
    filters: Mapping[str, Any] | None = None,
) -> ContactList:
    """A new static list, or a smart list saving the given /contacts filters."""
    if kind not in (STATIC, SMART):
        raise ListError(_("Unknown kind of list."), "name")
    saved = clean_filters(filters or {}) if kind == SMART else {}
    if kind == SMART and not saved:
        raise ListError(_("A smart list needs at least one filter: filter the contacts first."), "name")
    contact_list = ContactList(
        name=_check_name(name), kind=kind, description=(description or "").strip(), filters=saved
    )
    contact_list.owner_id = actor.id
    db.session.add(contact_list)
    db.session.flush()
    record(actor, "create", contact_list, changes={"name": contact_list.name, "kind": kind, "filters": saved})
    return contact_list


def rename_list(
    contact_list: ContactList, name: str, description: str, *, actor: User
) -> dict[str, list[Any]]:
    """Change the name or description; returns what changed."""
    changes = apply_changes(
        contact_list,
        {"name": _check_name(name, keep=contact_list), "description": (description or "").strip()},
    )
    if changes:
        record(actor, "update", contact_list, changes=changes)
    return changes


def delete_list(contact_list: ContactList, *, actor: User) -> None:
    """Delete the list (its people stay; only their membership goes)."""
    record(actor, "delete", contact_list, changes={"name": contact_list.name, "kind": contact_list.kind})
    # Set-based deletes: the ORM would load every member as a Contact just to unlink it.
    db.session.execute(delete(contact_list_members).where(contact_list_members.c.list_id == contact_list.id))
    db.session.execute(delete(ContactList).where(ContactList.id == contact_list.id))


def _static(contact_list: ContactList) -> None:
    if contact_list.is_smart:
        raise ListError(
            _("A smart list holds whoever matches its filter: add people to a static list instead.")
        )


def _ids(contact_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(i) for i in contact_ids})
    if len(ids) > MAX_BATCH:
        raise ListError(_("Select at most %(num)d people at a time.", num=MAX_BATCH), "ids")
    return ids


def add_members(contact_list: ContactList, contact_ids: Iterable[int], *, actor: User) -> int:
    """Add existing contacts to a static list; people already on it are skipped. Returns how many were added."""
    _static(contact_list)
    ids = _ids(contact_ids)
    if not ids:
        return 0
    wanted = select(Contact.id).where(
        Contact.id.in_(ids), Contact.live(), Contact.id.not_in(_members(contact_list.id))
    )
    new = list(db.session.scalars(wanted))
    if new:
        now = utcnow()
        db.session.execute(
            insert(contact_list_members),
            [{"list_id": contact_list.id, "contact_id": cid, "added_at": now} for cid in new],
        )
        record(actor, "add_members", contact_list, changes={"added": len(new), "contact_ids": new})
    return len(new)


def remove_members(contact_list: ContactList, contact_ids: Iterable[int], *, actor: User) -> int:
    """Take people off a static list (the contacts themselves stay). Returns how many were removed."""
    _static(contact_list)
    ids = _ids(contact_ids)
    if not ids:
        return 0
    on_list = list(
        db.session.scalars(_members(contact_list.id).where(contact_list_members.c.contact_id.in_(ids)))
    )
    if on_list:
        db.session.execute(
            delete(contact_list_members).where(
                contact_list_members.c.list_id == contact_list.id,
                contact_list_members.c.contact_id.in_(on_list),
            )
        )
        record(
            actor, "remove_members", contact_list, changes={"removed": len(on_list), "contact_ids": on_list}
        )
    return len(on_list)


def add_to_list(
    contact_ids: Iterable[int], *, actor: User, list_id: int | None = None, new_name: str = ""
) -> tuple[ContactList, int]:
    """The bulk action: add the selected people to a chosen static list, or to a new one by that name."""
    if list_id:
        contact_list = db.session.get(ContactList, list_id)
        if contact_list is None:
            raise ListError(_("That list no longer exists."), "list_id")
    elif (new_name or "").strip():
        contact_list = create_list(new_name, actor=actor)
    else:
        raise ListError(_("Choose a list, or name a new one."), "list_id")
    return contact_list, add_members(contact_list, contact_ids, actor=actor)


# --- Reading ---------------------------------------------------------------------------------------


@dataclass
class ListRow:
    contact_list: ContactList
    count: int


def _count(contact_list: ContactList):
    stmt = select(func.count()).select_from(Contact)
    condition = list_condition(contact_list)
    return (stmt if condition is None else stmt.where(condition)).scalar_subquery()


def list_overview() -> list[ListRow]:
    """Every list with how many people it holds now (two statements, however many lists)."""
    lists = list(
        db.session.scalars(
            select(ContactList).options(joinedload(ContactList.owner)).order_by(ContactList.name)
        )
    )
    if not lists:
        return []
    counts = db.session.execute(select(*(_count(each) for each in lists))).one()
    return [ListRow(each, int(count)) for each, count in zip(lists, counts, strict=True)]


def lists_for_contact(contact: Contact) -> list[ContactList]:
    """The static lists this person is on and the smart lists they match now (at most three statements)."""
    lists = list(db.session.scalars(select(ContactList).order_by(ContactList.name)))
    if not lists:
        return []
    member_of = set(
        db.session.scalars(
            select(contact_list_members.c.list_id).where(contact_list_members.c.contact_id == contact.id)
        )
    )
    smart = [each for each in lists if each.is_smart]
    matches: dict[int, bool] = {}
    if smart:
        tests = []
        for each in smart:
            condition = list_condition(each)
            found = select(Contact.id).where(Contact.id == contact.id)
            tests.append(exists(found if condition is None else found.where(condition)))
        matches = dict(
            zip([each.id for each in smart], db.session.execute(select(*tests)).one(), strict=True)
        )
    return [each for each in lists if each.id in member_of or matches.get(each.id)]


_STATIC_LISTS = (
    select(ContactList.id, ContactList.name).where(ContactList.kind == STATIC).order_by(ContactList.name)
)


def static_list_choices() -> list[tuple[str, str]]:
    return [(str(list_id), name) for list_id, name in rows(_STATIC_LISTS)]


def candidates(contact_list: ContactList, query: str) -> list[Contact]:
    """People matching a name or e-mail search who are not on the static list yet."""
    conditions = contact_filter_conditions({"q": query})
    if not conditions:
        return []
    stmt = (
        select(Contact)
        .where(*conditions, Contact.id.not_in(_members(contact_list.id)))
        .options(joinedload(Contact.country))
        .order_by(name_order(Contact.full_name, Contact.name_latin), Contact.id)
        .limit(CANDIDATES)
    )
    return list(db.session.scalars(stmt))


def _name_of(model: Any, value: str, attribute: str = "name") -> str:
    if model is Country:
        found = db.session.get(Country, value.upper())
        return territory_name(found.alpha2, found.name) if found is not None else value
    else:
        found = db.session.get(model, int(value)) if value.isdigit() and len(value) < 10 else None
    return getattr(found, attribute) if found is not None else value


def _region_name(code: str) -> str:
    name = db.session.scalar(select(Country.region).where(Country.region_code == code).limit(1))
    if name is None:
        name = db.session.scalar(select(Country.subregion).where(Country.subregion_code == code).limit(1))
    return territory_name(code, name or code)


def describe_filters(filters: Mapping[str, Any]) -> list[tuple[str, str]]:
    """[(label, value)] for showing a saved or current /contacts filter in words."""
    described: list[tuple[str, str]] = []
    for name, value in clean_filters(filters).items():
        if name == "q":
            described.append((_("Name or e-mail contains"), value))
        elif name == "country":
            described.append((_("Country"), _name_of(Country, value)))
        elif name == "region":
            described.append((_("Region"), _region_name(value)))
        elif name == "owner":
            described.append((_("Owner"), _name_of(User, value)))
        elif name == "stakeholder_type":
            label = StakeholderType(value).label if value in StakeholderType._value2member_map_ else value
            described.append((_("Stakeholder type"), str(label)))
        elif name == "tag":
            described.append((_("Tag"), _name_of(Tag, value)))
        elif name == "organisation":
            described.append((_("Organisation"), _name_of(Organisation, value)))
    return described
