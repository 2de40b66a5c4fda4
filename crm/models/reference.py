"""Reference data: countries (ISO 3166-1 with UN M49 regions), topics and tags."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class Country(db.Model):
    __tablename__ = "countries"

    alpha2: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(120), index=True)
    m49: Mapped[str | None] = mapped_column(String(3))
    region_code: Mapped[str | None] = mapped_column(String(3), index=True)
    region: Mapped[str | None] = mapped_column(String(80))
    subregion_code: Mapped[str | None] = mapped_column(String(3), index=True)
    subregion: Mapped[str | None] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Country {self.alpha2}>"


class Topic(db.Model):
    """What an inquiry asks about (legal mechanisms, amnesties, ...); managed by admins."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Tag(db.Model):
    """A free label on contacts; managed by admins."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
