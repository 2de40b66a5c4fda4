"""Likely existing contacts and organisations for one person or name (triage, forms, imports)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from crm.extensions import db
from crm.matching.keys import organisation_key, website_key
from crm.matching.phones import normalise_phone
from crm.matching.scoring import (
    Match,
    OrganisationFacts,
    Person,
    score_organisations,
    score_people,
)
from crm.models import Affiliation, Contact, Organisation
from crm.names import name_key

IDENTIFIER_LIMIT = 50  # contacts sharing an e-mail, phone or name key with the probe
NAME_RANGE_LIMIT = 300  # contacts whose name key starts like one of the probe's words
PREFIX = 4


def organisations_of(contact_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Each contact's organisations (current or past affiliations), in one query."""
    ids = list(contact_ids)
    found: dict[int, set[int]] = {}
    if ids:
        rows = db.session.execute(
            select(Affiliation.contact_id, Affiliation.organisation_id).where(Affiliation.contact_id.in_(ids))
        )
        for contact_id, organisation_id in rows:
            found.setdefault(contact_id, set()).add(organisation_id)
    return {contact_id: frozenset(orgs) for contact_id, orgs in found.items()}


def person_of(contact: Contact, organisations: frozenset[int] = frozenset()) -> Person:
    return Person(
        id=contact.id,
        name_key=contact.name_key,
        email=contact.email_normalized,
        phone=contact.phone_e164,
        country=contact.country_code,
        organisations=organisations,
    )


def _prefix_range(column: Any, word: str) -> Any:
    """The column starts with the word's first letters: an index range, not a LIKE scan."""
    start = word[:PREFIX]
    end = start[:-1] + chr(ord(start[-1]) + 1)
    return and_(column >= start, column < end)


def _candidates(probe: Person, exclude_id: int | None) -> list[Contact]:
    exact = [Contact.name_key == probe.name_key] if probe.name_key else []
    if probe.email:
        exact.append(Contact.email_normalized == probe.email)
    if probe.phone:
        exact.append(Contact.phone_e164 == probe.phone)
    live = [Contact.live()] + ([Contact.id != exclude_id] if exclude_id else [])
    found: dict[int, Contact] = {}
    if exact:
        query = select(Contact).where(or_(*exact), *live).order_by(Contact.id).limit(IDENTIFIER_LIMIT)
        found.update((c.id, c) for c in db.session.scalars(query))
    words = {w for w in probe.name_key.split() if len(w) > 1}
    if len(probe.name_key.split()) >= 2 and words:
        ranges = or_(*(_prefix_range(Contact.name_key, w) for w in sorted(words)))
        query = select(Contact).where(ranges, *live).order_by(Contact.id).limit(NAME_RANGE_LIMIT)
        found.update((c.id, c) for c in db.session.scalars(query))
    return list(found.values())


def similar_contacts(
    probe: Person, *, exclude_id: int | None = None, limit: int = 5
) -> list[tuple[Contact, Match]]:
    """Live contacts that may be the probe, best first, each with its score and reasons."""
    candidates = _candidates(probe, exclude_id)
    organisations = organisations_of(c.id for c in candidates) if probe.organisations else {}
    scored = []
    for contact in candidates:
        match = score_people(probe, person_of(contact, organisations.get(contact.id, frozenset())))
        if match.suggested:
            scored.append((contact, match))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].id))
    return scored[:limit]


def facts_of(organisation: Organisation) -> OrganisationFacts:
    return OrganisationFacts(
        id=organisation.id,
        key=organisation_key(organisation.name),
        website=website_key(organisation.website),
        country=organisation.country_code,
    )


def similar_organisations(
    name: str, *, website: str = "", country: str | None = None, exclude_id: int | None = None, limit: int = 5
) -> list[tuple[Organisation, Match]]:
    """Live organisations that may be this one: same or similar name (either script).

    Only names are looked up here (a shared website is scored, and found by the full scan).
    """
    probe = OrganisationFacts(None, organisation_key(name), website_key(website), country)
    key = name_key(name)
    conditions = [Organisation.name_key == key] if key else []
    words = [w for w in key.split() if len(w) > 2]
    conditions += [_prefix_range(Organisation.name_key, w) for w in words]
    if not conditions:
        return []
    live = [Organisation.live()] + ([Organisation.id != exclude_id] if exclude_id else [])
    query = (
        select(Organisation).where(or_(*conditions), *live).order_by(Organisation.id).limit(NAME_RANGE_LIMIT)
    )
    scored = []
    for organisation in db.session.scalars(query):
        match = score_organisations(probe, facts_of(organisation))
        if match.suggested:
            scored.append((organisation, match))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0].name))
    return scored[:limit]


@dataclass
class Probe:
    """A person as given on a form, an inquiry or an import row, before any record exists."""

    name: str
    email: str = ""
    phone: str = ""
    country: str | None = None
    organisations: frozenset[int] = frozenset()

    def person(self) -> Person:
        from crm.contacts.services import normalise_email  # that module uses this one

        return Person(
            id=None,
            name_key=name_key(" ".join((self.name or "").split())),
            email=normalise_email(self.email),
            phone=normalise_phone(self.phone, self.country),
            country=self.country or None,
            organisations=self.organisations,
        )
