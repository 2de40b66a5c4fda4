"""`flask followups remind` against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiosmtpd.smtp import AuthResult

from crm.models.enums import Role

SITE = "https://crm.example.org"


def remind(app, *args: str):
    return app.test_cli_runner().invoke(args=["followups", "remind", *args])


def test_each_owner_gets_one_email_with_their_items(
    app, smtp_server, owner_with_work, make_user, make_thread
):
    owner, overdue, inquiry = owner_with_work
    colleague = make_user(Role.COORDINATOR, name="Colleague", email="colleague@example.org")
    make_thread(title="Colleague's", owner=colleague, next_action="Call", next_action_due=date.today())
    make_user(Role.STAFF, name="Nothing due", email="idle@example.org")
    gone = make_user(Role.STAFF, name="Left", email="left@example.org", active=False)
    make_thread(
        title="Forgotten", owner=gone, next_action="Call", next_action_due=date.today() - timedelta(days=9)
    )

    result = remind(app)

    assert result.exit_code == 0, result.output
    assert "2 reminders sent." in result.output
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["aigerim@example.org"], ["colleague@example.org"]]
    assert all(e.mail_from == "crm@example.org" for e in smtp_server.envelopes)
    first, second = smtp_server.messages()
    assert first["To"].addresses[0].display_name == "Айгерим Нургалиева"
    assert first["Subject"] == "Follow-ups: 2 overdue, 1 due this week, 1 unanswered inquiry"
    body = first.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert "Hello Айгерим Нургалиева," in body
    assert "* Консультация по закону о гражданстве" in body and "(4 days overdue)" in body
    assert "Organisation: Центр по вопросам гражданства" in body
    assert "* Бахтияр Абдуллаев\n  Received: " in body
    assert f"{SITE}/threads/{overdue.id}\n" in body and f"{SITE}/inquiries/{inquiry.id}\n" in body
    assert "Colleague's" not in body and "Forgotten" not in body
    assert second["Subject"] == "Follow-ups: 1 due this week" and "Colleague's" in second.get_content()


def test_credentials_are_used_when_a_username_is_set(app, start_smtp, owner_with_work, monkeypatch):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox = start_smtp(authenticator=authenticator, auth_require_tls=False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "crm-bot")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "s3cret")
    result = remind(app)
    assert result.exit_code == 0, result.output
    assert [(login, password) for _m, login, password in logins] == [(b"crm-bot", b"s3cret")]
    assert len(inbox.envelopes) == 1


def test_a_password_smtplib_cannot_send_is_reported_not_a_traceback(
    app, start_smtp, owner_with_work, monkeypatch
):
    inbox = start_smtp(authenticator=lambda *args: AuthResult(success=True), auth_require_tls=False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "crm-bot")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "пароль")
    result = remind(app)
    assert result.exit_code == 1
    assert "MAIL_USERNAME and MAIL_PASSWORD must be ASCII" in result.output
    assert inbox.envelopes == []


def test_a_refused_recipient_is_reported_and_the_others_still_get_theirs(
    app, smtp_server, owner_with_work, make_user, make_thread
):
    bounced = make_user(Role.STAFF, name="Moved away", email="moved@example.org")
    make_thread(title="Theirs", owner=bounced, next_action="Call", next_action_due=date.today())
    smtp_server.refuse = {"moved@example.org"}

    result = remind(app)

    assert result.exit_code == 1
    assert "Not sent to Moved away <moved@example.org>: 550 5.1.1 No such mailbox" in result.output
    assert "1 reminder could not be sent." in result.output
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["aigerim@example.org"]]


@pytest.mark.parametrize("setting", ["MAIL_SERVER", "MAIL_SENDER"])
def test_without_mail_settings_it_says_which_and_sends_nothing(
    app, smtp_server, owner_with_work, monkeypatch, count_statements, setting
):
    monkeypatch.setitem(app.config, setting, "")
    with count_statements() as statements:
        result = remind(app)
    assert result.exit_code == 1
    assert f"{setting} is not set, so no reminder can be sent." in result.output
    assert statements == []  # nothing composed: not even the data was read
    assert smtp_server.envelopes == []


def test_dry_run_prints_the_emails_and_needs_no_mail_settings(app, smtp_server, owner_with_work, monkeypatch):
    owner, overdue, _inquiry = owner_with_work
    for setting in ("MAIL_SERVER", "MAIL_SENDER"):
        monkeypatch.setitem(app.config, setting, "")

    result = remind(app, "--dry-run", "--days-ahead", "0")

    assert result.exit_code == 0, result.output
    assert "To: Айгерим Нургалиева <aigerim@example.org>" in result.output
    assert "Subject: Follow-ups: 2 overdue, 1 unanswered inquiry" in result.output  # due in 2 days: not today
    assert f"{SITE}/threads/{overdue.id}" in result.output and "Due soon" not in result.output
    assert "Dry run: 1 e-mail not sent." in result.output
    assert smtp_server.envelopes == []


def test_nobody_with_anything_due_means_no_email(app, smtp_server, make_user):
    make_user(Role.STAFF, name="Nothing due")
    result = remind(app)
    assert result.exit_code == 0
    assert "no e-mail to send" in result.output
    assert smtp_server.envelopes == []


def test_a_name_the_headers_cannot_carry_skips_that_person_only(
    app, smtp_server, owner_with_work, make_user, make_thread
):
    broken = make_user(Role.STAFF, name="Evil\r\nBcc: victim@example.org", email="evil@example.org")
    make_thread(title="Theirs", owner=broken, next_action="Call", next_action_due=date.today())
    result = remind(app)
    assert result.exit_code != 0 and "could not be written" in result.output
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["aigerim@example.org"]]
    assert all("victim" not in e.content.decode() for e in smtp_server.envelopes)
