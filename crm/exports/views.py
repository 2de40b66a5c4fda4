"""Export pages and downloads: a GET page with the counts, a POST that downloads and audits.

Routes: /contacts/export, /lists/<id>/export, /organisations/export, /inquiries/export,
/threads/export — each keeps the list page's filters in its query string.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from flask import Blueprint, Response, abort, render_template, request, stream_with_context, url_for
from flask_login import current_user
from wtforms import Form

from crm.contacts.services import CONTACT_FILTERS, CONTACT_SORTS
from crm.exports import records, services
from crm.exports.access import may_export, may_include_everyone, may_include_sensitive
from crm.exports.forms import RecordExportForm, contact_export_form
from crm.exports.services import ContactExport, ContactSource, ExportError
from crm.exports.writers import csv_chunks, vcard_chunks, write_xlsx
from crm.extensions import db
from crm.listing import read_params
from crm.lists.services import describe_filters
from crm.models import ContactList
from crm.translations import gettext as _

bp = Blueprint("exports", __name__)


def _require_export(what: str) -> None:
    """403 for anyone below EXPORT_ROLE; the attempt is audited, not only logged."""
    if not may_export(current_user):
        services.record_refused_export(current_user, what, request.path)
        db.session.commit()
        abort(403)


def _download(name: str, content_type: str, body: Iterable[bytes]) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _blocks(spool: IO[bytes]) -> Iterator[bytes]:
    """Send a finished file in blocks, closing (and so deleting) it however the download ends."""
    try:
        while block := spool.read(64 * 1024):
            yield block
    finally:
        spool.close()


def _xlsx(
    name: str, header: list[str], chunks: Iterable[Any], sheet: str, *, guarded: bool = False
) -> Response:
    """XLSX cannot be streamed as it is written: openpyxl writes it to a temporary file first."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # closed by _blocks
    try:
        write_xlsx(spool, header, chunks, sheet, guarded=guarded)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return _download(name, services.XLSX_TYPE, _blocks(spool))


def _contact_file(export: ContactExport) -> Response:
    name = export.file_name()
    if export.file_format == "xlsx":
        return _xlsx(
            name, export.header, services.table_chunks(export, guarded=True), "Contacts", guarded=True
        )
    if export.file_format == "vcf":
        body = vcard_chunks(services.card_chunks(export))
    else:
        body = csv_chunks(export.header, services.table_chunks(export, guarded=True), guarded=True)
    return _download(name, export.content_type, stream_with_context(body))


def _field_error(form: Form, error: ExportError) -> None:
    name = error.field if error.field in form else "file_format"
    form[name].errors = [*form[name].errors, str(error)]


def _contact_export(source: ContactSource, **page: Any):
    form = contact_export_form(request.args.get("preset"), may_include_sensitive(current_user))
    if form.validate_on_submit():
        try:
            export = services.plan_contact_export(
                source,
                file_format=form.file_format.data,
                preset=form.preset.data,
                column_keys=form.columns.data or [],
                include_sensitive="include_sensitive" in form and bool(form.include_sensitive.data),
                may_include_sensitive=may_include_sensitive(current_user),
                may_include_everyone=may_include_everyone(current_user),
            )
        except ExportError as error:
            _field_error(form, error)
        else:
            services.record_export(current_user, export, services.count_export_rows(export))
            db.session.commit()
            return _contact_file(export)
    return render_template(
        "exports/contacts.html",
        form=form,
        summary=services.consent_summary(source),
        described=describe_filters(source.audit.get("filters", {})),
        everyone_allowed=may_include_everyone(current_user),
        **page,
    )


@bp.route("/contacts/export", methods=["GET", "POST"])
def contacts():
    _require_export("contact")
    params = read_params(CONTACT_FILTERS, CONTACT_SORTS, "name")
    return _contact_export(
        services.source_from_filters(params.filters, params.sort, params.descending),
        title=_("Export contacts"),
        back=url_for("contacts.index", **params.filters),
        contact_list=None,
    )


@bp.route("/lists/<int:list_id>/export", methods=["GET", "POST"])
def contact_list(list_id: int):
    _require_export("contactlist")
    chosen = db.get_or_404(ContactList, list_id)
    return _contact_export(
        services.source_from_list(chosen),
        title=_("Export the list “%(name)s”", name=chosen.name),
        back=url_for("lists.detail", list_id=chosen.id),
        contact_list=chosen,
    )


def _records(key: str):
    kind = records.KINDS[key]
    _require_export(kind.model.__name__.lower())
    params = read_params(kind.filters(), kind.sorts(), kind.default_sort)
    form = RecordExportForm()
    export = records.record_export_plan(
        kind, params.filters, params.sort, params.descending, form.file_format.data or "csv"
    )
    if form.validate_on_submit():
        records.record_records_export(current_user, export, records.count_records(export))
        db.session.commit()
        if export.file_format == "xlsx":
            return _xlsx(export.file_name(), export.header, records.record_chunks(export), key.capitalize())
        body = csv_chunks(export.header, records.record_chunks(export))
        return _download(export.file_name(), export.content_type, stream_with_context(body))
    return render_template(
        "exports/records.html",
        form=form,
        kind=kind,
        total=records.count_records(export),
        header=export.header,
        back=url_for(f"{key}.index", **params.filters),
    )


@bp.route("/organisations/export", methods=["GET", "POST"])
def organisations():
    return _records("organisations")


@bp.route("/inquiries/export", methods=["GET", "POST"])
def inquiries():
    return _records("inquiries")


@bp.route("/threads/export", methods=["GET", "POST"])
def threads():
    return _records("threads")
