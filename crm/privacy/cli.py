"""`flask --app wsgi retention review [--months N] [--apply]`: the storage-limitation rule."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from crm.extensions import db
from crm.models.base import utcnow
from crm.privacy.retention import apply_retention, dormant_contacts, months_before

retention_cli = AppGroup("retention", help="Retention: anonymise people with no activity and no consent.")


@retention_cli.command("review")
@click.option(
    "--months",
    type=click.IntRange(1, 1200),
    default=None,
    help="No activity and no consent for this many months (default: RETENTION_MONTHS).",
)
@click.option(
    "--apply", "apply_", is_flag=True, help="Anonymise them (irreversible); without it, only list them."
)
def review_command(months: int | None, apply_: bool) -> None:
    """List the contacts due for anonymisation; with --apply, anonymise them."""
    months = months or int(current_app.config["RETENTION_MONTHS"])
    now = utcnow()
    cutoff = months_before(now, months).date().isoformat()
    due = dormant_contacts(months, now)
    if not due:
        click.echo(f"No contact without activity and consent since {cutoff} ({months} months).")
        return
    click.echo(f"{'id':>8}  {'last activity':<13}  name")
    for item in due:
        click.echo(f"{item.contact_id:>8}  {item.last_activity.date().isoformat():<13}  {item.name}")
    click.echo(f"{len(due)} contacts have had no activity and no consent since {cutoff} ({months} months).")
    if not apply_:
        click.echo("Nothing was changed. Run again with --apply to anonymise them.")
        return
    erased = apply_retention(months, actor=None, now=now)
    db.session.commit()
    click.echo(f"Anonymised {len(erased)} contacts; each erasure is in the audit trail.")
