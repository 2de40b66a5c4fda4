"""Contact lists: static lists (people added by hand) and smart lists (a saved /contacts filter).

Everyone signed in may look at lists; staff and above create, rename, delete and fill them.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.auth.permissions import can_edit, role_required
from crm.auth.views import safe_next
from crm.contacts.forms import ConfirmForm
from crm.contacts.services import CONTACT_SORTS
from crm.extensions import db
from crm.listing import apply_sort, paginate, read_params
from crm.lists import services
from crm.lists.forms import ListForm, MembersForm, add_to_list_form
from crm.lists.services import ListError
from crm.models import Contact, ContactList
from crm.models.enums import Role
from crm.translations import gettext as _
from crm.translations import ngettext

bp = Blueprint("lists", __name__)


def _show_error(form: ListForm, error: ListError) -> None:
    db.session.rollback()
    name = error.field if error.field in form else "name"
    form[name].errors = [*form[name].errors, str(error)]


@bp.route("/lists")
def index():
    return render_template("lists/index.html", rows=services.list_overview())


@bp.route("/lists/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def create():
    smart = request.args.get("smart") == "1"
    filters = services.clean_filters(request.args) if smart else {}
    form = ListForm()
    if form.validate_on_submit():
        try:
            contact_list = services.create_list(
                form.name.data,
                description=form.description.data or "",
                kind=services.SMART if smart else services.STATIC,
                filters=filters,
                actor=current_user,
            )
        except ListError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("List “%(name)s” created.", name=contact_list.name), "success")
            return redirect(url_for("lists.detail", list_id=contact_list.id))
    return render_template(
        "lists/form.html",
        form=form,
        contact_list=None,
        smart=smart,
        described=services.describe_filters(filters),
        contacts_url=url_for("contacts.index", **filters),
    )


@bp.route("/lists/<int:list_id>")
def detail(list_id: int):
    contact_list = db.get_or_404(ContactList, list_id)
    params = read_params((), CONTACT_SORTS, "name")
    stmt = apply_sort(services.list_contacts_query(contact_list), params, CONTACT_SORTS, Contact.id)
    find = request.args.get("find", "").strip()[:200]
    editable = can_edit(current_user) and not contact_list.is_smart
    return render_template(
        "lists/detail.html",
        contact_list=contact_list,
        pager=paginate(stmt, params),
        described=services.describe_filters(contact_list.filters or {}) if contact_list.is_smart else [],
        contacts_url=url_for("contacts.index", **services.clean_filters(contact_list.filters or {})),
        find=find,
        candidates=services.candidates(contact_list, find) if editable and find else [],
        editable=editable,
    )


@bp.route("/lists/<int:list_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit(list_id: int):
    contact_list = db.get_or_404(ContactList, list_id)
    form = ListForm(obj=contact_list)
    if form.validate_on_submit():
        try:
            services.rename_list(
                contact_list, form.name.data, form.description.data or "", actor=current_user
            )
        except ListError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("List saved."), "success")
            return redirect(url_for("lists.detail", list_id=contact_list.id))
    return render_template(
        "lists/form.html", form=form, contact_list=contact_list, smart=contact_list.is_smart
    )


@bp.route("/lists/<int:list_id>/delete", methods=["POST"])
@role_required(Role.STAFF)
def delete(list_id: int):
    contact_list = db.get_or_404(ContactList, list_id)
    if ConfirmForm().validate_on_submit():
        name = contact_list.name
        services.delete_list(contact_list, actor=current_user)
        db.session.commit()
        flash(_("List “%(name)s” deleted; the people on it are kept.", name=name), "success")
    return redirect(url_for("lists.index"))


def _added(count: int, name: str) -> str:
    return ngettext(
        "%(num)d person added to “%(name)s”.", "%(num)d people added to “%(name)s”.", count, name=name
    )


def _removed(count: int, name: str) -> str:
    return ngettext(
        "%(num)d person taken off “%(name)s”.", "%(num)d people taken off “%(name)s”.", count, name=name
    )


def _change_members(list_id: int, change, message):
    """Add or remove the ticked people, then go back where the form came from."""
    contact_list = db.get_or_404(ContactList, list_id)
    form = MembersForm()
    back = safe_next(form.next.data) if form.next.data else url_for("lists.detail", list_id=list_id)
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Tick the people first."), "danger")
        return redirect(back)
    try:
        count = change(contact_list, form.ids.data, actor=current_user)
    except ListError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(message(count, contact_list.name), "success")
    return redirect(back)


@bp.route("/lists/<int:list_id>/members", methods=["POST"])
@role_required(Role.STAFF)
def add_members(list_id: int):
    return _change_members(list_id, services.add_members, _added)


@bp.route("/lists/<int:list_id>/members/remove", methods=["POST"])
@role_required(Role.STAFF)
def remove_members(list_id: int):
    return _change_members(list_id, services.remove_members, _removed)


@bp.route("/lists/add", methods=["POST"])
@role_required(Role.STAFF)
def add_selected():
    """The bulk action from /contacts or a contact's page: add the ticked people to a list."""
    form = add_to_list_form(services.static_list_choices())
    back = safe_next(form.next.data) if form.next.data else url_for("contacts.index")
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Tick the people to add, then choose a list."), "danger")
        return redirect(back)
    try:
        contact_list, count = services.add_to_list(
            form.ids.data, actor=current_user, list_id=form.list_id.data, new_name=form.new_list.data or ""
        )
    except ListError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)
    db.session.commit()
    flash(_added(count, contact_list.name), "success")
    return redirect(back)
