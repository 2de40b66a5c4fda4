"""`flask --app wsgi export contacts`: the web export's services, writing to a file."""

from __future__ import annotations

import os
from typing import IO

import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.contacts.columns import PRESETS
from crm.countries.services import is_region_code
from crm.exports import services
from crm.exports.services import ContactExport, ExportError
from crm.exports.writers import csv_chunks, vcard_chunks, write_xlsx
from crm.extensions import db
from crm.models import ContactList, Country, Organisation, Tag, User
from crm.models.enums import StakeholderType

export_cli = AppGroup("export", help="Write contacts to a file.")


def _check_filters(filters: dict[str, str]) -> None:
    """Refuse filter values the web page would silently ignore: a typo must not export everyone."""
    if (code := filters.get("country")) and db.session.get(Country, code.upper()) is None:
        raise click.BadParameter(f"unknown country code {code!r}", param_hint="--country")
    if (region := filters.get("region")) and not is_region_code(region):
        raise click.BadParameter(f"unknown UN M49 region {region!r}", param_hint="--region")
    for name, model in (("tag", Tag), ("organisation", Organisation), ("owner", User)):
        if (value := filters.get(name)) and db.session.scalar(
            select(model.id).where(model.id == int(value))
        ) is None:
            raise click.BadParameter(f"no {name} with id {value}", param_hint=f"--{name}")


def _write(export: ContactExport, target: IO[bytes]) -> None:
    if export.file_format == "xlsx":
        write_xlsx(
            target, export.header, services.table_chunks(export, guarded=True), "Contacts", guarded=True
        )
        return
    if export.file_format == "vcf":
        blocks = vcard_chunks(services.card_chunks(export))
    else:
        blocks = csv_chunks(export.header, services.table_chunks(export, guarded=True), guarded=True)
    for block in blocks:
        target.write(block)


@export_cli.command("contacts")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx", "vcf"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The file to write.")
@click.option("--list", "list_id", type=int, help="A static or smart list's id instead of filters.")
@click.option("--q", default="", help="Name (either script) or e-mail contains.")
@click.option("--country", default="", help="ISO 3166-1 alpha-2 code, e.g. KZ.")
@click.option("--region", default="", help="UN M49 region or sub-region code, e.g. 143.")
@click.option("--tag", type=int, help="Tag id.")
@click.option("--organisation", type=int, help="Organisation id (people affiliated with it).")
@click.option("--owner", type=int, help="Owner's user id.")
@click.option("--stakeholder-type", type=click.Choice([s.value for s in StakeholderType]))
@click.option("--columns", "preset", type=click.Choice(sorted(PRESETS)), default="mailing", show_default=True)
@click.option("--include-sensitive", is_flag=True, help="Add lived experience and sensitive notes.")
def export_contacts_command(
    file_format: str, output: str, list_id: int | None, preset: str, **options
) -> None:
    """Export contacts as on /contacts/export; a mailing export leaves out people who may not be contacted."""
    include_sensitive = options.pop("include_sensitive")
    filters = {name: str(value) for name, value in options.items() if value not in (None, "")}
    if list_id is not None:
        if filters:
            raise click.UsageError("--list cannot be combined with filters.")
        contact_list = db.session.get(ContactList, list_id)
        if contact_list is None:
            raise click.BadParameter(f"no list with id {list_id}", param_hint="--list")
        source = services.source_from_list(contact_list)
    else:
        _check_filters(filters)
        source = services.source_from_filters(filters)
    try:
        export = services.plan_contact_export(
            source,
            file_format=file_format,
            preset=preset,
            column_keys=list(PRESETS[preset]),
            include_sensitive=include_sensitive,
            may_include_sensitive=True,  # whoever runs the server's commands can read the database
            may_include_everyone=True,
        )
    except ExportError as error:
        raise click.UsageError(str(error)) from None
    rows = services.count_export_rows(export)
    services.record_export(None, export, rows, via="cli")
    # Personal data: readable by the owner only.
    with os.fdopen(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as target:
        _write(export, target)
    db.session.commit()
    click.echo(f"{rows} contacts written to {output}.")
    if export.consent_rules:
        left_out = services.consent_summary(source).left_out
        if left_out:
            click.echo(f"{left_out} left out: marked do-not-contact or without consent to be contacted.")
