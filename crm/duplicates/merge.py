"""Merging two contacts or two organisations into one, keeping every link.

One transaction (the caller's): claim both records (so two merges of the same record cannot
both succeed), record both originals in full, apply the chosen values to the survivor, move
every link, mark the loser merged_into the survivor (it is kept, not deleted), write one audit
entry. Services never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, update

from crm.audit.services import record
from crm.duplicates.links import Moved, links_snapshot, move_links, record_snapshot
from crm.errors import DomainError
from crm.extensions import db
from crm.models import Contact, DuplicatePair, Organisation, User
from crm.models.duplicate import CONTACT, ORGANISATION
from crm.names import latin, name_key
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

log = logging.getLogger(__name__)

KEEP, TAKE, BOTH = "survivor", "loser", "both"

# Fields a person chooses on the merge page, with their labels; JOINABLE may also keep both texts.
CONTACT_FIELDS: dict[str, Any] = {
    "full_name": _l("Name"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "country_code": _l("Country"),
    "languages": _l("Languages"),
    "stakeholder_type": _l("Stakeholder type"),
    "owner_id": _l("Owner"),
    "do_not_contact": _l("Do not contact"),
    "notes": _l("Notes"),
}
CONTACT_SENSITIVE: dict[str, Any] = {
    "lived_experience": _l("Lived experience of statelessness"),
    "sensitive_notes": _l("Sensitive notes"),
}
ORGANISATION_FIELDS: dict[str, Any] = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "country_code": _l("Country"),
    "website": _l("Website"),
    "membership_status": _l("Network membership"),
    "owner_id": _l("Owner"),
    "notes": _l("Notes"),
}
JOINABLE = ("notes", "sensitive_notes")
# Consent is not chosen: both records' consent histories move to the survivor, and its current state
# is the newest record per purpose (crm.privacy.consent.sync_current_state).
# Chosen together with the field in front of them, so a record stays consistent with itself.
FOLLOWERS = {
    "membership_status": ("membership_since", "member_since"),
}


class MergeError(DomainError):
    """The merge was refused; nothing was changed."""


@dataclass
class MergeResult:
    survivor_id: int
    loser_id: int
    moved: Moved


def _joined(a: str, b: str) -> str:
    parts = [p for p in (a.strip(), b.strip()) if p]
    return "\n\n".join(dict.fromkeys(parts))


def default_choices(survivor: Any, loser: Any, fields: Mapping[str, Any]) -> dict[str, str]:
    """Keep the survivor's value, unless it is empty and the other record's is not."""
    return {
        name: TAKE
        if getattr(survivor, name) in (None, "") and getattr(loser, name) not in (None, "")
        else KEEP
        for name in fields
    }


def _apply(
    survivor: Any, loser: Any, choices: Mapping[str, str], fields: Mapping[str, Any]
) -> dict[str, str]:
    applied = {}
    for name in fields:
        choice = choices.get(name, KEEP)
        if choice == BOTH and name in JOINABLE:
            setattr(survivor, name, _joined(getattr(survivor, name) or "", getattr(loser, name) or ""))
        elif choice == TAKE:
            for attribute in (name, *FOLLOWERS.get(name, ())):
                setattr(survivor, attribute, getattr(loser, attribute))
        else:
            choice = KEEP
        applied[name] = choice
    return applied


# Whole sentences: the noun's article, and in Russian its gender, go with it.
_SAME_RECORD = {
    CONTACT: _l("A contact cannot be merged with itself: choose two different records."),
    ORGANISATION: _l("An organisation cannot be merged with itself: choose two different records."),
}


def check_mergeable(survivor: Any, loser: Any, kind: str) -> None:
    """Refuse (MergeError) a record with itself, or one already merged away or deleted."""
    if survivor.id == loser.id:
        raise MergeError(str(_SAME_RECORD[kind]))
    for item in (loser, survivor):
        if item.merged_into_id is not None:
            raise MergeError(
                _("#%(id)s has already been merged into #%(other)s.", id=item.id, other=item.merged_into_id)
            )
        if item.deleted_at is not None:
            raise MergeError(_("#%(id)s has been deleted.", id=item.id))


def _claim(model: Any, survivor: Any, loser: Any, versions: Mapping[int, int] | None) -> None:
    """Mark the loser merged and bump both versions, if nobody merged, deleted or edited them meanwhile.

    A conditional UPDATE is the lock: a second merge of the same loser waits for the first
    (PostgreSQL row lock, SQLite's single writer) and then finds no live row to claim. Rows are
    claimed in id order so two opposite merges cannot deadlock.
    """
    db.session.flush()
    for item in sorted((survivor, loser), key=lambda r: r.id):
        condition = [model.id == item.id, model.live()]
        if versions and item.id in versions:
            condition.append(model.version == versions[item.id])
        values: dict[str, Any] = {"version": model.version + 1}
        if item is loser:
            values["merged_into_id"] = survivor.id
        statement = (
            update(model).where(*condition).values(values).execution_options(synchronize_session=False)
        )
        if db.session.execute(statement).rowcount != 1:
            raise MergeError(
                _(
                    "#%(id)s was changed, merged or deleted by someone else meanwhile: reload and try again.",
                    id=item.id,
                )
            )
    db.session.refresh(survivor)
    db.session.refresh(loser)


def _merge(
    model: Any,
    kind: str,
    survivor: Any,
    loser: Any,
    choices: Mapping[str, str],
    fields: Mapping[str, Any],
    *,
    actor: User,
    versions: Mapping[int, int] | None,
) -> tuple[MergeResult, dict[str, Any]]:
    table = model.__table__
    originals = {
        str(item.id): {"fields": record_snapshot(table, item.id), "links": links_snapshot(table, item.id)}
        for item in (survivor, loser)
    }
    _claim(model, survivor, loser, versions)
    applied = _apply(survivor, loser, choices, fields)
    db.session.flush()
    moved = move_links(table, loser.id, survivor.id)
    db.session.execute(
        delete(DuplicatePair).where(
            DuplicatePair.kind == kind,
            or_(DuplicatePair.first_id == loser.id, DuplicatePair.second_id == loser.id),
        )
    )
    db.session.expire_all()  # links were moved by SQL: reload anything the session holds
    changes = {
        "survivor_id": survivor.id,
        "loser_id": loser.id,
        "originals": originals,
        "choices": applied,
        "moved": moved.moved,
        "dropped_as_duplicates": moved.dropped,
    }
    return MergeResult(survivor.id, loser.id, moved), changes


def merge_contacts(
    survivor: Contact,
    loser: Contact,
    choices: Mapping[str, str],
    *,
    actor: User,
    may_see_sensitive: bool,
    versions: Mapping[int, int] | None = None,
) -> MergeResult:
    """Merge `loser` into `survivor`: chosen values, every link, one audit entry; the loser is kept, merged away."""
    from crm.contacts.services import _sync_derived
    from crm.privacy.consent import sync_current_state

    check_mergeable(survivor, loser, CONTACT)
    fields = {**CONTACT_FIELDS, **(CONTACT_SENSITIVE if may_see_sensitive else {})}
    hidden = None if may_see_sensitive else (loser.lived_experience, loser.sensitive_notes)
    result, changes = _merge(
        Contact, CONTACT, survivor, loser, choices, fields, actor=actor, versions=versions
    )
    survivor = db.session.get(Contact, result.survivor_id)
    if hidden is not None:  # what this actor cannot see is kept from both, never dropped unseen
        survivor.lived_experience = survivor.lived_experience or hidden[0]
        survivor.sensitive_notes = _joined(survivor.sensitive_notes or "", hidden[1] or "")
    _sync_derived(survivor)
    sync_current_state(survivor)
    record(actor, "merge", survivor, changes=changes)
    log.info("merge: actor=%s contact %s into %s", actor.id, result.loser_id, result.survivor_id)
    return result


def merge_organisations(
    survivor: Organisation,
    loser: Organisation,
    choices: Mapping[str, str],
    *,
    actor: User,
    versions: Mapping[int, int] | None = None,
) -> MergeResult:
    """Merge `loser` into `survivor`: chosen values, every link, one audit entry; the loser is kept, merged away."""
    check_mergeable(survivor, loser, ORGANISATION)
    result, changes = _merge(
        Organisation,
        ORGANISATION,
        survivor,
        loser,
        choices,
        ORGANISATION_FIELDS,
        actor=actor,
        versions=versions,
    )
    survivor = db.session.get(Organisation, result.survivor_id)
    survivor.name_latin = latin(survivor.name)
    survivor.name_key = name_key(survivor.name)
    record(actor, "merge", survivor, changes=changes)
    log.info("merge: actor=%s organisation %s into %s", actor.id, result.loser_id, result.survivor_id)
    return result


def survivor_of(record_: Any, model: Any, hops: int = 10) -> Any:
    """The live record a merged-away one ended in (following merges of merges), or None."""
    current = record_
    while current is not None and current.merged_into_id is not None and hops:
        current = db.session.get(model, current.merged_into_id)
        hops -= 1
    return current if current is not None and current.merged_into_id is None else None
