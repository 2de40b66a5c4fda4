"""What came in after an event: the raw inquiry, before and after triage."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from crm.extensions import db
from crm.models.base import TimestampMixin, as_utc, enum_column, utcnow
from crm.models.enums import InquiryChannel, InquiryStatus

if TYPE_CHECKING:
    from crm.models.contact import Contact
    from crm.models.event import Event
    from crm.models.reference import Country, Topic
    from crm.models.thread import Thread
    from crm.models.user import User

inquiry_topics = Table(
    "inquiry_topics",
    db.metadata,
    Column("inquiry_id", ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Inquiry(TimestampMixin, db.Model):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    channel: Mapped[InquiryChannel] = mapped_column(
        enum_column(InquiryChannel), default=InquiryChannel.EMAIL, index=True
    )
    # The sender's details exactly as given, never rewritten by triage.
    sender_name: Mapped[str] = mapped_column(String(300), index=True)
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    sender_organisation: Mapped[str] = mapped_column(String(300), default="")
    sender_country: Mapped[str] = mapped_column(String(120), default="")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.alpha2"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InquiryStatus] = mapped_column(
        enum_column(InquiryStatus), default=InquiryStatus.NEW, index=True
    )
    # Kept by the listener below: how long an inquiry has sat in its status (the boards show it).
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    converted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The import batch that created this inquiry, so the batch can be undone.
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event | None] = relationship(back_populates="inquiries")
    country: Mapped[Country | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    contact: Mapped[Contact | None] = relationship(back_populates="inquiries")
    topics: Mapped[list[Topic]] = relationship(secondary=inquiry_topics, order_by="Topic.name")
    threads: Mapped[list[Thread]] = relationship(back_populates="origin_inquiry")

    @property
    def first_response_time(self) -> timedelta | None:
        """How long the sender waited for the first real interaction."""
        if self.first_response_at is None:
            return None
        return as_utc(self.first_response_at) - as_utc(self.received_at)

    @property
    def is_converted(self) -> bool:
        return self.contact_id is not None

    def __repr__(self) -> str:
        return f"<Inquiry {self.id} {self.sender_name!r} {self.status}>"


@event.listens_for(Inquiry.status, "set")
def _status_changed(inquiry: Inquiry, value: InquiryStatus, old: object, _initiator: object) -> None:
    if value != old and old is not NO_VALUE and old is not NEVER_SET:
        inquiry.status_changed_at = utcnow()


# The inquiry board: each status column's oldest waiting, or its latest finished, read in index order.
Index("ix_inquiries_status_received_at", Inquiry.status, Inquiry.received_at)
Index("ix_inquiries_status_status_changed_at", Inquiry.status, Inquiry.status_changed_at)
# The home page's unanswered inquiries (someone's, or nobody's): read in the order shown, no sort.
Index(
    "ix_inquiries_unanswered",
    Inquiry.assignee_id,
    Inquiry.first_response_at,
    Inquiry.received_at,
    Inquiry.id,
)
# Every unanswered inquiry (the list's "unanswered" filter): counted from the index, newest first
# in its order, the status tested on the entry. Also serves "has it been answered" alone.
Index(
    "ix_inquiries_first_response_at_received_at",
    Inquiry.first_response_at,
    Inquiry.received_at,
    Inquiry.status,
    Inquiry.id,
)
# An event's page: its inquiries newest first, and its report (counts, waits, countries) read from
# the index alone. Also the index of the foreign key.
Index(
    "ix_inquiries_event_id_received_at",
    Inquiry.event_id,
    Inquiry.received_at,
    Inquiry.first_response_at,
    Inquiry.status,
    Inquiry.contact_id,
    Inquiry.country_code,
    Inquiry.id,
)
# A country's page: its inquiries newest first, counted from the index. Also the foreign key's.
Index("ix_inquiries_country_code_received_at", Inquiry.country_code, Inquiry.received_at, Inquiry.id)
# /reports: every column its counts, waits and countries read for a range of days, so no row is fetched.
Index(
    "ix_inquiries_reports",
    Inquiry.received_at,
    Inquiry.first_response_at,
    Inquiry.status,
    Inquiry.contact_id,
    Inquiry.country_code,
)
