"""A database that cannot be written: a clear 503 'nothing was saved', nothing half-saved, reads work."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select

from crm.extensions import db as _db
from crm.models import AuditEntry, Contact
from tests.safety.conftest import sign_in

NEW_CONTACT = {
    "full_name": "Gulnara Ismailova",
    "stakeholder_type": "other",
    "notes": "asked about amnesties",
}


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


@contextmanager
def refusing(engine, table: str):
    """The database refuses the first write into `table`, as a read-only file or full disk would.

    By then the request has already written other rows, so this shows they are not kept either.
    SQLite: the connection turns query_only just before it; PostgreSQL: the statement becomes one
    that raises the server's own read-only error (SQLSTATE 25006).
    """
    target = f"INSERT INTO {table} "

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(target):
            if engine.dialect.name == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
            else:
                statement = (
                    "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', "
                    "MESSAGE = 'cannot execute INSERT in a read-only transaction'; END $$"
                )
                parameters = {} if isinstance(parameters, dict) else ()
        return statement, parameters

    event.listen(engine, "before_cursor_execute", before, retval=True)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
        if engine.dialect.name == "sqlite":
            _db.session.connection().exec_driver_sql("PRAGMA query_only = OFF")


def test_a_refused_write_shows_nothing_was_saved_and_keeps_nothing(db, client, staff, login):
    login(staff)
    contacts, audits = _count(Contact), _count(AuditEntry)
    with refusing(db.engine, "audit_entries"):  # the contact row is written first, then this fails
        response = client.post("/contacts/new", data=NEW_CONTACT)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        page = response.get_data(as_text=True)
        assert "Nothing was saved" in page and "not even in part" in page
        assert _count(Contact) == contacts and _count(AuditEntry) == audits
        listing = client.get("/contacts")  # reading still works
        assert listing.status_code == 200 and "Gulnara" not in listing.get_data(as_text=True)
    # Recovers without a restart once the database can be written again.
    assert client.post("/contacts/new", data=NEW_CONTACT).status_code == 302
    assert _count(Contact) == contacts + 1


def test_a_bug_is_still_a_500_not_a_503(db, client, staff, login, monkeypatch):
    """Only the database's state gives the 503 page; bad SQL is a bug and stays a 500."""
    from sqlalchemy import text

    from crm.contacts import views

    def broken(*args, **kwargs):
        _db.session.execute(text("SELECT no_such_column FROM contacts"))

    monkeypatch.setattr(views.services, "add_contact", broken)
    login(staff)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.post("/contacts/new", data=NEW_CONTACT)
    finally:
        client.application.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500


def _restrict(app, pragma: str):
    """Every new connection of the file app gets `pragma` (the pool is emptied first)."""

    def on_connect(dbapi_connection, _record):
        dbapi_connection.execute(pragma)

    with app.app_context():
        _db.engine.dispose()
        event.listen(_db.engine, "connect", on_connect)
    return on_connect


def _lift(app, listener) -> None:
    with app.app_context():
        event.remove(_db.engine, "connect", listener)
        _db.engine.dispose()


def test_a_read_only_database_file(file_app):
    client = sign_in(file_app.test_client())
    listener = _restrict(file_app, "PRAGMA query_only = ON")
    try:
        response = client.post("/contacts/new", data=NEW_CONTACT)
        assert response.status_code == 503 and "Nothing was saved" in response.get_data(as_text=True)
        assert client.get("/contacts").status_code == 200
        assert client.get("/organisations").status_code == 200
    finally:
        _lift(file_app, listener)
    assert client.post("/contacts/new", data=NEW_CONTACT).status_code == 302
    with file_app.app_context():
        assert _count(Contact) == 1


def test_a_full_disk(file_app):
    client = sign_in(file_app.test_client())
    with file_app.app_context():
        pages = _db.session.connection().exec_driver_sql("PRAGMA page_count").scalar()
        _db.session.remove()
    # The file may not grow beyond its size now: SQLITE_FULL, "database or disk is full".
    listener = _restrict(file_app, f"PRAGMA max_page_count = {pages}")
    try:
        big = {**NEW_CONTACT, "notes": "x" * 400_000}
        response = client.post("/contacts/new", data=big)
        assert response.status_code == 503 and "Nothing was saved" in response.get_data(as_text=True)
        assert client.get("/contacts").status_code == 200
    finally:
        _lift(file_app, listener)
    with file_app.app_context():
        assert _count(Contact) == 0
    assert client.post("/contacts/new", data=NEW_CONTACT).status_code == 302
