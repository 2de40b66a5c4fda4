"""`flask --app wsgi followups remind`: e-mail each owner what is overdue, due soon or unanswered."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import click
from flask import current_app
from flask.cli import AppGroup

from crm.followups.services import (
    DUE_SOON_DAYS,
    compose,
    missing_mail_settings,
    pending_reminders,
    send_all,
)
from crm.models.base import today_utc
from crm.translations import gettext as _
from crm.translations import ngettext

log = logging.getLogger(__name__)

followups_cli = AppGroup("followups", help="Follow-up reminders.")


@followups_cli.command("remind")
@click.option(
    "--days-ahead",
    type=click.IntRange(min=0),
    default=DUE_SOON_DAYS,
    show_default=True,
    help="Also list next actions due within this many days.",
)
@click.option("--dry-run", is_flag=True, help="Print the e-mails instead of sending them.")
def remind_command(days_ahead: int, dry_run: bool) -> None:
    """E-mail each active staff member their overdue and due-soon follow-ups and unanswered inquiries."""
    config = current_app.config
    missing = missing_mail_settings(config)
    if missing and not dry_run:
        raise click.ClickException(_missing_message(missing))
    reminders = pending_reminders(today_utc(), days_ahead)
    messages, unusable = _compose_all(reminders, config)
    if not messages and not unusable:
        click.echo(_("Nobody has follow-ups due: no e-mail to send."))
    elif dry_run:
        _print(messages)
    else:
        _send(messages)
    if unusable:
        raise click.ClickException(_("Some reminders could not be written; see the messages above."))


def _compose_all(reminders: list, config) -> tuple[list[EmailMessage], int]:
    """Compose each person's e-mail; one unusable address or name must not stop the others."""
    messages, unusable = [], 0
    for reminder in reminders:
        try:
            messages.append(compose(reminder, config["SITE_URL"], config["MAIL_SENDER"]))
        except ValueError as exc:  # e.g. a name or address the e-mail headers cannot carry
            unusable += 1
            log.warning("reminder not composed for user=%s: %s", reminder.user.id, exc)
            click.echo(_("Not sent to user %(id)d: %(reason)s", id=reminder.user.id, reason=exc), err=True)
    return messages, unusable


def _missing_message(missing: list[str]) -> str:
    names = ", ".join(missing)
    return ngettext(
        "%(names)s is not set, so no reminder can be sent. Set it in the environment, "
        "or use --dry-run to see the e-mails.",
        "%(names)s are not set, so no reminder can be sent. Set them in the environment, "
        "or use --dry-run to see the e-mails.",
        len(missing),
        names=names,
    )


def _print(messages: list[EmailMessage]) -> None:
    for message in messages:
        click.echo(_("To: %(recipient)s", recipient=message["To"]))
        click.echo(_("Subject: %(subject)s", subject=message["Subject"]))
        click.echo()
        click.echo(message.get_content().rstrip("\n"))
        click.echo("=" * 72)
    click.echo(
        ngettext("Dry run: %(num)d e-mail not sent.", "Dry run: %(num)d e-mails not sent.", len(messages))
    )


def _send(messages: list[EmailMessage]) -> None:
    report = send_all(messages, current_app.config)
    for recipient, reason in report.failed:
        click.echo(_("Not sent to %(recipient)s: %(reason)s", recipient=recipient, reason=reason), err=True)
    click.echo(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", len(report.sent)))
    if not report.ok:
        log.error("%d of %d reminders not sent", len(report.failed), len(messages))
        raise click.ClickException(
            ngettext(
                "%(num)d reminder could not be sent.",
                "%(num)d reminders could not be sent.",
                len(report.failed),
            )
        )
