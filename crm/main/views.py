"""Home page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from crm.extensions import db
from crm.main import services

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html", **services.home_for(current_user))


@bp.route("/health")
def health():
    """Liveness and a database round trip; no data, no sign-in."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
