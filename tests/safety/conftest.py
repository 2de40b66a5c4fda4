"""A second app on a SQLite file, for what an in-memory database cannot show (locks, files, backups).

Tests using it must not use the `db` fixture: that one rebinds the shared session to the suite's
database. They run on SQLite whatever TEST_DATABASE_URL says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from config import TestConfig
from crm import create_app
from crm.extensions import db as _db
from crm.models import User
from crm.models.enums import Role
from tests.conftest import PASSWORD


def make_file_app(path: Path):
    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    return create_app(FileConfig)


def add_user(email: str, role: Role = Role.STAFF) -> User:
    user = User(
        email=email,
        name=email.split("@")[0],
        role=role,
        password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
        must_change_password=False,
    )
    _db.session.add(user)
    return user


@pytest.fixture
def file_app(tmp_path):
    """An app on a fresh SQLite file with the schema, countries, and a staff user staff@example.org."""
    app = make_file_app(tmp_path / "crm.sqlite")
    with app.app_context():
        _db.create_all()
        from crm.countries.services import load_countries

        load_countries()
        add_user("staff@example.org")
        add_user("admin@example.org", Role.ADMIN)
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def sign_in(client, email: str = "staff@example.org"):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
