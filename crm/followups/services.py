"""Follow-ups: each owner's overdue and due-soon next actions and unanswered inquiries, and the reminder e-mail.

The queries here are shared with the home page (crm/main/services.py). Nothing here commits.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, TypeVar

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.inquiries.services import unanswered_condition
from crm.main.template_helpers import due_label
from crm.models import Event, Inquiry, Thread, User
from crm.models.base import as_utc
from crm.models.enums import CLOSED_STAGES, Role
from crm.threads.services import overdue_condition
from crm.translations import gettext as _

log = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
REMINDED_ROLES = tuple(role for role in Role if role.rank >= Role.STAFF.rank)
REQUIRED_MAIL_SETTINGS = ("MAIL_SERVER", "MAIL_SENDER")
SMTP_TIMEOUT = 30  # seconds; a hung relay must not hang the nightly job forever

T = TypeVar("T")


# --- Queries, shared with the home page ----------------------------------------------------


def overdue_threads(owner_ids: Sequence[int], today: date, *, limit: int | None = None) -> list[Thread]:
    """These owners' open threads whose next action's due date has passed, oldest due first."""
    return _threads(follow_ups(select(Thread), owner_ids, overdue_condition(today), limit))


def due_soon_threads(
    owner_ids: Sequence[int], today: date, days_ahead: int = DUE_SOON_DAYS, *, limit: int | None = None
) -> list[Thread]:
    """These owners' open threads with a next action due today or within `days_ahead` days."""
    return _threads(follow_ups(select(Thread), owner_ids, due_soon_condition(today, days_ahead), limit))


def due_soon_condition(today: date, days_ahead: int = DUE_SOON_DAYS) -> ColumnElement[bool]:
    """SQL: an open thread with a next action due today or within `days_ahead` days."""
    window = Thread.next_action_due.between(today, today + timedelta(days=days_ahead))
    return window & Thread.stage.not_in(CLOSED_STAGES)


def follow_ups(
    stmt: Select, owner_ids: Sequence[int], condition: ColumnElement[bool], limit: int | None
) -> Select:
    """`stmt` (of threads, or of their columns) narrowed to these owners' threads meeting `condition`,
    soonest due first: the order of ix_threads_owner_id_next_action_due, so it stops after `limit`."""
    return (
        stmt.where(Thread.owner_id.in_(owner_ids), condition)
        .order_by(Thread.next_action_due, Thread.id)
        .limit(limit)
    )


def _threads(stmt: Select) -> list[Thread]:
    return list(db.session.scalars(stmt.options(selectinload(Thread.organisations))))


def unanswered_inquiries(assignee_ids: Sequence[int] | None, *, limit: int | None = None) -> list[Inquiry]:
    """Open inquiries nobody has answered yet, oldest first: assigned to these users, or unassigned (None)."""
    stmt = _unanswered(select(Inquiry), assignee_ids, limit).options(selectinload(Inquiry.event))
    return list(db.session.scalars(stmt))


def unanswered_inquiry_rows(assignee_ids: Sequence[int] | None, *, limit: int | None = None) -> list[Row]:
    """The same inquiries as unanswered_inquiries(), as rows of what the home page shows of them:
    id, sender_name, status, received_at and event_title (None without an event)."""
    columns = select(
        Inquiry.id,
        Inquiry.sender_name,
        Inquiry.status,
        Inquiry.received_at,
        Event.title.label("event_title"),
    ).outerjoin(Event, Event.id == Inquiry.event_id)
    return list(db.session.execute(_unanswered(columns, assignee_ids, limit)))


def _unanswered(stmt: Select, assignee_ids: Sequence[int] | None, limit: int | None) -> Select:
    """Oldest first, in the order of ix_inquiries_unanswered."""
    stmt = stmt.where(unanswered_condition()).order_by(Inquiry.received_at, Inquiry.id).limit(limit)
    if assignee_ids is None:
        return stmt.where(Inquiry.assignee_id.is_(None))
    return stmt.where(Inquiry.assignee_id.in_(assignee_ids))


def remindable_users() -> list[User]:
    """Active accounts that own work: staff and above (viewers own nothing)."""
    stmt = select(User).where(User.active.is_(True), User.role.in_(REMINDED_ROLES)).order_by(User.id)
    return list(db.session.scalars(stmt))


# --- Reminders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """What one owner is reminded of on `today`: the content of one e-mail."""

    user: User
    today: date
    days_ahead: int
    overdue: tuple[Thread, ...] = ()
    due_soon: tuple[Thread, ...] = ()
    unanswered: tuple[Inquiry, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.unanswered)

    @property
    def due_until(self) -> date:
        """The last day counted as 'due soon'."""
        return self.today + timedelta(days=self.days_ahead)

    def days_waiting(self, inquiry: Inquiry) -> int:
        return max((self.today - as_utc(inquiry.received_at).date()).days, 0)


def reminders_for(user: User, today: date, days_ahead: int = DUE_SOON_DAYS) -> Reminder:
    """The user's follow-ups on `today` (possibly empty)."""
    return _reminders([user], today, days_ahead)[0]


def pending_reminders(today: date, days_ahead: int = DUE_SOON_DAYS) -> list[Reminder]:
    """One reminder per active staff member who has something due; three queries whatever the team size."""
    reminders = _reminders(remindable_users(), today, days_ahead)
    return [reminder for reminder in reminders if not reminder.is_empty]


def _reminders(users: Sequence[User], today: date, days_ahead: int) -> list[Reminder]:
    ids = [user.id for user in users]
    if not ids:
        return []
    overdue = _group(overdue_threads(ids, today), lambda thread: thread.owner_id)
    due_soon = _group(due_soon_threads(ids, today, days_ahead), lambda thread: thread.owner_id)
    unanswered = _group(unanswered_inquiries(ids), lambda inquiry: inquiry.assignee_id)
    return [
        Reminder(
            user=user,
            today=today,
            days_ahead=days_ahead,
            overdue=tuple(overdue[user.id]),
            due_soon=tuple(due_soon[user.id]),
            unanswered=tuple(unanswered[user.id]),
        )
        for user in users
    ]


def _group(items: Iterable[T], key: Any) -> defaultdict[Any, list[T]]:
    groups: defaultdict[Any, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


# --- The e-mail ----------------------------------------------------------------------------


def subject_for(reminder: Reminder) -> str:
    """'Follow-ups: 2 overdue, 3 due this week, 1 unanswered inquiry'."""
    parts = []
    if reminder.overdue:
        parts.append(ngettext("%(num)d overdue", "%(num)d overdue", len(reminder.overdue)))
    if reminder.due_soon:
        parts.append(_due_soon_count(len(reminder.due_soon), reminder.days_ahead))
    if reminder.unanswered:
        count = len(reminder.unanswered)
        parts.append(ngettext("%(num)d unanswered inquiry", "%(num)d unanswered inquiries", count))
    return _("Follow-ups: %(summary)s", summary=", ".join(parts))


def _due_soon_count(count: int, days_ahead: int) -> str:
    if days_ahead == 0:
        return ngettext("%(num)d due today", "%(num)d due today", count)
    if days_ahead == DUE_SOON_DAYS:
        return ngettext("%(num)d due this week", "%(num)d due this week", count)
    return ngettext("%(num)d due soon", "%(num)d due soon", count)


def waiting_phrase(days: int) -> str:
    """'arrived today', 'waiting 3 days'."""
    if days <= 0:
        return _("arrived today")
    return ngettext("waiting %(num)d day", "waiting %(num)d days", days)


def compose(reminder: Reminder, site_url: str, sender: str) -> EmailMessage:
    """The plain-text UTF-8 reminder e-mail to the reminder's user (no From header if sender is empty)."""
    message = EmailMessage()
    # In the recipient's language (their saved choice), whoever runs the command.
    with force_locale(reminder.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body = subject_for(reminder), _body(reminder, site_url)
    message["Subject"] = subject
    if sender:
        message["From"] = sender
    message["To"] = Address(display_name=reminder.user.name, addr_spec=reminder.user.email)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    # RFC 3834: tells auto-responders (out-of-office) not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, cte="quoted-printable")
    return message


def _body(reminder: Reminder, site_url: str) -> str:
    return render_template(
        "email/followups.txt",
        reminder=reminder,
        site_url=site_url.rstrip("/"),
        due_phrase=due_label,
        waiting_phrase=waiting_phrase,
    )


def _domain(sender: str) -> str:
    # make_msgid() would otherwise look up this host's FQDN, which can be slow or leak an internal name.
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


# --- Sending -------------------------------------------------------------------------------


@dataclass
class SendReport:
    """Who got their reminder, and who did not and why."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def missing_mail_settings(config: Mapping[str, Any]) -> list[str]:
    """The settings without which no reminder can be sent."""
    return [name for name in REQUIRED_MAIL_SETTINGS if not config.get(name)]


def send_all(messages: Sequence[EmailMessage], config: Mapping[str, Any]) -> SendReport:
    """Send every message over one SMTP connection; a message refused does not stop the others."""
    report = SendReport()
    if not messages:
        return report
    try:
        smtp = _connect(config)
    except OSError as exc:  # smtplib and ssl errors are OSErrors
        log.error("Cannot connect to %s:%s: %s", config["MAIL_SERVER"], config["MAIL_PORT"], _reason(exc))
        report.failed.extend((str(message["To"]), _reason(exc)) for message in messages)
        return report
    try:
        for message in messages:
            _send_one(smtp, message, report)
    finally:
        _close(smtp)
    return report


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    """An SMTP connection as configured: implicit TLS, STARTTLS, or plain; logged in if a user is set."""
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            _login(smtp, config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    try:
        smtp.login(username, password)
    except UnicodeEncodeError:  # smtplib encodes credentials as ASCII
        raise smtplib.SMTPException(
            _("MAIL_USERNAME and MAIL_PASSWORD must be ASCII: smtplib cannot send other characters.")
        ) from None


def _send_one(smtp: smtplib.SMTP, message: EmailMessage, report: SendReport) -> None:
    recipient = str(message["To"])
    try:
        refused = smtp.send_message(message)
    except (OSError, ValueError) as exc:  # ValueError: an address the server cannot take
        refused = {recipient: exc}
    if refused:
        reason = "; ".join(_reason(error) for error in refused.values())
        log.warning("Reminder to %s not sent: %s", recipient, reason)
        report.failed.append((recipient, reason))
    else:
        log.info("Reminder sent to %s", recipient)
        report.sent.append(recipient)


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except OSError:  # the server already hung up: nothing left to say goodbye to
        smtp.close()


def _reason(error: Any) -> str:
    """A short, readable reason from an smtplib exception or a refused-recipient (code, text) pair."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(_reason(pair) for pair in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return _reason((error.smtp_code, error.smtp_error))
    if isinstance(error, tuple) and len(error) == 2:
        code, text = error
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{code} {text}"
    return str(error) or type(error).__name__
