"""Brute-force limits on sign-in, counted in the database so they hold across workers.

Failures are keyed by the e-mail as typed, so an unknown address is counted and locked
exactly like a real account: the lock-out message cannot reveal which accounts exist.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from crm.audit.services import record
from crm.extensions import db
from crm.models import LoginAttempt
from crm.models.base import as_utc, utcnow

log = logging.getLogger(__name__)

FAILURE = "failure"
LOCKOUT = "lockout"
# Rows older than this are of no use to any limit and are pruned as new failures arrive.
KEEP = timedelta(days=1)


def now() -> datetime:
    """The current time (a function of its own so tests can move the clock)."""
    return utcnow()


def _minutes(setting: str) -> timedelta:
    return timedelta(minutes=int(current_app.config[setting]))


def _latest_lockout(email: str) -> datetime | None:
    latest = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.email == email, LoginAttempt.kind == LOCKOUT)
    )
    return as_utc(latest)


def locked_until(email: str) -> datetime | None:
    """When the lock-out on this e-mail ends, or None if sign-in may be tried now."""
    latest = _latest_lockout(email)
    if latest is None:
        return None
    until = latest + _minutes("LOGIN_LOCKOUT_MINUTES")
    return until if until > now() else None


def _ip_failures(ip: str, moment: datetime) -> int:
    since = moment - _minutes("LOGIN_IP_WINDOW_MINUTES")
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.ip == ip, LoginAttempt.kind == FAILURE, LoginAttempt.at > since)
    )


def ip_blocked(ip: str) -> bool:
    """True once this address has failed LOGIN_IP_MAX_FAILURES times within the IP window."""
    return _ip_failures(ip, now()) >= int(current_app.config["LOGIN_IP_MAX_FAILURES"])


def record_failure(email: str, ip: str) -> bool:
    """Count a failed sign-in; returns True if this failure locked the e-mail (audited then)."""
    moment = now()
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < moment - KEEP))
    db.session.add(LoginAttempt(kind=FAILURE, email=email, ip=ip, at=moment))
    # Failures before the last lock-out ended were already punished; count only the newer ones.
    since = moment - _minutes("LOGIN_LOCKOUT_MINUTES")
    latest_lockout = _latest_lockout(email)
    if latest_lockout is not None and latest_lockout > since:
        since = latest_lockout
    failures = db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == email, LoginAttempt.kind == FAILURE, LoginAttempt.at > since)
    )
    _audit_ip_block(ip, moment)
    if failures < int(current_app.config["LOGIN_MAX_FAILURES"]):
        return False
    db.session.add(LoginAttempt(kind=LOCKOUT, email=email, ip=ip, at=moment))
    record(None, "login_locked", entity_type="user", changes={"email": email, "ip": ip, "failures": failures})
    log.warning("sign-in locked: email=%r ip=%s failures=%d", email, ip, failures)
    return True


def _audit_ip_block(ip: str, moment: datetime) -> None:
    """The failure that takes an address to its limit is audited once."""
    failures = _ip_failures(ip, moment)
    if failures == int(current_app.config["LOGIN_IP_MAX_FAILURES"]):
        record(None, "login_ip_blocked", entity_type="user", changes={"ip": ip, "failures": failures})
        log.warning("sign-in blocked for address %s after %d failures", ip, failures)


def forget_failures(email: str) -> None:
    """A successful sign-in starts the count for this e-mail afresh."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.kind == FAILURE))
