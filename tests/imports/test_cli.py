"""`flask import inquiries|contacts FILE`: the same importer from the command line."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.imports.mapping import save_mapping
from crm.models import Contact, ImportBatch, Inquiry
from tests.imports.conftest import ZOOM_HEADER, csv_bytes, zoom_rows


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["import", *args])


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_dry_run_shows_the_preview_and_saves_nothing(app, db, tmp_path, staff, make_event):
    event = make_event()
    path = tmp_path / "registrants.csv"
    path.write_bytes(csv_bytes([ZOOM_HEADER, *zoom_rows(3)], encoding="cp1251", delimiter=";"))

    result = run(app, "inquiries", str(path), "--event", str(event.id), "--user", staff.email, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "registrants.csv: CSV, cp1251, delimiter ';'" in result.output
    assert "Recognised as: Zoom-style registration report" in result.output
    assert "  Email -> E-mail" in result.output and "  Approval Status -> (not imported)" in result.output
    assert "Rows: 3; to import: 3" in result.output
    assert "Dry run: nothing was saved." in result.output
    assert count(db, Inquiry) == 0 and count(db, ImportBatch) == 0


def test_a_real_run_imports_in_one_batch(app, db, tmp_path, staff, make_event):
    event = make_event()
    path = tmp_path / "registrants.xlsx"  # the name says XLSX; the content decides
    path.write_bytes(csv_bytes([ZOOM_HEADER, *zoom_rows(3)]))

    result = run(app, "inquiries", str(path), "--event", str(event.id), "--user", staff.email)

    assert result.exit_code == 0, result.output
    batch = db.session.scalar(select(ImportBatch))
    assert f"Imported 3 inquiries as import #{batch.id}." in result.output
    assert (batch.event_id, batch.actor_id, batch.file_format) == (event.id, staff.id, "csv")
    assert count(db, Inquiry) == 3


def test_errors_stop_the_run_unless_skipped(app, db, tmp_path):
    rows = zoom_rows(60)
    rows[55][2] = "broken@"
    path = tmp_path / "registrants.csv"
    path.write_bytes(csv_bytes([ZOOM_HEADER, *rows]))

    refused = run(app, "inquiries", str(path))

    assert refused.exit_code == 1
    assert "row 57, Email: not a valid e-mail address" in refused.output
    assert "nothing was imported" in refused.output
    assert count(db, Inquiry) == 0

    skipped = run(app, "inquiries", str(path), "--skip-errors")

    assert skipped.exit_code == 0, skipped.output
    assert count(db, Inquiry) == 59
    batch = db.session.scalar(select(ImportBatch))
    assert batch.actor_id is None and batch.skipped_rows[0]["row"] == 57


def test_a_saved_mapping_or_a_preset_by_name(app, db, tmp_path, staff):
    save_mapping("Partner sheet", {"Кто": "sender_name", "Откуда": "sender_country"}, actor=staff)
    path = tmp_path / "partner.csv"
    path.write_bytes(csv_bytes([["Кто", "Откуда"], ["Бакыт", "Киргизия"]]))

    assert run(app, "inquiries", str(path), "--mapping", "Partner sheet").exit_code == 0
    assert db.session.scalar(select(Inquiry.country_code)) == "KG"
    unknown = run(app, "inquiries", str(path), "--mapping", "Nope", "--dry-run")
    assert unknown.exit_code == 1 and "zoom_registration" in unknown.output
    preset = run(app, "inquiries", str(path), "--mapping", "zoom_qa", "--dry-run")
    assert "Recognised as: Zoom-style Q&A report" in preset.output


def test_contacts_need_a_user_and_are_imported_with_one(app, db, tmp_path, staff):
    path = tmp_path / "contacts.csv"
    path.write_bytes(csv_bytes([["Full name", "E-mail"], ["Айгерим Нургалиева", "a@example.kz"]]))

    assert run(app, "contacts", str(path)).exit_code == 1
    result = run(app, "contacts", str(path), "--user", staff.email)

    assert result.exit_code == 0, result.output
    contact = db.session.scalar(select(Contact))
    assert (contact.full_name, contact.owner_id) == ("Айгерим Нургалиева", staff.id)


def test_an_unreadable_file_is_a_clear_error(app, tmp_path):
    path = tmp_path / "setup.csv"
    path.write_bytes(b"MZ" + bytes(range(256)) * 10)

    result = run(app, "inquiries", str(path))

    assert result.exit_code == 1 and "This is not a CSV or XLSX file" in result.output
