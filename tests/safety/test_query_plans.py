"""Leaving deleted and merged records out must not cost the list pages their index (SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from crm.models import Contact, Organisation


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Contact, "ix_contacts_name_latin"),
        # Also holds id and name_key, for the lookup's "name contains" (crm/models/organisation.py).
        (Organisation, "ix_organisations_name_latin_id_name_key"),
    ],
)
def test_a_live_list_sorted_by_name_walks_the_name_index(db, model, index):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner has no statistics to go by; PostgreSQL's has")
    stmt = select(model.id).where(model.live()).order_by(model.name_latin, model.id).limit(25)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " / ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    # Not "SEARCH ... USING INDEX ix_..._merged_into_id" followed by a sort of the whole table.
    assert plan == f"SCAN {model.__tablename__} USING INDEX {index}"
