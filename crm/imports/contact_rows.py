"""Rows that become contacts (files written by the contact export, or similar lists).

Columns are read as crm/contacts/columns.py defines them. Each contact's columns come from the
contact services (permitted_contact_values: the rules of add_contact), organisations are made
through create_organisation, with the same audit entries as on the contact form; the rows are
inserted together as multi-row INSERTs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, insert, select, text

from crm.audit.services import record_many
from crm.auth.permissions import can_reassign, can_view_sensitive
from crm.contacts.services import ContactError, normalise_email, permitted_contact_values
from crm.countries.services import resolve_country
from crm.errors import DomainError
from crm.extensions import db
from crm.imports.rows import (
    DUPLICATE,
    ERROR,
    EXISTING,
    MATCHED,
    KnownContacts,
    RowOutcome,
    SourceRow,
    chunks,
    sender_key,
)
from crm.imports.values import ValueProblem, check_email, parse_bool, split_list, too_long
from crm.matching.phones import normalise_phone
from crm.models import Affiliation, ConsentRecord, Contact, Organisation, Tag, User, contact_tags
from crm.models.base import utcnow
from crm.models.enums import StakeholderType
from crm.names import name_key
from crm.organisations.services import create_organisation
from crm.privacy.consent import MIRRORED
from crm.translations import gettext as _

TEXT_LIMITS = {"full_name": 300, "email": 254, "phone": 50, "languages": 200, "consent_method": 200}
BOOLEANS = ("consent_to_contact", "consent_to_share", "do_not_contact", "lived_experience")
SENSITIVE = ("lived_experience", "sensitive_notes")


class ContactImportError(DomainError):
    """A row could not be created; nothing of the import is kept."""


@dataclass
class Lookups:
    """Existing tags, organisations and users the file names, loaded once; new ones made on commit."""

    tags: dict[str, Tag] = field(default_factory=dict)  # casefolded name -> tag
    organisations: dict[str, Organisation] = field(default_factory=dict)  # name_key -> organisation
    users: dict[str, int] = field(default_factory=dict)  # lower-cased e-mail -> id
    new_tags: set[str] = field(default_factory=set)
    new_organisations: set[str] = field(default_factory=set)


@dataclass
class ContactCheck:
    outcomes: list[RowOutcome]
    lookups: Lookups
    notes: list[str]


def check_rows(rows: list[SourceRow], *, actor: User | None) -> ContactCheck:
    """Every row's outcome; contacts with an e-mail already in the CRM are left as they are."""
    may_sensitive = actor is not None and can_view_sensitive(actor)
    may_owner = actor is not None and can_reassign(actor)
    types = _stakeholder_types()
    outcomes = [_check(row, types) for row in rows]
    valid = [o for o in outcomes if o.outcome != ERROR]
    lookups = _load_lookups(valid)
    known = _known_contacts(valid)
    notes = _permission_notes(rows, may_sensitive, may_owner)
    first_row: dict[str, int] = {}
    for outcome in valid:
        values = outcome.values
        _drop_unpermitted(values, may_sensitive, may_owner, lookups, outcome)
        matches = known.matches(values["full_name"], values["email"], values["phone"], values["country_code"])
        key = sender_key(values["full_name"], values["email"])
        same_email = known.by_email.get(normalise_email(values["email"])) if values["email"] else None
        if same_email:
            outcome.outcome = EXISTING
            outcome.reasons.append(_("already in the CRM as %(name)s (same e-mail)", name=same_email[0][1]))
        elif key in first_row:
            outcome.outcome = DUPLICATE
            outcome.duplicate_of = first_row[key]
            outcome.reasons.append(_("same person as row %(row)s: one contact is made", row=first_row[key]))
        else:
            first_row[key] = outcome.row
            if matches:
                outcome.outcome = MATCHED
                values["matches"] = matches
    _note_new_records(valid, lookups, notes)
    return ContactCheck(outcomes, lookups, notes)


def _known_contacts(valid: list[RowOutcome]) -> KnownContacts:
    """Existing contacts sharing an e-mail, a phone or a name with a row (crm.matching scores them)."""
    return KnownContacts.load(
        {normalise_email(o.values["email"]) for o in valid},
        {name_key(o.values["full_name"]) for o in valid},
        {normalise_phone(o.values["phone"], o.values["country_code"]) for o in valid},
    )


def _stakeholder_types() -> dict[str, StakeholderType]:
    """Values, English labels and labels in the user's language, all accepted."""
    table = {member.value: member for member in StakeholderType}
    table.update({str(member.label).casefold(): member for member in StakeholderType})
    with force_locale("en"):
        table.update({str(member.label).casefold(): member for member in StakeholderType})
    return table


def _check(row: SourceRow, types: dict[str, StakeholderType]) -> RowOutcome:
    outcome = RowOutcome(row.row)
    name = row.text("full_name").strip() or " ".join(
        part for part in (row.text("first_name").strip(), row.text("last_name").strip()) if part
    )
    values: dict[str, Any] = {
        "full_name": name,
        "email": row.text("email").strip(),
        "phone": row.text("phone").strip(),
        "languages": row.text("languages").strip(),
        "consent_method": row.text("consent_method").strip(),
        "notes": row.text("notes"),
        "sensitive_notes": row.text("sensitive_notes"),
        "owner": row.text("owner").strip(),
    }
    name_column = row.header("full_name") or row.header("first_name") or _("Full name")
    if not name:
        outcome.problem(name_column, _("the name is empty"))
    for key, limit in TEXT_LIMITS.items():
        if problem := too_long(values[key], limit):
            outcome.problem(name_column if key == "full_name" else row.header(key), str(problem))
    try:
        values["email"] = check_email(values["email"])
    except ValueProblem as problem:
        outcome.problem(row.header("email"), str(problem))
    country = row.text("country").strip()
    values["country_code"] = resolve_country(country)
    if country and values["country_code"] is None:
        outcome.problem(row.header("country"), _("unknown country “%(text)s”", text=country))
    kind = row.text("stakeholder_type").strip()
    values["stakeholder_type"] = types.get(kind.casefold(), StakeholderType.OTHER)
    if kind and kind.casefold() not in types:
        outcome.problem(row.header("stakeholder_type"), _("unknown stakeholder type “%(text)s”", text=kind))
    for key in BOOLEANS:
        try:
            values[key] = parse_bool(row.text(key))
        except ValueProblem as problem:
            outcome.problem(row.header(key), str(problem))
    values["tags"] = _tags(row, outcome)
    values["organisations"] = _organisations(row, outcome)
    outcome.values = values
    return outcome


def _tags(row: SourceRow, outcome: RowOutcome) -> list[str]:
    names = list(dict.fromkeys(name for name in split_list(row.text("tags")) if name))
    for name in names:
        if problem := too_long(name, 80):
            outcome.problem(row.header("tags"), f"{name[:40]}…: {problem}")
    return names


def _organisations(row: SourceRow, outcome: RowOutcome) -> list[tuple[str, str]]:
    """(organisation, position) pairs: the n-th position belongs to the n-th organisation."""
    names = split_list(row.text("organisations"))
    positions = split_list(row.text("positions"))
    pairs = []
    for index, name in enumerate(names):
        if not name:
            continue
        position = positions[index] if index < len(positions) else ""
        if problem := too_long(name, 300) or too_long(position, 200):
            outcome.problem(row.header("organisations"), f"{name[:40]}: {problem}")
        if any(name_key(name) == name_key(other) for other, _position in pairs):
            outcome.problem(row.header("organisations"), _("“%(name)s” is listed twice", name=name))
        pairs.append((name, position))
    return pairs


def _load_lookups(valid: list[RowOutcome]) -> Lookups:
    lookups = Lookups()
    lookups.tags = {tag.name.casefold(): tag for tag in db.session.scalars(select(Tag))}
    keys = {name_key(name) for o in valid for name, _position in o.values["organisations"]}
    for part in chunks(sorted(keys)):
        for organisation in db.session.scalars(
            select(Organisation)
            .where(Organisation.name_key.in_(part), Organisation.live())
            .order_by(Organisation.name)
        ):
            lookups.organisations.setdefault(organisation.name_key, organisation)
    owners = sorted({o.values["owner"].lower() for o in valid} - {""})
    for part in chunks(owners):
        lookups.users.update(
            db.session.execute(select(User.email, User.id).where(User.email.in_(part))).all()
        )
    return lookups


def _permission_notes(rows: list[SourceRow], may_sensitive: bool, may_owner: bool) -> list[str]:
    notes = []
    if not may_sensitive and any(row.text(key).strip() for row in rows for key in SENSITIVE):
        notes.append(_("The sensitive columns are not imported: only a coordinator may set them."))
    if not may_owner and any(row.text("owner").strip() for row in rows):
        notes.append(_("The owner column is not imported: you will own the new contacts."))
    return notes


def _drop_unpermitted(
    values: dict[str, Any], may_sensitive: bool, may_owner: bool, lookups: Lookups, outcome: RowOutcome
) -> None:
    if not may_sensitive:
        values["lived_experience"], values["sensitive_notes"] = False, ""
    owner = values.pop("owner")
    values["owner_id"] = lookups.users.get(owner.lower()) if may_owner and owner else None
    if may_owner and owner and values["owner_id"] is None:
        outcome.reasons.append(_("no user %(email)s: you will own this contact", email=owner))


def _note_new_records(valid: list[RowOutcome], lookups: Lookups, notes: list[str]) -> None:
    creating = [o for o in valid if o.creates]
    lookups.new_tags = {
        name for o in creating for name in o.values["tags"] if name.casefold() not in lookups.tags
    }
    lookups.new_organisations = {
        name
        for o in creating
        for name, _position in o.values["organisations"]
        if name_key(name) not in lookups.organisations
    }
    if lookups.new_tags:
        notes.append(_("New tags will be made: %(names)s", names=", ".join(sorted(lookups.new_tags))))
    if lookups.new_organisations:
        names = ", ".join(sorted(lookups.new_organisations)[:20])
        more = len(lookups.new_organisations) - 20
        notes.append(
            _("New organisations will be made: %(names)s", names=names + (f" (+{more})" if more > 0 else ""))
        )


def create_contacts(check: ContactCheck, *, actor: User) -> list[int]:
    """Create each row's contact, its organisations (existing ones reused by name) and its tags.

    Each row's columns come from the contact services' own rules (permitted_contact_values, as
    add_contact); the rows then go in as multi-row INSERTs (ids read back in order), with their
    tags, affiliations and the same audit entries as the contact form writes, in a few statements
    whatever the number of rows. Returns the new contacts' ids.
    """
    may_sensitive, may_owner = can_view_sensitive(actor), can_reassign(actor)
    built: list[tuple[dict[str, Any], list[Tag], list[tuple[Organisation, str]]]] = []
    for outcome in check.outcomes:
        if not outcome.creates:
            continue
        try:
            built.append(_build(outcome.values, check.lookups, actor, may_sensitive, may_owner))
        except DomainError as exc:
            raise ContactImportError(_("Row %(row)s: %(error)s", row=outcome.row, error=str(exc))) from exc
    db.session.flush()  # new tags and organisations get their ids
    ids = _insert_contacts([values for values, _tags, _organisations in built])
    tagged = [
        {"contact_id": cid, "tag_id": tag.id}
        for cid, (_v, tags, _o) in zip(ids, built, strict=True)
        for tag in tags
    ]
    linked = [
        (cid, organisation, position)
        for cid, (_v, _t, links) in zip(ids, built, strict=True)
        for organisation, position in links
    ]
    for part in chunks(tagged, 1000):
        db.session.execute(insert(contact_tags), part)
    rows = [{"contact_id": cid, "organisation_id": o.id, "position": position} for cid, o, position in linked]
    for part in chunks(rows, 1000):
        db.session.execute(insert(Affiliation.__table__), part)
    consents = _consent_rows(ids, [values for values, _tags, _organisations in built], actor)
    for part in chunks(consents, 1000):
        db.session.execute(insert(ConsentRecord.__table__), part)
    record_many(
        actor,
        "create",
        "contact",
        ((cid, {"full_name": v["full_name"]}) for cid, (v, _t, _o) in zip(ids, built, strict=True)),
    )
    record_many(
        actor,
        "affiliate",
        "contact",
        ((cid, {"organisation": o.name, "position": position}) for cid, o, position in linked),
    )
    return ids


def _consent_rows(ids: list[int], rows: list[dict[str, Any]], actor: User) -> list[dict[str, Any]]:
    """The consent records add_contact writes (crm.privacy.consent), one per consent given in a row."""
    now = utcnow()
    return [
        {
            "contact_id": cid,
            "purpose": purpose,
            "given": True,
            "at": values.get("consent_recorded_at") or now,
            "method": values.get("consent_method") or "",
            "notice": "",
            "recorded_by_id": actor.id,
            "recorded_at": now,
        }
        for cid, values in zip(ids, rows, strict=True)
        for purpose, column in MIRRORED.items()
        if values.get(column)
    ]


def _build(
    values: dict[str, Any], lookups: Lookups, actor: User, may_sensitive: bool, may_owner: bool
) -> tuple[dict[str, Any], list[Tag], list[tuple[Organisation, str]]]:
    """A row's contact columns, tags and affiliations, not yet inserted (the rules of add_contact and
    add_affiliation: one current affiliation per organisation)."""
    tags = [_tag(name, lookups) for name in values["tags"]]
    links: list[tuple[Organisation, str]] = []
    for name, position in values["organisations"]:
        organisation = _organisation(name, lookups, actor)
        if any(linked is organisation for linked, _position in links):
            raise ContactError(
                _("This contact is already affiliated with that organisation."), "organisation"
            )
        links.append((organisation, position.strip()))
    data = {key: values[key] for key in values if key not in ("tags", "organisations", "matches")}
    columns = permitted_contact_values(
        data, actor=actor, may_set_sensitive=may_sensitive, may_set_owner=may_owner
    )
    return columns, tags, links


def _insert_contacts(rows: list[dict[str, Any]]) -> list[int]:
    """Multi-row INSERTs of the contacts with ids chosen first, so each row's id is known.

    (A RETURNING in the rows' order would make SQLAlchemy send one INSERT per row on SQLite.)
    On SQLite the batch's own INSERT earlier in this transaction holds the write lock, so no one
    else can take the ids after max(id); on PostgreSQL they are drawn from the sequence.
    """
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        draw = text("SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, :n)")
        ids = list(db.session.scalars(draw, {"n": len(rows)}))
    else:
        db.session.flush()
        last = db.session.scalar(select(func.coalesce(func.max(Contact.id), 0)))
        ids = list(range(last + 1, last + 1 + len(rows)))
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for contact_id, row in zip(ids, rows, strict=True):
        groups.setdefault(tuple(sorted(row)), []).append({**row, "id": contact_id})
    for group in groups.values():  # executemany needs the same keys in every row
        for part in chunks(group, 1000):
            db.session.execute(insert(Contact.__table__), part)
    return ids


def _tag(name: str, lookups: Lookups) -> Tag:
    tag = lookups.tags.get(name.casefold())
    if tag is None:
        tag = Tag(name=name)
        db.session.add(tag)
        lookups.tags[name.casefold()] = tag
    return tag


def _organisation(name: str, lookups: Lookups, actor: User) -> Organisation:
    organisation = lookups.organisations.get(name_key(name))
    if organisation is None:
        organisation = create_organisation({"name": name}, actor=actor)
        lookups.organisations[name_key(name)] = organisation
    return organisation
