"""Likely duplicate pairs found by a scan, and pairs a person said are not duplicates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.models.base import utcnow

# Pairs name their records by kind and id, not by foreign key: they are a review queue about
# records (kept when one is merged away), not links that a merge should move.
CONTACT, ORGANISATION = "contact", "organisation"


class DuplicatePair(db.Model):
    """Two live records of one kind that may be the same (first_id < second_id), with the score."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("kind", "first_id", "second_id"),
        Index("ix_duplicate_pairs_queue", "kind", "score", "first_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    first_id: Mapped[int] = mapped_column(Integer)
    second_id: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(
        String(200), default=""
    )  # codes, comma-separated (crm.matching.scoring)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotDuplicate(db.Model):
    """A pair someone reviewed and said are different records; never suggested again."""

    __tablename__ = "not_duplicates"
    __table_args__ = (UniqueConstraint("kind", "first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    first_id: Mapped[int] = mapped_column(Integer)
    second_id: Mapped[int] = mapped_column(Integer)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
