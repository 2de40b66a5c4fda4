"""Error pages, and the gate that keeps every page behind sign-in."""

from __future__ import annotations

import logging

from flask import Flask, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from crm.extensions import db, login_manager

log = logging.getLogger(__name__)

# Endpoints reachable without signing in; everything else redirects to /login.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "main.health", "static"})
# Endpoints a user who must change their one-time password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


def require_sign_in():
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.change_password"))
    return None


def _page(code: int, template: str):
    def handler(error):
        if code >= 500:
            db.session.rollback()
            log.exception("server error on %s", request.path)
        return render_template(template, error=error), code

    return handler


def register(app: Flask) -> None:
    app.before_request(require_sign_in)
    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _page(code, f"errors/{code}.html"))
    app.register_error_handler(CSRFError, _page(400, "errors/400.html"))
