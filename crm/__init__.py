"""The follow-up CRM: application factory."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import flask_babel
from flask import Flask
from sqlalchemy import event

from config import CONFIGS, Config
from crm.templating import TemplateEnvironment

ROOT = Path(__file__).resolve().parent.parent


class CrmFlask(Flask):
    jinja_environment = TemplateEnvironment


def create_app(config: type[Config] | str | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error pages, commands, template helpers."""
    app = CrmFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("CRM_INSTANCE_PATH", str(ROOT / "instance")),
    )
    config_class = _config_class(config)
    app.config.from_object(config_class)
    _fill_defaults(app)
    if hasattr(config_class, "check"):
        config_class.check()

    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    register_template_helpers(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _config_class(config: type[Config] | str | None) -> type[Config]:
    if config is None:
        config = os.environ.get("CRM_CONFIG", "development")
    if isinstance(config, str):
        return CONFIGS[config]
    return config


def _fill_defaults(app: Flask) -> None:
    """A SQLite file and a random secret kept in the instance folder when none is configured."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'crm.sqlite'}"
    if not app.config["SECRET_KEY"]:
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def register_extensions(app: Flask) -> None:
    from crm.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    from crm.auth.services import select_locale

    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`; start each request afresh (an outer app context,
    # as in tests or CLI scripts, would otherwise keep the first request's language).
    app.before_request(flask_babel.refresh)
    from crm.translations import install as install_template_gettext

    install_template_gettext(app)
    login_manager.init_app(app)

    from crm.auth.services import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            event.listen(db.engine, "begin", _sqlite_begin)
            from crm.collation import register_sqlite_collations

            event.listen(db.engine, "connect", register_sqlite_collations)
        elif db.engine.dialect.name == "postgresql" and app.config["POSTGRES_RANDOM_PAGE_COST"]:
            event.listen(db.engine, "connect", _postgresql_planner(app.config["POSTGRES_RANDOM_PAGE_COST"]))


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys are off by default in SQLite; WAL lets readers work while one writes.

    The driver's own transaction handling is switched off so that SQLAlchemy emits
    BEGIN itself (savepoints then work, and writers can later BEGIN IMMEDIATE).
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgresql_planner(random_page_cost: str):
    """A connect hook setting the planner's price of a random page read for the session (config.py)."""
    try:
        cost = float(random_page_cost)
    except ValueError:
        raise RuntimeError(f"POSTGRES_RANDOM_PAGE_COST must be a number, not {random_page_cost!r}.") from None
    if not 0 < cost <= 100:  # noqa: PLR2004 - PostgreSQL takes any positive number; beyond 100 is a typo
        raise RuntimeError(f"POSTGRES_RANDOM_PAGE_COST must be between 0 and 100, not {random_page_cost!r}.")

    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # A session setting, kept past the pool's rollbacks (behind PgBouncer's transaction
        # pooling it would not stay with the connection: set it for the role there instead).
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('random_page_cost', %s, false)", (str(cost),))
        finally:
            dbapi_connection.autocommit = autocommit

    return on_connect


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    from crm.safety.transactions import begin_statement  # IMMEDIATE for writes, see there

    connection.exec_driver_sql(begin_statement())


def register_blueprints(app: Flask) -> None:
    from crm.admin.views import bp as admin_bp
    from crm.auth.views import bp as auth_bp
    from crm.contacts.views import bp as contacts_bp
    from crm.countries.views import bp as countries_bp
    from crm.duplicates.views import bp as duplicates_bp
    from crm.events.views import bp as events_bp
    from crm.exports.views import bp as exports_bp
    from crm.imports.views import bp as imports_bp
    from crm.inquiries.views import bp as inquiries_bp
    from crm.lists.views import bp as lists_bp
    from crm.main.views import bp as main_bp
    from crm.organisations.views import bp as organisations_bp
    from crm.pipeline.views import bp as pipeline_bp
    from crm.privacy.views import bp as privacy_bp
    from crm.reports.views import bp as reports_bp
    from crm.safety.views import bp as safety_bp
    from crm.search.views import bp as search_bp
    from crm.threads.views import bp as threads_bp

    for blueprint in (
        main_bp,
        auth_bp,
        admin_bp,
        inquiries_bp,
        contacts_bp,
        organisations_bp,
        countries_bp,
        events_bp,
        threads_bp,
        pipeline_bp,
        reports_bp,
        imports_bp,
        lists_bp,
        exports_bp,
        search_bp,
        privacy_bp,
        safety_bp,
        duplicates_bp,
    ):
        app.register_blueprint(blueprint)


def register_errors(app: Flask) -> None:
    from crm.main.errors import register
    from crm.main.security import register as register_security

    register(app)
    register_security(app)
    from crm.safety.errors import register as register_safety

    register_safety(app)


def register_cli(app: Flask) -> None:
    from crm.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from crm.main.template_helpers import register

    register(app)


__all__ = ["create_app"]
