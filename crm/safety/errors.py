"""Pages for a database that cannot be written, and for a save that lost a race.

Both roll the whole request back, so whatever the user submitted is either saved completely
or not at all; reads are unaffected, and nothing needs restarting once the cause is fixed.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import DBAPIError, InternalError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from crm.extensions import db
from crm.safety.transactions import WRITE_METHODS, stop_writing

log = logging.getLogger(__name__)

# PostgreSQL reports these as errors other than OperationalError; they still mean "cannot write".
_UNWRITABLE_PG = ("ReadOnlySqlTransaction", "DiskFull", "InsufficientResources")
# SQLite uses OperationalError for bad SQL too ("no such column"): only these are the database's state.
_UNWRITABLE_SQLITE = ("readonly", "read-only", "disk", "full", "locked", "busy", "unable to open", "i/o")
RETRY_AFTER_SECONDS = "30"


def is_unwritable(error: DBAPIError) -> bool:
    """The database refused because of its state (read-only, full, locked, gone), not the data."""
    if type(error.orig).__module__.startswith("sqlite3"):
        message = str(error.orig).lower()
        return isinstance(error, OperationalError) and any(word in message for word in _UNWRITABLE_SQLITE)
    return isinstance(error, OperationalError) or type(error.orig).__name__ in _UNWRITABLE_PG


def _database_unavailable(error: DBAPIError):
    if not is_unwritable(error):
        raise error  # a real bug: the generic 500 page
    db.session.rollback()
    stop_writing()
    writing = request.method in WRITE_METHODS
    log.error(
        "database unavailable on %s %s (nothing saved): %s",
        request.method,
        request.path,
        str(error.orig).splitlines()[0] if error.orig else type(error).__name__,
    )
    page = render_template("safety/unavailable.html", writing=writing)
    return page, 503, {"Retry-After": RETRY_AFTER_SECONDS}


def _lost_race(error: StaleDataError):
    """Someone saved the same record between our read and our write (the version check caught it)."""
    db.session.rollback()
    log.warning("edit conflict on %s %s: %s", request.method, request.path, error)
    return render_template("safety/stale.html"), 409


def register(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InternalError, _database_unavailable)
    app.register_error_handler(StaleDataError, _lost_race)
