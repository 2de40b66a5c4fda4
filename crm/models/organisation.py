"""Organisations and their network membership."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Date, DateTime, ForeignKey, Index, Integer, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import TimestampMixin, enum_column, unindexed
from crm.models.enums import MembershipStatus, OrganisationKind

if TYPE_CHECKING:
    from crm.models.contact import Affiliation
    from crm.models.reference import Country
    from crm.models.user import User


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    name_latin: Mapped[str] = mapped_column(String(300), default="")  # for sorting (index below)
    name_key: Mapped[str] = mapped_column(String(300), default="", index=True)  # crm.names.name_key
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind), default=OrganisationKind.NGO, index=True
    )
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.alpha2"), index=True)
    website: Mapped[str] = mapped_column(String(500), default="")
    membership_status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus), default=MembershipStatus.NONE, index=True
    )
    membership_since: Mapped[date | None] = mapped_column(Date)  # when the status last changed
    member_since: Mapped[date | None] = mapped_column(Date, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Lifecycle: a merged-away or deleted organisation is kept (restorable, auditable) but is not "live".
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # see ix_organisations_live
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    # Every ORM UPDATE says "AND version = <the one read>" and bumps it: a write based on a stale
    # read fails (StaleDataError, a 409 page) instead of silently overwriting (crm/safety).
    __mapper_args__ = {"version_id_col": version}

    country: Mapped[Country | None] = relationship()
    owner: Mapped[User | None] = relationship()
    affiliations: Mapped[list[Affiliation]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.merged_into_id is None

    @classmethod
    def live(cls) -> ColumnElement[bool]:
        """SQL condition: neither deleted nor merged away (use in every list, search and export)."""
        return and_(unindexed(cls.deleted_at).is_(None), unindexed(cls.merged_into_id).is_(None))


# The organisation list filtered by country and sorted by name reads one index range in order (id is
# the order's tie-break); the trailing columns answer live() from the index, so the page's total
# is counted without reading the table.
Index(
    "ix_organisations_country_live",
    Organisation.country_code,
    Organisation.name_latin,
    Organisation.id,
    Organisation.deleted_at,
    Organisation.merged_into_id,
)
# The unfiltered list's total (live() over every row) is counted from this index alone; it also
# finds the deleted records for the admin's restore page.
Index("ix_organisations_live", Organisation.deleted_at, Organisation.merged_into_id)
# The membership board counts its columns and reads each column's first cards from this index alone
# (status, then the date the column is ordered by; live() is checked without reading the table).
Index(
    "ix_organisations_membership_board",
    Organisation.membership_status,
    Organisation.membership_since,
    Organisation.deleted_at,
    Organisation.merged_into_id,
)
# Sorted by name (list, lookup). name_key rides along so the lookup's "name contains" test is
# made on the index entry and only the matching rows are read (a scan of 20,000 rows in name
# order reading each row was 13 ms; ~3 ms on the index alone); id makes it the whole ORDER BY.
Index(
    "ix_organisations_name_latin_id_name_key", Organisation.name_latin, Organisation.id, Organisation.name_key
)
