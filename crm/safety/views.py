"""Deleting contacts and organisations (soft, with a confirmation page) and restoring them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from crm.auth.permissions import can_restore_records, role_required
from crm.extensions import db
from crm.forms import CrmForm
from crm.models import Contact, Organisation
from crm.models.enums import Role
from crm.safety.deletion import DELETABLE, DeletionError, delete_record, deleted_records, restore_record
from crm.translations import gettext as _

bp = Blueprint("safety", __name__)


class ConfirmDeleteForm(CrmForm):
    """The confirmation: a POST that carries only the CSRF token."""


def visible_or_404(model: type[Contact] | type[Organisation], record_id: int) -> Any:
    """The record for its page: a deleted one only for those who may restore it (404 for others)."""
    item = db.get_or_404(model, record_id)
    if item.deleted_at is not None and not can_restore_records(current_user):
        abort(404)
    return item


def live_or_404(model: type[Contact] | type[Organisation], record_id: int) -> Any:
    """The record to change: deleted or merged-away records cannot be edited (restore first)."""
    item = db.get_or_404(model, record_id)
    if not item.is_live:
        abort(404)
    return item


def _detail_url(kind: str, item: Any) -> str:
    return url_for(f"{kind}s.detail", **{f"{kind}_id": item.id})


def _delete(kind: str, record_id: int):
    item = live_or_404(DELETABLE[kind], record_id)
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        try:
            delete_record(item, actor=current_user)
        except DeletionError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return redirect(_detail_url(kind, item))
        db.session.commit()
        flash(_("“%(name)s” deleted. An admin can restore it.", name=_name(item)), "success")
        return redirect(url_for(f"{kind}s.index"))
    return render_template("safety/confirm_delete.html", kind=kind, item=item, name=_name(item), form=form)


def _name(item: Any) -> str:
    return item.full_name if isinstance(item, Contact) else item.name


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def delete_contact(contact_id: int):
    return _delete("contact", contact_id)


@bp.route("/organisations/<int:organisation_id>/delete", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def delete_organisation(organisation_id: int):
    return _delete("organisation", organisation_id)


@bp.route("/admin/deleted")
@role_required(Role.ADMIN)
def deleted():
    return render_template("safety/deleted.html", records=deleted_records(), form=ConfirmDeleteForm())


@bp.route("/admin/deleted/<kind>/<int:record_id>/restore", methods=["POST"])
@role_required(Role.ADMIN)
def restore(kind: str, record_id: int):
    if kind not in DELETABLE:
        abort(404)
    item = db.get_or_404(DELETABLE[kind], record_id)
    if not ConfirmDeleteForm().validate_on_submit():
        abort(400)
    try:
        restore_record(item, actor=current_user)
    except DeletionError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("safety.deleted"))
    db.session.commit()
    flash(_("“%(name)s” restored.", name=_name(item)), "success")
    return redirect(_detail_url(kind, item))
