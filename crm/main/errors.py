"""Error pages, and the gate that keeps every page behind sign-in."""

from __future__ import annotations

import logging

from flask import Flask, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from crm.audit.services import record
from crm.auth.sessions import enforce_timeouts
from crm.extensions import db, login_manager
from crm.translations import gettext as _

log = logging.getLogger(__name__)

# Endpoints reachable without signing in; everything else redirects to /login.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "main.health", "static"})
# Endpoints a user who must change their one-time password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


def require_sign_in():
    if (ended := enforce_timeouts()) is not None:
        return ended
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.change_password"))
    return None


def refuse_nul_characters():
    """before_request: a NUL character in a query or form value gets a 400 that says so.

    Nobody types one; PostgreSQL refuses to store or even compare one (a 500 before), and SQLite's
    full-text strings cannot hold one.
    """
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH"):
        sources.append(request.form)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                reason = _(
                    "The request held an invisible NUL character, which cannot be stored. Remove it and try again."
                )
                return render_template("errors/400.html", error=None, reason=reason), 400
    return None


def _page(code: int, template: str):
    def handler(error):
        if code >= 500:
            db.session.rollback()
            log.exception("server error on %s", request.path)
        return render_template(template, error=error), code

    return handler


def forbidden(error):
    """403: the refused attempt goes to the audit trail as well as the log (ASVS 16.3.2)."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        needed = g.pop("role_needed", None)
        log.warning(
            "forbidden: user=%s role=%s needed=%s %s %s",
            user.id,
            user.role,
            needed,
            request.method,
            request.path,
        )
        try:
            if db.session.new or db.session.dirty or db.session.deleted:
                db.session.rollback()  # a refused request changes nothing, whatever the view began
            details = {"method": request.method, "path": request.path, "role": user.role, "needed": needed}
            record(user, "forbidden", entity_type="route", changes=details)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("could not audit a refused request")
    return render_template("errors/403.html", error=error), 403


def register(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.before_request(require_sign_in)
    app.register_error_handler(403, forbidden)
    for code in (400, 404, 405, 413, 500):
        app.register_error_handler(code, _page(code, f"errors/{code}.html"))
    app.register_error_handler(CSRFError, _page(400, "errors/400.html"))
