"""Events (usually webinars) that generate inquiries."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import TimestampMixin, enum_column
from crm.models.enums import EventFormat

if TYPE_CHECKING:
    from crm.models.inquiry import Inquiry
    from crm.models.organisation import Organisation

event_partners = Table(
    "event_partners",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Event(TimestampMixin, db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    format: Mapped[EventFormat] = mapped_column(
        enum_column(EventFormat), default=EventFormat.ONLINE, index=True
    )
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")

    host: Mapped[Organisation | None] = relationship(foreign_keys=[host_organisation_id])
    partners: Mapped[list[Organisation]] = relationship(secondary=event_partners)
    inquiries: Mapped[list[Inquiry]] = relationship(back_populates="event")

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"
