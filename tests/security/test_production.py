"""Production settings: refuses unsafe config, secure cookies and HSTS, headers on every response,
no-store on signed-in pages and downloads, and a 500 page without a traceback."""

import secrets

import pytest

from config import ProductionConfig
from crm import create_app
from crm.auth import views as auth_views

GOOD_KEY = secrets.token_urlsafe(48)


def _production(**settings):
    return type(
        "Production",
        (ProductionConfig,),
        {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings},
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short-but-random-Q2x9",
        "change-me-to-a-long-random-string-of-at-least-32",
        "a" * 48,
        "abababababababababababababababababababab",
        "test-secret-key-not-for-production-but-long-enough",
    ],
)
def test_production_refuses_a_missing_default_or_weak_secret_key(app, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_production(SECRET_KEY=key))


def test_production_refuses_debug_mode(app, monkeypatch):
    with pytest.raises(RuntimeError, match="Debug"):
        create_app(_production(DEBUG=True))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="Debug"):
        create_app(_production())


def test_production_refuses_to_start_without_a_database_url(app):
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(_production(SQLALCHEMY_DATABASE_URI=""))


@pytest.fixture
def production_app(app):
    return create_app(_production())


def test_production_cookies_are_secure_host_only_and_https_is_enforced(production_app):
    assert not production_app.debug
    response = production_app.test_client().get("/login", base_url="https://crm.example.org")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


class Boom(RuntimeError):
    pass


def _broken_login_form(*args, **kwargs):
    raise Boom("secret detail /srv/crm/config.py line 12")


def test_a_500_page_shows_no_traceback_in_production(production_app, monkeypatch):
    monkeypatch.setattr(auth_views, "LoginForm", _broken_login_form)
    response = production_app.test_client().get("/login")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    for leak in ("Traceback", "Boom", "secret detail", "config.py", "Werkzeug Debugger"):
        assert leak not in page
    assert "Content-Security-Policy" in response.headers


HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _assert_security_headers(response, where):
    policy = response.headers.get("Content-Security-Policy", "")
    for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert part in policy, where
    assert "unsafe-inline" not in policy, where
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (where, name)


def test_headers_are_on_every_kind_of_response(app, client, staff, login, monkeypatch):
    anonymous = {
        "/login": 200,
        "/health": 200,
        "/static/css/app.css": 200,
        "/no-such-page": 404,
        "/contacts": 302,
    }
    for url, status in anonymous.items():
        response = client.get(url)
        assert response.status_code == status, url
        _assert_security_headers(response, url)
        response.close()
    login(staff)
    signed_in = {"/": 200, "/no-such-page": 404, "/admin/users": 403, "/logout": 405, "/contacts/999999": 404}
    for url, status in signed_in.items():
        response = client.get(url)
        assert response.status_code == status, url
        _assert_security_headers(response, url)
        assert response.headers["Cache-Control"] == "no-store", url
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/language", data={"locale": "ru"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    _assert_security_headers(response, "CSRF 400")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    huge = client.post("/imports/new", data=b"x" * 1025, content_type="text/csv")
    assert huge.status_code == 413
    _assert_security_headers(huge, "413")


def test_static_files_are_not_marked_no_store(client, staff, login):
    login(staff)
    static = client.get("/static/css/app.css")
    assert static.headers.get("Cache-Control") != "no-store"
    static.close()


def test_a_500_page_under_the_test_app_has_the_headers_too(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(auth_views, "LoginForm", _broken_login_form)
    response = client.get("/login")
    assert response.status_code == 500 and "Boom" not in response.get_data(as_text=True)
    _assert_security_headers(response, "500")
