"""Several processes create and edit contacts through a real server: no acknowledged write is lost.

Bounded and loopback only: gunicorn on 127.0.0.1 for CRM_LOAD_SECONDS (default 10) with
CRM_LOAD_CLIENTS client processes (default 4). On SQLite the file must then pass
integrity_check and foreign_key_check; on PostgreSQL (TEST_DATABASE_URL) a fresh database is used.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess  # noqa: S404 - starts gunicorn and the clients with fixed arguments
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig
from crm import create_app
from crm.contacts.services import create_contact
from crm.extensions import db as _db
from crm.models import AuditEntry, Contact
from tests.databases import scratch_postgres
from tests.safety.conftest import PASSWORD, add_user

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("CRM_LOAD_SECONDS", "10"))
CLIENTS = int(os.environ.get("CRM_LOAD_CLIENTS", "4"))
WORKERS = int(os.environ.get("CRM_LOAD_WORKERS", "3"))


@pytest.fixture
def database(tmp_path):
    """A database URL of its own: a SQLite file, or a new PostgreSQL database when the suite uses one."""
    url = TestConfig.SQLALCHEMY_DATABASE_URI
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'load.sqlite'}"
        return
    with scratch_postgres(url, "crm_load") as scratch:
        yield scratch


def _prepare(url: str) -> tuple[object, int]:
    class LoadConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(LoadConfig)
    with app.app_context():
        _db.create_all()
        users = [add_user(f"load{i}@example.org") for i in range(CLIENTS)]
        _db.session.flush()
        shared = create_contact({"full_name": "Shared Contact", "notes": "start"}, actor=users[0])
        _db.session.commit()
        shared_id = shared.id
        _db.session.remove()
        _db.engine.dispose()
    return app, shared_id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /health within 30 s")


def test_concurrent_writers_through_a_real_server_lose_nothing(database, tmp_path):
    app, shared_id = _prepare(database)
    port, log = _free_port(), tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CRM_CONFIG": "test",
        "TEST_DATABASE_URL": database,
        "CRM_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    log_file = log.open("w")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    try:
        _wait_until_up(base, server, log)
        clients = [
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    str(ROOT / "tests/safety/load_client.py"),
                    base,
                    f"load{i}@example.org",
                    PASSWORD,
                    str(SECONDS),
                    str(shared_id),
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for i in range(CLIENTS)
        ]
        results = [json.loads(client.communicate(timeout=SECONDS + 120)[0]) for client in clients]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()

    assert [r.get("fatal") for r in results] == [None] * CLIENTS
    assert [error for r in results for error in r["errors"]] == []  # no 5xx at all
    statuses = sum((Counter(r["statuses"]) for r in results), start=Counter())
    assert set(statuses) <= {"200", "302", "409"}, statuses
    created = {int(k): v for r in results for k, v in r["created"].items()}
    notes = {int(k): v for r in results for k, v in r["notes"].items()}
    shared_saves = [s for r in results for s in r["shared_saves"]]
    assert len(created) >= CLIENTS  # every client got some work done

    with app.app_context():
        rows = dict(
            _db.session.execute(
                select(Contact.id, Contact.full_name).where(Contact.full_name.like("Load %"))
            ).all()
        )
        assert rows == created  # every acknowledged create, and nothing else
        saved_notes = dict(
            _db.session.execute(select(Contact.id, Contact.notes).where(Contact.id.in_(created))).all()
        )
        assert saved_notes == notes  # each contact holds its last acknowledged edit
        shared = _db.session.get(Contact, shared_id)
        # Every acknowledged save of the shared contact bumped its version once: none overwritten unseen.
        assert shared.version == 1 + len(shared_saves)
        assert shared.notes in shared_saves
        creates = _db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "create", AuditEntry.entity_type == "contact")
        )
        assert creates == len(created) + 1
        _db.session.remove()
        _db.engine.dispose()
    if database.startswith("sqlite"):
        connection = sqlite3.connect(database.removeprefix("sqlite:///"))
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.close()
    total = sum(statuses.values())
    print(
        f"\nload: {CLIENTS} clients x {SECONDS:.0f} s, {WORKERS} workers: {total} requests, "
        f"{len(created)} creates, {len(notes)} contacts edited, {len(shared_saves)} shared saves, "
        f"{statuses.get('409', 0)} conflicts, statuses {dict(statuses)}"
    )
