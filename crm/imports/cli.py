"""`flask --app wsgi import inquiries|contacts FILE ...`: the same importer as /imports/new."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from crm.errors import DomainError
from crm.extensions import db
from crm.imports import services
from crm.imports.mapping import CONTACTS, FIELDS, INQUIRIES, PRESETS, find_mapping
from crm.imports.reading import ImportFileError, Limits, human_size
from crm.models import Event, User
from crm.models.enums import InquiryChannel

import_cli = AppGroup("import", help="Import inquiries or contacts from a CSV or XLSX file.")


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option(
            "--mapping", "mapping_name", default="", help="A saved mapping's name, or a preset key."
        ),
        click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing."),
        click.option("--skip-errors", is_flag=True, help="Import the good rows and list the rows in error."),
        click.option("--encoding", default="", help="CSV encoding (default: detected), e.g. cp1251."),
        click.option(
            "--delimiter",
            type=click.Choice([",", ";", "tab"]),
            default=None,
            help="CSV delimiter (default: detected).",
        ),
        click.option("--user", "user_email", default="", help="Import as this account (its e-mail)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@import_cli.command("inquiries")
@_common
@click.option(
    "--event", "event_id", type=int, default=None, help="The event the inquiries came from (its id)."
)
@click.option(
    "--channel",
    type=click.Choice([c.value for c in InquiryChannel]),
    default=None,
    help="Default: by the kind of file.",
)
def import_inquiries_command(event_id: int | None, channel: str | None, **options: Any) -> None:
    """Import inquiries: a webinar registration or Q&A report, a form's responses, any list."""
    if event_id is not None and db.session.get(Event, event_id) is None:
        raise click.ClickException(f"There is no event with id {event_id}.")
    _run(INQUIRIES, event_id=event_id, channel=channel or "", **options)


@import_cli.command("contacts")
@_common
def import_contacts_command(**options: Any) -> None:
    """Import contacts, e.g. a file written by the contact export (columns as in crm/contacts/columns.py)."""
    if not options["user_email"]:
        raise click.ClickException("Contacts need an owner: give --user EMAIL.")
    _run(CONTACTS, event_id=None, channel="", **options)


def _run(kind: str, *, file: Path, mapping_name: str, dry_run: bool, skip_errors: bool, user_email: str,
         encoding: str, delimiter: str | None, event_id: int | None, channel: str) -> None:  # fmt: skip
    limits = Limits.from_config(current_app.config)
    if file.stat().st_size > limits.max_bytes:
        raise click.ClickException(f"The file is larger than {human_size(limits.max_bytes)}.")
    settings = services.Settings(
        kind=kind,
        mapping=_mapping_choice(mapping_name, kind),
        encoding=encoding,
        delimiter="\t" if delimiter == "tab" else (delimiter or ""),
        event_id=event_id,
        channel=channel,
    )
    actor = _user(user_email)
    try:
        preview = services.build_preview(file.read_bytes(), file.name, settings, limits, actor=actor)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    _report(preview)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was saved.")
        return
    try:
        batch = services.commit_import(preview, actor=actor, skip_errors=skip_errors)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Imported {batch.counts['created']} {kind} as import #{batch.id}.")


def _mapping_choice(name: str, kind: str) -> str:
    if not name:
        return "auto"
    if name in PRESETS and PRESETS[name].kind == kind:
        return f"preset:{name}"
    mapping = find_mapping(name)
    if mapping is None:
        presets = ", ".join(key for key, preset in PRESETS.items() if preset.kind == kind)
        raise click.ClickException(f"No saved mapping is called {name!r}. Presets: {presets}.")
    return f"saved:{mapping.id}"


def _user(email: str) -> User | None:
    if not email:
        return None
    from crm.auth.services import find_by_email

    user = find_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account {email}.")
    return user


def _report(preview: services.Preview) -> None:
    table = preview.table
    how = (
        f"XLSX, sheet {table.sheet!r}"
        if table.file_format == "xlsx"
        else (f"CSV, {table.encoding}, delimiter {table.delimiter!r}")
    )
    click.echo(f"{preview.file_name}: {how}; column names in row {preview.header_row}.")
    if preview.preset:
        click.echo(f"Recognised as: {preview.preset.label}")
    labels = FIELDS[preview.kind]
    for header, chosen in preview.mapping.items():
        click.echo(f"  {header} -> {labels[chosen] if chosen else '(not imported)'}")
    for line in preview.problems + preview.notes:
        click.echo(line)
    counts = preview.counts
    click.echo(
        f"Rows: {counts['rows']}; to import: {counts['to_create']} (matching a contact: {counts['matched']}); "
        f"duplicates: {counts['duplicate']}; already in the CRM: {counts['existing']}; in error: {counts['error']}."
    )
    for error in preview.errors:
        click.echo(f"  row {error['row']}, {error['column']}: {error['reason']}", err=True)
