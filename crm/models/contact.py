"""People and their affiliations with organisations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from crm.extensions import db
from crm.models.base import TimestampMixin, enum_column, today_utc, unindexed
from crm.models.enums import StakeholderType

if TYPE_CHECKING:
    from crm.models.inquiry import Inquiry
    from crm.models.organisation import Organisation
    from crm.models.reference import Country, Tag
    from crm.models.user import User

contact_tags = Table(
    "contact_tags",
    db.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Contact(TimestampMixin, db.Model):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300), index=True)  # as written, any script
    name_latin: Mapped[str] = mapped_column(String(300), default="", index=True)  # for sorting
    name_key: Mapped[str] = mapped_column(String(300), default="", index=True)  # crm.names.name_key
    email: Mapped[str] = mapped_column(String(254), default="")
    email_normalized: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    phone_e164: Mapped[str] = mapped_column(
        String(20), default="", server_default="", index=True
    )  # for matching
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.alpha2"), index=True)
    languages: Mapped[str] = mapped_column(String(200), default="")
    stakeholder_type: Mapped[StakeholderType] = mapped_column(
        enum_column(StakeholderType), default=StakeholderType.OTHER, index=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_to_share: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_method: Mapped[str] = mapped_column(String(200), default="")
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Special-category data: only coordinators and admins see it; never loaded unless asked for.
    lived_experience: Mapped[bool] = deferred(mapped_column(Boolean, default=False, nullable=False))
    sensitive_notes: Mapped[str] = deferred(mapped_column(Text, default="", nullable=False))
    # Lifecycle: a merged-away or deleted contact is kept (restorable, auditable) but is not "live".
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # see ix_contacts_live
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    # Set when the person was anonymised (erasure request or retention): the row stays for the counts.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Every ORM UPDATE says "AND version = <the one read>" and bumps it: a write based on a stale
    # read fails (StaleDataError, a 409 page) instead of silently overwriting (crm/safety).
    __mapper_args__ = {"version_id_col": version}

    country: Mapped[Country | None] = relationship()
    owner: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=contact_tags, order_by="Tag.name")
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Affiliation.id"
    )
    inquiries: Mapped[list[Inquiry]] = relationship(back_populates="contact")

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.full_name!r}>"

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.merged_into_id is None

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """SQL condition: neither deleted nor merged away (use in every list, search and export)."""
        return and_(unindexed(cls.deleted_at).is_(None), unindexed(cls.merged_into_id).is_(None))


class Affiliation(db.Model):
    """A contact's role at an organisation, over a period."""

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)

    contact: Mapped[Contact] = relationship(back_populates="affiliations")
    organisation: Mapped[Organisation] = relationship(back_populates="affiliations")

    @property
    def is_current(self) -> bool:
        return self.end_on is None or self.end_on >= today_utc()

    @classmethod
    def current_on(cls, day: Any) -> ColumnElement[bool]:
        """is_current in SQL, on `day` (a date or a bound parameter)."""
        return or_(cls.end_on.is_(None), cls.end_on >= day)


# The contact list filtered by country and sorted by name reads one index range in order (id is
# the order's tie-break); the trailing columns answer live() from the index, so the page's total
# is counted without reading the table.
Index(
    "ix_contacts_country_live",
    Contact.country_code,
    Contact.name_latin,
    Contact.id,
    Contact.deleted_at,
    Contact.merged_into_id,
)
# The unfiltered list's total (live() over every row) is counted from this index alone; it also
# finds the deleted records for the admin's restore page.
Index("ix_contacts_live", Contact.deleted_at, Contact.merged_into_id)
