"""Fixtures: app, db (rolled back per test), client, users and sign-in."""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager

import pytest
from flask import g
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from config import TestConfig
from crm import create_app
from crm.extensions import db as _db
from crm.models import User
from crm.models.enums import Role
from tests.databases import scratch_postgres

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session ignores `bind` and would open a second connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(scope="session")
def database_url():
    """SQLite in memory, or a fresh PostgreSQL database of our own so parallel runs never collide."""
    url = TestConfig.SQLALCHEMY_DATABASE_URI
    if not url.startswith("postgresql"):
        yield url
        return
    with scratch_postgres(url, "crm_test") as scratch:
        yield scratch


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    os.environ.setdefault("CRM_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))

    class SuiteConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(SuiteConfig)
    # Tests keep one app context open (for the rolled-back session), so requests share `g`;
    # forget Flask-Login's cached user before each request, as a real server would.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.pop("_login_user", None) and None)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        from crm.countries.services import load_countries

        load_countries()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """A database session whose work, commits included, is rolled back after the test."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": BoundSession}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_user(db):
    def factory(role: Role = Role.STAFF, **kwargs) -> User:
        n = next(_counter)
        user = User(
            email=kwargs.pop("email", f"user{n}@example.org"),
            name=kwargs.pop("name", f"User {n}"),
            role=role,
            password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
            must_change_password=kwargs.pop("must_change_password", False),
            **kwargs,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return factory


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, name="Staff Member")


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, name="Coordinator")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, name="Admin")


@pytest.fixture
def viewer(make_user):
    return make_user(Role.VIEWER, name="Viewer")


@pytest.fixture
def login(client):
    def do_login(user: User):
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do_login


@pytest.fixture
def make_organisation(db, staff):
    from crm.organisations.services import create_organisation

    def factory(name="Stateless Rights Centre", country_code="KZ", **data):
        return create_organisation({"name": name, "country_code": country_code, **data}, actor=staff)

    return factory


@pytest.fixture
def make_contact(db, staff):
    from crm.contacts.services import create_contact

    def factory(full_name="Айгерим Нургалиева", email="aigerim@example.kz", country_code="KZ", **data):
        actor = data.pop("actor", staff)
        tags = data.pop("tags", None)
        fields = {"full_name": full_name, "email": email, "country_code": country_code, **data}
        return create_contact(fields, actor=actor, tags=tags)

    return factory


@pytest.fixture
def make_event(db):
    from datetime import date

    from crm.models import Event

    def factory(title="Webinar: ending statelessness in Central Asia", starts_on=None, **data):
        event = Event(title=title, starts_on=starts_on or date(2026, 10, 15), **data)
        db.session.add(event)
        db.session.flush()
        return event

    return factory


@pytest.fixture
def make_inquiry(db, staff):
    from crm.inquiries.services import log_inquiry

    def factory(sender_name="Айгерим Нургалиева", sender_email="Aigerim@Example.kz", **data):
        actor = data.pop("actor", staff)
        topics = data.pop("topics", None)
        fields = {
            "sender_name": sender_name,
            "sender_email": sender_email,
            "sender_country": "Kazakhstan",
            "sender_organisation": "Stateless Rights Centre",
            "message": "How can we cooperate?",
            **data,
        }
        return log_inquiry(fields, actor=actor, topics=topics)

    return factory


@pytest.fixture
def make_thread(db, staff):
    from crm.models.enums import ThreadKind
    from crm.threads.services import open_thread

    def factory(kind=ThreadKind.CONSULTATION, title="Consultation on nationality law", **kwargs):
        return open_thread(kind, title, actor=kwargs.pop("actor", staff), **kwargs)

    return factory


@pytest.fixture
def count_statements(db):
    """Context manager yielding a list that collects every SQL statement run inside it.

    Tests share the app's session, so expire it (db.session.expire_all()) before the
    request you count, or objects already loaded will hide the queries a page makes.
    """

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def make_tag(db):
    from crm.models import Tag

    def factory(name: str) -> Tag:
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.flush()
        return tag

    return factory
