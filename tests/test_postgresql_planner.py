"""PostgreSQL connections price a random page read for SSDs (config.POSTGRES_RANDOM_PAGE_COST)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from config import TestConfig
from crm import _postgresql_planner, create_app
from crm.extensions import db as _db


def test_each_postgresql_connection_sets_the_configured_cost(database_url, tmp_path, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL planner setting")
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        POSTGRES_RANDOM_PAGE_COST = "1.7"  # no server's own: the hook set it

    app = create_app(Config)
    with app.app_context():
        with _db.engine.connect() as connection:  # a connection of its own, as every worker opens
            assert connection.execute(text("SHOW random_page_cost")).scalar() == "1.7"
            connection.rollback()  # the setting is the session's: a rolled-back transaction keeps it
            assert connection.execute(text("SHOW random_page_cost")).scalar() == "1.7"
        _db.engine.dispose()


def test_an_empty_setting_keeps_the_servers(database_url, tmp_path, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL planner setting")
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        POSTGRES_RANDOM_PAGE_COST = ""

    app = create_app(Config)
    with app.app_context():
        with _db.engine.connect() as connection:
            server = connection.execute(
                text("SELECT reset_val FROM pg_settings WHERE name = 'random_page_cost'")
            )
            assert connection.execute(text("SHOW random_page_cost")).scalar() == server.scalar()
        _db.engine.dispose()


@pytest.mark.parametrize("value", ["fast", "0", "-1", "1e9", "nan"])
def test_a_cost_that_is_not_a_sensible_number_stops_the_start_with_its_name(value):
    with pytest.raises(RuntimeError, match="POSTGRES_RANDOM_PAGE_COST must be"):
        _postgresql_planner(value)
