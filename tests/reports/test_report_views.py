"""The /reports page and the event page's funnel: figures in tables, charts that match, filters, no inline script."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from crm.models import Topic
from crm.models.base import utcnow
from crm.models.enums import ThreadKind


class ReportPage(HTMLParser):
    """Tables (id → body rows of cell texts), chart specs (canvas id → parsed data-chart) and script tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.charts: dict[str, dict] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.script_bodies: list[str] = []
        self._table: str | None = None
        self._in_body = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"].removeprefix("table-")
            self.tables[self._table] = []
        elif tag == "tbody" and self._table:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []
        elif tag == "canvas" and "data-chart" in a:
            self.charts[a["id"].removeprefix("chart-")] = json.loads(a["data-chart"])
        elif tag == "script":
            self.scripts.append(a)
            self._in_script = True

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_script and data.strip():
            self.script_bodies.append(data)

    def column(self, table: str, index: int = 1) -> dict[str, str]:
        return {row[0]: row[index] for row in self.tables[table]}


def _page(client, url: str) -> tuple[str, ReportPage]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    return html, ReportPage(html)


def _range(known) -> str:
    return f"/reports?from={known.start.isoformat()}&to={known.end.isoformat()}"


def test_reports_need_sign_in(client):
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_viewer_sees_the_figures_in_tables(client, login, viewer, known):
    login(viewer)
    html, page = _page(client, _range(known))
    assert page.column("funnel") == {
        "Inquiries received": "7",
        "Answered": "6",
        "Converted to contacts": "5",
        "Distinct contacts": "4",
        "Threads opened": "4",
        "Consultation": "2",
        "Material exchange": "1",
        "Joint initiative": "1",
        "New network members": "2",
        "Median time to first response": "2.0 days",
        "90th percentile": "5.0 days",
    }
    assert page.column("funnel", 2)["Answered"] == "86%"
    assert page.column("funnel", 2)["Converted to contacts"] == "71%"
    assert re.search(r'data-headline="received">7<', html)
    assert re.search(r'data-headline="joint_initiatives">1<', html)
    assert re.search(r'data-headline="countries">5<', html)
    assert re.search(r'data-headline="median">2.0 days<', html)
    assert page.column("response") == {
        "Within a day": "1",
        "1 to 2 days": "1",
        "2 to 7 days": "4",
        "A week or more": "0",
        "Not answered yet": "1",
    }
    assert page.column("stages-consultation") == {
        "Requested": "1",
        "Scheduled": "1",
        "In progress": "0",
        "Follow-up": "0",
        "Completed": "0",
        "Dropped": "0",
    }
    assert page.column("stages-joint_initiative")["Planning"] == "1"
    assert page.column("stages-material_exchange")["Completed"] == "1"
    assert page.tables["countries"] == [
        ["Kazakhstan", "2"],
        ["India", "1"],
        ["Kyrgyzstan", "1"],
        ["Russian Federation", "1"],
        ["Thailand", "1"],
        ["Country not known", "1"],
    ]
    assert page.tables["subregions"][0] == ["Central Asia", "3"]
    assert page.tables["regions"] == [["Asia", "5"], ["Europe", "1"], ["Not known", "1"]]
    assert page.tables["topics"] == [
        ["Legal mechanisms", "3"],
        ["Amnesties", "2"],
        ["Documentation campaigns", "2"],
        ["Coalitions", "1"],
    ]
    assert page.tables["workload"] == [
        ["Aigerim Sadykova", "2", "1", "2"],
        ["Bakyt Osmonov", "2", "1", "1"],
        ["Unassigned", "1", "1", "0"],
    ]


def test_every_chart_shows_the_figures_of_its_table(client, login, viewer, known):
    login(viewer)
    _html, page = _page(client, _range(known))
    expected = {
        "funnel",
        "response",
        "stages-consultation",
        "stages-material_exchange",
        "stages-joint_initiative",
        "regions",
        "subregions",
        "countries",
        "topics",
        "workload",
    }
    assert set(page.charts) == expected
    unknown_rows = {"Not known", "Country not known"}
    for key, spec in page.charts.items():
        assert spec["type"] == "bar"
        table = [row for row in page.tables[key] if row[0] not in unknown_rows]
        if key == "funnel":  # the chart shows the main steps; the table adds sub-rows and times
            table = [row for row in table if row[0] in spec["labels"]]
        assert spec["labels"] == [row[0] for row in table], key
        for index, dataset in enumerate(spec["datasets"], start=1):
            assert [str(n) for n in dataset["data"]] == [row[index] for row in table], key
    assert [d["label"] for d in page.charts["workload"]["datasets"]] == ["Open", "Stale", "Overdue"]
    assert page.charts["subregions"]["labels"][0] == "Central Asia"
    assert page.charts["subregions"]["datasets"][0]["data"][0] == 3


def test_no_inline_script_only_the_vendored_files(client, login, viewer, known):
    login(viewer)
    html, page = _page(client, _range(known))
    sources = [script.get("src") for script in page.scripts]
    assert "/static/vendor/bootstrap/bootstrap.bundle.min.js" in sources
    assert sources[-2:] == ["/static/vendor/chartjs/chart.umd.min.js", "/static/js/charts.js"]
    assert all(src and src.startswith("/static/") for src in sources)  # every script is a file of ours
    assert page.script_bodies == []
    assert " style=" not in html and "onclick" not in html.lower()
    for path in sources:
        response = client.get(path)
        assert response.status_code == 200
        response.close()


def test_chart_labels_are_escaped(client, login, viewer, make_inquiry, db):
    topic = Topic(name="Apostrophes ' and <tags>")
    db.session.add(topic)
    make_inquiry("Sender", "s@example.org", topics=[topic])
    login(viewer)
    html, page = _page(client, "/reports")
    assert "<tags>" not in html
    assert page.charts["topics"]["labels"] == ["Apostrophes ' and <tags>"]


def test_pages_without_charts_load_no_chart_script(client, login, viewer):
    login(viewer)
    html = client.get("/inquiries").get_data(as_text=True)
    assert "chart.umd.min.js" not in html and "charts.js" not in html


def test_default_is_the_last_30_days(client, login, viewer, known, make_inquiry):
    make_inquiry("Recent", "recent@example.org", received_at=utcnow() - timedelta(days=1))
    login(viewer)
    html, page = _page(client, "/reports")
    today = known.today
    assert f'value="{(today - timedelta(days=29)).isoformat()}"' in html
    assert f'value="{today.isoformat()}"' in html
    assert 'id="fallback"' not in html and "-error" not in html
    assert page.column("funnel")["Inquiries received"] == "1"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-45", "from", "Enter a date as YYYY-MM-DD"),
        ("from=yesterday&to=2026-01-01", "from", "Enter a date as YYYY-MM-DD"),
        ("to=31.10.2026", "to", "Enter a date as YYYY-MM-DD"),
        ("from=2026-10-10&to=2026-10-01", "to", "The end date is before the start date."),
        ("from=1066-10-14", "from", "Choose a date from 1990 on."),
    ],
)
def test_invalid_dates_are_shown_next_to_the_field(
    client, login, viewer, make_inquiry, query, field, message
):
    make_inquiry("Recent", "recent@example.org", received_at=utcnow() - timedelta(days=1))
    make_inquiry("Old", "old@example.org", received_at=utcnow() - timedelta(days=400))
    login(viewer)
    html, page = _page(client, f"/reports?{query}")
    error = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and message in error.group(1)
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    # The figures fall back to the last 30 days, and the page says so: the old inquiry is not counted.
    assert 'id="fallback"' in html
    assert page.column("funnel")["Inquiries received"] == "1"


def test_unknown_event_is_an_error_and_ignored(client, login, viewer, known):
    login(viewer)
    html, page = _page(client, f"{_range(known)}&event=999999")
    assert 'id="event-error"' in html
    assert page.column("funnel")["Inquiries received"] == "7"


def test_event_filter_on_the_reports_page(client, login, viewer, known):
    login(viewer)
    html, page = _page(client, f"/reports?event={known.event.id}")
    assert page.column("funnel")["Inquiries received"] == "4"
    assert page.column("funnel")["Median time to first response"] == "18 hours"
    assert page.column("funnel")["90th percentile"] == "2.0 days"
    assert page.tables["countries"] == [["Kazakhstan", "3"], ["Kyrgyzstan", "1"]]
    assert f'<option selected value="{known.event.id}">' in html or re.search(
        rf'<option[^>]*value="{known.event.id}"[^>]*selected', html
    )
    assert "Unassigned" not in page.column("workload")


def test_event_page_shows_the_same_funnel(client, login, viewer, known):
    login(viewer)
    html, page = _page(client, f"/events/{known.event.id}")
    funnel = dict(re.findall(r'data-funnel="(\w+)">([^<]*)<', html))
    assert funnel == {
        "received": "4",
        "answered": "4",
        "converted": "4",
        "contacts": "4",
        "threads": "5",
        "consultation": "3",
        "material_exchange": "1",
        "joint_initiative": "1",
        "new_members": "2",
        "median": "18 hours",
        "p90": "2.0 days",
    }
    assert page.tables["countries"] == [["Kazakhstan", "3"], ["Kyrgyzstan", "1"]]
    assert page.tables["workload"] == [["Aigerim Sadykova", "2", "1", "2"], ["Bakyt Osmonov", "2", "1", "1"]]
    assert page.charts["stages-consultation"]["datasets"][0]["data"] == [2, 1, 0, 0, 0, 0]
    assert f'href="/reports?event={known.event.id}"' in html
    assert [s.get("src") for s in page.scripts][-2:] == [
        "/static/vendor/chartjs/chart.umd.min.js",
        "/static/js/charts.js",
    ]


def test_statements_do_not_grow_with_the_data(
    client, login, viewer, db, known, make_inquiry, make_thread, make_contact, count_statements
):
    login(viewer)
    url = _range(known)
    db.session.expire_all()
    with count_statements() as few:
        client.get(url)
    topics = [Topic(name=f"Extra topic {n}") for n in range(5)]
    db.session.add_all(topics)
    countries = ["Uzbekistan", "Tajikistan", "Malaysia", "Myanmar", "Nepal", "Japan", "Germany", "Brazil"]
    for n, country in enumerate(countries):
        inquiry = make_inquiry(
            f"More {n}",
            f"more{n}@example.org",
            received_at=known.now - timedelta(days=50),
            sender_country=country,
            topics=topics[: n % 5 + 1],
        )
        inquiry.first_response_at = inquiry.received_at + timedelta(hours=n + 1)
        inquiry.contact_id = make_contact(f"More contact {n}", f"mc{n}@example.org").id
        for kind in ThreadKind:
            make_thread(kind=kind, title=f"More {n} {kind}", origin_inquiry=inquiry)
    db.session.flush()
    db.session.expire_all()
    with count_statements() as many:
        html = client.get(url).get_data(as_text=True)
    assert ReportPage(html).column("funnel")["Inquiries received"] == "15"
    assert len(many) == len(few)
    assert len(many) <= 12


def test_waits_are_written_in_hours_then_days(app):
    from flask_babel import force_locale

    from crm.reports.charts import wait_label

    with app.test_request_context():
        assert wait_label(None) == "—"
        assert wait_label(timedelta(hours=18, minutes=20)) == "18 hours"
        assert wait_label(timedelta(hours=47)) == "47 hours"
        assert wait_label(timedelta(days=2)) == "2.0 days"
        assert wait_label(timedelta(days=3, hours=3)) == "3.1 days"
        with force_locale("ru"):
            assert "3,1" in wait_label(timedelta(days=3, hours=3))
