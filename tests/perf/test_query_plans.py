"""The home page, /reports and the organisation lookup read their index, not every row (SQLite).

SQLite has no statistics here, so a plan that changes is a plan that regresses at 100,000 rows:
the unanswered inquiries sorted in a temporary B-tree took 8 ms, the lookup read every organisation
in name order (13 ms), the report's counts fetched each inquiry of the period.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from crm.contacts.services import contact_list_query
from crm.followups.services import (
    due_soon_threads,
    overdue_threads,
    unanswered_inquiries,
    unanswered_inquiry_rows,
)
from crm.inquiries.services import inquiry_list_query
from crm.listing import count_rows
from crm.main.services import my_follow_ups
from crm.models import User
from crm.organisations.services import lookup_organisations
from crm.reports.services import ReportFilters, funnel
from crm.threads.services import thread_list_query


@pytest.fixture
def plans(db):
    """Context manager yielding a list that collects the query plan of every SELECT run inside it."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner has no statistics to go by; PostgreSQL's has")

    @contextmanager
    def collecting():
        found: list[tuple[str, str]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                found.append((statement, " / ".join(row[3] for row in rows)))

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield found
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return collecting


def test_unanswered_inquiries_are_read_in_the_order_shown(plans):
    with plans() as found:
        unanswered_inquiry_rows(None, limit=16)  # nobody's (home page)
        unanswered_inquiry_rows([1], limit=16)  # mine (home page)
        unanswered_inquiries([1], limit=16)  # the reminder's
    assert len(found) == 3
    for _sql, plan in found:
        assert plan.startswith("SEARCH inquiries USING INDEX ix_inquiries_unanswered"), plan
        assert "TEMP B-TREE" not in plan, plan


def test_follow_ups_are_read_in_due_order_from_the_owners_index(plans):
    """An owner has thousands of threads: the home page's and the reminders' overdue and due-soon
    lists walk them in the order shown and stop, rather than sort them all (6 ms a list at 100k)."""
    owner = User(id=1)
    today = date(2026, 3, 1)
    with plans() as found:
        my_follow_ups(owner, today=today)  # home page: both lists as rows (no organisations: none shown)
        overdue_threads([1], today, limit=16)
        due_soon_threads([1], today, limit=16)
    threads = [plan for sql, plan in found if "FROM threads" in sql]
    assert len(threads) == 4
    for plan in threads:
        assert plan.startswith("SEARCH threads USING INDEX ix_threads_owner_id_next_action_due"), plan
        assert "TEMP B-TREE" not in plan, plan


def test_every_unanswered_inquiry_and_overdue_thread_is_counted_from_an_index(plans):
    """The lists' "unanswered" and "overdue" filters (a coordinator's view): their totals read
    the index alone, not each of 20,000 inquiries or 9,000 threads (17 ms each at 100k)."""
    with plans() as found:
        count_rows(inquiry_list_query({"unanswered": "1"}))
        count_rows(thread_list_query({"overdue": "1"}))
    assert [plan for _sql, plan in found] == [
        "SEARCH inquiries USING COVERING INDEX ix_inquiries_first_response_at_received_at (first_response_at=?)",
        "SEARCH threads USING COVERING INDEX ix_threads_next_action_due_stage (next_action_due<?)",
    ]


def test_an_events_page_reads_its_inquiries_from_the_index_alone(
    plans, client, login, admin, make_event, make_inquiry
):
    """The page after a webinar: its inquiries newest first and its report's counts, waits,
    countries and topics, for an event of 1,600 inquiries (22 ms of SQL before, ~9 ms after)."""
    event = make_event()
    make_inquiry(event_id=event.id)
    login(admin)
    with plans() as found:
        assert client.get(f"/events/{event.id}").status_code == 200
    reading = [plan for _sql, plan in found if "inquiries" in plan]
    assert len(reading) >= 8
    for plan in reading:
        assert (
            "SEARCH inquiries USING COVERING INDEX ix_inquiries_event_id_received_at (event_id=?)" in plan
        ), plan
    page = next(plan for sql, plan in found if sql.startswith("SELECT inquiries.id, inquiries.event_id"))
    assert "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in page  # ties of received_at only, not every row


def test_a_countrys_page_reads_its_newest_inquiries_in_index_order(plans, client, login, admin, make_inquiry):
    make_inquiry(country_code="KZ")
    login(admin)
    with plans() as found:
        assert client.get("/countries/KZ").status_code == 200
    reading = [plan for sql, plan in found if "FROM inquiries" in sql and "inquiries.country_code = ?" in sql]
    assert len(reading) == 2  # the newest and the total
    for plan in reading:
        assert plan.startswith(
            "SEARCH inquiries USING COVERING INDEX ix_inquiries_country_code_received_at"
        ) or (
            plan.startswith("SEARCH inquiries USING INDEX ix_inquiries_country_code_received_at")
            and "TEMP B-TREE FOR ORDER BY" not in plan
        ), plan


def test_the_contact_lists_text_filter_reads_the_substring_index(plans, make_contact):
    """'Name or e-mail contains' from the trigram table, not LIKE over every contact (~100 ms a
    statement at 100k); two characters cannot use it."""
    make_contact(full_name="Айгерим Нургалиева")
    with plans() as found:
        count_rows(contact_list_query({"q": "Nurgal"}))
        count_rows(contact_list_query({"q": "Nu"}))
    (indexed, _sql), (short, short_sql) = [(plan, sql) for sql, plan in found]
    assert "SCAN contact_text_fts VIRTUAL TABLE INDEX" in indexed and "SCAN contacts" not in indexed, indexed
    assert " LIKE " in short_sql


def test_the_organisation_lookup_tests_the_name_on_the_index(plans):
    with plans() as found:
        lookup_organisations("ab")
    assert [plan for _sql, plan in found] == [
        "SCAN organisations USING INDEX ix_organisations_name_latin_id_name_key"
    ]


def test_the_report_reads_inquiries_threads_and_members_by_index(plans):
    filters = ReportFilters(start=date(2026, 1, 1), end=date(2026, 1, 31))
    with plans() as found:
        funnel(filters, now=datetime(2026, 2, 1, tzinfo=UTC), today=date(2026, 2, 1), stale_days=30)

    def plan_of(marker: str) -> str:
        (plan,) = [plan for sql, plan in found if marker in sql]
        return plan

    for marker in (
        "count(inquiries.first_response_at)",
        "inquiries.first_response_at IS NOT NULL",
        "AS code",
    ):
        # the counts, the response times, the inquiries per country
        assert "COVERING INDEX ix_inquiries_reports" in plan_of(marker), plan_of(marker)
    threads = plan_of("GROUP BY threads.kind, threads.stage")
    assert "COVERING INDEX ix_threads_origin_inquiry_id_kind_stage" in threads, threads
    members = plan_of("count(DISTINCT organisations.id)")
    assert "USING INDEX ix_organisations_member_since" in members, members
