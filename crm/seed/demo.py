"""`flask --app wsgi seed demo`: a realistic month after a webinar, built through the services.

Everything goes through the same service functions the web pages call, so audit entries,
derived fields (Latin names, first-response times, statuses, stages) and validation are the
real ones. Events, topics, tags and materials have no services yet and are created directly.

The services stamp some dates with "now" (thread opened/closed dates, conversion time,
membership dates, created_at). A month of history loaded in one go would then look as if it
all happened today, so once everything is built those few timestamps are moved back to match
the story (see `_backdate`). Audit entries keep their real time: they record when the seed ran.

Deterministic: a fixed random seed, and dates relative to the day it runs, so there are always
overdue next actions and ones due this week.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from crm.auth.services import create_user, find_by_email
from crm.contacts.services import add_affiliation, update_contact
from crm.countries.services import load_countries
from crm.extensions import db
from crm.inquiries.services import (
    assign_inquiry,
    close_inquiry,
    convert_inquiry,
    log_inquiry,
    record_first_response,
)
from crm.models import Contact, Event, Inquiry, Material, Organisation, Tag, Thread, Topic, User
from crm.models.base import utcnow
from crm.models.enums import STAGES_BY_KIND, InquiryStatus, InteractionKind, MembershipStatus, ThreadStage
from crm.organisations.services import create_organisation, update_organisation
from crm.seed.data import (
    EVENTS,
    INQUIRIES,
    ORGANISATIONS,
    SEED,
    TAGS,
    TOPICS,
    USERS,
    WEBINAR_TITLE,
    Assign,
    Close,
    ContactDetails,
    Convert,
    FollowOn,
    InquiryRecord,
    LeaveNew,
    Respond,
)
from crm.threads.services import add_interaction, change_stage

RECORDING_URL = "https://nationality-network.example/recordings/central-asia-amnesty"


@dataclass
class DemoResult:
    """What `seed demo` prints: one summary line and the accounts to sign in with."""

    summary: str
    sign_in: list[tuple[str, str, str]] = field(default_factory=list)  # (email, one-time password, role)
    counts: dict[str, int] = field(default_factory=dict)


def _to_minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def demo_loaded() -> bool:
    return db.session.scalar(select(Event.id).where(Event.title == WEBINAR_TITLE).limit(1)) is not None


def load_demo() -> DemoResult:
    """Load the demo data set into the current session (the caller commits); does nothing twice."""
    load_countries()
    if demo_loaded():
        return DemoResult(
            summary=f"Demo data already loaded (the event “{WEBINAR_TITLE}” exists); nothing changed."
        )
    return _DemoBuilder().build()


class _DemoBuilder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - jitter for demo dates, not security  # nosec B311
        self.now = utcnow().replace(microsecond=0)
        self.today = self.now.date()  # the UTC day: inquiries and interactions are stamped in UTC
        self.local_today = date.today()  # due dates are compared with the server's local day
        self.users: dict[str, User] = {}
        self.sign_in: list[tuple[str, str, str]] = []
        self.topics: dict[str, Topic] = {}
        self.tags: dict[str, Tag] = {}
        self.organisations: dict[str, Organisation] = {}
        self.events: dict[str, Event] = {}
        self.materials: dict[str, Material] = {}
        self.contacts: dict[str, Contact] = {}
        self.threads: dict[str, Thread] = {}
        self.counts: Counter[str] = Counter()
        self.backdates: list[tuple[Any, dict[str, Any]]] = []

    # --- the whole run ---------------------------------------------------------------------------

    def build(self) -> DemoResult:
        self._users()
        self._reference_data()
        self._organisations()
        self._events()
        for record in sorted(INQUIRIES, key=lambda r: (-r.days_ago, r.hour)):
            self._inquiry(record)
        self._backdate()
        c = self.counts
        summary = (
            f"Loaded demo data: {c['events']} events, {c['organisations']} organisations, "
            f"{c['contacts']} contacts, {c['inquiries']} inquiries, {c['threads']} threads, "
            f"{c['interactions']} interactions."
        )
        return DemoResult(summary=summary, sign_in=self.sign_in, counts=dict(c))

    @property
    def coordinator(self) -> User:
        return self.users["dinara"]

    # --- accounts and reference data ------------------------------------------------------------

    def _users(self) -> None:
        """Create the accounts (the admin first, who then creates the others); reuse existing ones."""
        admin: User | None = None
        for record in USERS:
            user = find_by_email(record.email)
            if user is None:
                user, password = create_user(record.email, record.name, record.role, actor=admin)
                self.sign_in.append((user.email, password, record.role.value))
            self.users[record.key] = user
            admin = admin or user

    def _reference_data(self) -> None:
        for name in TOPICS:
            self.topics[name] = self._get_or_add(Topic, name)
        for name in TAGS:
            self.tags[name] = self._get_or_add(Tag, name)
        db.session.flush()

    @staticmethod
    def _get_or_add(model: type[Topic] | type[Tag], name: str) -> Any:
        existing = db.session.scalar(select(model).where(model.name == name))
        if existing is not None:
            return existing
        row = model(name=name)
        db.session.add(row)
        return row

    def _organisations(self) -> None:
        known_since = self.now - timedelta(days=60)
        for record in ORGANISATIONS:
            organisation = create_organisation(
                {
                    "name": record.name,
                    "kind": record.kind,
                    "country_code": record.country,
                    "website": record.website,
                    "notes": record.notes,
                    "membership_status": record.membership,
                },
                actor=self.users[record.owner],
            )
            self.organisations[record.key] = organisation
            self.counts["organisations"] += 1
            dates: dict[str, Any] = {"created_at": known_since, "updated_at": known_since}
            if record.membership == MembershipStatus.MEMBER:
                joined = self.today - timedelta(days=self.rng.randint(300, 2500))
                dates.update(membership_since=joined, member_since=joined)
            elif record.membership != MembershipStatus.NONE:
                dates["membership_since"] = self.today - timedelta(days=self.rng.randint(45, 400))
            self.backdates.append((organisation, dates))

    def _events(self) -> None:
        for record in EVENTS:
            starts_on = self.today - timedelta(days=record.days_ago)
            event = Event(
                title=record.title,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=record.length_days - 1)
                if record.length_days > 1
                else None,
                format=record.format,
                host=self.organisations[record.host],
                partners=[self.organisations[key] for key in record.partners],
                description=record.description,
            )
            db.session.add(event)
            self.events[record.key] = event
            self.counts["events"] += 1
        db.session.flush()

    # --- inquiries and what became of them --------------------------------------------------------

    def _inquiry(self, record: InquiryRecord) -> None:
        day = self.today - timedelta(days=record.days_ago)
        received = datetime.combine(day, time(record.hour, self.rng.randint(0, 59)), tzinfo=UTC)
        inquiry = log_inquiry(
            {
                "event_id": self.events[record.event].id if record.event else None,
                "received_at": received,
                "channel": record.channel,
                "sender_name": record.sender_name,
                "sender_email": record.sender_email,
                "sender_organisation": record.sender_organisation,
                "sender_country": record.sender_country,
                "subject": record.subject,
                "message": record.message,
            },
            actor=self.users[record.logged_by],
            topics=[self.topics[name] for name in record.topics],
        )
        self.counts["inquiries"] += 1
        logged = min(received + timedelta(minutes=self.rng.randint(5, 180)), self.now)
        dates = {"created_at": logged, "updated_at": logged}
        fate = record.fate
        if isinstance(fate, Convert):
            dates.update(self._convert(record, inquiry, received, fate))
        elif isinstance(fate, FollowOn):
            dates.update(self._follow_on(inquiry, received, fate))
        elif isinstance(fate, Assign):
            assign_inquiry(inquiry, self.users[fate.owner], actor=self.coordinator)
        elif isinstance(fate, Respond):
            owner = self.users[fate.owner]
            assign_inquiry(inquiry, owner, actor=self.coordinator)
            answered = self._clamp(received + timedelta(hours=fate.hours_to_reply), received)
            record_first_response(inquiry, answered, actor=owner)
            dates["updated_at"] = answered
        elif isinstance(fate, Close):
            close_inquiry(inquiry, actor=self.coordinator)
        elif not isinstance(fate, LeaveNew):
            raise TypeError(f"Unknown fate for demo inquiry {record.key}: {fate!r}")
        self.backdates.append((inquiry, dates))

    def _convert(self, record: InquiryRecord, inquiry: Inquiry, received: datetime, fate: Convert) -> dict:
        owner = self.users[fate.owner]
        assign_inquiry(inquiry, owner, actor=self.coordinator)
        reused = self.contacts[fate.same_contact_as] if fate.same_contact_as else None
        conversion = convert_inquiry(
            inquiry,
            actor=owner,
            contact=reused,
            organisation=self.organisations[fate.organisation] if fate.organisation else None,
            create_organisation_named=fate.new_organisation.name if fate.new_organisation else "",
            thread_kind=fate.kind,
            thread_title=fate.title,
        )
        contact, thread = conversion.contact, conversion.thread
        self.contacts[record.key] = contact
        self.threads[record.key] = thread
        self.counts["threads"] += 1

        times = self._timeline(received, fate)
        converted_at = _to_minute(received + (times[0] - received) * 0.7)  # triaged before the reply went out
        if reused is None:
            self.counts["contacts"] += 1
            self.backdates.append((contact, {"created_at": converted_at, "updated_at": converted_at}))
        if fate.new_organisation is not None:
            self._new_organisation(conversion.organisation, fate, owner, converted_at)
        elif fate.membership_becomes is not None and conversion.organisation is not None:
            update_organisation(
                conversion.organisation, {"membership_status": fate.membership_becomes}, actor=owner
            )
            self.backdates.append((conversion.organisation, {"membership_since": times[-1].date()}))

        due = self.local_today + timedelta(days=fate.due_in_days) if fate.due_in_days is not None else None
        for number, (step, at) in enumerate(zip(fate.steps, times, strict=True), start=1):
            last = number == len(fate.steps)
            self._interaction(
                thread,
                step,
                at,
                owner,
                contact,
                next_action=fate.next_action if last else None,
                due=due if last else None,
            )
        stages = self._stage_path(fate)
        for stage in stages:
            is_final = stage == stages[-1]
            change_stage(
                thread, stage, actor=owner, outcome=fate.outcome if is_final and fate.outcome else None
            )

        if fate.contact is not None:
            self._contact_details(contact, fate.contact, owner, consent_at=received)

        stage_changed_at = min(times[-1] + timedelta(minutes=30), self.now) if stages else converted_at
        thread_dates: dict[str, Any] = {
            "created_at": converted_at,
            "opened_on": converted_at.date(),
            "stage_changed_at": stage_changed_at,
            "updated_at": max(times[-1], stage_changed_at),
        }
        if thread.stage.is_closed:
            thread_dates["closed_on"] = stage_changed_at.date()
        self.backdates.append((thread, thread_dates))
        return {"converted_at": converted_at, "updated_at": max(times[0], converted_at)}

    def _follow_on(self, inquiry: Inquiry, received: datetime, fate: FollowOn) -> dict:
        """A second message on a matter already open: link it to the person, answer it on the thread."""
        contact = self.contacts[fate.same_contact_as]
        thread = self.threads[fate.same_contact_as]
        owner = thread.owner
        assign_inquiry(inquiry, owner, actor=self.coordinator)
        answered = self._clamp(received + timedelta(hours=fate.hours_to_reply), received)
        convert_inquiry(inquiry, actor=owner, contact=contact)  # no new thread: it belongs to the open one
        self._interaction(thread, fate.step, answered, owner, contact, next_action=None, due=None)
        record_first_response(inquiry, answered, actor=owner)
        converted_at = _to_minute(received + (answered - received) * 0.7)
        return {"converted_at": converted_at, "updated_at": answered}

    def _interaction(self, thread, step, at, owner, contact, *, next_action, due) -> None:
        interaction = add_interaction(
            thread,
            step.kind,
            step.summary,
            actor=owner,
            occurred_at=at,
            contacts=[] if step.kind == InteractionKind.NOTE else [contact],
            next_action=next_action,
            next_action_due=due,
        )
        if step.material is not None:
            interaction.materials.append(self._material(*step.material))
        self.counts["interactions"] += 1
        self.backdates.append((interaction, {"created_at": at, "updated_at": at}))

    def _material(self, title: str, language: str) -> Material:
        if title not in self.materials:
            url = RECORDING_URL if title.startswith("Recording:") else ""
            self.materials[title] = Material(title=title, language=language, url=url)
            db.session.add(self.materials[title])
        return self.materials[title]

    def _new_organisation(self, organisation, fate: Convert, owner: User, at: datetime) -> None:
        """Fill in what the inquiry did not say about an organisation created from it."""
        if fate.new_organisation is None:
            raise ValueError("this inquiry's story creates no organisation")
        data: dict[str, Any] = {"kind": fate.new_organisation.kind, "website": fate.new_organisation.website}
        if fate.membership_becomes is not None:
            data["membership_status"] = fate.membership_becomes
        update_organisation(organisation, data, actor=owner)
        self.counts["organisations"] += 1
        dates: dict[str, Any] = {"created_at": at, "updated_at": at}
        if fate.membership_becomes is not None:
            dates["membership_since"] = at.date()
        self.backdates.append((organisation, dates))

    def _contact_details(
        self, contact: Contact, details: ContactDetails, owner: User, consent_at: datetime
    ) -> None:
        data: dict[str, Any] = {
            "stakeholder_type": details.stakeholder_type,
            "languages": details.languages,
            "phone": details.phone,
            "consent_to_contact": details.consent_to_contact,
            "consent_to_share": details.consent_to_share,
            "consent_method": details.consent_method,
            "do_not_contact": details.do_not_contact,
            "notes": details.notes,
        }
        if details.country_code:
            data["country_code"] = details.country_code
        update_contact(
            contact,
            data,
            actor=owner,
            may_set_sensitive=False,
            may_set_owner=False,
            tags=[self.tags[name] for name in details.tags] if details.tags else None,
        )
        if details.lived_experience or details.sensitive_notes:
            # Special-category data: recorded by the coordinator, who may see and set it.
            update_contact(
                contact,
                {"lived_experience": details.lived_experience, "sensitive_notes": details.sensitive_notes},
                actor=self.coordinator,
                may_set_sensitive=True,
                may_set_owner=False,
            )
        if details.consent_to_contact or details.consent_to_share:
            # No service sets the consent date; it is when the person gave it (see the report).
            self.backdates.append((contact, {"consent_recorded_at": consent_at}))
        if details.other_affiliation is not None:
            key, position = details.other_affiliation
            add_affiliation(
                contact,
                self.organisations[key],
                position,
                actor=owner,
                start_on=self.today - timedelta(days=self.rng.randint(200, 1500)),
            )

    # --- time ------------------------------------------------------------------------------------

    def _clamp(self, at: datetime, received: datetime) -> datetime:
        """Never in the future, never before the inquiry arrived."""
        return max(min(at, self.now - timedelta(minutes=30)), received + timedelta(minutes=10))

    def _timeline(self, received: datetime, fate: Convert) -> list[datetime]:
        """When each step happened: the reply after `hours_to_reply`, the rest spread up to the last activity.

        With an overdue next action, the last step comes at least two days before it fell due.
        """
        end = self.now - timedelta(days=fate.last_activity_days_ago, hours=2)
        if fate.due_in_days is not None and fate.due_in_days < 0:
            set_before = self.local_today + timedelta(days=fate.due_in_days - 2)
            end = min(end, datetime.combine(set_before, time(15, 0), tzinfo=UTC))
        steps = len(fate.steps)
        first = received + timedelta(hours=fate.hours_to_reply, minutes=self.rng.randint(0, 40))
        first = self._clamp(min(first, end - timedelta(hours=steps)), received)
        times = [first]
        for i in range(1, steps):
            share = (i - self.rng.uniform(0.0, 0.3)) / (steps - 1)
            times.append(_to_minute(first + (end - first) * share))
        return times

    @staticmethod
    def _stage_path(fate: Convert) -> list[ThreadStage]:
        """The stages the thread moves through after opening, in order, along its kind's pipeline."""
        path = STAGES_BY_KIND[fate.kind]
        if fate.stage == ThreadStage.DROPPED:
            reached = path.index(fate.dropped_after) if fate.dropped_after else 0
            return [*path[1 : reached + 1], ThreadStage.DROPPED]
        return list(path[1 : path.index(fate.stage) + 1])

    def _backdate(self) -> None:
        """Move the "now" stamps the services set back to when things happened in the story."""
        db.session.flush()
        for row, values in self.backdates:
            for name, value in values.items():
                setattr(row, name, value)
            if isinstance(row, Inquiry):
                row.status_changed_at = _status_reached(row)
        db.session.flush()


def _status_reached(inquiry: Inquiry) -> datetime:
    """When a demo inquiry reached its current status, in the story's time."""
    if inquiry.status == InquiryStatus.CONVERTED and inquiry.converted_at:
        return inquiry.converted_at
    if inquiry.status == InquiryStatus.RESPONDED and inquiry.first_response_at:
        return inquiry.first_response_at
    if inquiry.status == InquiryStatus.NEW:
        return inquiry.received_at
    return inquiry.updated_at or inquiry.received_at
