"""A real SMTP server on 127.0.0.1 for the follow-up reminder tests, and the data they share."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller

from crm.models.enums import Role
from tests.followups.smtp import Inbox, free_port

SENDER = "Follow-up CRM <crm@example.org>"


@pytest.fixture
def start_smtp(app, monkeypatch):
    """Start a local SMTP server (extra keyword arguments go to aiosmtpd) and point the app's mail settings at it."""
    controllers: list[Controller] = []

    def start(**smtp_options) -> Inbox:
        inbox = Inbox()
        controller = Controller(
            inbox, hostname="127.0.0.1", port=free_port(), server_hostname="mail.test", **smtp_options
        )
        controller.start()
        controllers.append(controller)
        settings = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": controller.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": "",
            "MAIL_PASSWORD": "",
            "MAIL_SENDER": SENDER,
            "SITE_URL": "https://crm.example.org/",
        }
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp) -> Inbox:
    return start_smtp()


@pytest.fixture
def owner_with_work(make_user, make_thread, make_inquiry, make_organisation):
    """A Cyrillic-named staff member with two overdue next actions, one due soon and an unanswered inquiry."""
    today = date.today()
    owner = make_user(Role.STAFF, name="Айгерим Нургалиева", email="aigerim@example.org")
    centre = make_organisation(name="Центр по вопросам гражданства")
    overdue = make_thread(
        title="Консультация по закону о гражданстве",
        owner=owner,
        organisations=[centre],
        next_action="Отправить анализ",
        next_action_due=today - timedelta(days=4),
    )
    make_thread(
        title="Second overdue", owner=owner, next_action="Call", next_action_due=today - timedelta(days=1)
    )
    make_thread(title="Due soon", owner=owner, next_action="Write", next_action_due=today + timedelta(days=2))
    inquiry = make_inquiry(sender_name="Бахтияр Абдуллаев", assignee_id=owner.id)
    return owner, overdue, inquiry
