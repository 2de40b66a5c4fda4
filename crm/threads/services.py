"""Threads: opening, stages, next actions, interactions and first-response time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from crm.audit.services import apply_changes, record
from crm.countries.services import region_condition
from crm.errors import DomainError
from crm.extensions import db
from crm.items import interaction_items
from crm.listing import ByName, EmptyLast, contains
from crm.models import (
    Contact,
    Country,
    Inquiry,
    Interaction,
    Organisation,
    Thread,
    User,
    interaction_contacts,
    thread_contacts,
    thread_countries,
    thread_organisations,
)
from crm.models.base import as_utc, today_utc, utcnow
from crm.models.enums import CLOSED_STAGES, STAGES_BY_KIND, InteractionKind, ThreadKind, ThreadStage
from crm.rows import rows
from crm.search import substring
from crm.translations import gettext as _


class ThreadError(DomainError):
    """A thread rule was broken; the message is shown next to `field`."""


class StageNotAllowed(ThreadError):
    """The stage does not belong to this kind of thread."""


# Notes are internal, and material they send us is not our answer: neither counts as a response.
RESPONSE_KINDS = frozenset(InteractionKind) - {InteractionKind.NOTE, InteractionKind.MATERIAL_RECEIVED}


def stages_for(kind: ThreadKind) -> tuple[ThreadStage, ...]:
    return STAGES_BY_KIND[ThreadKind(kind)]


@dataclass
class ThreadOrigin:
    """Where a new thread starts from: a contact's page, an organisation's, or a converted inquiry."""

    contact: Contact | None = None
    organisation: Organisation | None = None
    inquiry: Inquiry | None = None

    @classmethod
    def load(cls, *, contact_id: int = 0, organisation_id: int = 0, inquiry_id: int = 0) -> ThreadOrigin:
        inquiry = db.session.get(Inquiry, inquiry_id) if inquiry_id else None
        contact = db.session.get(Contact, contact_id) if contact_id else None
        if inquiry is not None and contact is None:
            contact = inquiry.contact
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        # A thread is never opened with a deleted or merged-away record.
        contact = contact if contact is not None and contact.is_live else None
        organisation = organisation if organisation is not None and organisation.is_live else None
        return cls(contact=contact, organisation=organisation, inquiry=inquiry)

    def links(self) -> dict[str, Any]:
        """Keyword arguments for open_thread."""
        country = (self.inquiry.country if self.inquiry else None) or (
            self.contact.country if self.contact else None
        )
        return {
            "contacts": [self.contact] if self.contact else [],
            "organisations": [self.organisation] if self.organisation else [],
            "countries": [country] if country else [],
            "origin_inquiry": self.inquiry,
        }


def open_thread(
    kind: ThreadKind,
    title: str,
    *,
    actor: User,
    owner: User | None = None,
    origin_inquiry: Any = None,
    contacts: list[Contact] | None = None,
    organisations: list[Organisation] | None = None,
    countries: list[Country] | None = None,
    next_action: str = "",
    next_action_due: date | None = None,
) -> Thread:
    """Open a thread at the first stage of its kind."""
    title = (title or "").strip()
    if not title:
        raise ThreadError(_("A thread needs a title."), "title")
    if next_action_due and not next_action.strip():
        raise ThreadError(_("Say what the next action is, not only when."), "next_action")
    thread = Thread(
        kind=ThreadKind(kind),
        title=title,
        stage=stages_for(kind)[0],
        stage_changed_at=utcnow(),
        owner=owner or actor,
        origin_inquiry=origin_inquiry,
        contacts=list(contacts or []),
        organisations=list(organisations or []),
        countries=list(countries or []),
        next_action=next_action.strip(),
        next_action_due=next_action_due,
        opened_on=today_utc(),
    )
    db.session.add(thread)
    db.session.flush()
    record(actor, "create", thread, changes={"kind": thread.kind, "title": title})
    return thread


def change_stage(
    thread: Thread, stage: ThreadStage | str, *, actor: User, outcome: str | None = None
) -> None:
    """Move a thread to another stage of its kind; closing stages set the closed date."""
    try:
        stage = ThreadStage(stage)
    except ValueError:
        raise StageNotAllowed(_("Unknown stage."), "stage") from None
    if stage not in stages_for(thread.kind):
        raise StageNotAllowed(
            _("A %(kind)s thread has no stage “%(stage)s”.", kind=thread.kind.label, stage=stage.label),
            "stage",
        )
    if stage == thread.stage:
        if outcome is not None and outcome.strip() != thread.outcome:
            record(actor, "update", thread, changes={"outcome": [thread.outcome, outcome.strip()]})
            thread.outcome = outcome.strip()
        return
    old = thread.stage
    thread.stage = stage
    thread.stage_changed_at = utcnow()
    if stage.is_closed:
        thread.closed_on = today_utc()
    else:
        thread.closed_on = None
    if outcome is not None:
        thread.outcome = outcome.strip()
    record(actor, "stage", thread, changes={"stage": [old, stage]})


def set_next_action(thread: Thread, next_action: str, due: date | None, *, actor: User) -> None:
    next_action = (next_action or "").strip()
    if due and not next_action:
        raise ThreadError(_("Say what the next action is, not only when."), "next_action")
    changes = apply_changes(thread, {"next_action": next_action, "next_action_due": due})
    if changes:
        record(actor, "update", thread, changes=changes)


def update_thread(thread: Thread, data: dict[str, Any], *, actor: User) -> dict:
    fields = {k: v for k, v in data.items() if k in ("title", "outcome")}
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise ThreadError(_("A thread needs a title."), "title")
    changes = apply_changes(thread, fields)
    if changes:
        record(actor, "update", thread, changes=changes)
    return changes


def reassign_thread(thread: Thread, owner: User, *, actor: User) -> None:
    if thread.owner_id != owner.id:
        record(
            actor,
            "reassign",
            thread,
            changes={"owner": [thread.owner.email if thread.owner else None, owner.email]},
        )
        thread.owner = owner


def add_interaction(
    thread: Thread,
    kind: InteractionKind | str,
    summary: str,
    *,
    actor: User,
    occurred_at: datetime | None = None,
    contacts: list[Contact] | None = None,
    next_action: str | None = None,
    next_action_due: date | None = None,
) -> Interaction:
    """Record an interaction; the first real one answers the origin inquiry.

    A given `next_action` (even empty) replaces the thread's next action. Without one,
    real contact (anything but a note) settles the pending next action: the reminder
    resets when someone actually got in touch, rather than nagging; a note leaves it be.
    """
    summary = (summary or "").strip()
    if not summary:
        raise ThreadError(_("Write a short summary of what happened."), "summary")
    now = utcnow()
    occurred_at = as_utc(occurred_at) or now
    if occurred_at > now + timedelta(minutes=5):
        raise ThreadError(_("An interaction cannot be in the future."), "occurred_at")
    inquiry = thread.origin_inquiry
    if inquiry is not None and occurred_at < as_utc(inquiry.received_at):
        raise ThreadError(_("This thread's inquiry arrived after that date."), "occurred_at")
    interaction = Interaction(
        thread=thread,
        kind=InteractionKind(kind),
        summary=summary,
        occurred_at=occurred_at,
        author=actor,
        contacts=list(contacts or []),
    )
    db.session.add(interaction)
    last = as_utc(thread.last_interaction_at)
    if last is None or occurred_at > last:
        thread.last_interaction_at = occurred_at
    if inquiry is not None and interaction.kind in RESPONSE_KINDS:
        from crm.inquiries.services import record_first_response  # inquiries open threads, too

        record_first_response(inquiry, occurred_at, actor=actor)
    if next_action is not None:
        set_next_action(thread, next_action, next_action_due, actor=actor)
    elif next_action_due is not None:  # a new date for the same action: postponed, not done
        set_next_action(thread, thread.next_action, next_action_due, actor=actor)
    elif interaction.kind != InteractionKind.NOTE and thread.next_action:
        set_next_action(thread, "", None, actor=actor)
    db.session.flush()
    record(actor, "interaction", thread, changes={"kind": interaction.kind, "interaction_id": interaction.id})
    return interaction


# --- What is slipping: shared by lists, boards, the home page, reminders and reports ---------


def overdue_condition(today: date, *, open_known: bool = False):
    """SQL: an open thread whose next action's due date has passed.

    open_known: the query keeps only open threads already, so the stage is not tested again.
    """
    past_due = Thread.next_action_due < today
    return past_due if open_known else past_due & Thread.stage.not_in(CLOSED_STAGES)


def stale_condition(now: datetime, stale_days: int, *, open_known: bool = False):
    """SQL: an open thread with no interaction for `stale_days` (or none since it opened that long ago).

    open_known: as for overdue_condition.
    """
    cutoff = now - timedelta(days=stale_days)
    quiet = Thread.last_interaction_at < cutoff
    never = Thread.last_interaction_at.is_(None) & (Thread.opened_on < cutoff.date())
    return (quiet | never) if open_known else (quiet | never) & Thread.stage.not_in(CLOSED_STAGES)


class ThreadTiming(Protocol):
    """What the overdue and stale rules read: a Thread, or a row of these columns (the boards)."""

    stage: ThreadStage
    next_action_due: date | None
    last_interaction_at: datetime | None
    opened_on: date


def is_overdue(thread: ThreadTiming, today: date) -> bool:
    return bool(thread.next_action_due and thread.next_action_due < today and not thread.stage.is_closed)


def is_stale(thread: ThreadTiming, now: datetime, stale_days: int) -> bool:
    if thread.stage.is_closed:
        return False
    cutoff = now - timedelta(days=stale_days)
    last = as_utc(thread.last_interaction_at)
    return last < cutoff if last is not None else thread.opened_on < cutoff.date()


# --- Queries for the list and detail pages -------------------------------------------------

THREAD_FILTERS = ("q", "kind", "stage", "owner", "country", "region", "event", "overdue", "open")


def thread_sorts() -> dict[str, Any]:
    return {
        "updated": Thread.updated_at,
        "due": EmptyLast(Thread.next_action_due),  # as the boards: threads with no next action last
        "opened": Thread.opened_on,
        "title": ByName(Thread.title),
        "stage": Thread.stage,
        "activity": Thread.last_interaction_at,
    }


def thread_list_query(filters: dict[str, str]):
    """Threads matching the list page's query parameters, with what each row shows loaded."""

    stmt = select(Thread).options(
        selectinload(Thread.owner), selectinload(Thread.organisations), selectinload(Thread.countries)
    )
    if q := filters.get("q"):
        stmt = stmt.where(substring.condition(substring.THREADS, Thread.id, contains(Thread.title, q), q))
    if (kind := filters.get("kind")) in {k.value for k in ThreadKind}:
        stmt = stmt.where(Thread.kind == ThreadKind(kind))
    if (stage := filters.get("stage")) in {s.value for s in ThreadStage}:
        stmt = stmt.where(Thread.stage == ThreadStage(stage))
    if (owner := filters.get("owner", "")).isdigit():
        stmt = stmt.where(Thread.owner_id == int(owner))
    if country := filters.get("country"):
        stmt = stmt.where(
            Thread.id.in_(
                select(thread_countries.c.thread_id).where(thread_countries.c.country_code == country.upper())
            )
        )
    if region := filters.get("region"):
        stmt = stmt.where(
            Thread.id.in_(
                select(thread_countries.c.thread_id).where(
                    region_condition(thread_countries.c.country_code, region)
                )
            )
        )
    if (event := filters.get("event", "")).isdigit():
        stmt = stmt.where(
            Thread.origin_inquiry_id.in_(select(Inquiry.id).where(Inquiry.event_id == int(event)))
        )
    if filters.get("overdue"):
        stmt = stmt.where(overdue_condition(today_utc()))
    if filters.get("open"):
        stmt = stmt.where(Thread.stage.not_in(CLOSED_STAGES))
    return stmt


@dataclass
class ThreadPage:
    """What the thread page shows besides the thread's own fields, as plain rows.

    Loading them as ORM objects (selectinload of five relationships) took ~2 ms for 0.2 ms of SQL.
    """

    contacts: list[Any]  # id, full_name, deleted_at
    organisations: list[Any]  # id, name, deleted_at
    countries: list[Any]  # alpha2, name
    interactions: list[Any]  # id, occurred_at, kind, summary, author_name
    people: dict[int, list[str]]  # interaction id → names of the contacts it was with


def thread_page(thread_id: int) -> ThreadPage:
    """The thread page's blocks, a fixed number of statements (the statements are built once)."""
    contacts, organisations, countries, interactions, people = _thread_page_statements()
    params = {"thread_id": thread_id}
    with_people: dict[int, list[str]] = {}
    for interaction_id, name in rows(people, params):
        with_people.setdefault(interaction_id, []).append(name)
    return ThreadPage(
        contacts=rows(contacts, params),
        organisations=rows(organisations, params),
        countries=rows(countries, params),
        interactions=rows(interactions, params),
        people=with_people,
    )


@cache
def _thread_page_statements() -> tuple[Select, ...]:
    thread_id = bindparam("thread_id")
    return (
        select(Contact.id, Contact.full_name, Contact.deleted_at)
        .join(thread_contacts, thread_contacts.c.contact_id == Contact.id)
        .where(thread_contacts.c.thread_id == thread_id)
        .order_by(Contact.full_name, Contact.id),
        select(Organisation.id, Organisation.name, Organisation.deleted_at)
        .join(thread_organisations, thread_organisations.c.organisation_id == Organisation.id)
        .where(thread_organisations.c.thread_id == thread_id)
        .order_by(Organisation.name, Organisation.id),
        select(Country.alpha2, Country.name)
        .join(thread_countries, thread_countries.c.country_code == Country.alpha2)
        .where(thread_countries.c.thread_id == thread_id)
        .order_by(Country.name),
        interaction_items().where(Interaction.thread_id == thread_id),
        select(interaction_contacts.c.interaction_id, Contact.full_name)
        .join(Contact, Contact.id == interaction_contacts.c.contact_id)
        .join(Interaction, Interaction.id == interaction_contacts.c.interaction_id)
        .where(Interaction.thread_id == thread_id)
        .order_by(Contact.full_name, Contact.id),
    )
