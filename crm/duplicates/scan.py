"""The duplicate scan: compare only records that share a blocking key, never all pairs.

Keys are the normalised e-mail, the phone in E.164, the name key, each pair of a name's words
(a patronymic present or not) and their first letters (spelling variants). A key shared by
more than DUPLICATE_BLOCK_LIMIT records (a common name, an office address) is narrowed to
those that also share an organisation (contacts) or a country (organisations); what is still
too large is left out and counted. Found pairs replace the queue of their kind.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from flask import current_app
from sqlalchemy import delete, insert, select

from crm.audit.services import record
from crm.extensions import db
from crm.matching.keys import organisation_key, website_key
from crm.matching.scoring import (
    Match,
    OrganisationFacts,
    Person,
    name_blocking_keys,
    person_blocking_keys,
    score_organisations,
    score_people,
)
from crm.models import Affiliation, Contact, DuplicatePair, NotDuplicate, Organisation, User
from crm.models.base import utcnow
from crm.models.duplicate import CONTACT, ORGANISATION

log = logging.getLogger(__name__)
BATCH = 5000


@dataclass
class ScanResult:
    kind: str
    records: int
    compared: int
    pairs: int
    skipped_blocks: int
    seconds: float


def _pairs_from_blocks(
    blocks: dict[str, list[int]], refine: Callable[[int], Iterable[Hashable]], limit: int
) -> tuple[set[tuple[int, int]], int]:
    """Every pair inside a block; oversized blocks are split by `refine`, what stays too large is skipped."""
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for ids in blocks.values():
        if len(ids) < 2:
            continue
        groups: Iterable[list[int]] = [ids]
        if len(ids) > limit:
            narrowed: dict[Hashable, list[int]] = defaultdict(list)
            for record_id in ids:
                for part in refine(record_id):
                    narrowed[part].append(record_id)
            groups = [g for g in narrowed.values() if len(g) > 1]
            skipped += sum(1 for g in groups if len(g) > limit)
            groups = [g for g in groups if len(g) <= limit]
        for group in groups:
            pairs.update(combinations(sorted(group), 2))
    return pairs, skipped


def _dismissed(kind: str) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(NotDuplicate.first_id, NotDuplicate.second_id).where(NotDuplicate.kind == kind)
    )
    return {(a, b) for a, b in rows}


def _store(kind: str, found: list[tuple[int, int, Match]]) -> None:
    """Replace the queue of this kind with what the scan found (one bulk insert per batch)."""
    db.session.execute(delete(DuplicatePair).where(DuplicatePair.kind == kind))
    now = utcnow()
    rows = [
        {
            "kind": kind,
            "first_id": a,
            "second_id": b,
            "score": m.score,
            "reasons": ",".join(m.reasons),
            "found_at": now,
        }
        for a, b, m in found
    ]
    table = DuplicatePair.__table__  # Core, not the ORM's bulk path: a scan may store many rows
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def _score_all(
    kind: str, pairs: set[tuple[int, int]], score: Callable[[int, int], Match]
) -> list[tuple[int, int, Match]]:
    dismissed = _dismissed(kind)
    suggest = current_app.config["DUPLICATE_SUGGEST_SCORE"]
    found = []
    for a, b in pairs:
        if (a, b) in dismissed:
            continue
        match = score(a, b)
        if match.score >= suggest:
            found.append((a, b, match))
    return found


def _people() -> dict[int, Person]:
    organisations: dict[int, set[int]] = defaultdict(set)
    for contact_id, organisation_id in db.session.execute(
        select(Affiliation.contact_id, Affiliation.organisation_id)
    ):
        organisations[contact_id].add(organisation_id)
    rows = db.session.execute(
        select(
            Contact.id, Contact.name_key, Contact.email_normalized, Contact.phone_e164, Contact.country_code
        ).where(Contact.live())
    )
    return {
        id_: Person(id_, key or "", email or "", phone or "", country, frozenset(organisations.get(id_, ())))
        for id_, key, email, phone, country in rows
    }


def scan_contacts(*, actor: User | None) -> ScanResult:
    """Find likely duplicate pairs among all live contacts and put them in the review queue."""
    started = time.perf_counter()
    people = _people()
    blocks: dict[str, list[int]] = defaultdict(list)
    for person in people.values():
        for key in person_blocking_keys(person):
            blocks[key].append(person.id)  # type: ignore[arg-type]
    limit = current_app.config["DUPLICATE_BLOCK_LIMIT"]
    pairs, skipped = _pairs_from_blocks(blocks, lambda i: people[i].organisations, limit)
    found = _score_all(CONTACT, pairs, lambda a, b: score_people(people[a], people[b]))
    _store(CONTACT, found)
    return _finish(CONTACT, len(people), len(pairs), found, skipped, started, actor)


def _organisation_facts() -> dict[int, OrganisationFacts]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.website, Organisation.country_code).where(
            Organisation.live()
        )
    )
    return {
        id_: OrganisationFacts(id_, organisation_key(name), website_key(website or ""), country)
        for id_, name, website, country in rows
    }


def scan_organisations(*, actor: User | None) -> ScanResult:
    """Find likely duplicate pairs among all live organisations and put them in the review queue."""
    started = time.perf_counter()
    facts = _organisation_facts()
    blocks: dict[str, list[int]] = defaultdict(list)
    for fact in facts.values():
        keys = name_blocking_keys(fact.key) | ({"w:" + fact.website} if fact.website else set())
        for key in keys:
            blocks[key].append(fact.id)  # type: ignore[arg-type]
    limit = current_app.config["DUPLICATE_BLOCK_LIMIT"]
    pairs, skipped = _pairs_from_blocks(blocks, lambda i: [facts[i].country], limit)
    found = _score_all(ORGANISATION, pairs, lambda a, b: score_organisations(facts[a], facts[b]))
    _store(ORGANISATION, found)
    return _finish(ORGANISATION, len(facts), len(pairs), found, skipped, started, actor)


def _finish(kind: str, records: int, compared: int, found: list, skipped: int, started: float, actor: Any):
    result = ScanResult(kind, records, compared, len(found), skipped, round(time.perf_counter() - started, 2))
    record(actor, "scan", entity_type="duplicates", changes=vars(result))
    log.info("duplicate scan: actor=%s %s", getattr(actor, "id", None), result)
    return result


def scan_all(*, actor: User | None) -> list[ScanResult]:
    """Contacts, then organisations."""
    return [scan_contacts(actor=actor), scan_organisations(actor=actor)]
