"""Threads of engagement, their interactions and the materials exchanged."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import TimestampMixin, enum_column, today_utc, utcnow
from crm.models.enums import InteractionKind, ThreadKind, ThreadStage

if TYPE_CHECKING:
    from crm.models.contact import Contact
    from crm.models.inquiry import Inquiry
    from crm.models.organisation import Organisation
    from crm.models.reference import Country
    from crm.models.user import User


def _link_table(name: str, left: str, right: str, right_table: str, right_key: str = "id") -> Table:
    return Table(
        name,
        db.metadata,
        Column(left, ForeignKey(f"{left.removesuffix('_id')}s.id", ondelete="CASCADE"), primary_key=True),
        # The primary key serves lookups by the left column; the right one needs its own index.
        Column(
            right, ForeignKey(f"{right_table}.{right_key}", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )


thread_contacts = _link_table("thread_contacts", "thread_id", "contact_id", "contacts")
thread_organisations = _link_table("thread_organisations", "thread_id", "organisation_id", "organisations")
thread_countries = _link_table("thread_countries", "thread_id", "country_code", "countries", "alpha2")
interaction_contacts = _link_table("interaction_contacts", "interaction_id", "contact_id", "contacts")
interaction_materials = _link_table("interaction_materials", "interaction_id", "material_id", "materials")


class Thread(TimestampMixin, db.Model):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ThreadKind] = mapped_column(enum_column(ThreadKind), index=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    stage: Mapped[ThreadStage] = mapped_column(enum_column(ThreadStage), index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    origin_inquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("inquiries.id", ondelete="SET NULL"), index=True
    )
    next_action: Mapped[str] = mapped_column(String(300), default="")
    next_action_due: Mapped[date | None] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date, default=today_utc, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    last_interaction_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    # Every ORM UPDATE says "AND version = <the one read>" and bumps it: a write based on a stale
    # read fails (StaleDataError, a 409 page) instead of silently overwriting (crm/safety).
    __mapper_args__ = {"version_id_col": version}

    owner: Mapped[User | None] = relationship()
    origin_inquiry: Mapped[Inquiry | None] = relationship(back_populates="threads")
    contacts: Mapped[list[Contact]] = relationship(secondary=thread_contacts, order_by="Contact.full_name")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=thread_organisations, order_by="Organisation.name"
    )
    countries: Mapped[list[Country]] = relationship(secondary=thread_countries, order_by="Country.name")
    interactions: Mapped[list[Interaction]] = relationship(
        back_populates="thread",
        cascade="all, delete-orphan",
        order_by="(Interaction.occurred_at.desc(), Interaction.id.desc())",
    )

    @property
    def is_closed(self) -> bool:
        return self.stage.is_closed

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.kind} {self.stage}>"


class Interaction(TimestampMixin, db.Model):
    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[InteractionKind] = mapped_column(enum_column(InteractionKind))
    summary: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    thread: Mapped[Thread] = relationship(back_populates="interactions")
    author: Mapped[User | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(secondary=interaction_contacts)
    materials: Mapped[list[Material]] = relationship(secondary=interaction_materials)


class Material(TimestampMixin, db.Model):
    """A document or link exchanged on a thread."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(20), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")


# The thread board: each (kind, stage) column by next action due then time in stage (covering the
# whole order, so no row is read to sort), or its latest finished. The second one holds the due date
# too, so that it covers the finished columns' order as well and the planner prefers it for them.
Index(
    "ix_threads_kind_stage_next_action_due",
    Thread.kind,
    Thread.stage,
    Thread.next_action_due,
    Thread.stage_changed_at,
)
Index(
    "ix_threads_kind_stage_stage_changed_at",
    Thread.kind,
    Thread.stage,
    Thread.stage_changed_at,
    Thread.next_action_due,
)
# A thread's interactions, newest first (thread page, timeline).
Index("ix_interactions_thread_id_occurred_at", Interaction.thread_id, Interaction.occurred_at)
# Open threads per owner (reports): every column the workload counts read, so no row is fetched.
Index(
    "ix_threads_workload",
    Thread.owner_id,
    Thread.stage,
    Thread.last_interaction_at,
    Thread.opened_on,
    Thread.next_action_due,
)
# Every overdue thread (the list's "overdue" filter): in due order, the stage tested on the entry,
# counted from the index alone.
Index("ix_threads_next_action_due_stage", Thread.next_action_due, Thread.stage, Thread.id)
# An owner's threads by next action due (the home page's follow-ups and the reminders), with the
# stage, so the walk in due order tests "open" on the index and stops after the rows shown.
Index(
    "ix_threads_owner_id_next_action_due",
    Thread.owner_id,
    Thread.next_action_due,
    Thread.id,
    Thread.stage,
)
# Threads opened from a set of inquiries, by kind and stage (/reports), read from the index alone.
Index("ix_threads_origin_inquiry_id_kind_stage", Thread.origin_inquiry_id, Thread.kind, Thread.stage)
