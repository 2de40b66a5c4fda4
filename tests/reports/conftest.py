"""A known data set for the report tests: every figure the tests assert is worked out below.

The date range is 30 days, D0 … D0+29, well in the past. In range (7 inquiries):

  inquiry  received        country  event  topics                 first response  contact  threads
  i1       D0 00:00        KZ       E      legal, amnesties       12 h            c1       t1 consultation (A)
  i2       D0+2 09:00      KG       E      legal                  24 h            c2       t2 material exchange (A, completed), t3 joint initiative (B, planning)
  i3       D0+5 09:00      KZ       E      legal, documentation   48 h            c3       t4 consultation (B, scheduled)
  i4       D0+10 09:00     TH       -      documentation          48 h            c3
  i5       D0+12 09:00     IN       -      coalitions             72 h            c4
  i6       D0+20 09:00     unknown  -      -                      120 h           -
  i7       D0+29 23:30     RU       -      amnesties              -               -

Out of range: o1 (D0-1 23:00, KZ, event E, legal, 1 h, c5, t5 consultation (A)) and o2 (D0+30 00:00,
KG, legal, 2 h, c1). One more thread, t6, has no origin inquiry and no owner.

Organisations: M1 member since D0+5 (c1 works there), M2 member since D0-10 (c2), M3 a prospect
(c3), M4 member since D0+6 (nobody from the event), M5 member since D0+30 (c5). Event E started on D0-3.

Open threads today: t1 (A) stale and overdue; t3 (B) neither; t4 (B) stale (never touched, opened
30 days ago) and overdue; t5 (A) overdue only; t6 (unassigned) stale only. t2 is completed, so it
counts nowhere in the workload although it is long quiet and past its due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from crm.models import Affiliation, Event, Topic
from crm.models.base import utcnow
from crm.models.enums import MembershipStatus, Role, ThreadKind, ThreadStage
from crm.threads.services import change_stage

STALE_DAYS = 14


@dataclass
class KnownData:
    start: date
    end: date
    event: Event
    now: datetime
    today: date
    owner_a: object
    owner_b: object


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.fixture
def known(db, staff, make_user, make_event, make_inquiry, make_contact, make_organisation, make_thread):
    now = utcnow().replace(microsecond=0)
    today = now.date()
    d0 = today - timedelta(days=60)
    owner_a = make_user(Role.STAFF, name="Aigerim Sadykova")
    owner_b = make_user(Role.STAFF, name="Bakyt Osmonov")
    event = make_event("Webinar: nationality and statelessness", starts_on=d0 - timedelta(days=3))
    topics = {
        name: Topic(name=name)
        for name in ("Legal mechanisms", "Amnesties", "Documentation campaigns", "Coalitions")
    }
    db.session.add_all(topics.values())
    contacts = [make_contact(f"Contact {n}", f"c{n}@example.org") for n in range(1, 6)]
    c1, c2, c3, c4, c5 = contacts

    def inquiry(name, received, country, hours, contact, topic_names, event_id=None):
        item = make_inquiry(
            name,
            f"{name}@example.org",
            received_at=received,
            sender_country=country,
            event_id=event_id,
            topics=[topics[t] for t in topic_names],
        )
        if hours is not None:
            item.first_response_at = received + timedelta(hours=hours)
        if contact is not None:
            item.contact_id = contact.id
        return item

    e = event.id
    i1 = inquiry("i1", _at(d0), "Kazakhstan", 12, c1, ["Legal mechanisms", "Amnesties"], e)
    i2 = inquiry("i2", _at(d0 + timedelta(days=2), 9), "Kyrgyzstan", 24, c2, ["Legal mechanisms"], e)
    i3 = inquiry(
        "i3",
        _at(d0 + timedelta(days=5), 9),
        "Казахстан",
        48,
        c3,
        ["Legal mechanisms", "Documentation campaigns"],
        e,
    )
    inquiry("i4", _at(d0 + timedelta(days=10), 9), "Thailand", 48, c3, ["Documentation campaigns"])
    inquiry("i5", _at(d0 + timedelta(days=12), 9), "India", 72, c4, ["Coalitions"])
    inquiry("i6", _at(d0 + timedelta(days=20), 9), "Atlantis", 120, None, [])
    inquiry("i7", _at(d0 + timedelta(days=29), 23, 30), "Russia", None, None, ["Amnesties"])
    o1 = inquiry("o1", _at(d0 - timedelta(days=1), 23), "KZ", 1, c5, ["Legal mechanisms"], e)
    inquiry("o2", _at(d0 + timedelta(days=30)), "KG", 2, c1, ["Legal mechanisms"])

    def thread(kind, title, origin, owner, *, quiet_days=None, due_in=None, opened_days_ago=5):
        item = make_thread(kind=kind, title=title, origin_inquiry=origin, owner=owner)
        item.owner = owner
        item.opened_on = today - timedelta(days=opened_days_ago)
        item.last_interaction_at = now - timedelta(days=quiet_days) if quiet_days is not None else None
        if due_in is not None:
            item.next_action, item.next_action_due = "Follow up", today + timedelta(days=due_in)
        return item

    thread(ThreadKind.CONSULTATION, "t1", i1, owner_a, quiet_days=20, due_in=-1)
    t2 = thread(ThreadKind.MATERIAL_EXCHANGE, "t2", i2, owner_a, quiet_days=40, due_in=-9)
    t3 = thread(ThreadKind.JOINT_INITIATIVE, "t3", i2, owner_b, quiet_days=2, due_in=3)
    t4 = thread(ThreadKind.CONSULTATION, "t4", i3, owner_b, due_in=-5, opened_days_ago=30)
    thread(ThreadKind.CONSULTATION, "t5", o1, owner_a, quiet_days=1, due_in=-2)
    thread(ThreadKind.CONSULTATION, "t6", None, None, opened_days_ago=15)
    change_stage(t2, ThreadStage.COMPLETED, actor=staff)
    change_stage(t3, ThreadStage.PLANNING, actor=staff)
    change_stage(t4, ThreadStage.SCHEDULED, actor=staff)

    def organisation(name, member_since, contact=None, status=MembershipStatus.MEMBER):
        org = make_organisation(name)
        org.membership_status = status
        org.member_since = member_since
        if contact is not None:
            db.session.add(Affiliation(contact_id=contact.id, organisation_id=org.id))
        return org

    organisation("M1", d0 + timedelta(days=5), c1)
    organisation("M2", d0 - timedelta(days=10), c2)
    organisation("M3", None, c3, status=MembershipStatus.PROSPECT)
    organisation("M4", d0 + timedelta(days=6))
    organisation("M5", d0 + timedelta(days=30), c5)
    db.session.flush()
    return KnownData(
        start=d0,
        end=d0 + timedelta(days=29),
        event=event,
        now=now,
        today=today,
        owner_a=owner_a,
        owner_b=owner_b,
    )
