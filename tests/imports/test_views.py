"""The import pages: upload, preview, commit, report, undo; who may use them; what they refuse."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from crm.imports.services import commit_import
from crm.inquiries.services import convert_inquiry
from crm.models import ImportBatch, ImportMapping, Inquiry
from crm.models.enums import Role
from tests.helpers import _FormParser
from tests.imports.conftest import ZOOM_HEADER, csv_bytes, zoom_rows


def rendered_fields(client, page_url: str, action: str) -> list[tuple[str, str]]:
    parser = _FormParser(action)
    parser.feed(client.get(page_url).get_data(as_text=True))
    assert parser.found, f"no form posting to {action} on {page_url}"
    return parser.fields


def upload(client, data: bytes, name: str = "registrants.csv", **changes: str):
    """Fill the rendered upload form, attach the file, and post it."""
    fields = [(k, v) for k, v in rendered_fields(client, "/imports/new", "/imports/new") if k not in changes]
    form = MultiDict([*fields, *changes.items()])
    form.add("file", (io.BytesIO(data), name))
    return client.post("/imports/new", data=form, content_type="multipart/form-data")


def press(client, url: str, button: str, **changes: str):
    """Post the preview form as rendered, with some fields changed, by pressing one of its buttons."""
    fields = [(k, v) for k, v in rendered_fields(client, url, url) if k not in changes]
    return client.post(url, data=MultiDict([*fields, *changes.items(), ("action", button)]))


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def uploads_folder(app):
    return Path(app.instance_path) / "imports"


def test_upload_preview_and_commit(db, app, client, login, staff, make_event, uploads_folder):
    event = make_event(title="Webinar on statelessness")
    login(staff)

    response = upload(client, csv_bytes([ZOOM_HEADER, *zoom_rows(3)], delimiter=";"), event_id=str(event.id))

    assert response.status_code == 302
    url = response.headers["Location"]
    assert url.startswith("/imports/preview/")
    token = url.rsplit("/", 1)[1]
    assert (uploads_folder / f"{token}.data").exists()
    assert oct((uploads_folder / f"{token}.data").stat().st_mode & 0o777) == "0o600"
    page = client.get(url).get_data(as_text=True)
    assert "Zoom-style registration report" in page and "Aigulb Bekovab" in page
    assert page.count('class="import-row"') == 3
    assert count(db, Inquiry) == 0  # a preview saves nothing

    committed = press(client, url, "commit")

    assert committed.status_code == 302
    batch = db.session.scalar(select(ImportBatch))
    assert committed.headers["Location"] == f"/imports/{batch.id}"
    assert (batch.event_id, batch.delimiter, batch.actor_id) == (event.id, ";", staff.id)
    assert count(db, Inquiry, Inquiry.import_batch_id == batch.id) == 3
    assert not any(uploads_folder.glob(f"{token}*"))  # the uploaded file is gone
    report = client.get(committed.headers["Location"]).get_data(as_text=True)
    assert "registrants.csv" in report and "Undo this import" in report


def test_row_57_with_a_bad_email_commits_nothing_until_skipped(db, client, login, staff):
    rows = zoom_rows(60)
    rows[55][2] = "not-an-address"
    login(staff)
    url = upload(client, csv_bytes([ZOOM_HEADER, *rows])).headers["Location"]

    refused = press(client, url, "commit")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "nothing was imported" in page
    assert '<tr class="import-error"><td>57</td><td>Email</td><td>not a valid e-mail address' in page
    assert count(db, Inquiry) == 0 and count(db, ImportBatch) == 0

    committed = press(client, url, "commit", skip_errors="y")

    assert committed.status_code == 302
    report = client.get(committed.headers["Location"]).get_data(as_text=True)
    assert '<tr class="skipped-row"><td>57</td>' in report
    assert count(db, Inquiry) == 59


def test_html_and_formulas_in_cells_are_shown_escaped(db, client, login, staff):
    rows = [["Name", "Question"], ["<script>alert('x')</script>", '=HYPERLINK("http://evil")']]
    login(staff)
    url = upload(client, csv_bytes(rows)).headers["Location"]

    page = client.get(url).get_data(as_text=True)

    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    press(client, url, "commit")
    assert db.session.scalar(select(Inquiry.sender_name)) == "<script>alert('x')</script>"


def test_columns_and_delimiter_can_be_changed_on_the_preview(db, client, login, staff):
    rows = [["Who", "Email", "Text"], ["Айгерим", "a@example.kz", "Как?"]]
    login(staff)
    url = upload(client, csv_bytes(rows, delimiter=";")).headers["Location"]
    assert "No column is mapped to the name" in client.get(url).get_data(as_text=True)

    press(client, url, "refresh", col_0="sender_name", col_2="message")
    page = client.get(url).get_data(as_text=True)

    assert "No column is mapped to the name" not in page and 'class="import-row"' in page
    press(client, url, "refresh", delimiter=",")
    assert "No column is mapped to the name" in client.get(url).get_data(as_text=True)  # re-read: one column


def test_a_mapping_is_saved_and_offered_for_the_next_file(db, client, login, staff):
    rows = [["Who", "Email"], ["Айгерим", "a@example.kz"]]
    login(staff)
    url = upload(client, csv_bytes(rows)).headers["Location"]
    press(client, url, "refresh", col_0="sender_name")

    saved = press(client, url, "save_mapping", mapping_name="Partner sheet")

    assert saved.status_code == 302
    mapping = db.session.scalar(select(ImportMapping))
    assert (mapping.name, mapping.mapping) == (
        "Partner sheet",
        {"Who": "sender_name", "Email": "sender_email"},
    )
    assert f'value="saved:{mapping.id}"' in client.get("/imports/new").get_data(as_text=True)


def test_an_exe_renamed_csv_is_refused_next_to_the_file_field(db, client, login, staff, uploads_folder):
    login(staff)
    before = set(uploads_folder.glob("*")) if uploads_folder.exists() else set()

    response = upload(client, b"MZ\x90\x00" + os.urandom(2000), name="report.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="file-error"' in page and "This is not a CSV or XLSX file" in page
    assert (set(uploads_folder.glob("*")) if uploads_folder.exists() else set()) == before


def test_a_file_over_the_size_limit_gets_a_helpful_413(app, client, login, staff):
    login(staff)
    original = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024  # a small limit keeps the test's request in memory
    try:
        response = upload(client, b"Name\r\n" + b"A" * (200 * 1024))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = original

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and "larger than 100 KB. Split it into smaller files" in page


def test_an_upload_belongs_to_whoever_sent_it(client, login, staff, make_user):
    login(staff)
    url = upload(client, csv_bytes([["Name"], ["A"]])).headers["Location"]
    client.post("/logout")
    login(make_user(Role.STAFF))

    response = client.get(url)

    assert response.status_code == 302 and response.headers["Location"] == "/imports/new"
    assert client.get("/imports/preview/not-a-token").status_code == 302
    assert client.get("/imports/preview/..%2F..%2Fsecret_key").status_code in (302, 404)


def test_undo_from_the_report_page_and_its_refusal(db, client, login, staff, preview_of):
    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(2)])), actor=staff)
    first = db.session.scalars(select(Inquiry).where(Inquiry.import_batch_id == batch.id)).first()
    convert_inquiry(first, actor=staff)
    db.session.commit()
    login(staff)
    url = f"/imports/{batch.id}"

    refused = client.post(f"{url}/undo", data=MultiDict(rendered_fields(client, url, f"{url}/undo")))

    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Row 2" in page and f"inquiry #{first.id}" in page and "it was converted into a contact" in page
    assert count(db, Inquiry, Inquiry.import_batch_id == batch.id) == 2


def test_undo_removes_the_batch_inquiries(db, client, login, staff, preview_of):
    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(2)])), actor=staff)
    db.session.commit()
    login(staff)
    url = f"/imports/{batch.id}"

    response = client.post(f"{url}/undo", data=MultiDict(rendered_fields(client, url, f"{url}/undo")))

    assert response.status_code == 302
    assert count(db, Inquiry) == 0
    page = client.get(url).get_data(as_text=True)
    assert "Undone" in page and "Undo this import" not in page


def test_another_staff_member_cannot_undo_but_a_coordinator_can(
    db, client, login, staff, make_user, preview_of
):
    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(1)])), actor=staff)
    db.session.commit()
    login(make_user(Role.STAFF))
    assert "Undo this import" not in client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert client.post(f"/imports/{batch.id}/undo").status_code == 403

    client.post("/logout")
    login(make_user(Role.COORDINATOR))

    assert client.post(f"/imports/{batch.id}/undo").status_code == 302


def test_viewers_may_not_import(db, client, login, viewer, staff, preview_of):
    batch = commit_import(preview_of(csv_bytes([["Name"], ["A"]])), actor=staff)
    login(viewer)

    for url in ("/imports", "/imports/new", f"/imports/{batch.id}", "/imports/preview/" + "a" * 32):
        assert client.get(url).status_code == 403, url
    assert client.post("/imports/new").status_code == 403
    assert client.post(f"/imports/{batch.id}/undo").status_code == 403
    assert "Import a file" not in client.get("/inquiries").get_data(as_text=True)


def test_the_batches_list_and_the_inquiries_link(db, client, login, staff, preview_of):
    commit_import(preview_of(csv_bytes([["Name"], ["A"]]), "first.csv"), actor=staff)
    login(staff)

    page = client.get("/imports").get_data(as_text=True)

    assert "first.csv" in page and "Staff Member" in page
    assert 'href="/imports/new"' in client.get("/inquiries").get_data(as_text=True)


def test_contacts_are_imported_from_the_pages_too(db, client, login, staff):
    rows = [
        ["Full name", "E-mail", "Country", "Tags"],
        ["Айгерим Нургалиева", "a@example.kz", "KZ", "Partners"],
    ]
    login(staff)
    url = upload(client, csv_bytes(rows), "contacts.csv", kind="contacts").headers["Location"]
    assert "Айгерим Нургалиева" in client.get(url).get_data(as_text=True)

    response = press(client, url, "commit")

    assert response.status_code == 302
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Undo this import" not in report  # contact imports cannot be undone here
