"""Session lifetime: a fresh session at sign-in, an idle timeout and an absolute one.

Flask keeps the session in a signed cookie, so both times live inside it (the signature stops
a user from moving them); ending sessions early is the job of User.session_version.
"""

from __future__ import annotations

import logging
import time

from flask import current_app, flash, redirect, request, session
from flask_login import current_user, login_url, login_user, logout_user

from crm.models import User
from crm.translations import gettext as _

log = logging.getLogger(__name__)

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# Refreshing the idle clock re-sends the cookie; once a minute is precise enough.
SEEN_RESOLUTION = 60
# Where an expired session simply carries on signed out instead of being sent to sign in.
PUBLIC_AFTER_EXPIRY = frozenset({"auth.login", "main.health"})


def now() -> float:
    """Seconds since the epoch (a function of its own so tests can move the clock)."""
    return time.time()


def start(user: User) -> None:
    """Sign the user in on a brand-new session: nothing from before sign-in survives."""
    session.clear()
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(now())


def expired() -> str | None:
    """Why the current session is over ('idle', 'absolute'), or None while it is still good."""
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return "absolute"  # a session from before these stamps existed: fail closed
    moment = now()
    if moment - signed_in_at > current_app.config["SESSION_MAX_HOURS"] * 3600:
        return "absolute"
    if moment - seen_at > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return "idle"
    return None


def enforce_timeouts():
    """before_request: end a session that sat idle or lived too long, and send the user to sign in."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    reason = expired()
    if reason is None:
        if now() - session[SEEN_AT] >= SEEN_RESOLUTION:
            session[SEEN_AT] = int(now())
        return None
    log.info("session ended (%s): user=%s", reason, current_user.id)
    logout_user()
    session.clear()
    if request.endpoint in PUBLIC_AFTER_EXPIRY:
        return None
    flash(_("Your session has ended. Please sign in again."), "info")
    return redirect(login_url("auth.login", next_url=request.url))  # as Flask-Login's own redirect
