"""Accounts: creating users, passwords, sign-in."""

from __future__ import annotations

import logging
import secrets

from flask import current_app
from flask_babel import ngettext, refresh
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from crm.audit.services import record
from crm.auth import passwords, throttle
from crm.errors import DomainError
from crm.extensions import db
from crm.models import User
from crm.models.base import utcnow
from crm.models.enums import Role
from crm.translations import gettext as _

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
# Compared against when the account does not exist, so both paths cost the same.
_DUMMY_HASH: dict[str, str] = {}


class AccountError(DomainError):
    """A rule about accounts was broken; the message is shown to the user, next to `field`."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def one_time_password() -> str:
    """A random password to hand over once; the user must replace it at first sign-in."""
    return secrets.token_urlsafe(12)


def load_user(user_key: str) -> User | None:
    """Flask-Login loader: the cookie holds id:session_version, so bumping the version ends sessions."""
    user_id, _, version = user_key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, name: str, role: Role, *, actor: User | None) -> tuple[User, str]:
    """Create an account with a one-time password; returns the user and that password."""
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise AccountError(_("An account for %(email)s already exists.", email=email), "email")
    password = one_time_password()
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        role=role,
        password_hash=_hash(password),
        must_change_password=True,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "create", user, changes={"email": email, "role": role})
    return user, password


class SignInRefused(AccountError):
    """Too many failed sign-ins for this e-mail or from this address; try again later."""


def _dummy_hash() -> str:
    """A hash made with the configured method, checked when the account does not exist."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = _hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH[method]


def authenticate(email: str, password: str, *, ip: str = "") -> User | None:
    """The active user with this e-mail and password, or None (same work either way).

    Raises SignInRefused while the e-mail is locked out or the address is over its limit,
    even when the password is right. Unknown e-mails are counted and locked like real ones.
    """
    email = normalise_email(email)[:254]
    if throttle.locked_until(email) is not None or throttle.ip_blocked(ip):
        log.warning("sign-in refused (throttled): email=%r ip=%s", email, ip)
        minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
        raise SignInRefused(
            ngettext(
                "Too many failed attempts. Wait %(num)d minute, then try again.",
                "Too many failed attempts. Wait %(num)d minutes, then try again.",
                minutes,
            ),
            "password",
        )
    user = find_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
    if user is None or not check_password_hash(user.password_hash, password) or not user.active:
        record(user, "login_failed", user, entity_type="user", changes={"email": email, "ip": ip})
        log.info("sign-in failed: email=%r ip=%s", email, ip)
        throttle.record_failure(email, ip)
        return None
    user.last_login_at = utcnow()
    throttle.forget_failures(email)
    record(user, "login", user, changes={"ip": ip})
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; ends the user's other sessions."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is not correct."), "current_password")
    if problem := passwords.policy_error(new, email=user.email):
        raise AccountError(problem, "new_password")
    if new == current:
        raise AccountError(_("Choose a password different from the current one."), "new_password")
    user.password_hash = _hash(new)
    user.must_change_password = False
    end_sessions(user)
    record(user, "password_change", user)


def end_sessions(user: User) -> None:
    """Every session cookie issued to this user so far stops working (copies included)."""
    user.session_version += 1


def sign_out(user: User) -> None:
    """Signing out ends this session and every other one of the same user."""
    end_sessions(user)
    record(user, "logout", user)


def set_role(user: User, role: Role, *, actor: User) -> None:
    if user.id == actor.id and role != user.role:
        raise AccountError(_("You cannot change your own role."))
    if user.role != role:
        record(actor, "update", user, changes={"role": [user.role, role]})
        user.role = role


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    if user.id == actor.id and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    if user.active != active:
        user.active = active
        end_sessions(user)
        record(actor, "update", user, changes={"active": [not active, active]})


def reset_password(user: User, *, actor: User) -> str:
    """Give the user a new one-time password (an admin action)."""
    password = one_time_password()
    user.password_hash = _hash(password)
    user.must_change_password = True
    end_sessions(user)
    record(actor, "password_reset", user)
    return password


LOCALE_SESSION_KEY = "locale"


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["BABEL_SUPPORTED_LOCALES"])


def select_locale() -> str:
    """Flask-Babel's locale selector: the user's saved choice, else the browser's, else the default."""
    from flask import has_request_context, request, session
    from flask_login import current_user

    supported = supported_locales()
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if not has_request_context():  # a command in a terminal
        cli = current_app.config.get("CLI_LANGUAGE", "")
        return cli if cli in supported else default
    user = current_user
    chosen = getattr(user, "locale", None) if user and user.is_authenticated else None
    chosen = chosen or session.get(LOCALE_SESSION_KEY)
    if chosen in supported:
        return chosen
    # The browser's languages, most wanted first; "kk-KZ" means Kazakh even when a less wanted
    # "ru" would match exactly (werkzeug's best_match prefers any exact match).
    for value, _quality in request.accept_languages:
        for code in (value, value.replace("_", "-").split("-")[0]):
            if code in supported:
                return code
    return default


def set_locale(user: User | None, code: str) -> bool:
    """Remember the language: on the account when signed in, else in the session. False if unknown."""
    from flask import session

    if code not in supported_locales():
        return False
    if user is not None and user.is_authenticated:
        user.locale = code
    session[LOCALE_SESSION_KEY] = code
    refresh()  # the locale is cached per request
    return True
