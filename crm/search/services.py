"""One search box for contacts, organisations, inquiries and threads, in either script.

Names match through their romanisation-tolerant key (crm.names.name_key), so "Aigerim"
finds "Айгерим" and "Нургалиева" finds "Nurgaliyeva"; phone numbers match on their digits.
This is a plain LIKE search; an indexed full-text search is the subject of a later issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.listing import contains
from crm.models import Contact, Inquiry, Organisation, Thread
from crm.names import name_key

PER_KIND = 10
MIN_LENGTH = 2


@dataclass
class SearchResults:
    query: str
    contacts: list[Contact] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    inquiries: list[Inquiry] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.contacts) + len(self.organisations) + len(self.inquiries) + len(self.threads)


def _by_key(column, text: str):
    """Every word of the query appears in the romanisation-tolerant key."""
    words = name_key(text).split()
    return and_(*(column.contains(word, autoescape=True) for word in words)) if words else None


def _either(*conditions):
    return or_(*(c for c in conditions if c is not None))


def search(text: str, limit: int = PER_KIND) -> SearchResults:
    """What matches `text`, grouped by kind, closest names first (four statements)."""
    text = " ".join((text or "").split())[:200]
    results = SearchResults(query=text)
    if len(text) < MIN_LENGTH:
        return results
    digits = re.sub(r"\D", "", text)
    phone = None
    if len(digits) >= 5:
        cleaned = func.replace(func.replace(func.replace(Contact.phone, " ", ""), "-", ""), "+", "")
        phone = cleaned.contains(digits, autoescape=True)
    results.contacts = list(
        db.session.scalars(
            select(Contact)
            .where(
                _either(
                    _by_key(Contact.name_key, text), contains(Contact.email_normalized, text.lower()), phone
                )
            )
            .options(selectinload(Contact.country))
            .order_by(func.length(Contact.name_key), Contact.id)
            .limit(limit)
        )
    )
    results.organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(_either(_by_key(Organisation.name_key, text), contains(Organisation.name, text)))
            .options(selectinload(Organisation.country))
            .order_by(func.length(Organisation.name), Organisation.id)
            .limit(limit)
        )
    )
    results.inquiries = list(
        db.session.scalars(
            select(Inquiry)
            .where(
                _either(
                    contains(Inquiry.sender_name, text),
                    contains(Inquiry.sender_email, text),
                    contains(Inquiry.subject, text),
                    contains(Inquiry.message, text),
                )
            )
            .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
            .limit(limit)
        )
    )
    results.threads = list(
        db.session.scalars(
            select(Thread).where(contains(Thread.title, text)).order_by(Thread.updated_at.desc()).limit(limit)
        )
    )
    return results
