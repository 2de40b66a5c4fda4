"""An e-mail, pasted or uploaded as .eml, fills the new-inquiry form; nothing is saved until Log."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from email.header import Header

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from crm.imports.email_message import EmailReadError, html_to_text, parse_email_bytes, parse_email_text
from crm.models import Inquiry
from tests.helpers import _FormParser

BODY = "Здравствуйте!\nКак получить документы для ребёнка без гражданства?\n\nС уважением,\nАйгерим"


def cyrillic_eml() -> bytes:
    """Cyrillic sender name and subject as RFC 2047 encoded words, the body in base64."""
    name = Header("Айгерим Нургалиева", "utf-8").encode()
    subject = Header("Вопрос после вебинара", "utf-8").encode()
    body = base64.encodebytes(BODY.encode("utf-8")).decode("ascii")
    return (
        f"From: {name} <aigerim@example.kz>\r\n"
        "To: info@network.example.org\r\n"
        f"Subject: {subject}\r\n"
        "Date: Thu, 15 Jan 2026 16:23:00 +0600\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{body}"
    ).encode("ascii")


def test_a_cyrillic_eml_with_a_base64_body():
    parsed = parse_email_bytes(cyrillic_eml())

    assert (parsed.sender_name, parsed.sender_email) == ("Айгерим Нургалиева", "aigerim@example.kz")
    assert parsed.subject == "Вопрос после вебинара"
    assert parsed.received_at == datetime(2026, 1, 15, 10, 23, tzinfo=UTC)
    assert parsed.message == BODY


def test_the_plain_part_is_preferred_and_quoted_printable_is_decoded():
    raw = (
        'From: "Bakyt Osmonov" <bakyt@example.kg>\r\nSubject: Hello\r\n'
        'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "=C7=E4=F0=E0=E2=F1=F2=E2=F3=E9=F2=E5, =E2=EE=EF=F0=EE=F1 =E4=EB=E8=ED=ED=FB=E9 =\r\n"
        "=E8 =EF=E5=F0=E5=ED=E5=F1=B8=ED=ED=FB=E9.\r\n"
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML version</p>\r\n--b1--\r\n"
    ).encode("ascii")

    parsed = parse_email_bytes(raw)

    assert (parsed.sender_name, parsed.subject) == ("Bakyt Osmonov", "Hello")
    assert parsed.message == "Здравствуйте, вопрос длинный и перенесённый."
    assert parsed.received_at is None


def test_an_html_only_mail_becomes_readable_text():
    raw = (
        b"From: web@example.org\r\nSubject: Form\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{color:red}</style></head><body><p>Line&nbsp;one &amp; more</p>"
        b"<script>alert(1)</script><div>Line two<br>Line three</div></body></html>"
    )

    parsed = parse_email_bytes(raw)

    assert (parsed.sender_name, parsed.sender_email) == ("", "web@example.org")
    assert parsed.message == "Line one & more\n\nLine two\nLine three"
    assert "alert" not in parsed.message and "color" not in parsed.message


def test_pasted_text_with_headers_and_without():
    pasted = "From: Айжан Касымова <aizhan@example.kz>\r\nSubject: Консультация\r\n\r\nДобрый день!\r\n"

    parsed = parse_email_text(pasted)

    assert (parsed.sender_name, parsed.sender_email, parsed.subject) == (
        "Айжан Касымова",
        "aizhan@example.kz",
        "Консультация",
    )
    assert parsed.message == "Добрый день!"
    assert (
        parse_email_text("Hello, I have a question: how?\nThanks").message
        == "Hello, I have a question: how?\nThanks"
    )


def test_nothing_to_read_is_an_error():
    with pytest.raises(EmailReadError):
        parse_email_text("   ")
    with pytest.raises(EmailReadError):
        parse_email_bytes(b"")


def test_html_to_text_keeps_paragraphs():
    assert html_to_text("<p>One</p><p>Two</p>") == "One\n\nTwo"


def test_an_uploaded_eml_fills_the_form_and_logging_saves_it(db, client, login, staff):
    login(staff)

    response = client.post(
        "/inquiries/new/from-email",
        data={"mail-eml": (io.BytesIO(cyrillic_eml()), "question.eml"), "mail-raw": ""},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0  # nothing saved yet
    parser = _FormParser("/inquiries/new")
    parser.feed(response.get_data(as_text=True))
    # A browser drops the newline that starts a textarea's content; the test parser keeps it.
    parser.fields = [(k, v.lstrip("\r\n") if k == "message" else v) for k, v in parser.fields]
    fields = dict(parser.fields)
    assert fields["sender_name"] == "Айгерим Нургалиева"
    assert fields["sender_email"] == "aigerim@example.kz"
    assert fields["subject"] == "Вопрос после вебинара"
    assert fields["message"].replace("\r\n", "\n") == BODY
    assert fields["channel"] == "email"

    saved = client.post("/inquiries/new", data=MultiDict(parser.fields))

    assert saved.status_code == 302
    inquiry = db.session.scalar(select(Inquiry))
    assert (inquiry.sender_name, inquiry.subject) == ("Айгерим Нургалиева", "Вопрос после вебинара")
    assert inquiry.received_at.replace(tzinfo=UTC) == datetime(2026, 1, 15, 10, 23, tzinfo=UTC)


def test_pasting_nothing_shows_the_error_next_to_the_field(client, login, staff):
    login(staff)

    response = client.post("/inquiries/new/from-email", data={"mail-raw": " "})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="mail-raw-error"' in page and "Paste an e-mail or choose a .eml file." in page


def test_the_new_inquiry_page_offers_the_email_form(client, login, staff):
    login(staff)

    page = client.get("/inquiries/new").get_data(as_text=True)

    assert 'action="/inquiries/new/from-email"' in page and 'action="/inquiries/new"' in page


def test_viewers_cannot_fill_from_an_email(client, login, viewer):
    login(viewer)

    assert client.post("/inquiries/new/from-email", data={"mail-raw": "Hello"}).status_code == 403
