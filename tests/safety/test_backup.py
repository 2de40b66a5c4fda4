"""`flask backup FILE`: a consistent online copy that restores into a working app."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_restore with fixed arguments
import threading
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from config import TestConfig
from crm import create_app
from crm.contacts.services import create_contact
from crm.extensions import db as _db
from crm.models import Contact, User
from tests.safety.conftest import make_file_app


def _add_contacts(app, names: list[str]) -> None:
    with app.app_context():
        staff = _db.session.scalar(select(User).where(User.email == "staff@example.org"))
        for name in names:
            create_contact({"full_name": name}, actor=staff)
        _db.session.commit()


def _names(app) -> list[str]:
    with app.app_context():
        names = list(_db.session.scalars(select(Contact.full_name).order_by(Contact.full_name)))
        _db.session.remove()
        return names


def test_backup_refuses_to_overwrite_and_the_copy_restores(file_app, tmp_path):
    _add_contacts(file_app, ["Аружан Касымова", "Bolat Seitkali"])
    target = tmp_path / "backup.sqlite"
    runner = file_app.test_cli_runner()

    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Integrity check ok; it holds 2 contacts" in result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()

    _add_contacts(file_app, ["Later Person"])
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code == 1 and "already exists; use --force" in again.output
    assert _names(make_file_app(target)) == ["Bolat Seitkali", "Аружан Касымова"]  # untouched
    forced = runner.invoke(args=["backup", "--force", str(target)])
    assert forced.exit_code == 0 and "it holds 3 contacts" in forced.output

    # Restore: the app stopped, the copy put in place of the database file, the app started again.
    restored_path = tmp_path / "restored" / "crm.sqlite"
    restored_path.parent.mkdir()
    shutil.copyfile(target, restored_path)
    restored = make_file_app(restored_path)
    assert _names(restored) == ["Bolat Seitkali", "Later Person", "Аружан Касымова"]
    client = restored.test_client()
    assert (
        client.post(
            "/login", data={"email": "staff@example.org", "password": "correct horse battery"}
        ).status_code
        == 302
    )
    page = client.get("/contacts").get_data(as_text=True)
    assert "Аружан Касымова" in page and "Later Person" in page


def test_backup_while_the_app_writes_is_consistent(file_app, tmp_path):
    """A copy taken mid-write holds a count between the counts before and after, and is intact."""
    _add_contacts(file_app, [f"Before {i}" for i in range(50)])
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            _add_contacts(file_app, [f"During {n}"])
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = file_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "live.sqlite")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    after = len(_names(file_app))
    copy = sqlite3.connect(tmp_path / "live.sqlite")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
    copied = copy.execute("SELECT count(*) FROM contacts").fetchone()[0]
    copy.close()
    assert 50 <= copied <= after


def test_backup_refuses_a_missing_folder(file_app, tmp_path):
    result = file_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "nowhere" / "b.sqlite")])
    assert result.exit_code == 1 and "does not exist" in result.output


@pytest.mark.skipif(
    not TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql") or shutil.which("pg_restore") is None,
    reason="PostgreSQL backups are tested when the suite runs on PostgreSQL",
)
def test_postgresql_backup_with_pg_dump_restores(tmp_path):
    server = TestConfig.SQLALCHEMY_DATABASE_URI.rsplit("/", 1)[0]
    source, scratch = (f"crm_backup_{uuid.uuid4().hex[:8]}" for _ in range(2))
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{source}"'))
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:

        class SourceConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"{server}/{source}"

        app = create_app(SourceConfig)
        with app.app_context():
            _db.create_all()
            user = User(email="staff@example.org", name="Staff", password_hash="x")
            _db.session.add(user)
            _db.session.flush()
            create_contact({"full_name": "Dilnoza Karimova"}, actor=user)
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        target = tmp_path / "crm.dump"
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        url = make_url(f"{server}/{scratch}")
        restore = [shutil.which("pg_restore"), "--no-owner", f"--dbname={scratch}"]
        restore += [f"--host={url.host}", f"--port={url.port or 5432}", f"--username={url.username}"]
        done = subprocess.run([*restore, str(target)], capture_output=True, text=True, check=False)  # noqa: S603
        assert done.returncode == 0, done.stderr

        class RestoredConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"{server}/{scratch}"

        restored = create_app(RestoredConfig)
        assert _names(restored) == ["Dilnoza Karimova"]
        with restored.app_context():
            _db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()
