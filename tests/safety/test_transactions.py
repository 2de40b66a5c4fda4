"""Write transactions begin IMMEDIATE on SQLite, so concurrent writers queue instead of failing."""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import event, func, select, text
from werkzeug.datastructures import MultiDict

from crm.extensions import db
from crm.models import Contact
from crm.safety.transactions import begin_statement, reading_only
from tests.helpers import _FormParser
from tests.safety.conftest import sign_in


def _begins(app):
    """Collect every BEGIN the app's engine sends."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
    return seen


def test_posts_begin_immediate_and_gets_stay_deferred(file_app):
    client = file_app.test_client()
    seen = _begins(file_app)
    sign_in(client)
    assert seen[0] == "BEGIN IMMEDIATE"  # the sign-in POST; after its commit it only reads
    assert set(seen[1:]) <= {"BEGIN"}
    seen.clear()
    assert client.get("/contacts").status_code == 200
    assert seen == ["BEGIN"]
    seen.clear()
    response = client.post("/contacts/new", data={"full_name": "Dana Abenova", "stakeholder_type": "other"})
    assert response.status_code == 302
    assert seen[0] == "BEGIN IMMEDIATE" and set(seen[1:]) <= {"BEGIN"}


def test_a_streamed_export_after_its_audit_commit_does_not_hold_the_write_lock(file_app):
    client = file_app.test_client()
    sign_in(client, "admin@example.org")
    client.post("/contacts/new", data={"full_name": "Dana Abenova", "stakeholder_type": "other"})
    url = "/contacts/export?preset=full"
    parser = _FormParser(url)
    parser.feed(client.get(url).get_data(as_text=True))
    seen = _begins(file_app)
    response = client.post(url, data=MultiDict(parser.fields))
    body = response.get_data(as_text=True)
    response.close()
    assert response.mimetype == "text/csv" and "Dana Abenova" in body
    assert seen[0] == "BEGIN IMMEDIATE" and set(seen[1:]) == {"BEGIN"}  # audit entry, then the rows


def test_outside_a_request_writes_are_assumed_unless_marked_read_only(app):
    with app.test_request_context():
        pass
    assert begin_statement() == "BEGIN IMMEDIATE"  # a CLI command or script
    with reading_only():
        assert begin_statement() == "BEGIN"
    assert begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context(method="GET"):
        assert begin_statement() == "BEGIN"
    with app.test_request_context(method="DELETE"):
        assert begin_statement() == "BEGIN IMMEDIATE"


def test_concurrent_read_then_write_transactions_all_commit(file_app):
    """Each thread reads, then writes, in one transaction: deferred BEGIN fails some with
    'database is locked' at once; IMMEDIATE makes them wait their turn instead."""
    errors: list[BaseException] = []
    per_thread, threads = 15, 4

    def work(n: int) -> None:
        with file_app.app_context():
            for i in range(per_thread):
                try:
                    count = db.session.scalar(select(func.count()).select_from(Contact))
                    db.session.execute(
                        text(
                            "INSERT INTO contacts (full_name, name_latin, name_key, email, email_normalized,"
                            " phone, phone_e164, languages, stakeholder_type, consent_to_contact,"
                            " consent_to_share, consent_method, do_not_contact, notes, lived_experience,"
                            " sensitive_notes, version) VALUES (:n, :n, :n, '', '', '', '', '', 'other',"
                            " 0, 0, '', 0, :c, 0, '', 1)"
                        ),
                        {"n": f"T{n}-{i}", "c": str(count)},
                    )
                    db.session.commit()
                except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
                    db.session.rollback()
                    errors.append(exc)
            db.session.remove()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with file_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == per_thread * threads
    connection = sqlite3.connect(file_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_a_cli_command_that_writes_begins_immediate(file_app):
    seen = _begins(file_app)
    result = file_app.test_cli_runner().invoke(args=["users", "create", "new@example.org", "--role", "staff"])
    assert result.exit_code == 0, result.output
    assert seen and set(seen) == {"BEGIN IMMEDIATE"}
