"""Names, notes and messages holding HTML or script render as text everywhere; links stay http(s)."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm.models.enums import InteractionKind, MembershipStatus, ThreadKind
from crm.threads.services import add_interaction
from tests.exports.conftest import download, read_csv
from tests.helpers import submit

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
# A name that is also a spreadsheet formula (CSV injection) and an HTML payload.
FORMULA_NAME = "=cmd|' /C calc'!A0 " + SCRIPT
RAW = ("<script>alert", "<img src=x")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;")


def assert_text_only(html: str, where: str) -> None:
    """No payload reached the page as markup, and at least one reached it as text."""
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} rendered as HTML"
    assert any(escaped in html for escaped in ESCAPED), f"{where}: the payload is not on the page at all"


@pytest.fixture
def hostile(db, staff, make_contact, make_organisation, make_inquiry, make_thread):
    """One record of each kind whose free text is an attack."""
    organisation = make_organisation(
        name=f"Org {IMG}",
        country_code="KZ",
        notes=f"Notes {SCRIPT}",
        membership_status=MembershipStatus.PROSPECT,
    )
    contact = make_contact(full_name=FORMULA_NAME, email="x@example.kz", notes=f"Met at {IMG}")
    inquiry = make_inquiry(sender_name=f"Sender {SCRIPT}", message=f"Hello {IMG} {SCRIPT}")
    thread = make_thread(kind=ThreadKind.CONSULTATION, title=f"Thread {SCRIPT}", contacts=[contact])
    add_interaction(thread, InteractionKind.NOTE, f"Summary {IMG}", actor=staff)
    db.session.flush()
    return {"organisation": organisation, "contact": contact, "inquiry": inquiry, "thread": thread}


def test_payloads_render_as_text_on_every_page_that_shows_them(client, coordinator, login, hostile):
    login(coordinator)
    pages = [
        "/",
        "/contacts",
        f"/contacts/{hostile['contact'].id}",
        f"/contacts/{hostile['contact'].id}/edit",
        "/organisations",
        f"/organisations/{hostile['organisation'].id}",
        f"/organisations/{hostile['organisation'].id}/edit",
        "/inquiries",
        f"/inquiries/{hostile['inquiry'].id}",
        "/threads",
        f"/threads/{hostile['thread'].id}",
        "/pipeline/inquiries",
        "/pipeline/threads",
        "/pipeline/membership",
        "/countries/KZ",
        "/search?q=alert",
        f"/search?q={SCRIPT}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_text_only(response.get_data(as_text=True), url)


def test_a_flash_message_shows_a_hostile_name_as_text(client, staff, login):
    login(staff)
    response = client.post("/contacts/new", data={"full_name": f"Flash {IMG}", "stakeholder_type": "other"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Contact “Flash &#34;&gt;&lt;img src=x onerror=alert(2)&gt;” created." in page
    assert_text_only(page, "flash")


def test_exports_keep_the_text_and_neutralise_formulas(client, coordinator, login, hostile):
    login(coordinator)
    url = "/contacts/export?preset=full"
    body = submit(client, url, url, file_format="csv").get_data()
    rows = read_csv(body)
    names = [row[rows[0].index("Full name")] for row in rows[1:]]
    assert names == ["'" + FORMULA_NAME]
    assert b"\"'=cmd|" in body and b'"=cmd|' not in body  # quoted, with the apostrophe
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    body = submit(client, url, url, file_format="xlsx").get_data()
    sheet = load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Full name") + 1)
    assert cell.value == "'" + FORMULA_NAME and cell.data_type == "s"
    _, body = download(client, "/organisations/export", file_format="csv")
    assert f"Org {IMG}" in [row[0] for row in read_csv(body)[1:]]


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "\tjavascript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
    ],
)
def test_a_website_that_is_not_http_is_never_a_link(db, client, staff, login, make_organisation, website):
    organisation = make_organisation(name="Stored before validation existed")
    organisation.website = website  # as if imported or written before the form checked it
    db.session.flush()
    login(staff)
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if not h.startswith(("/", "http://", "https://", "mailto:", "#", "?"))], (
        hrefs
    )


def test_the_organisation_form_refuses_a_javascript_website(client, staff, login):
    login(staff)
    response = client.post(
        "/organisations/new", data={"name": "Acme", "kind": "ngo", "website": "javascript:alert(1)"}
    )
    assert response.status_code == 200 and 'id="website-error"' in response.get_data(as_text=True)


def test_no_template_or_python_module_marks_data_as_safe_html():
    root = Path(__file__).resolve().parents[2]
    for path in (root / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", text), path
        assert "autoescape false" not in text, path
    for path in (root / "crm").rglob("*.py"):
        if path == root / "crm" / "html.py":
            continue  # form inputs written as WTForms does, every value escaped: tests/security/test_form_html.py
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bMarkup\(|markupsafe", text), path
