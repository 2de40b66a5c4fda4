"""Sign-in, one-time passwords, sessions, and the sign-in gate on every page."""

import re

import pytest
from sqlalchemy import func, select

from crm.auth import services
from crm.auth.views import safe_next
from crm.models import AuditEntry, User
from crm.models.enums import Role
from tests.conftest import PASSWORD


def test_every_page_but_login_and_health_needs_sign_in(app, client):
    public = {"auth.login", "main.health", "static"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public:
            continue
        url = re.sub(r"<(?:int:)?(\w+)>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/login?next="), (method, url)


def test_login_redirects_to_the_page_asked_for(client, staff):
    response = client.get("/contacts?country=KZ")
    assert response.headers["Location"] == "/login?next=%2Fcontacts%3Fcountry%3DKZ"
    response = client.post(
        "/login", data={"email": staff.email, "password": PASSWORD, "next": "/contacts?country=KZ"}
    )
    assert response.headers["Location"] == "/contacts?country=KZ"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "",
    ],
)
def test_next_never_leaves_the_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


def test_login_with_email_in_any_case(client, staff):
    response = client.post("/login", data={"email": staff.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(db, client, staff):
    wrong = client.post("/login", data={"email": staff.email, "password": "wrong password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 200
    message = "E-mail or password is not correct."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "login_failed")).all()
    assert len(actions) == 2


def test_deactivated_user_cannot_sign_in(client, staff):
    staff.active = False
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 200 and "not correct" in response.get_data(as_text=True)


def test_one_time_password_must_be_changed_first(db, client, admin):
    user, one_time = services.create_user("new.person@example.org", "New Person", Role.STAFF, actor=admin)
    assert len(one_time) >= 12 and user.must_change_password
    response = client.post("/login", data={"email": "new.person@example.org", "password": one_time})
    assert response.headers["Location"] == "/account/password"
    assert client.get("/inquiries").headers["Location"] == "/account/password"
    bad = client.post(
        "/account/password", data={"current_password": one_time, "new_password": "short", "confirm": "short"}
    )
    assert 'id="new_password-error"' in bad.get_data(as_text=True)
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "nope-nope",
            "new_password": "a long new pass",
            "confirm": "a long new pass",
        },
    )
    assert 'id="current_password-error"' in wrong.get_data(as_text=True)
    ok = client.post(
        "/account/password",
        data={"current_password": one_time, "new_password": "a long new pass", "confirm": "a long new pass"},
    )
    assert ok.status_code == 302 and not user.must_change_password
    assert client.get("/inquiries").status_code == 200


def test_password_change_ends_other_sessions(app, db, staff):
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"email": staff.email, "password": PASSWORD})
        assert c.get("/").status_code == 200
    first.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another passphrase",
            "confirm": "another passphrase",
        },
    )
    assert first.get("/").status_code == 200  # the session that changed it goes on
    assert second.get("/").status_code == 302  # the copied one is over


def test_logout_is_a_post_and_ends_the_session(client, staff, login):
    login(staff)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_csrf_token_is_required_on_posts(app, client, staff, login, make_inquiry):
    inquiry = make_inquiry()
    login(staff)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/inquiries/{inquiry.id}/close")
        assert response.status_code == 400
        assert client.post("/logout").status_code == 400  # signing out needs the token too
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert inquiry.status.value == "new"


def test_production_hash_is_scrypt_with_n_at_least_2_17():
    from config import Config

    method, n, *_ = Config.PASSWORD_HASH_METHOD.split(":")
    assert method == "scrypt" and int(n) >= 2**17


def test_production_config_refuses_a_weak_secret(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        ProductionConfig.check()


def test_roles_are_ordered():
    from crm.auth.permissions import can_edit, can_manage_users, can_reassign, has_role

    class U:
        is_authenticated = True
        is_active = True

        def __init__(self, role):
            self.role = role
            self.id = 1

    assert [can_edit(U(r)) for r in Role] == [False, True, True, True]
    assert [can_reassign(U(r)) for r in Role] == [False, False, True, True]
    assert [can_manage_users(U(r)) for r in Role] == [False, False, False, True]
    assert not has_role(None, Role.VIEWER)


def test_health_needs_no_sign_in_and_shows_no_data(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_users_create_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "First.Admin@Example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password: (\S+)", result.output).group(1)
    user = db.session.scalar(select(User).where(User.email == "first.admin@example.org"))
    assert user.role == Role.ADMIN and user.must_change_password
    assert services.authenticate("first.admin@example.org", password) == user
    again = runner.invoke(args=["users", "create", "first.admin@example.org"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(app, db, client, admin, login):
    login(admin)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "static"]
        assert len(posts) > 20
        for rule in posts:
            url = re.sub(r"<(?:int:)?(\w+)>", "1", rule.rule)
            assert client.post(url).status_code == 400, url
            assert client.post(url, data={"csrf_token": "forged"}).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
