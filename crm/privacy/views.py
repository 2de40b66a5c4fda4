"""Privacy actions on a contact: reveal and change sensitive data, consent, data report, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from crm.auth.permissions import role_required
from crm.contacts.views import _render_detail
from crm.exports.services import file_name
from crm.exports.writers import csv_chunks
from crm.extensions import db
from crm.models import Contact
from crm.models.enums import ConsentPurpose, Role
from crm.privacy import erasure, report
from crm.privacy.consent import ConsentError, record_consent, withdraw_consent
from crm.privacy.forms import ConsentForm, DataReportForm, EraseForm, RevealForm, SensitiveForm, WithdrawForm
from crm.privacy.sensitive import reveal_sensitive, update_sensitive
from crm.translations import gettext as _

bp = Blueprint("privacy", __name__)


def _live_contact(contact_id: int) -> Contact:
    contact = db.get_or_404(Contact, contact_id)
    if contact.erased_at is not None:
        abort(404)
    return contact


def _no_store(response: Response | str) -> Response:
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/contacts/<int:contact_id>/sensitive/reveal", methods=["POST"])
@role_required(Role.COORDINATOR)
def reveal(contact_id: int):
    """The contact page with the sensitive block unmasked; nothing but this POST shows it."""
    contact = _live_contact(contact_id)
    if not RevealForm().validate_on_submit():
        abort(400)
    values = reveal_sensitive(contact, actor=current_user)
    db.session.commit()
    form = SensitiveForm(data=vars(values))
    return _no_store(_render_detail(contact, revealed=values, sensitive_form=form))


@bp.route("/contacts/<int:contact_id>/sensitive", methods=["POST"])
@role_required(Role.COORDINATOR)
def sensitive(contact_id: int):
    contact = _live_contact(contact_id)
    form = SensitiveForm()
    if not form.validate_on_submit():
        abort(400)
    update_sensitive(contact, form.data, actor=current_user)
    db.session.commit()
    flash(_("Sensitive attributes saved."), "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id, _anchor="sensitive"))


def _consent_at(day) -> datetime | None:
    return datetime.combine(day, time(12, 0), tzinfo=UTC) if day else None


@bp.route("/contacts/<int:contact_id>/consent", methods=["POST"])
@role_required(Role.STAFF)
def consent(contact_id: int):
    contact = _live_contact(contact_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            record_consent(
                contact,
                form.purpose.data,
                form.given.data == "yes",
                actor=current_user,
                method=form.method.data or "",
                at=_consent_at(form.at.data),
                notice=form.notice.data or "",
            )
        except ConsentError as error:
            db.session.rollback()
            name = error.field if error.field in form else "purpose"
            form[name].errors = [*form[name].errors, str(error)]
        else:
            db.session.commit()
            flash(_("Consent recorded."), "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id, _anchor="consent"))
    return _render_detail(contact, consent_form=form), 400


@bp.route("/contacts/<int:contact_id>/consent/<purpose>/withdraw", methods=["POST"])
@role_required(Role.STAFF)
def withdraw(contact_id: int, purpose: str):
    contact = _live_contact(contact_id)
    if purpose not in ConsentPurpose._value2member_map_ or not WithdrawForm().validate_on_submit():
        abort(404 if purpose not in ConsentPurpose._value2member_map_ else 400)
    withdraw_consent(contact, purpose, actor=current_user)
    db.session.commit()
    flash(_("Consent withdrawn: “%(purpose)s”.", purpose=ConsentPurpose(purpose).label), "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id, _anchor="consent"))


@bp.route("/contacts/<int:contact_id>/data-report", methods=["POST"])
@role_required(Role.COORDINATOR)
def data_report(contact_id: int):
    """Everything held about the person, as a JSON or CSV download (audited)."""
    contact = db.get_or_404(Contact, contact_id)
    form = DataReportForm()
    if not form.validate_on_submit():
        abort(400)
    data = report.personal_data(contact)
    report.record_report(contact, data, form.file_format.data, actor=current_user)
    db.session.commit()
    stem = f"personal-data-contact-{contact.id}"
    if form.file_format.data == "json":
        response = Response(report.as_json(data), content_type="application/json; charset=utf-8")
        name = file_name(stem, "json")
    else:
        body = b"".join(csv_chunks(report.CSV_HEADER, [list(report.as_rows(data))]))
        response = Response(body, content_type="text/csv; charset=utf-8")
        name = file_name(stem, "csv")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@bp.route("/contacts/<int:contact_id>/erase", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def erase(contact_id: int):
    """A confirmation page saying what will go and what stays; the POST anonymises for good."""
    contact = _live_contact(contact_id)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            erasure.erase_contact(contact, actor=current_user, ground=form.ground.data)
            erasure.purge_search_index()
        except erasure.ErasureError as error:
            db.session.rollback()
            form.ground.errors = [*form.ground.errors, str(error)]
        else:
            db.session.commit()
            flash(
                _("The contact was erased: their details are gone, the records and counts remain."), "success"
            )
            return redirect(url_for("contacts.detail", contact_id=contact_id))
    found = erasure.footprint(contact)
    return render_template("privacy/erase.html", contact=contact, form=form, found=found)
