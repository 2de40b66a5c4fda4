"""Failed sign-ins and lock-outs, kept in the database so every worker sees the same count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.models.base import utcnow


class LoginAttempt(db.Model):
    """One failed sign-in (kind 'failure') or the lock-out it triggered (kind 'lockout').

    Keyed by the e-mail as typed (normalised), not by user, so an unknown address is
    counted and locked exactly like a real one and the answers cannot tell them apart.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.kind} {self.email} {self.ip}>"
