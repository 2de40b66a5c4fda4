"""PostgreSQL connections price a random page read for SSDs (config.POSTGRES_RANDOM_PAGE_COST)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from config import TestConfig
from crm import _postgresql_planner, create_app
from crm.extensions import db as _db


@pytest.fixture
def connect_with(database_url, tmp_path, monkeypatch):
    """A new connection of an app whose POSTGRES_RANDOM_PAGE_COST is `cost`, as every worker opens."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL planner setting")
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))

    @contextmanager
    def connect(cost: str):
        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = database_url
            POSTGRES_RANDOM_PAGE_COST = cost

        with create_app(Config).app_context():
            try:
                with _db.engine.connect() as connection:
                    yield connection
            finally:
                _db.engine.dispose()

    return connect


def test_each_postgresql_connection_sets_the_configured_cost(connect_with):
    with connect_with("1.7") as connection:  # a figure no server has: the hook set it
        assert connection.execute(text("SHOW random_page_cost")).scalar() == "1.7"
        connection.rollback()  # the setting is the session's: a rolled-back transaction keeps it
        assert connection.execute(text("SHOW random_page_cost")).scalar() == "1.7"


def test_an_empty_setting_keeps_the_servers(connect_with):
    with connect_with("") as connection:
        server = connection.execute(text("SELECT reset_val FROM pg_settings WHERE name = 'random_page_cost'"))
        assert connection.execute(text("SHOW random_page_cost")).scalar() == server.scalar()


@pytest.mark.parametrize("value", ["fast", "0", "-1", "1e9", "nan"])
def test_a_cost_that_is_not_a_sensible_number_stops_the_start_with_its_name(value):
    with pytest.raises(RuntimeError, match="POSTGRES_RANDOM_PAGE_COST must be"):
        _postgresql_planner(value)
