"""Who is reminded of what, and the e-mail that says it."""

from __future__ import annotations

import smtplib
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from crm.followups import services
from crm.inquiries.services import close_inquiry, mark_responded
from crm.main.services import my_follow_ups, unanswered_inquiries
from crm.models.enums import Role, ThreadStage
from crm.threads.services import change_stage
from tests.followups.smtp import free_port

TODAY = date(2026, 3, 16)
SITE = "https://crm.example.org"


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def received(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC)


@pytest.fixture
def known(db, staff, make_user, make_thread, make_inquiry, make_organisation):
    """One owner's threads and inquiries: some to remind of, some not; and a colleague's."""
    owner = make_user(Role.STAFF, name="Айгерим Нургалиева", email="aigerim@example.org")
    colleague = make_user(Role.STAFF, name="Colleague")

    def thread(title, due, who=owner, **kwargs):
        action = kwargs.pop("next_action", f"Do {title}")
        return make_thread(title=title, owner=who, next_action=action, next_action_due=due, **kwargs)

    centre = make_organisation(name="Stateless Rights Centre")
    t = {
        "overdue_old": thread("Overdue old", days(-5), organisations=[centre]),
        "overdue_new": thread("Overdue new", days(-1)),
        "due_today": thread("Due today", days(0)),
        "due_in_7": thread("Due in a week", days(7)),
        "due_in_8": thread("Due in eight days", days(8)),
        "closed": thread("Closed", days(-3)),
        "no_date": thread("No date", None, next_action="Some day"),
        "colleague": thread("Colleague's", days(-2), who=colleague),
    }
    change_stage(t["closed"], ThreadStage.COMPLETED, actor=staff)

    def inquiry(name, days_ago, who=owner):
        return make_inquiry(
            sender_name=name, assignee_id=who.id if who else None, received_at=received(days_ago)
        )

    i = {
        "old": inquiry("Бахтияр", 10),
        "new": inquiry("Newer", 2),
        "answered": inquiry("Answered", 12),
        "closed": inquiry("Closed", 11),
        "unassigned": inquiry("Unassigned", 9, who=None),
        "colleague": inquiry("Colleague's", 8, who=colleague),
    }
    i["new"].subject = "Training request"
    mark_responded(i["answered"], received(11), actor=staff)
    close_inquiry(i["closed"], actor=staff)
    db.session.flush()
    return owner, colleague, t, i


def titles(threads) -> list[str]:
    return [thread.title for thread in threads]


def test_overdue_oldest_first_then_due_within_the_window(known):
    owner, _colleague, t, _i = known
    reminder = services.reminders_for(owner, TODAY, 7)
    assert titles(reminder.overdue) == ["Overdue old", "Overdue new"]  # closed and undated ones left out
    assert titles(reminder.due_soon) == ["Due today", "Due in a week"]  # eight days is beyond the window


def test_the_window_follows_days_ahead(known):
    owner, *_ = known
    assert titles(services.reminders_for(owner, TODAY, 8).due_soon) == [
        "Due today",
        "Due in a week",
        "Due in eight days",
    ]
    assert titles(services.reminders_for(owner, TODAY, 0).due_soon) == ["Due today"]


def test_only_the_users_own_open_unanswered_inquiries_oldest_first(known):
    owner, colleague, _t, i = known
    assert list(services.reminders_for(owner, TODAY, 7).unanswered) == [i["old"], i["new"]]
    colleague_reminder = services.reminders_for(colleague, TODAY, 7)
    assert titles(colleague_reminder.overdue) == ["Colleague's"]
    assert list(colleague_reminder.unanswered) == [i["colleague"]]


def test_pending_reminders_skip_inactive_viewers_and_people_with_nothing_due(known, make_user, make_thread):
    owner, colleague, _t, _i = known
    idle = make_user(Role.COORDINATOR, name="Nothing due")
    gone = make_user(Role.STAFF, name="Left", active=False)
    viewer = make_user(Role.VIEWER, name="Viewer")
    for user in (gone, viewer):
        make_thread(title="Forgotten", owner=user, next_action="Call", next_action_due=days(-1))
    reminded = [reminder.user for reminder in services.pending_reminders(TODAY, 7)]
    assert reminded == [owner, colleague]
    assert services.reminders_for(idle, TODAY, 7).is_empty


def test_pending_reminders_issue_the_same_queries_for_any_number_of_people(
    known, db, make_user, make_thread, count_statements
):
    def count() -> int:
        db.session.flush()
        db.session.expire_all()
        with count_statements() as statements:
            for reminder in services.pending_reminders(TODAY, 7):
                _ = [org.name for thread in reminder.overdue for org in thread.organisations]
                _ = [inquiry.event for inquiry in reminder.unanswered]
        return len(statements)

    before = count()
    for n in range(3):
        user = make_user(Role.STAFF)
        make_thread(title=f"More {n}", owner=user, next_action="Call", next_action_due=days(-1))
    assert count() == before


def test_subject_counts_what_is_listed(known):
    owner, *_ = known
    assert (
        services.subject_for(services.reminders_for(owner, TODAY, 7))
        == "Follow-ups: 2 overdue, 2 due this week, 2 unanswered inquiries"
    )
    assert services.subject_for(services.reminders_for(owner, TODAY, 3)) == (
        "Follow-ups: 2 overdue, 1 due soon, 2 unanswered inquiries"
    )


def test_the_email_lists_overdue_then_due_soon_then_inquiries_with_links(known):
    owner, _colleague, t, i = known
    message = services.compose(services.reminders_for(owner, TODAY, 7), SITE + "/", "CRM <crm@example.org>")
    body = message.get_content()
    assert body.startswith("Hello Айгерим Нургалиева,")
    order = [
        "Overdue old",
        "Overdue new",
        "Due today",
        "Due in a week",
        "Бахтияр",
        "Newer: Training request",
    ]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    overdue_item = body[body.index("* Overdue old") : body.index("* Overdue new")]
    assert "Next action: Do Overdue old" in overdue_item
    assert "Due: 11 Mar 2026 (5 days overdue)" in overdue_item
    assert "Organisation: Stateless Rights Centre" in overdue_item
    assert f"{SITE}/threads/{t['overdue_old'].id}\n" in overdue_item
    assert "(due today)" in body and "(in 7 days)" in body
    assert "Received: 6 Mar 2026 (waiting 10 days)" in body
    assert f"{SITE}/inquiries/{i['old'].id}\n" in body and "waiting 10 days" in body
    for left_out in ("Due in eight days", "Closed", "No date", "Colleague", "Answered", "Unassigned"):
        assert left_out not in body


def test_headers_are_encoded_for_cyrillic_names(known):
    owner, *_ = known
    message = services.compose(
        services.reminders_for(owner, TODAY, 7), SITE, "Отдел связей <crm@example.org>"
    )
    raw = message.as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    headers.decode("ascii")  # RFC 2047 encoded words, no raw UTF-8 in headers
    assert b'Content-Type: text/plain; charset="utf-8"' in raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["To"].addresses[0].display_name == "Айгерим Нургалиева"
    assert parsed["To"].addresses[0].addr_spec == "aigerim@example.org"
    assert parsed["From"].addresses[0].display_name == "Отдел связей"
    assert parsed["Message-ID"].endswith("@example.org>") and parsed["Auto-Submitted"] == "auto-generated"
    assert "Айгерим Нургалиева" in parsed.get_content()


def test_send_all_reports_every_message_when_the_server_is_unreachable(known, app):
    owner, colleague, *_ = known
    messages = [services.compose(r, SITE, "crm@example.org") for r in services.pending_reminders(TODAY, 7)]
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_USE_TLS": False}
    report = services.send_all(messages, config)
    assert not report.ok and report.sent == []
    assert [recipient for recipient, _reason in report.failed] == [str(m["To"]) for m in messages]
    assert all(reason for _recipient, reason in report.failed)


class RecordingSMTP:
    """Stands in for smtplib's classes to show which secure connection the settings choose."""

    calls: list[tuple] = []

    def __init__(self, host, port, timeout=None, context=None):
        self.calls.append((type(self).__name__, host, port))

    def starttls(self, context=None):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        self.calls.append(("send", str(message["To"])))
        return {}

    def quit(self):
        self.calls.append(("quit",))


class RecordingSMTPSSL(RecordingSMTP):
    pass


@pytest.mark.parametrize(
    ("ssl_on", "tls_on", "expected"),
    [
        (True, True, [("RecordingSMTPSSL", "mail.example.org", 465), ("login", "crm", "secret")]),
        (
            False,
            True,
            [("RecordingSMTP", "mail.example.org", 465), ("starttls",), ("login", "crm", "secret")],
        ),
        (False, False, [("RecordingSMTP", "mail.example.org", 465), ("login", "crm", "secret")]),
    ],
)
def test_one_connection_secured_as_configured(monkeypatch, known, ssl_on, tls_on, expected):
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", RecordingSMTPSSL)
    monkeypatch.setattr(RecordingSMTP, "calls", [])
    config = {
        "MAIL_SERVER": "mail.example.org",
        "MAIL_PORT": 465,
        "MAIL_USE_SSL": ssl_on,
        "MAIL_USE_TLS": tls_on,
        "MAIL_USERNAME": "crm",
        "MAIL_PASSWORD": "secret",
    }
    messages = [services.compose(r, SITE, "crm@example.org") for r in services.pending_reminders(TODAY, 7)]
    report = services.send_all(messages, config)
    assert report.ok and len(report.sent) == 2
    assert RecordingSMTP.calls == [*expected, *[("send", r) for r in report.sent], ("quit",)]


def test_missing_mail_settings_are_named():
    assert services.missing_mail_settings({"MAIL_SERVER": "", "MAIL_SENDER": ""}) == [
        "MAIL_SERVER",
        "MAIL_SENDER",
    ]
    assert services.missing_mail_settings({"MAIL_SERVER": "smtp", "MAIL_SENDER": "a@b.org"}) == []


def test_the_home_page_lists_the_same_follow_ups_as_the_reminder(known):
    owner, *_ = known
    reminder = services.reminders_for(owner, TODAY, 7)
    home = my_follow_ups(owner, today=TODAY)

    def shown(thread) -> tuple:
        return (
            thread.id,
            thread.title,
            thread.kind,
            thread.stage,
            thread.next_action,
            thread.next_action_due,
        )

    assert [shown(t) for t in home["overdue"]] == [shown(t) for t in reminder.overdue]
    assert [shown(t) for t in home["due_soon"]] == [shown(t) for t in reminder.due_soon]
    assert [t.organisation_names for t in home["overdue"] + home["due_soon"]] == [
        tuple(o.name for o in t.organisations) for t in reminder.overdue + reminder.due_soon
    ]
    assert [row.id for row in unanswered_inquiries(owner)] == [i.id for i in reminder.unanswered]
    assert [i.sender_name for i in unanswered_inquiries(None)] == ["Unassigned"]
