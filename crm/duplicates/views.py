"""/duplicates: the review queue, "not a duplicate", scans, and the side-by-side merge pages."""

from __future__ import annotations

import time

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.auth.permissions import can_view_sensitive, role_required
from crm.duplicates import merge as merging
from crm.duplicates import scan, services
from crm.duplicates.display import merge_rows
from crm.duplicates.forms import MergeForm, OtherRecordForm
from crm.errors import DomainError
from crm.extensions import db
from crm.matching.candidates import organisations_of, person_of, similar_contacts, similar_organisations
from crm.models.duplicate import CONTACT, ORGANISATION
from crm.models.enums import Role
from crm.translations import gettext as _
from crm.translations import ngettext

bp = Blueprint("duplicates", __name__, cli_group="duplicates")
PLURAL = {CONTACT: "contacts", ORGANISATION: "organisations"}
KIND_OF = {v: k for k, v in PLURAL.items()}


def _kind(plural: str) -> str:
    if plural not in KIND_OF:
        abort(404)
    return KIND_OF[plural]


def redirect_to_survivor(record, kind: str, endpoint: str, arg: str):
    """A merged-away record's page leads to the record it was merged into, saying so."""
    survivor = services.live_survivor(record, kind)
    if survivor is None:
        abort(404)
    flash(_("#%(old)s was merged into this record; its links are all here now.", old=record.id), "info")
    return redirect(url_for(endpoint, **{arg: survivor.id}))


@bp.route("/duplicates")
@role_required(Role.STAFF)
def index():
    kind = request.args.get("kind", CONTACT)
    kind = kind if kind in services.KINDS else CONTACT
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
    return render_template(
        "duplicates/index.html",
        kind=kind,
        plural=PLURAL[kind],
        queue=services.queue(kind, max(page_number, 1)),
        last_scan=services.last_scan(),
    )


@bp.route("/duplicates/scan", methods=["POST"])
@role_required(Role.COORDINATOR)
def scan_now():
    if not MergeForm().validate_on_submit():
        abort(400)
    results = scan.scan_all(actor=current_user)
    db.session.commit()
    contacts, organisations = results
    found = [
        ngettext("%(num)d contact pair", "%(num)d contact pairs", contacts.pairs),
        ngettext("%(num)d organisation pair", "%(num)d organisation pairs", organisations.pairs),
    ]
    flash(
        _(
            "Scan finished: %(contacts)s and %(organisations)s to review.",
            contacts=found[0],
            organisations=found[1],
        ),
        "success",
    )
    return redirect(url_for("duplicates.index"))


@bp.route("/duplicates/<plural>/<int:first_id>/<int:second_id>/not-duplicate", methods=["POST"])
@role_required(Role.STAFF)
def not_duplicate(plural: str, first_id: int, second_id: int):
    kind = _kind(plural)
    model = services.MODELS[kind]
    first, second = db.get_or_404(model, first_id), db.get_or_404(model, second_id)
    if not MergeForm().validate_on_submit():
        abort(400)
    try:
        services.mark_not_duplicate(kind, first, second, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Marked as not a duplicate: this pair will not be suggested again."), "success")
    return redirect(url_for("duplicates.index", kind=kind))


def _similar(kind: str, record):
    if kind == CONTACT:
        orgs = organisations_of([record.id]).get(record.id, frozenset())
        return similar_contacts(person_of(record, orgs), exclude_id=record.id, limit=10)
    return similar_organisations(
        record.name, website=record.website, country=record.country_code, exclude_id=record.id, limit=10
    )


@bp.route("/duplicates/<plural>/<int:record_id>/merge-with")
@role_required(Role.STAFF)
def merge_with(plural: str, record_id: int):
    kind = _kind(plural)
    record = db.get_or_404(services.MODELS[kind], record_id)
    form = OtherRecordForm(request.args)
    if "other" in request.args and form.validate():
        return redirect(
            url_for("duplicates.merge", plural=plural, survivor_id=record.id, loser_id=form.other.data)
        )
    return render_template(
        "duplicates/merge_with.html",
        kind=kind,
        plural=plural,
        record=record,
        form=form,
        similar=_similar(kind, record),
    )


def _merge(kind: str, survivor, loser, form: MergeForm, fields) -> merging.MergeResult:
    choices = form.choices(request.form, fields)
    versions = form.versions(survivor.id, loser.id)
    if kind == CONTACT:
        return merging.merge_contacts(
            survivor, loser, choices, actor=current_user,
            may_see_sensitive=can_view_sensitive(current_user), versions=versions,
        )  # fmt: skip
    return merging.merge_organisations(survivor, loser, choices, actor=current_user, versions=versions)


@bp.route("/duplicates/<plural>/<int:survivor_id>/merge/<int:loser_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def merge(plural: str, survivor_id: int, loser_id: int):
    kind = _kind(plural)
    model = services.MODELS[kind]
    survivor, loser = db.get_or_404(model, survivor_id), db.get_or_404(model, loser_id)
    fields = merging.CONTACT_FIELDS if kind == CONTACT else merging.ORGANISATION_FIELDS
    if kind == CONTACT and can_view_sensitive(current_user):
        fields = {**fields, **merging.CONTACT_SENSITIVE}
    form = MergeForm()
    if form.validate_on_submit():
        try:
            result = _merge(kind, survivor, loser, form, fields)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("Merged #%(loser)s into #%(survivor)s: every link now points here.",
                    loser=result.loser_id, survivor=result.survivor_id), "success")  # fmt: skip
            return redirect(url_for(f"{plural}.detail", **{f"{kind}_id": result.survivor_id}))
        survivor, loser = db.get_or_404(model, survivor_id), db.get_or_404(model, loser_id)
    form.survivor_version.data, form.loser_version.data = survivor.version, loser.version
    return render_template(
        "duplicates/merge.html",
        kind=kind,
        plural=plural,
        survivor=survivor,
        loser=loser,
        form=form,
        rows=merge_rows(survivor, loser, fields, request.form if request.method == "POST" else None),
        survivor_links=services.link_counts(kind, survivor.id),
        loser_links=services.link_counts(kind, loser.id),
        refusal=_refusal(kind, survivor, loser),
        not_duplicate=services.is_marked_not_duplicate(kind, survivor.id, loser.id),
    )


def _refusal(kind: str, survivor, loser) -> str | None:
    """Why these two cannot be merged, shown before anyone fills in the form."""
    try:
        merging.check_mergeable(survivor, loser, kind)
    except merging.MergeError as error:
        return str(error)
    return None


@bp.cli.command("scan")
def scan_command() -> None:
    """Find likely duplicate contacts and organisations and fill the review queue at /duplicates."""
    started = time.perf_counter()
    for result in scan.scan_all(actor=None):
        click.echo(
            f"{result.kind}: {result.records} records, {result.compared} pairs compared, "
            f"{result.pairs} to review, {result.skipped_blocks} oversized blocks left out, {result.seconds:.2f} s"
        )
    db.session.commit()
    click.echo(f"Done in {time.perf_counter() - started:.2f} s.")
