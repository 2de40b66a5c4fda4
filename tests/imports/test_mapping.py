"""Proposing which column goes where, presets, the header under a preamble, saved mappings."""

from __future__ import annotations

from crm.imports.mapping import (
    CONTACTS,
    INQUIRIES,
    MappingError,
    clean_headers,
    detect_preset,
    find_mapping,
    propose_mapping,
    save_mapping,
)
from crm.models import AuditEntry
from tests.imports.conftest import ZOOM_HEADER, csv_bytes


def test_english_and_russian_headers_are_recognised():
    headers = ["Имя", "Фамилия", "Электронная почта", "Организация", "Страна", "Сообщение", "Дата", "Пол"]

    assert propose_mapping(headers, INQUIRIES) == [
        "first_name",
        "last_name",
        "sender_email",
        "sender_organisation",
        "sender_country",
        "message",
        "received_at",
        "",
    ]
    assert propose_mapping(["Full name", "E-mail", "Organisation", "Country", "Question"], INQUIRIES) == [
        "sender_name",
        "sender_email",
        "sender_organisation",
        "sender_country",
        "message",
    ]
    assert propose_mapping(["ФИО", "Эл. почта:", "  Вопрос *"], INQUIRIES) == [
        "sender_name",
        "sender_email",
        "message",
    ]


def test_merged_name_headers_are_the_whole_name():
    for header in ("First Name Last Name", "Имя Фамилия", "Фамилия, имя", "Name and surname"):
        assert propose_mapping([header], INQUIRIES) == ["sender_name"], header


def test_a_long_google_forms_question_is_recognised_by_its_words():
    headers = ["Timestamp", "Email Address", "What is your question for the panel?", "Your country of work"]

    assert propose_mapping(headers, INQUIRIES, detect_preset(headers, INQUIRIES)) == [
        "received_at",
        "sender_email",
        "message",
        "sender_country",
    ]


def test_presets_are_detected_from_their_columns():
    assert detect_preset(ZOOM_HEADER, INQUIRIES).key == "zoom_registration"
    assert (
        detect_preset(["#", "Question", "Asker Name", "Asker Email", "Answer(s)"], INQUIRIES).key == "zoom_qa"
    )
    assert detect_preset(["Отметка времени", "ФИО"], INQUIRIES).key == "google_forms"
    assert detect_preset(["Name", "Email"], INQUIRIES).key == "generic"
    assert detect_preset(["Full name", "E-mail", "Consent to contact"], CONTACTS).key == "crm_contacts"


def test_the_zoom_qa_preset_leaves_the_answers_out():
    headers = ["#", "Question", "Asker Name", "Asker Email", "Answer(s)"]

    assert propose_mapping(headers, INQUIRIES, detect_preset(headers, INQUIRIES)) == [
        "",
        "message",
        "sender_name",
        "sender_email",
        "",
    ]


def test_a_field_is_proposed_for_one_column_only_except_the_message():
    assert propose_mapping(["Email", "E-mail", "Question", "Comments"], INQUIRIES) == [
        "sender_email",
        "",
        "message",
        "message",
    ]


def test_headers_are_trimmed_named_and_numbered():
    assert clean_headers(["  Name ", "", "Email", "email"], 5) == [
        "Name",
        "Column 2",
        "Email",
        "email (2)",
        "Column 5",
    ]


def test_the_header_is_found_under_a_report_preamble(preview_of):
    rows = [
        ["Registration Report"],
        ["Report Generated:", "Jan 16, 2026 09:00"],
        ["Topic", "Webinar ID", "Actual Start Time"],
        ["Ending statelessness in Central Asia", "812 3456 7890", "Jan 15, 2026 10:00"],
        [],
        ZOOM_HEADER,
        [
            "Aigul",
            "Bekova",
            "aigul@example.org",
            "SRC",
            "Kazakhstan",
            "How?",
            "Jan 15, 2026 10:23:45",
            "approved",
        ],
    ]

    preview = preview_of(csv_bytes(rows))

    assert preview.header_row == 6
    assert preview.preset.key == "zoom_registration"
    assert [row.row for row in preview.rows] == [7]
    assert preview.rows[0].values["sender_name"] == "Aigul Bekova"


def test_a_saved_mapping_is_reused_by_name(db, staff, preview_of):
    saved = save_mapping("Partner sheet", {"Кто": "sender_name", "Откуда": "sender_country"}, actor=staff)
    data = csv_bytes([["Кто", "Откуда", "Вопрос"], ["Бакыт", "KG", "Привет"]])

    preview = preview_of(data, mapping=f"saved:{saved.id}")

    assert preview.fields == ["sender_name", "sender_country", "message"]  # new columns still proposed
    assert preview.rows[0].values["country_code"] == "KG"
    assert find_mapping(" Partner sheet ").id == saved.id
    assert db.session.query(AuditEntry).filter_by(action="save_mapping").count() == 1


def test_saving_under_an_existing_name_replaces_it(staff):
    first = save_mapping("Zoom", {"A": "sender_name"}, actor=staff)
    second = save_mapping("Zoom", {"B": "sender_name"}, actor=staff)

    assert first.id == second.id and second.mapping == {"B": "sender_name"}


def test_a_mapping_needs_a_name(staff):
    try:
        save_mapping("   ", {}, actor=staff)
    except MappingError as exc:
        assert exc.field == "mapping_name"
    else:
        raise AssertionError("an unnamed mapping was saved")
