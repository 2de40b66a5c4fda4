"""Importing inquiries: every row's outcome in the preview, then one all-or-nothing commit."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from crm.imports.rows import DUPLICATE, ERROR, EXISTING, MATCHED, NEW
from crm.imports.services import ImportRefused, commit_import
from crm.inquiries.services import log_inquiry
from crm.models import AuditEntry, ImportBatch, Inquiry
from crm.models.enums import InquiryChannel, InquiryStatus
from tests.imports.conftest import ZOOM_HEADER, csv_bytes, xlsx_bytes, zoom_rows


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_zoom_registration_report_previews_as_new_inquiries(preview_of, make_event):
    event = make_event()
    data = csv_bytes([ZOOM_HEADER, *zoom_rows(3)])

    preview = preview_of(data, "registrants.csv", event_id=event.id)

    assert preview.preset.key == "zoom_registration"
    assert preview.channel == InquiryChannel.REGISTRATION_FORM
    assert [row.outcome for row in preview.rows] == [NEW, NEW, NEW]
    first = preview.rows[0].values
    assert first["sender_name"] == "Aigulb Bekovab"  # first and last name combined
    assert first["received_at"] == datetime(2026, 1, 15, 10, 23, 45, tzinfo=UTC)
    assert [row.values["country_code"] for row in preview.rows] == ["KG", "KG", "TH"]
    assert preview.ignored == ["Approval Status"]


def test_committing_creates_the_inquiries_in_a_batch_with_an_audit_entry(db, staff, preview_of, make_event):
    event = make_event()
    preview = preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(3)]), "registrants.csv", event_id=event.id)

    batch = commit_import(preview, actor=staff)

    inquiries = db.session.scalars(select(Inquiry).where(Inquiry.import_batch_id == batch.id)).all()
    assert len(inquiries) == 3
    assert {i.event_id for i in inquiries} == {event.id}
    assert {i.channel for i in inquiries} == {InquiryChannel.REGISTRATION_FORM}
    assert {i.created_by_id for i in inquiries} == {staff.id}
    assert (batch.actor_id, batch.event_id, batch.file_name) == (staff.id, event.id, "registrants.csv")
    assert (batch.file_format, batch.encoding, batch.delimiter) == ("csv", "utf-8", ",")
    assert batch.mapping["Email"] == "sender_email" and batch.mapping["Approval Status"] == ""
    assert batch.counts["created"] == 3 and batch.counts["rows"] == 3 and batch.status == "committed"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert (entry.actor_id, entry.entity_type, entry.entity_id) == (staff.id, "importbatch", batch.id)
    assert entry.changes["file_name"] == "registrants.csv" and entry.changes["to_create"] == 3


def test_an_imported_inquiry_is_what_log_inquiry_would_have_made(db, staff, preview_of):
    row = ["Айгерим", "Нургалиева", "A@Example.kz", "SRC", "Киргизия", "Как?", "2026-01-15 10:00", "approved"]
    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, row])), actor=staff)
    imported = db.session.scalar(select(Inquiry).where(Inquiry.import_batch_id == batch.id))

    logged = log_inquiry(
        {
            "sender_name": "Айгерим Нургалиева",
            "sender_email": "A@Example.kz",
            "sender_organisation": "SRC",
            "sender_country": "Киргизия",
            "message": "Как?",
            "received_at": datetime(2026, 1, 15, 10, 0, tzinfo=UTC),
            "channel": InquiryChannel.REGISTRATION_FORM,
        },
        actor=staff,
    )

    for name in ("sender_name", "sender_email", "sender_organisation", "sender_country", "country_code",
                 "subject", "message", "status", "channel", "created_by_id", "assignee_id", "contact_id"):  # fmt: skip
        assert getattr(imported, name) == getattr(logged, name), name
    assert imported.received_at.replace(tzinfo=UTC) == logged.received_at
    assert imported.status_changed_at.replace(tzinfo=UTC) == imported.received_at.replace(tzinfo=UTC)
    assert imported.status == InquiryStatus.NEW and imported.country_code == "KG"


def test_rows_matching_existing_contacts_say_why(preview_of, make_contact):
    by_email = make_contact(full_name="Someone Else", email="AIGUL1@example.org")
    by_name = make_contact(full_name="Айгулc Бековаc", email="other@example.org")

    preview = preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(3)]))

    first, second, third = preview.rows
    assert first.outcome == MATCHED
    assert first.values["matches"] == [(by_email.id, "Someone Else", ["same e-mail", "different countries"])]
    assert second.outcome == MATCHED
    assert second.values["matches"] == [(by_name.id, "Айгулc Бековаc", ["same name", "different countries"])]
    assert third.outcome == NEW


def test_matched_rows_are_imported_without_deciding_who_the_person_is(db, staff, preview_of, make_contact):
    make_contact(full_name="Someone Else", email="aigul1@example.org")

    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(1)])), actor=staff)

    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.import_batch_id == batch.id))
    assert inquiry.contact_id is None and inquiry.status == InquiryStatus.NEW  # triage decides
    assert batch.counts["matched"] == 1


def test_duplicate_rows_become_one_inquiry_and_the_report_says_so(db, staff, preview_of):
    rows = zoom_rows(2)
    repeated = list(rows[0])
    repeated[5] = "  question NUMBER 1 about birth registration "  # same text, other spacing and case
    preview = preview_of(csv_bytes([ZOOM_HEADER, rows[0], rows[1], repeated]))

    assert [row.outcome for row in preview.rows] == [NEW, NEW, DUPLICATE]
    assert preview.rows[2].duplicate_of == 2
    batch = commit_import(preview, actor=staff)

    assert count(db, Inquiry, Inquiry.import_batch_id == batch.id) == 2
    assert batch.counts["duplicates"] == 1
    assert batch.skipped_rows == [
        {"row": 4, "column": "", "reason": "same as row 2: one inquiry is made", "kind": "duplicate"}
    ]


def test_the_same_file_imported_again_is_recognised(db, staff, preview_of, make_event):
    event = make_event()
    data = csv_bytes([ZOOM_HEADER, *zoom_rows(3)])
    commit_import(preview_of(data, event_id=event.id), actor=staff)

    again = preview_of(data, event_id=event.id)

    assert [row.outcome for row in again.rows] == [EXISTING] * 3
    with pytest.raises(ImportRefused, match="nothing to import"):
        commit_import(again, actor=staff)
    assert [row.outcome for row in preview_of(data).rows] == [NEW] * 3  # without the event: not the same


def file_with_bad_row_57() -> bytes:
    rows = zoom_rows(60)
    rows[55][2] = "aigul56(at)example.org"  # file row 57: the header is row 1
    return csv_bytes([ZOOM_HEADER, *rows])


def test_a_bad_email_in_row_57_commits_nothing_and_says_where_and_why(db, staff, preview_of):
    preview = preview_of(file_with_bad_row_57())

    assert len(preview.errors) == 1
    error = preview.errors[0]
    assert (error["row"], error["column"]) == (57, "Email")
    assert "not a valid e-mail address" in error["reason"]
    with pytest.raises(ImportRefused, match="1 rows have errors, so nothing was imported") as refused:
        commit_import(preview, actor=staff)
    assert refused.value.field == "skip_errors"
    db.session.rollback()
    assert count(db, Inquiry) == 0 and count(db, ImportBatch) == 0


def test_skipping_the_rows_in_error_imports_the_others_and_lists_row_57(db, staff, preview_of):
    batch = commit_import(preview_of(file_with_bad_row_57()), actor=staff, skip_errors=True)

    assert count(db, Inquiry, Inquiry.import_batch_id == batch.id) == 59
    assert batch.counts["skipped"] == 1
    [skipped] = batch.skipped_rows
    assert (skipped["row"], skipped["column"], skipped["kind"]) == (57, "Email", "error")
    assert "aigul56(at)example.org" not in {i.sender_email for i in db.session.scalars(select(Inquiry))}


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Country/Region", "Atlantis", "unknown country “Atlantis”"),
        ("Registration Time", "the day after tomorrow", "date not understood"),
        ("Registration Time", "2999-01-01 10:00", "the date is in the future"),
        ("Email", "two@at@example.org", "not a valid e-mail address"),
    ],
)
def test_row_errors_name_the_column_and_the_reason(preview_of, column, value, reason):
    row = zoom_rows(1)[0]
    row[ZOOM_HEADER.index(column)] = value

    [outcome] = preview_of(csv_bytes([ZOOM_HEADER, row])).rows

    assert outcome.outcome == ERROR
    assert [(issue.column, reason in issue.reason) for issue in outcome.issues] == [(column, True)]


def test_an_empty_name_is_an_error_on_the_name_columns(preview_of):
    row = zoom_rows(1)[0]
    row[0] = row[1] = " "

    [outcome] = preview_of(csv_bytes([ZOOM_HEADER, row])).rows

    assert [(i.column, i.reason) for i in outcome.issues] == [("First Name", "the name is empty")]


def test_country_names_in_english_russian_codes_and_variants(preview_of):
    spellings = {
        "Kyrgyzstan": "KG",
        "Kyrgyz Republic": "KG",
        "Киргизия": "KG",
        "Кыргызстан": "KG",
        "KG": "KG",
        "kgz": "KG",
        "Кыргызская Республика": "KG",
        "Republic of Kazakhstan": "KZ",
        "Қазақстан": "KZ",
        "O'zbekiston": "UZ",
        "Тоҷикистон": "TJ",
        "Российская Федерация": "RU",
        "Lao PDR": "LA",
    }
    rows = [[f"P{n}", f"p{n}@example.org", text] for n, text in enumerate(spellings)]

    preview = preview_of(csv_bytes([["Name", "Email", "Country"], *rows]))

    assert [row.values["country_code"] for row in preview.rows] == list(spellings.values())


def test_dates_in_the_usual_export_formats(preview_of):
    texts = ["15.01.2026 10:23", "2026-01-15T10:23:00+06:00", "1/15/2026 10:23:00 AM", "Jan 15, 2026"]
    rows = [[f"P{n}", text] for n, text in enumerate(texts)]

    preview = preview_of(csv_bytes([["Name", "Date"], *rows]))

    assert [row.values["received_at"] for row in preview.rows] == [
        datetime(2026, 1, 15, 10, 23, tzinfo=UTC),
        datetime(2026, 1, 15, 4, 23, tzinfo=UTC),
        datetime(2026, 1, 15, 10, 23, tzinfo=UTC),
        datetime(2026, 1, 15, tzinfo=UTC),
    ]


def test_a_slash_date_column_is_read_day_first_when_a_day_shows_it(preview_of):
    rows = [["A", "03/02/2026"], ["B", "25/02/2026"]]

    preview = preview_of(csv_bytes([["Name", "Date"], *rows]))

    assert [row.values["received_at"].date().isoformat() for row in preview.rows] == [
        "2026-02-03",
        "2026-02-25",
    ]


def test_html_and_formulas_are_stored_verbatim(db, staff, preview_of):
    name, message = '=HYPERLINK("http://x")', "<script>alert('x')</script> & <b>bold</b>"
    data = xlsx_bytes([["Name", "Question", "Organisation"], [name, message, "@SUM(1)"]])

    batch = commit_import(preview_of(data, "qa.xlsx"), actor=staff)

    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.import_batch_id == batch.id))
    assert (inquiry.sender_name, inquiry.message, inquiry.sender_organisation) == (name, message, "@SUM(1)")
    assert batch.file_format == "xlsx" and batch.encoding == ""


def test_cyrillic_from_a_russian_excel_csv_arrives_intact(db, staff, preview_of):
    rows = [["ФИО", "Эл. почта", "Страна", "Вопрос"], ["Бакыт Осмонов", "b@example.kg", "Кыргызстан", "Где?"]]
    batch = commit_import(preview_of(csv_bytes(rows, encoding="cp1251", delimiter=";")), actor=staff)

    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.import_batch_id == batch.id))
    assert (inquiry.sender_name, inquiry.country_code, inquiry.message) == ("Бакыт Осмонов", "KG", "Где?")
    assert (batch.encoding, batch.delimiter) == ("cp1251", ";")


def test_extra_columns_are_listed_as_not_imported_and_blank_lines_ignored(preview_of):
    data = csv_bytes(
        [["Name", "Shoe size", "Email", "Notes"], [], ["A", "42", "a@example.org", "x"], ["", "", "", ""]]
    )

    preview = preview_of(data)

    assert preview.ignored == ["Shoe size", "Notes"]
    assert [row.row for row in preview.rows] == [3]


def test_a_file_without_a_name_column_cannot_be_imported(staff, preview_of):
    preview = preview_of(csv_bytes([["Email", "Question"], ["a@example.org", "Hi"]]))

    assert preview.problems == ["No column is mapped to the name. Choose the column that holds it."]
    with pytest.raises(ImportRefused):
        commit_import(preview, actor=staff)


def test_a_field_chosen_for_two_columns_is_a_problem(preview_of):
    data = csv_bytes([["Name", "Email", "Work email"], ["A", "a@example.org", "b@example.org"]])

    preview = preview_of(
        data, columns={"Name": "sender_name", "Email": "sender_email", "Work email": "sender_email"}
    )

    assert "E-mail" in preview.problems[0] and "Email, Work email" in preview.problems[0]


def test_several_message_columns_are_joined_with_their_headers(preview_of):
    data = csv_bytes([["Name", "Question", "Comments"], ["A", "Where?", "Thanks"]])

    [row] = preview_of(data).rows

    assert row.values["message"] == "Question: Where?\n\nComments: Thanks"


def test_five_thousand_rows_in_bounded_time_and_a_bounded_number_of_statements(
    db, staff, preview_of, make_contact, count_statements
):
    make_contact(full_name="Known Person", email="aigul10@example.org")
    data = csv_bytes([ZOOM_HEADER, *zoom_rows(5000)])
    started = time.perf_counter()

    with count_statements() as statements:
        preview = preview_of(data)
        batch = commit_import(preview, actor=staff)

    elapsed = time.perf_counter() - started
    assert batch.counts["created"] == 5000 and batch.counts["matched"] == 1
    assert count(db, Inquiry, Inquiry.import_batch_id == batch.id) == 5000
    assert count(db, AuditEntry, AuditEntry.entity_type == "inquiry") == 5000
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 25, len(selects)  # look-ups by chunks of 500 rows, never one per row
    assert len(statements) <= 80, len(statements)  # inserts in batches, not 10,000 single rows
    assert elapsed < 30, elapsed
