"""Contact lists: static lists of people, or saved filters re-evaluated on use (smart lists)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import TimestampMixin, utcnow

if TYPE_CHECKING:
    from crm.models.contact import Contact
    from crm.models.user import User

contact_list_members = Table(
    "contact_list_members",
    db.metadata,
    Column("list_id", ForeignKey("contact_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("added_at", DateTime(timezone=True), default=utcnow, nullable=False),
)


class ContactList(TimestampMixin, db.Model):
    __tablename__ = "contact_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="static", index=True)  # static / smart
    description: Mapped[str] = mapped_column(Text, default="")
    # For a smart list: the contact-list query parameters it was saved with (country, region, tag, ...).
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner: Mapped[User | None] = relationship()
    members: Mapped[list[Contact]] = relationship(
        secondary=contact_list_members, order_by="Contact.name_latin"
    )

    @property
    def is_smart(self) -> bool:
        return self.kind == "smart"
