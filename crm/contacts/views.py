"""Contacts: the list with filters, create, detail (affiliations, inquiries, threads, timeline), edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import Form

from crm.auth.permissions import can_edit, can_reassign, can_view_sensitive, role_required
from crm.contacts import services
from crm.contacts.forms import ConfirmForm, affiliation_form, contact_filter_options, contact_form
from crm.contacts.services import CONTACT_FILTERS, CONTACT_SORTS, ContactError
from crm.duplicates.views import redirect_to_survivor
from crm.extensions import db
from crm.forms import load_by_ids
from crm.listing import apply_sort, paginate, read_params
from crm.lists.forms import add_to_list_form
from crm.lists.services import lists_for_contact, static_list_choices
from crm.models import Affiliation, Contact, Organisation, Tag
from crm.models.enums import Role
from crm.privacy.context import privacy_context
from crm.safety.conflicts import is_stale, prepare_reapply
from crm.safety.views import live_or_404, visible_or_404
from crm.translations import gettext as _

bp = Blueprint("contacts", __name__)


def _show_error(form: Form, error: ContactError, fallback: str) -> None:
    """Put a service error next to its field (or the fallback field), with nothing saved."""
    db.session.rollback()
    name = error.field if error.field in form else fallback
    form[name].errors = [*form[name].errors, str(error)]


def _permissions() -> dict[str, bool]:
    return {
        "may_set_sensitive": can_view_sensitive(current_user),
        "may_set_owner": can_reassign(current_user),
    }


@bp.route("/contacts")
def index():
    params = read_params(CONTACT_FILTERS, CONTACT_SORTS, "name")
    stmt = apply_sort(services.contact_list_rows(params.filters), params, CONTACT_SORTS, Contact.id)
    organisation_id = params.get_int("organisation")
    pager = paginate(stmt, params)
    return render_template(
        "contacts/index.html",
        pager=pager,
        organisations=services.current_organisations([row.id for row in pager.items]),
        params=params,
        options=contact_filter_options(),
        organisation=db.session.get(Organisation, organisation_id) if organisation_id else None,
        list_form=add_to_list_form(static_list_choices(), request.full_path)
        if can_edit(current_user)
        else None,
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def create():
    form = contact_form(creating=True, **_permissions())
    matches = _possible_duplicates(form) if form.validate_on_submit() else []
    if form.is_submitted() and not form.errors and not matches:
        organisation = (
            db.session.get(Organisation, form.organisation.data) if form.organisation.data else None
        )
        try:
            contact = services.add_contact(
                form.data,
                actor=current_user,
                tags=load_by_ids(Tag, form.tags.data or []),
                organisation=organisation,
                position=form.position.data or "",
                **_permissions(),
            )
        except ContactError as error:
            _show_error(form, error, "full_name")
        else:
            db.session.commit()
            flash(_("Contact “%(name)s” created.", name=contact.full_name), "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=None, matches=matches)


def _possible_duplicates(form) -> list:
    """Contacts that may be the person on the form: a warning with links, passed by "Save anyway"."""
    if request.form.get("save_anyway"):
        return []
    organisation_id = form.organisation.data if "organisation" in form else None
    return services.likely_contacts(
        form.full_name.data or "",
        form.email.data or "",
        phone=form.phone.data or "",
        country_code=form.country_code.data,
        organisation_ids=frozenset({organisation_id}) if organisation_id else frozenset(),
    )


def _render_detail(contact: Contact, add_form=None, **privacy):
    """The contact page; `privacy` may carry revealed sensitive values or a consent form with errors."""
    return render_template(
        "contacts/detail.html",
        contact=contact,
        add_form=add_form or (affiliation_form() if can_edit(current_user) else None),
        timeline_limit=services.TIMELINE_LIMIT,
        lists=lists_for_contact(contact),
        list_form=(
            add_to_list_form(static_list_choices(), url_for("contacts.detail", contact_id=contact.id))
            if can_edit(current_user)
            else None
        ),
        **vars(services.contact_detail(contact)),  # the blocks' rows, as the template's names
        **privacy_context(contact, **privacy),
    )


@bp.route("/contacts/<int:contact_id>")
def detail(contact_id: int):
    # Its country and owner are shown on the page: joined in, not loaded one by one as the page is written.
    contact = db.get_or_404(
        Contact, contact_id, options=[joinedload(Contact.country), joinedload(Contact.owner)]
    )
    if contact.merged_into_id is not None:  # merged away: its links all live on the survivor now
        return redirect_to_survivor(contact, "contact", "contacts.detail", "contact_id")
    return _render_detail(visible_or_404(Contact, contact_id))


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit(contact_id: int):
    contact = db.get_or_404(Contact, contact_id)
    if contact.merged_into_id is not None:  # edit the record that holds its links now
        return redirect_to_survivor(contact, "contact", "contacts.edit", "contact_id")
    contact = live_or_404(Contact, contact_id)
    form = contact_form(creating=False, obj=contact, **_permissions())
    if form.validate_on_submit():
        if is_stale(contact, form):  # someone saved since this form was shown: show both, save nothing
            conflict = prepare_reapply(contact, form)
            return render_template("contacts/form.html", form=form, contact=contact, conflict=conflict), 409
        try:
            services.edit_contact(
                contact,
                form.data,
                actor=current_user,
                tags=load_by_ids(Tag, form.tags.data or []),
                **_permissions(),
            )
        except ContactError as error:
            _show_error(form, error, "full_name")
        else:
            db.session.commit()
            flash(_("Contact saved."), "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=contact)


@bp.route("/contacts/<int:contact_id>/affiliations", methods=["POST"])
@role_required(Role.STAFF)
def add_affiliation(contact_id: int):
    contact = live_or_404(Contact, contact_id)
    form = affiliation_form()
    if form.validate_on_submit():
        organisation = db.get_or_404(Organisation, form.organisation.data)
        try:
            services.add_affiliation(
                contact,
                organisation,
                form.position.data or "",
                actor=current_user,
                start_on=form.start_on.data,
                end_on=form.end_on.data,
            )
        except ContactError as error:
            _show_error(form, error, "organisation")
        else:
            db.session.commit()
            flash(_("Affiliation with “%(name)s” added.", name=organisation.name), "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id, _anchor="affiliations"))
    return _render_detail(contact, add_form=form)


@bp.route("/contacts/<int:contact_id>/affiliations/<int:affiliation_id>/delete", methods=["POST"])
@role_required(Role.STAFF)
def remove_affiliation(contact_id: int, affiliation_id: int):
    affiliation = db.get_or_404(Affiliation, affiliation_id)
    if affiliation.contact_id != contact_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_affiliation(affiliation, actor=current_user)
    db.session.commit()
    flash(_("Affiliation removed."), "success")
    return redirect(url_for("contacts.detail", contact_id=contact_id, _anchor="affiliations"))
