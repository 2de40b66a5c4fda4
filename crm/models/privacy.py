"""Consent records: what each person agreed to, when, how and recorded by whom, with full history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import enum_column, utcnow
from crm.models.enums import ConsentPurpose

if TYPE_CHECKING:
    from crm.models.contact import Contact
    from crm.models.user import User


class ConsentRecord(db.Model):
    """One statement of consent given or withdrawn; the newest per purpose is the current state.

    Records are never edited or deleted: withdrawing adds a record, so the history is the table.
    """

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_contact_purpose", "contact_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column(ConsentPurpose))
    given: Mapped[bool] = mapped_column(Boolean)  # False: withdrawn (or refused)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when the person said so
    method: Mapped[str] = mapped_column(String(200), default="")  # how: form tick box, e-mail of 3 May, ...
    notice: Mapped[str] = mapped_column(String(100), default="")  # which privacy notice they were shown
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    contact: Mapped[Contact] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ConsentRecord {self.contact_id} {self.purpose} {'given' if self.given else 'withdrawn'}>"
