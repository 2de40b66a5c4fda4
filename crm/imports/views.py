"""Import pages: the batches, uploading a file, its preview and commit, a batch's report and undo."""

from __future__ import annotations

from math import ceil

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.auth.permissions import role_required
from crm.errors import DomainError
from crm.extensions import db
from crm.forms import CrmForm, event_choices
from crm.imports import services
from crm.imports.forms import UploadForm, channel_choices, mapping_choices, preview_form
from crm.imports.mapping import FIELDS, INQUIRIES, MappingError, save_mapping, saved_mappings
from crm.imports.reading import DELIMITERS, ImportFileError, Limits, Table, human_size, read_table
from crm.imports.rows import OUTCOMES
from crm.imports.storage import Upload, UploadStore
from crm.imports.undo import UndoRefused, can_undo_import, undo_import
from crm.listing import apply_sort, paginate, read_params
from crm.models import ImportBatch
from crm.models.enums import Role
from crm.translations import gettext as _
from crm.translations import ngettext

bp = Blueprint("imports", __name__)
ROWS_PER_PAGE = 100
BATCH_SORTS = {"created": ImportBatch.created_at}


class UndoForm(CrmForm):
    """Undo has no fields: the form carries the CSRF token."""


def _store() -> UploadStore:
    return UploadStore(current_app.instance_path)


def _limits() -> Limits:
    return Limits.from_config(current_app.config)


@bp.route("/imports")
@role_required(Role.STAFF)
def index():
    params = read_params((), BATCH_SORTS, "-created")
    stmt = apply_sort(services.batch_list_query(), params, BATCH_SORTS, ImportBatch.id)
    return render_template("imports/index.html", pager=paginate(stmt, params))


def _upload_form(**kwargs) -> UploadForm:
    form = UploadForm(**kwargs)
    form.mapping.choices = mapping_choices(saved_mappings())
    form.event_id.choices = event_choices()
    form.channel.choices = channel_choices()
    return form


@bp.route("/imports/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def create():
    form = _upload_form(event_id=request.args.get("event", type=int))
    if form.validate_on_submit():
        data = form.file.data.read(_limits().max_bytes + 1)
        try:
            read_table(data, _limits())  # refuse what is not a readable spreadsheet at once
        except ImportFileError as exc:
            if exc.field != "encoding":  # a wrong encoding guess is corrected on the preview page
                form.file.errors.append(str(exc))
                return render_template("imports/new.html", form=form)
        settings = services.Settings(
            kind=form.kind.data,
            mapping=form.mapping.data,
            event_id=form.event_id.data,
            channel=form.channel.data,
        )
        upload = _store().save(data, form.file.data.filename or "", current_user.id, settings.as_dict())
        return redirect(url_for("imports.preview", token=upload.token))
    return render_template("imports/new.html", form=form)


@bp.errorhandler(413)
def too_large(_error):
    form = _upload_form(formdata=None)
    config = current_app.config
    limit = human_size(min(config["IMPORT_MAX_BYTES"], config["MAX_CONTENT_LENGTH"]))
    form.file.errors = [
        _(
            "The file is larger than %(limit)s. Split it into smaller files, or save it as CSV.",
            limit=limit,
        )
    ]
    return render_template("imports/new.html", form=form), 413


def _load(token: str) -> tuple[Upload, bytes] | None:
    loaded = _store().load(token, current_user.id)
    if loaded is None:
        flash(_("That upload has expired or was already imported. Upload the file again."), "warning")
    return loaded


def _build(
    upload: Upload, data: bytes, settings: services.Settings
) -> tuple[services.Preview, ImportFileError | None]:
    """The preview, or an empty one with the reason the file could not be read."""
    try:
        return services.build_preview(data, upload.file_name, settings, _limits(), actor=current_user), None
    except ImportFileError as exc:
        table = Table("csv", encoding=settings.encoding or "utf-8", delimiter=settings.delimiter or ",")
        return services.Preview(settings.kind, upload.file_name, table), exc


@bp.route("/imports/preview/<token>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def preview(token: str):
    loaded = _load(token)
    if loaded is None:
        return redirect(url_for("imports.create"))
    upload, data = loaded
    settings = services.Settings.from_dict(upload.settings)
    result, file_error = _build(upload, data, settings)
    form = preview_form(result, settings, mappings=saved_mappings(), events=event_choices())
    if form.validate_on_submit():
        chosen = _settings_from_form(form, settings, result)
        action = request.form.get("action", "refresh")
        if chosen == settings and file_error is None:
            if action == "commit":
                return _commit(upload, result, form)
            if action == "save_mapping":
                return _save_mapping(upload, settings, form, result)
        elif chosen != settings:
            _store().update_settings(upload, chosen.as_dict())
            if action != "refresh":
                flash(_("The settings changed: check the new preview before going on."), "warning")
        return redirect(url_for("imports.preview", token=token))
    return _preview_page(upload, result, form, file_error)


def _settings_from_form(form, settings: services.Settings, result: services.Preview) -> services.Settings:
    table = result.table
    chosen = services.Settings(
        kind=settings.kind,
        mapping=form.mapping.data or settings.mapping,
        encoding="" if form.encoding.data == table.guessed_encoding else form.encoding.data,
        delimiter="" if form.delimiter.data == table.guessed_delimiter else form.delimiter.data,
        columns=settings.columns,
        event_id=form.event_id.data,
        channel=form.channel.data or "",
    )
    if (chosen.mapping, chosen.encoding, chosen.delimiter) != (
        settings.mapping,
        settings.encoding,
        settings.delimiter,
    ):
        chosen.columns = None  # a new reading of the file: propose the columns afresh
    elif result.headers and form.columns() != result.mapping:
        chosen.columns = form.columns()
    return chosen


def _commit(upload: Upload, result: services.Preview, form):
    store = _store()
    if not store.claim(upload.token):
        flash(_("This file is already being imported."), "warning")
        return redirect(url_for("imports.index"))
    done = False
    try:
        batch = services.commit_import(result, actor=current_user, skip_errors=form.skip_errors.data)
        db.session.commit()
        done = True
    except DomainError as exc:
        db.session.rollback()
        (form.skip_errors.errors if exc.field == "skip_errors" else form.form_errors).append(str(exc))
        return _preview_page(upload, result, form, None)
    finally:
        if not done:
            store.release(upload.token)
    store.delete(upload.token)
    created = batch.counts.get("created", 0)
    flash(ngettext("%(num)d record imported.", "%(num)d records imported.", created), "success")
    return redirect(url_for("imports.detail", batch_id=batch.id))


def _save_mapping(upload: Upload, settings: services.Settings, form, result: services.Preview):
    try:
        mapping = save_mapping(form.mapping_name.data or "", form.columns(), actor=current_user)
    except MappingError as exc:
        db.session.rollback()
        form.mapping_name.errors.append(str(exc))
        return _preview_page(upload, result, form, None)
    db.session.commit()
    settings.mapping, settings.columns = f"saved:{mapping.id}", None
    _store().update_settings(upload, settings.as_dict())
    flash(_("Mapping “%(name)s” saved.", name=mapping.name), "success")
    return redirect(url_for("imports.preview", token=upload.token))


def _preview_page(upload: Upload, result: services.Preview, form, file_error: ImportFileError | None):
    show = request.args.get("show", "")
    rows = [row for row in result.rows if row.outcome == show] if show in OUTCOMES else result.rows
    pages = max(1, ceil(len(rows) / ROWS_PER_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    if file_error is not None and file_error.field == "encoding":
        form.encoding.errors = [*form.encoding.errors, str(file_error)]
        file_error = None
    return render_template(
        "imports/preview.html",
        upload=upload,
        preview=result,
        form=form,
        file_error=file_error,
        rows=rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE],
        page=page,
        pages=pages,
        per_page=ROWS_PER_PAGE,
        show=show,
        shown_total=len(rows),
        labels=FIELDS[result.kind],
        is_inquiries=result.kind == INQUIRIES,
    )


@bp.route("/imports/<int:batch_id>")
@role_required(Role.STAFF)
def detail(batch_id: int):
    return _detail_page(db.get_or_404(ImportBatch, batch_id))


def _detail_page(batch: ImportBatch, refusal: UndoRefused | None = None):
    inquiries, total = services.batch_inquiries(batch)
    return render_template(
        "imports/detail.html",
        batch=batch,
        kind=services.batch_kind(batch),
        labels=FIELDS.get(services.batch_kind(batch), {}),
        delimiters=DELIMITERS,
        inquiries=inquiries,
        total=total,
        may_undo=can_undo_import(current_user, batch),
        undo_form=UndoForm(formdata=None),
        refusal=refusal,
    )


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@role_required(Role.STAFF)
def undo(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    if not can_undo_import(current_user, batch):
        abort(403)
    if not UndoForm().validate_on_submit():
        abort(400)
    try:
        removed = undo_import(batch, actor=current_user)
    except UndoRefused as exc:
        db.session.rollback()
        return _detail_page(batch, exc), 409
    db.session.commit()
    flash(
        ngettext(
            "Import undone: %(num)d inquiry removed.", "Import undone: %(num)d inquiries removed.", removed
        ),
        "success",
    )
    return redirect(url_for("imports.detail", batch_id=batch.id))
