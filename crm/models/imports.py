"""Import batches and saved column mappings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import TimestampMixin

if TYPE_CHECKING:
    from crm.models.event import Event
    from crm.models.user import User


class ImportBatch(TimestampMixin, db.Model):
    """One committed import: who, when, which file and mapping, what it made. It can be undone."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(10))  # csv / xlsx
    encoding: Mapped[str] = mapped_column(String(20), default="")
    delimiter: Mapped[str] = mapped_column(String(5), default="")
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # file column -> field
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # rows, created, matched, skipped
    skipped_rows: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{row, column, reason}]
    status: Mapped[str] = mapped_column(String(20), default="committed", index=True)  # committed / undone
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])
    event: Mapped[Event | None] = relationship()


class ImportMapping(TimestampMixin, db.Model):
    """A named column mapping, saved from the import page and reused."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # file column -> field
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
