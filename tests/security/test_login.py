"""Sign-in: one answer for unknown and wrong, lock-out and per-address limits in the database, audit."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.auth import services, throttle
from crm.models import AuditEntry, LoginAttempt
from tests.conftest import PASSWORD

LOCKED = "Too many failed attempts"


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: `clock.now += timedelta(...)`."""

    class Clock:
        now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    monkeypatch.setattr(throttle, "now", lambda: Clock.now)
    return Clock


def _audits(db, action):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def _sign_in(client, email, password, ip="192.0.2.10"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_unknown_user_and_wrong_password_do_the_same_hashing_work(app, db, staff, monkeypatch):
    checked: list[str] = []
    real = services.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    with app.test_request_context():
        assert services.authenticate(staff.email, "wrong password") is None
        wrong = list(checked)
        checked.clear()
        assert services.authenticate("nobody@example.org", "wrong password") is None
        unknown = list(checked)
    # One scrypt check each, with the same cost parameters: the two answers take the same time.
    assert wrong == unknown == [app.config["PASSWORD_HASH_METHOD"]]


def test_five_failures_lock_the_account_for_15_minutes_even_with_the_right_password(app, db, staff, clock):
    client = app.test_client()
    for _ in range(5):
        response = _sign_in(client, staff.email, "wrong password")
        assert response.status_code == 200 and "not correct" in response.get_data(as_text=True)
    refused = _sign_in(client, staff.email, PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in
    # Counted in the database, not in this worker: another client (another worker) sees the lock.
    assert db.session.scalar(select(func.count()).where(LoginAttempt.email == staff.email)) == 6
    assert _sign_in(app.test_client(), staff.email, PASSWORD, ip="198.51.100.3").status_code == 429

    clock.now += timedelta(minutes=14, seconds=59)
    assert _sign_in(client, staff.email, PASSWORD).status_code == 429
    clock.now += timedelta(seconds=2)
    assert _sign_in(client, staff.email, PASSWORD).status_code == 302

    assert len(_audits(db, "login_failed")) == 5
    locked = _audits(db, "login_locked")
    assert len(locked) == 1 and locked[0].changes == {"email": staff.email, "ip": "192.0.2.10", "failures": 5}
    signed_in = _audits(db, "login")
    assert len(signed_in) == 1 and signed_in[0].actor_id == staff.id
    assert signed_in[0].changes == {"ip": "192.0.2.10"}


def test_a_success_starts_the_count_afresh(app, db, staff, clock):
    client = app.test_client()
    for _ in range(4):
        _sign_in(client, staff.email, "wrong password")
    assert _sign_in(client, staff.email, PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert _sign_in(client, staff.email, "wrong password").status_code == 200
    assert _sign_in(client, staff.email, PASSWORD).status_code == 302


def test_an_unknown_address_is_locked_exactly_like_a_real_account(app, db, staff, clock):
    """Otherwise the lock-out message would tell an attacker which e-mails have accounts."""
    answers = {}
    for email in (staff.email, "nobody@example.org"):
        client = app.test_client()
        for _ in range(5):
            _sign_in(client, email, "wrong password")
        response = _sign_in(client, email, "wrong password")
        answers[email] = (response.status_code, response.get_data(as_text=True).replace(email, "EMAIL"))
    assert answers[staff.email] == answers["nobody@example.org"]
    assert answers[staff.email][0] == 429


def test_one_address_trying_many_accounts_is_stopped(app, db, staff, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_IP_MAX_FAILURES", 3)
    client = app.test_client()
    for n in range(3):
        assert _sign_in(client, f"guess{n}@example.org", "123456789", ip="203.0.113.9").status_code == 200
    # Even a right password is refused from that address, while others still sign in.
    assert _sign_in(client, staff.email, PASSWORD, ip="203.0.113.9").status_code == 429
    assert _sign_in(app.test_client(), staff.email, PASSWORD, ip="203.0.113.10").status_code == 302
    blocked = _audits(db, "login_ip_blocked")
    assert len(blocked) == 1 and blocked[0].changes == {"ip": "203.0.113.9", "failures": 3}
    clock.now += timedelta(minutes=16)
    assert _sign_in(app.test_client(), staff.email, PASSWORD, ip="203.0.113.9").status_code == 302


def test_limits_come_from_config(app, db, staff, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", 1)
    client = app.test_client()
    for _ in range(2):
        _sign_in(client, staff.email, "wrong password")
    assert _sign_in(client, staff.email, PASSWORD).status_code == 429
    clock.now += timedelta(seconds=61)
    assert _sign_in(client, staff.email, PASSWORD).status_code == 302


def test_failures_are_audited_without_the_password(app, db, staff):
    _sign_in(app.test_client(), staff.email, "my-secret-guess")
    _sign_in(app.test_client(), "Nobody@Example.org", "my-secret-guess")
    failed = _audits(db, "login_failed")
    assert [(e.actor_id, e.entity_id, e.changes["email"]) for e in failed] == [
        (staff.id, staff.id, staff.email),
        (None, None, "nobody@example.org"),
    ]
    assert all("my-secret-guess" not in str(e.changes) for e in failed)


def test_a_forged_log_line_in_the_email_stays_on_one_line(app, db, caplog):
    caplog.set_level("INFO", logger="crm.auth.services")
    _sign_in(app.test_client(), "x@example.org\r\n2026-11-28 INFO login ok user=admin", "whatever")
    lines = [r.getMessage() for r in caplog.records if r.name == "crm.auth.services"]
    assert len(lines) == 1 and "\n" not in lines[0] and "\r" not in lines[0]


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example"])
def test_signing_in_never_sends_the_user_off_site(client, staff, target):
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize(("proxies", "seen"), [(0, "10.0.0.1"), (1, "203.0.113.50")])
def test_the_client_address_is_the_proxys_unless_the_proxy_is_trusted(app, proxies, seen):
    """The per-address limit must count clients, and a client must not choose its own address."""
    from flask import request

    from crm import create_app
    from tests.security.test_production import _production

    production = create_app(_production(TRUSTED_PROXY_COUNT=proxies))
    addresses = []
    production.after_request(lambda response: addresses.append(request.remote_addr) or response)
    production.test_client().get(
        "/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}, headers={"X-Forwarded-For": "203.0.113.50"}
    )
    assert addresses == [seen]
