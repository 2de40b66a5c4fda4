"""Sessions: a new one at sign-in, idle and absolute timeouts, and copied cookies that stop working."""

import pytest

from crm.auth import sessions
from crm.auth.services import set_active
from tests.conftest import PASSWORD


@pytest.fixture
def clock(monkeypatch):
    """The session clock, moved by hand: `clock.now += seconds`."""

    class Clock:
        now = 1_800_000_000.0

    monkeypatch.setattr(sessions, "now", lambda: Clock.now)
    return Clock


def _cookie(client):
    return client.get_cookie("session").value


def _copy_of(app, client):
    """A second browser holding a copy of the first one's session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", _cookie(client))
    return thief


def test_signing_in_starts_a_new_session_and_drops_what_was_there(client, staff, login):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
    before = _cookie(client)
    login(staff)
    assert _cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{staff.id}:{staff.session_version}"


def test_idle_for_more_than_30_minutes_ends_the_session(client, staff, login, clock):
    login(staff)
    clock.now += 29 * 60
    assert client.get("/contacts").status_code == 200  # activity moves the idle clock on
    clock.now += 29 * 60
    assert client.get("/contacts").status_code == 200
    clock.now += 30 * 60 + 1
    response = client.get("/contacts?country=KZ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fcontacts%3Fcountry%3DKZ"
    assert "Your session has ended" in client.get("/login").get_data(as_text=True)
    assert client.get("/contacts").status_code == 302  # and it stays ended


def test_twelve_hours_after_sign_in_the_session_ends_however_busy(client, staff, login, clock):
    login(staff)
    for _ in range(12 * 4):
        clock.now += 15 * 60
        if client.get("/").status_code != 200:
            break
    assert clock.now - 1_800_000_000.0 == 12 * 3600
    assert client.get("/").status_code == 200
    clock.now += 1
    assert client.get("/").status_code == 302


def test_timeouts_come_from_config(app, client, staff, login, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    login(staff)
    clock.now += 5 * 60 + 1
    assert client.get("/").status_code == 302
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 1)
    login(staff)
    for _ in range(12):
        clock.now += 5 * 60
        assert client.get("/").status_code == 200
    clock.now += 1
    assert client.get("/").status_code == 302


def test_a_session_cookie_without_sign_in_times_is_not_accepted(app, client, staff, login):
    login(staff)
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/").status_code == 302


def test_signing_out_ends_a_copied_cookie_too(app, client, staff, login):
    login(staff)
    thief = _copy_of(app, client)
    assert thief.get("/contacts").status_code == 200  # the copy works while the session lives
    client.post("/logout")
    assert thief.get("/contacts").status_code == 302
    assert client.get("/contacts").status_code == 302


def test_signing_out_on_one_device_ends_the_users_other_sessions(app, staff):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/login", data={"email": staff.email, "password": PASSWORD})
    phone.post("/logout")
    assert laptop.get("/").status_code == 302


def test_deactivation_ends_a_copied_cookie(app, db, client, staff, admin, login):
    login(staff)
    thief = _copy_of(app, client)
    set_active(staff, False, actor=admin)
    db.session.commit()
    assert thief.get("/contacts").status_code == 302
    assert client.get("/contacts").status_code == 302


def test_a_password_change_ends_a_copied_cookie(app, client, staff, login):
    login(staff)
    thief = _copy_of(app, client)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new phrase",
            "confirm": "a brand new phrase",
        },
    )
    assert response.status_code == 302
    assert thief.get("/contacts").status_code == 302
    assert client.get("/contacts").status_code == 200  # the browser that changed it goes on


def test_session_cookie_is_httponly_and_samesite_lax(client, staff):
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test config runs over plain HTTP; production below
