"""Organisations: the list with filters, create, detail (people, threads, membership), edit."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from crm.auth.permissions import can_reassign, role_required
from crm.duplicates.views import redirect_to_survivor
from crm.extensions import db
from crm.listing import apply_sort, paginate, read_params
from crm.models import Organisation
from crm.models.enums import Role
from crm.organisations import services
from crm.organisations.forms import OrganisationForm, organisation_filter_options, organisation_form
from crm.organisations.services import ORGANISATION_FILTERS, ORGANISATION_SORTS, OrganisationError
from crm.safety.conflicts import is_stale, prepare_reapply
from crm.safety.views import live_or_404, visible_or_404
from crm.translations import gettext as _

bp = Blueprint("organisations", __name__)


def _show_error(form: OrganisationForm, error: OrganisationError) -> None:
    """Put a service error next to its field, with nothing saved."""
    db.session.rollback()
    name = error.field if error.field in form else "name"
    form[name].errors = [*form[name].errors, str(error)]


@bp.route("/organisations")
def index():
    params = read_params(ORGANISATION_FILTERS, ORGANISATION_SORTS, "name")
    stmt = apply_sort(
        services.organisation_list_query(params.filters), params, ORGANISATION_SORTS, Organisation.id
    )
    pager = paginate(stmt, params)
    return render_template(
        "organisations/index.html",
        pager=pager,
        people=services.people_counts([organisation.id for organisation in pager.items]),
        params=params,
        options=organisation_filter_options(),
    )


@bp.route("/organisations/lookup")
def lookup():
    """At most a few live organisations matching what was typed, for the type-to-search fields."""
    return jsonify(results=services.lookup_organisations(request.args.get("q", "")[:100]))


@bp.route("/organisations/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def create():
    form = organisation_form(may_set_owner=can_reassign(current_user))
    if form.validate_on_submit():
        try:
            organisation = services.add_organisation(
                form.data, actor=current_user, may_set_owner=can_reassign(current_user)
            )
        except OrganisationError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Organisation “%(name)s” created.", name=organisation.name), "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>")
def detail(organisation_id: int):
    # Its country and owner with it: shown on the page, they were read by a statement each.
    organisation = db.get_or_404(
        Organisation,
        organisation_id,
        options=[joinedload(Organisation.country), joinedload(Organisation.owner)],
    )
    if organisation.merged_into_id is not None:  # merged away: its links all live on the survivor now
        return redirect_to_survivor(organisation, "organisation", "organisations.detail", "organisation_id")
    organisation = visible_or_404(Organisation, organisation_id)
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        website_link=services.website_link(organisation),
        linked_limit=services.LINKED_LIMIT,
        **vars(services.organisation_detail(organisation)),  # shallow, unlike asdict()
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    if organisation.merged_into_id is not None:  # edit the record that holds its links now
        return redirect_to_survivor(organisation, "organisation", "organisations.edit", "organisation_id")
    organisation = live_or_404(Organisation, organisation_id)
    form = organisation_form(may_set_owner=can_reassign(current_user), obj=organisation)
    if form.validate_on_submit():
        if is_stale(organisation, form):  # someone saved since this form was shown: show both, save nothing
            conflict = prepare_reapply(organisation, form)
            page = render_template(
                "organisations/form.html", form=form, organisation=organisation, conflict=conflict
            )
            return page, 409
        try:
            services.edit_organisation(
                organisation, form.data, actor=current_user, may_set_owner=can_reassign(current_user)
            )
        except OrganisationError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Organisation saved."), "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)
