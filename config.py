"""Configuration classes, read from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def _supported_locales() -> tuple[str, ...]:
    """'en' (the source language) and each translations/<code>/LC_MESSAGES/messages.po."""
    found = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    return ("en", *[code for code in found if code != "en"])


class Config:
    """Defaults for every environment; the database is a SQLite file in the instance folder."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")  # empty: instance/crm.sqlite
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Imports: largest file, most data rows, and the most an XLSX may unpack to (zip bombs).
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
    # The whole request: room for the largest import plus the form around it, so a file just
    # under the import limit reaches the importer (which names the limit) instead of a bare 413.
    MAX_CONTENT_LENGTH = IMPORT_MAX_BYTES + 1024 * 1024
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
    IMPORT_MAX_XLSX_UNCOMPRESSED = int(os.environ.get("IMPORT_MAX_XLSX_UNCOMPRESSED", str(50 * 1024 * 1024)))
    # Sign-in throttling, counted in the database so it holds across workers: after
    # LOGIN_MAX_FAILURES failures for one e-mail, that e-mail is refused for LOGIN_LOCKOUT_MINUTES;
    # one address (IP) may fail LOGIN_IP_MAX_FAILURES times per LOGIN_IP_WINDOW_MINUTES.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
    LOGIN_IP_MAX_FAILURES = int(os.environ.get("LOGIN_IP_MAX_FAILURES", "30"))
    LOGIN_IP_WINDOW_MINUTES = int(os.environ.get("LOGIN_IP_WINDOW_MINUTES", "15"))
    # How many reverse proxies stand in front of the app: their X-Forwarded-For/-Proto are then
    # trusted, so the per-address limit counts the real client and not the proxy (0: none).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    # A signed-in session ends after this much inactivity, and this long after sign-in whatever happens.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    PER_PAGE = 25
    # PostgreSQL's planner prices a random page read at four sequential ones by default (spinning
    # disks); 1.1 is the usual figure for SSDs or a database that fits in memory. Each connection
    # sets it; empty keeps the server's own. With 4, the contact list filtered by a common part of
    # a name counted its matches by reading all 100,000 contacts (270 ms) rather than their
    # trigram index (27 ms): the whole page took 400 ms instead of 70.
    POSTGRES_RANDOM_PAGE_COST = os.environ.get("POSTGRES_RANDOM_PAGE_COST", "1.1")
    # scrypt with N=2^17 (OWASP minimum); Werkzeug's default N=2^15 is too weak.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"  # noqa: S105 - a method name, not a password  # nosec B105
    BABEL_DEFAULT_LOCALE = "en"
    # English plus every language with a catalogue in translations/ (adding one needs no code).
    BABEL_SUPPORTED_LOCALES = _supported_locales()
    BABEL_TRANSLATION_DIRECTORIES = str(TRANSLATIONS)
    # The language of command-line messages (`flask …` in a terminal): one of the above, else English.
    CLI_LANGUAGE = os.environ.get("CRM_LANGUAGE", "")
    # A thread with no interaction for this many days is "stale" on boards and reminders.
    STALE_DAYS = int(os.environ.get("STALE_DAYS", "14"))
    # An inquiry with no answer this many days after it arrived is overdue.
    RESPONSE_DAYS = int(os.environ.get("RESPONSE_DAYS", "3"))
    # Outgoing mail for `flask followups remind`; no MAIL_SERVER means no mail can be sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "")
    # Base address used in links inside e-mails (the app cannot guess it outside a request).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    # The least role that may export contacts, organisations, inquiries and threads
    # (viewer, staff, coordinator or admin). Sensitive attributes always need a coordinator.
    EXPORT_ROLE = os.environ.get("EXPORT_ROLE", "coordinator")
    # Retention: `flask retention review` anonymises people with no activity and no consent this long.
    RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "24"))
    # Duplicates (crm/matching): a pair scoring at least SUGGEST is offered for review, at least
    # LIKELY is marked likely. A name shared by more than BLOCK_LIMIT live contacts is compared
    # only among those sharing an organisation too (a common name alone is no evidence).
    DUPLICATE_SUGGEST_SCORE = int(os.environ.get("DUPLICATE_SUGGEST_SCORE", "50"))
    DUPLICATE_LIKELY_SCORE = int(os.environ.get("DUPLICATE_LIKELY_SCORE", "80"))
    DUPLICATE_BLOCK_LIMIT = int(os.environ.get("DUPLICATE_BLOCK_LIMIT", "20"))


class DevelopmentConfig(Config):
    """Local use: `make run`. A random key is made per instance folder if none is set."""


class TestConfig(Config):
    """The test suite: SQLite in memory unless TEST_DATABASE_URL points elsewhere."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only  # nosec B105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    PER_PAGE = 10
    CLI_LANGUAGE = ""  # the suite expects English outside requests, whatever the shell says
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - fast hashes keep the suite quick  # nosec B105


# A SECRET_KEY containing one of these is a placeholder copied from somewhere, not a random key.
PLACEHOLDER_KEY_WORDS = ("change", "example", "default", "secret-key", "not-for-production", "xxxx")


class ProductionConfig(Config):
    """Production: cookies only over HTTPS; refuses to start without a real SECRET_KEY."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for "/", with no Domain.
    SESSION_COOKIE_NAME = "__Host-session"

    @classmethod
    def check(cls) -> None:
        """Fail fast on settings that must never reach production."""
        if len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to at least 32 random characters in production.")
        placeholder = any(word in cls.SECRET_KEY.lower() for word in PLACEHOLDER_KEY_WORDS)
        if placeholder or len(set(cls.SECRET_KEY)) < 10:
            raise RuntimeError("SECRET_KEY is a published or trivial value; generate a random one.")
        if getattr(cls, "DEBUG", False) or os.environ.get("FLASK_DEBUG", "").lower() in (
            "1",
            "true",
            "yes",
            "on",
        ):
            raise RuntimeError("Debug mode must be off in production (it exposes an interactive debugger).")
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise RuntimeError("DATABASE_URL must be set in production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
