"""Accounts page: admin only; create with a one-time password shown once; role, deactivate, reset."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from crm.auth.services import find_by_email
from crm.models import AuditEntry, Tag, Topic, User
from crm.models.enums import Role
from tests.conftest import PASSWORD


def _one_time_password(html: str) -> str:
    match = re.search(r'<code id="one-time-password"[^>]*>([^<]+)</code>', html)
    assert match, "no one-time password on the page"
    return match.group(1)


def _sign_in(app, email: str, password: str):
    """A second browser: its own cookie jar."""
    other = app.test_client()
    response = other.post("/login", data={"email": email, "password": password})
    return other, response


def _snapshot(db):
    """Everything the admin pages could change."""
    db.session.expire_all()
    users = db.session.execute(
        select(
            User.id,
            User.email,
            User.name,
            User.role,
            User.active,
            User.session_version,
            User.password_hash,
            User.must_change_password,
        ).order_by(User.id)
    ).all()
    topics = db.session.execute(select(Topic.id, Topic.name).order_by(Topic.id)).all()
    tags = db.session.execute(select(Tag.id, Tag.name).order_by(Tag.id)).all()
    # Refused attempts are audited as "forbidden"; nothing else may be.
    audit = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action != "forbidden")
    )
    return users, topics, tags, audit


def test_admin_sees_accounts(client, login, admin, staff):
    login(admin)
    response = client.get("/admin/users")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert staff.email in html and admin.email in html
    assert "never" in html  # the staff member has not signed in yet


def test_non_admin_gets_403_everywhere_and_nothing_changes(client, login, coordinator, staff, db, make_user):
    target = make_user(Role.STAFF, name="Target")
    topic, tag = Topic(name="Amnesties"), Tag(name="donor")
    db.session.add_all([topic, tag])
    login(coordinator)
    before = _snapshot(db)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/topics").status_code == 403
    assert client.get("/admin/tags").status_code == 403
    posts = [
        ("/admin/users", {"email": "new@example.org", "name": "New", "role": "admin"}),
        (f"/admin/users/{target.id}/role", {"role": "admin"}),
        (f"/admin/users/{coordinator.id}/role", {"role": "admin"}),
        (f"/admin/users/{target.id}/deactivate", {}),
        (f"/admin/users/{target.id}/reactivate", {}),
        (f"/admin/users/{target.id}/reset-password", {}),
        ("/admin/topics", {"name": "New topic"}),
        (f"/admin/topics/{topic.id}/rename", {"name": "Renamed"}),
        (f"/admin/topics/{topic.id}/delete", {}),
        ("/admin/tags", {"name": "New tag"}),
        (f"/admin/tags/{tag.id}/rename", {"name": "Renamed"}),
        (f"/admin/tags/{tag.id}/delete", {}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code == 403, url
        assert "one-time-password" not in response.get_data(as_text=True)
    assert _snapshot(db) == before
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "forbidden")).all()
    assert len(refused) == 3 + len(posts) and {e.actor_id for e in refused} == {coordinator.id}


def test_users_link_hidden_from_non_admins(client, login, coordinator):
    login(coordinator)
    assert "/admin/users" not in client.get("/countries").get_data(as_text=True)


def test_create_user_shows_one_time_password_that_works_once(app, client, login, admin, db):
    login(admin)
    response = client.post(
        "/admin/users", data={"email": "  Gulnara@Example.KZ ", "name": "Гульнара", "role": "coordinator"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _one_time_password(response.get_data(as_text=True))
    user = find_by_email("gulnara@example.kz")
    assert user is not None
    assert (user.name, user.role, user.must_change_password) == ("Гульнара", Role.COORDINATOR, True)
    assert password not in user.password_hash and check_password_hash(user.password_hash, password)
    # Not shown again: the accounts page does not carry it.
    assert password not in client.get("/admin/users").get_data(as_text=True)

    other, response = _sign_in(app, "gulnara@example.kz", password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    response = other.get("/countries")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    response = other.post(
        "/account/password",
        data={
            "current_password": password,
            "new_password": "a long new phrase",
            "confirm": "a long new phrase",
        },
    )
    assert response.status_code == 302
    assert other.get("/countries").status_code == 200


def test_duplicate_email_error_next_to_field(client, login, admin, staff, db):
    login(admin)
    count = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(
        "/admin/users", data={"email": staff.email.upper(), "name": "Again", "role": "staff"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = re.search(r'<div id="email-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and "already exists" in error.group(1)
    assert "one-time-password" not in html
    assert db.session.scalar(select(func.count()).select_from(User)) == count


@pytest.mark.parametrize("email", ["not-an-email", "someone@", ""])
def test_invalid_email_error_next_to_field(client, login, admin, db, email):
    login(admin)
    count = db.session.scalar(select(func.count()).select_from(User))
    response = client.post("/admin/users", data={"email": email, "name": "X", "role": "staff"})
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == count


def test_change_role(client, login, admin, staff, db):
    login(admin)
    response = client.post(f"/admin/users/{staff.id}/role", data={"role": "coordinator"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, staff.id).role == Role.COORDINATOR
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_id == staff.id, AuditEntry.action == "update")
    )
    assert entry.actor_id == admin.id and entry.changes == {"role": ["staff", "coordinator"]}


def test_unknown_role_changes_nothing(client, login, admin, staff, db):
    login(admin)
    response = client.post(f"/admin/users/{staff.id}/role", data={"role": "superuser"}, follow_redirects=True)
    assert "Choose one of the roles offered." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, staff.id).role == Role.STAFF


def test_actions_on_missing_user_are_404(client, login, admin):
    login(admin)
    for action, data in [
        ("role", {"role": "staff"}),
        ("deactivate", {}),
        ("reactivate", {}),
        ("reset-password", {}),
    ]:
        assert client.post(f"/admin/users/999999/{action}", data=data).status_code == 404


def test_actions_are_post_only(client, login, admin, staff):
    login(admin)
    for action in ("role", "deactivate", "reactivate", "reset-password"):
        assert client.get(f"/admin/users/{staff.id}/{action}").status_code == 405


def test_deactivate_ends_the_users_session_and_reactivate_restores_sign_in(
    app, client, login, admin, staff, db
):
    other, response = _sign_in(app, staff.email, PASSWORD)
    assert response.status_code == 302
    assert other.get("/countries").status_code == 200
    login(admin)
    assert client.post(f"/admin/users/{staff.id}/deactivate").status_code == 302
    response = other.get("/countries")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _, response = _sign_in(app, staff.email, PASSWORD)
    assert response.status_code == 200  # refused: the form is shown again
    assert client.post(f"/admin/users/{staff.id}/reactivate").status_code == 302
    _, response = _sign_in(app, staff.email, PASSWORD)
    assert response.status_code == 302


def test_admin_cannot_deactivate_or_demote_self(client, login, admin, db):
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "alert-danger" in html and "You cannot deactivate your own account." in html
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "staff"}, follow_redirects=True)
    assert "You cannot change your own role." in response.get_data(as_text=True)
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert (me.active, me.role) == (True, Role.ADMIN)
    assert client.get("/admin/users").status_code == 200  # still signed in


def test_reset_password_shows_a_new_one_time_password(app, client, login, admin, staff, db):
    other, _ = _sign_in(app, staff.email, PASSWORD)
    login(admin)
    response = client.post(f"/admin/users/{staff.id}/reset-password")
    assert response.status_code == 200
    password = _one_time_password(response.get_data(as_text=True))
    assert "/login" in other.get("/countries").headers["Location"]  # old session ended
    _, response = _sign_in(app, staff.email, PASSWORD)
    assert response.status_code == 200  # the old password no longer works
    _, response = _sign_in(app, staff.email, password)
    assert response.headers["Location"].endswith("/account/password")
