"""`flask --app wsgi seed synthetic --contacts N`: a large, deterministic data set for benchmarks.

Unlike the demo, nothing goes through the services: rows are built as plain dicts and written
with Core `insert()` in batches (one executemany per batch), with explicit ids so links can be
made without reading anything back. Derived fields (name_latin, name_key, email_normalized)
use the same functions the services use. Counts scale with --contacts; for 100,000 contacts:
20,000 organisations, 50,000 inquiries over 30 events, 40,000 threads, 200,000 interactions.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from crm.contacts.services import normalise_email
from crm.countries.services import load_countries
from crm.extensions import db
from crm.matching.phones import normalise_phone
from crm.models import (
    Affiliation,
    Contact,
    Country,
    Event,
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
from crm.models.base import utcnow
from crm.models.enums import (
    CLOSED_STAGES,
    STAGES_BY_KIND,
    EventFormat,
    InquiryChannel,
    InquiryStatus,
    InteractionKind,
    MembershipStatus,
    OrganisationKind,
    Role,
    StakeholderType,
    ThreadKind,
)
from crm.names import latin, name_key

BATCH = 5000

# Mostly Central Asia and Asia-Pacific, weighted.
COUNTRIES = {
    "KZ": 14, "UZ": 12, "KG": 10, "TJ": 8, "TM": 5, "RU": 6, "MN": 3, "AF": 3,
    "TH": 7, "MY": 6, "ID": 5, "PH": 4, "MM": 3, "BD": 3, "NP": 2, "VN": 2, "KH": 2,
    "JP": 1, "AU": 1, "DE": 1, "CH": 1, "GB": 1, "US": 1,
}  # fmt: skip
CYRILLIC_FIRST = ["Айгерим", "Нурлан", "Дильноза", "Бахтияр", "Гульнара", "Тимур", "Зарина", "Рустам",
                  "Мадина", "Ерлан", "Асель", "Фарход", "Жанна", "Улан", "Сабина", "Азамат"]  # fmt: skip
CYRILLIC_LAST = ["Нургалиева", "Ахмедов", "Каримова", "Исмаилов", "Садыкова", "Токтогулов",
                 "Юсупова", "Рахимов", "Абдуллаева", "Жумабаев", "Сейтказиева", "Назаров"]  # fmt: skip
LATIN_FIRST = ["Aigerim", "Somchai", "Siti", "Maria", "Rahim", "Nadia", "John", "Mei", "Arjun", "Lina",
               "Kenji", "Anh", "Farida", "Tomas", "Priya", "Dilnoza"]  # fmt: skip
LATIN_LAST = ["Nurgaliyeva", "Wongsakul", "Rahman", "Santos", "Khan", "Haidari", "Smith", "Chen",
              "Sharma", "Novak", "Tanaka", "Nguyen", "Karimova", "Muller", "Lim", "Abdullah"]  # fmt: skip
ORG_WORDS = ["Legal", "Aid", "Rights", "Citizenship", "Network", "Centre", "Initiative", "Foundation",
             "Advocacy", "Research", "Institute", "Alliance", "Nationality", "Forum"]  # fmt: skip
ORG_CYRILLIC = ["Правовая", "помощь", "Центр", "Фонд", "Сеть", "Инициатива", "Право", "Гражданство"]
DOMAINS = ["example.org", "example.net", "mail.example", "ngo.example", "un.example"]
SUBJECTS = ["Question about", "Request for", "Follow-up on", "Materials on", "Consultation on"]
TOPICS = ["amnesty procedures", "birth registration", "legal aid", "naturalisation", "statelessness determination",
          "documentation", "the webinar recording", "a joint report"]  # fmt: skip
ACTIONS = ["Call back", "Send materials", "Schedule meeting", "Share report", "Confirm dates", "Review draft"]


@dataclass
class SyntheticResult:
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{n:,} {name}" for name, n in self.counts.items())
        total = sum(self.timings.values())
        return f"Loaded synthetic data: {parts} in {total:.1f} s."


class NotEmptyError(Exception):
    """The database already has contacts; synthetic data goes into an empty one only."""


def planned_counts(contacts: int) -> dict[str, int]:
    """How many rows of each kind, proportional to the number of contacts."""

    def scaled(per_100k: int, minimum: int = 1) -> int:
        return max(minimum, round(contacts * per_100k / 100_000))

    return {
        "users": 8,
        "events": scaled(30, 3),
        "organisations": scaled(20_000),
        "contacts": contacts,
        "inquiries": scaled(50_000),
        "threads": scaled(40_000),
        "interactions": scaled(200_000),
    }


@cache
def _derived(full_name: str) -> tuple[str, str]:
    return latin(full_name), name_key(full_name)


def _with_phone_e164(rows: Iterable[dict]) -> Iterable[dict]:
    """The phone in E.164, as the contact services keep it (crm.matching.phones)."""
    for row in rows:
        row["phone_e164"] = normalise_phone(row["phone"], row["country_code"]) if row["phone"] else ""
        yield row


def _write(table, rows: Iterable[dict]) -> int:
    """Insert rows in batches: one executemany per BATCH rows."""
    batch: list[dict] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            db.session.execute(insert(table), batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(table), batch)
        total += len(batch)
    return total


def load_synthetic(
    contacts: int, seed: int = 1, echo: Callable[[str], None] | None = None
) -> SyntheticResult:
    """Build the data set in the current session (the caller commits)."""
    for model in (Contact, Organisation, Inquiry, Thread, Event):
        if db.session.scalar(select(model.id).limit(1)) is not None:
            raise NotEmptyError(
                f"The database already has {model.__tablename__}: seed synthetic data into an empty database."
            )
    if not db.session.scalar(select(func.count()).select_from(Country)):
        load_countries()
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets  # nosec B311
    plan = planned_counts(contacts)
    result = SyntheticResult()
    now = utcnow().replace(microsecond=0)
    today = now.date()
    codes, weights = list(COUNTRIES), list(COUNTRIES.values())

    def country() -> str:
        return rng.choices(codes, weights)[0]

    def past(days: int) -> datetime:
        return now - timedelta(seconds=rng.randrange(days * 86400))

    def step(name: str, build: Callable[[], int]) -> None:
        started = time.perf_counter()
        result.counts[name] = build()
        result.timings[name] = time.perf_counter() - started
        if echo:
            echo(f"  {name}: {result.counts[name]:,} in {result.timings[name]:.1f} s")

    # Users: created directly with random password hashes; not for signing in.
    def users() -> int:
        first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
        roles = [Role.ADMIN, Role.COORDINATOR] + [Role.STAFF] * (plan["users"] - 2)
        hashed = generate_password_hash(secrets.token_urlsafe(24), method="scrypt:1024:8:1")
        must_change = True  # (a named flag: bandit reads a literal next to "password" as a password)
        rows = [
            {
                "id": first + i,
                "email": f"synthetic-staff-{seed}-{i + 1}@example.org",
                "name": f"Synthetic Staff {i + 1}",
                "password_hash": hashed,
                "role": role,
                "must_change_password": must_change,
                "created_at": now,
                "updated_at": now,
            }
            for i, role in enumerate(roles)
        ]
        user_ids.extend(row["id"] for row in rows)
        return _write(User.__table__, rows)

    user_ids: list[int] = []
    step("users", users)

    def organisations() -> Iterable[dict]:
        kinds = list(OrganisationKind)
        statuses = list(MembershipStatus)
        for i in range(1, plan["organisations"] + 1):
            if rng.random() < 0.25:
                name = f"{rng.choice(ORG_CYRILLIC)} {rng.choice(ORG_CYRILLIC)} {i}"
            else:
                name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {i}"
            status = rng.choice(statuses)
            created = past(1500)
            name_latin, key = _derived(name)
            yield {
                "id": i,
                "name": name,
                "name_latin": name_latin,
                "name_key": key,
                "kind": rng.choice(kinds),
                "country_code": country(),
                "website": f"https://org{i}.example" if rng.random() < 0.6 else "",
                "membership_status": status,
                "membership_since": created.date() if status != MembershipStatus.NONE else None,
                "member_since": created.date() if status == MembershipStatus.MEMBER else None,
                "owner_id": rng.choice(user_ids) if rng.random() < 0.7 else None,
                "notes": "",
                "created_at": created,
                "updated_at": created,
            }

    step("organisations", lambda: _write(Organisation.__table__, organisations()))

    def contact_rows() -> Iterable[dict]:
        types = list(StakeholderType)
        for i in range(1, contacts + 1):
            if rng.random() < 0.45:
                full_name = f"{rng.choice(CYRILLIC_FIRST)} {rng.choice(CYRILLIC_LAST)}"
            else:
                full_name = f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"
            name_latin, key = _derived(full_name)
            email = ""
            if rng.random() < 0.85:
                email = f"{name_latin.replace(' ', '.')}.{i}@{rng.choice(DOMAINS)}"
            created = past(1500)
            consent = rng.random() < 0.6
            yield {
                "id": i,
                "full_name": full_name,
                "name_latin": name_latin,
                "name_key": key,
                "email": email,
                "email_normalized": normalise_email(email),
                "phone": f"+7 7{rng.randrange(10**8, 10**9)}" if rng.random() < 0.5 else "",
                "country_code": country() if rng.random() < 0.95 else None,
                "languages": rng.choice(["ru", "en", "ru, en", "kk, ru", "uz, ru", "th, en", "ms, en"]),
                "stakeholder_type": rng.choice(types),
                "owner_id": rng.choice(user_ids) if rng.random() < 0.6 else None,
                "consent_to_contact": consent,
                "consent_to_share": consent and rng.random() < 0.5,
                "consent_recorded_at": created if consent else None,
                "consent_method": "registration form" if consent else "",
                "do_not_contact": rng.random() < 0.02,
                "notes": "",
                "lived_experience": False,
                "sensitive_notes": "",
                "created_at": created,
                "updated_at": created,
            }

    step("contacts", lambda: _write(Contact.__table__, _with_phone_e164(contact_rows())))

    def affiliations() -> Iterable[dict]:
        n = 0
        for contact_id in range(1, contacts + 1):
            roll = rng.random()
            count = 3 if roll < 0.05 else 2 if roll < 0.15 else 1 if roll < 0.55 else 0
            for organisation_id in rng.sample(range(1, plan["organisations"] + 1), count):
                n += 1
                start = today - timedelta(days=rng.randrange(3000))
                yield {
                    "id": n,
                    "contact_id": contact_id,
                    "organisation_id": organisation_id,
                    "position": rng.choice(["Director", "Lawyer", "Programme officer", "Researcher", ""]),
                    "start_on": start,
                    "end_on": start + timedelta(days=rng.randrange(200, 2000))
                    if rng.random() < 0.2
                    else None,
                }

    step("affiliations", lambda: _write(Affiliation.__table__, affiliations()))

    def events() -> Iterable[dict]:
        for i in range(1, plan["events"] + 1):
            starts = today - timedelta(days=30 * (plan["events"] - i) + 7)
            yield {
                "id": i,
                "title": f"Webinar {i}: {rng.choice(TOPICS)}",
                "starts_on": starts,
                "ends_on": starts,
                "format": rng.choice(list(EventFormat)),
                "host_organisation_id": rng.randrange(1, plan["organisations"] + 1),
                "description": "",
                "created_at": now,
                "updated_at": now,
            }

    step("events", lambda: _write(Event.__table__, events()))

    def inquiries() -> Iterable[dict]:
        statuses = list(InquiryStatus)
        channels = list(InquiryChannel)
        for i in range(1, plan["inquiries"] + 1):
            event_id = rng.randrange(1, plan["events"] + 1)
            received = datetime.combine(today, datetime.min.time(), UTC) - timedelta(
                days=30 * (plan["events"] - event_id) + rng.randrange(7), seconds=rng.randrange(86400)
            )
            received = min(received, now)
            status = rng.choices(statuses, [20, 20, 25, 20, 15])[0]
            contact_id = rng.randrange(1, contacts + 1) if status == InquiryStatus.CONVERTED else None
            responded = received + timedelta(hours=rng.randrange(1, 96))
            first_name = rng.choice(LATIN_FIRST + CYRILLIC_FIRST)
            full = f"{first_name} {rng.choice(LATIN_LAST + CYRILLIC_LAST)}"
            yield {
                "id": i,
                "event_id": event_id,
                "received_at": received,
                "channel": rng.choice(channels),
                "sender_name": full,
                "sender_email": f"{_derived(first_name)[0].lower()}.{i}@{rng.choice(DOMAINS)}",
                "sender_organisation": "",
                "sender_country": "",
                "country_code": country(),
                "subject": f"{rng.choice(SUBJECTS)} {rng.choice(TOPICS)}",
                "message": "Please see my question about the procedure.",
                "status": status,
                "status_changed_at": min(responded, now),
                "assignee_id": rng.choice(user_ids) if status != InquiryStatus.NEW else None,
                "created_by_id": None,
                "first_response_at": min(responded, now)
                if status in (InquiryStatus.RESPONDED, InquiryStatus.CONVERTED, InquiryStatus.CLOSED)
                else None,
                "contact_id": contact_id,
                "converted_at": min(responded, now) if contact_id else None,
                "created_at": received,
                "updated_at": received,
            }

    step("inquiries", lambda: _write(Inquiry.__table__, inquiries()))

    # Threads: stages valid for their kind; open ones have a next action, some overdue.
    last_interaction: dict[int, datetime] = {}

    def interactions() -> Iterable[dict]:
        kinds = list(InteractionKind)
        for i in range(1, plan["interactions"] + 1):
            thread_id = rng.randrange(1, plan["threads"] + 1)
            at = past(720)
            if at > last_interaction.get(thread_id, datetime.min.replace(tzinfo=UTC)):
                last_interaction[thread_id] = at
            yield {
                "id": i,
                "thread_id": thread_id,
                "occurred_at": at,
                "kind": rng.choice(kinds),
                "summary": f"{rng.choice(ACTIONS)} about {rng.choice(TOPICS)}.",
                "author_id": rng.choice(user_ids),
                "created_at": at,
                "updated_at": at,
            }

    # Interactions are generated first (in memory, cheaply) so threads know their last one,
    # but written after the threads because of the foreign key.
    interaction_rows = list(interactions())

    def threads() -> Iterable[dict]:
        kinds = list(ThreadKind)
        for i in range(1, plan["threads"] + 1):
            kind = rng.choice(kinds)
            stage = rng.choice(STAGES_BY_KIND[kind])
            opened = today - timedelta(days=rng.randrange(1, 720))
            closed = stage in CLOSED_STAGES
            yield {
                "id": i,
                "kind": kind,
                "title": f"{kind.value.replace('_', ' ').capitalize()}: {rng.choice(TOPICS)} #{i}",
                "stage": stage,
                "stage_changed_at": datetime.combine(opened, datetime.min.time(), UTC),
                "owner_id": rng.choice(user_ids),
                "origin_inquiry_id": rng.randrange(1, plan["inquiries"] + 1) if rng.random() < 0.4 else None,
                "next_action": "" if closed else rng.choice(ACTIONS),
                "next_action_due": None if closed else today + timedelta(days=rng.randrange(-30, 60)),
                "opened_on": opened,
                "closed_on": min(opened + timedelta(days=rng.randrange(1, 200)), today) if closed else None,
                "outcome": "Done." if closed else "",
                "last_interaction_at": last_interaction.get(i),
                "created_at": datetime.combine(opened, datetime.min.time(), UTC),
                "updated_at": now,
            }

    step("threads", lambda: _write(Thread.__table__, threads()))
    step("interactions", lambda: _write(Interaction.__table__, interaction_rows))

    def links() -> int:
        n_threads, n_orgs = plan["threads"], plan["organisations"]
        contact_links = (
            {"thread_id": t, "contact_id": c}
            for t in range(1, n_threads + 1)
            for c in set(rng.sample(range(1, contacts + 1), min(contacts, rng.choice((1, 1, 2, 3)))))
        )
        org_links = (
            {"thread_id": t, "organisation_id": rng.randrange(1, n_orgs + 1)}
            for t in range(1, n_threads + 1)
            if rng.random() < 0.6
        )
        country_links = ({"thread_id": t, "country_code": country()} for t in range(1, n_threads + 1))
        interaction_links = (
            {"interaction_id": row["id"], "contact_id": rng.randrange(1, contacts + 1)}
            for row in interaction_rows
            if rng.random() < 0.7
        )
        return (
            _write(thread_contacts, contact_links)
            + _write(thread_organisations, org_links)
            + _write(thread_countries, country_links)
            + _write(interaction_contacts, interaction_links)
        )

    step("links", links)
    _reset_sequences()
    return result


def _reset_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows just written."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (User, Organisation, Contact, Affiliation, Event, Inquiry, Thread, Interaction):
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        next_id = select(func.coalesce(func.max(model.id), 0) + 1).scalar_subquery()
        db.session.execute(select(func.setval(sequence, next_id, False)))
