"""Admin pages: user accounts, and the topics and tags everyone picks from.

One-time passwords are rendered straight into the response to the POST that made
them (marked no-store), never flashed: a flash would travel in the session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from crm.admin import services
from crm.admin.forms import ActionForm, CreateUserForm, RoleForm, TagForm, TopicForm
from crm.auth import services as accounts
from crm.auth.permissions import role_required
from crm.extensions import db
from crm.models import Tag, Topic, User
from crm.models.enums import Role
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

bp = Blueprint("admin", __name__)


# --- Accounts --------------------------------------------------------------------------------------


def _users_page(form: CreateUserForm, status: int = 200):
    users = list(db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.id)))
    role_forms = {user.id: RoleForm(formdata=None, data={"role": user.role.value}) for user in users}
    return render_template("admin/users.html", users=users, form=form, role_forms=role_forms), status


def _one_time_password_page(user: User, password: str, created: bool):
    response = make_response(
        render_template("admin/one_time_password.html", user=user, password=password, created=created)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user, password = accounts.create_user(
                form.email.data, form.name.data or "", Role(form.role.data), actor=current_user
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            form[exc.field or "email"].errors.append(str(exc))
        else:
            db.session.commit()
            return _one_time_password_page(user, password, created=True)
    return _users_page(form)


def _require_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _account_action(user_id: int, action: Callable[[User], None], success: Callable[[User], str]):
    """Run one account service call; an AccountError becomes a danger flash and nothing is saved."""
    user = db.get_or_404(User, user_id)
    try:
        action(user)
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(success(user), "success")
    return redirect(url_for("admin.users"))


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@role_required(Role.ADMIN)
def change_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles offered."), "danger")
        return redirect(url_for("admin.users"))
    role = Role(form.role.data)
    return _account_action(
        user_id,
        lambda user: accounts.set_role(user, role, actor=current_user),
        lambda user: _("Role of %(name)s saved: %(role)s.", name=user.name, role=user.role.label),
    )


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    _require_action_form()
    return _account_action(
        user_id,
        lambda user: accounts.set_active(user, False, actor=current_user),
        lambda user: _("Account of %(name)s deactivated and signed out everywhere.", name=user.name),
    )


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@role_required(Role.ADMIN)
def reactivate(user_id: int):
    _require_action_form()
    return _account_action(
        user_id,
        lambda user: accounts.set_active(user, True, actor=current_user),
        lambda user: _("Account of %(name)s is active again.", name=user.name),
    )


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    _require_action_form()
    password = accounts.reset_password(user, actor=current_user)
    db.session.commit()
    return _one_time_password_page(user, password, created=False)


# --- Topics and tags -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceKind:
    """What differs between the topics page and the tags page."""

    model: Any
    form: Any
    create: Any
    rename: Any
    delete: Any
    endpoint: str
    title: Any
    used_on: Any


KINDS = {
    "topic": ReferenceKind(
        Topic,
        TopicForm,
        services.create_topic,
        services.rename_topic,
        services.delete_topic,
        "topics",
        _l("Topics"),
        _l("Inquiries"),
    ),
    "tag": ReferenceKind(
        Tag,
        TagForm,
        services.create_tag,
        services.rename_tag,
        services.delete_tag,
        "tags",
        _l("Tags"),
        _l("Contacts"),
    ),
}


def _reference_page(kind: str, add_form=None, failed_id: int | None = None, failed_form=None):
    spec = KINDS[kind]
    items = list(db.session.scalars(select(spec.model).order_by(spec.model.name, spec.model.id)))
    rename_forms = {item.id: spec.form(formdata=None, data={"name": item.name}) for item in items}
    if failed_id is not None:
        rename_forms[failed_id] = failed_form
    return render_template(
        "admin/reference.html",
        kind=kind,
        spec=spec,
        items=items,
        counts=services.usage_counts(spec.model),
        add_form=add_form or spec.form(formdata=None),
        rename_forms=rename_forms,
    )


def _reference_index(kind: str):
    spec = KINDS[kind]
    form = spec.form()
    if form.validate_on_submit():
        try:
            item = spec.create(form.name.data, actor=current_user)
        except services.ReferenceDataError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("“%(name)s” added.", name=item.name), "success")
            return redirect(url_for(f"admin.{spec.endpoint}"))
    return _reference_page(kind, add_form=form)


def _reference_rename(kind: str, item_id: int):
    spec = KINDS[kind]
    item = db.get_or_404(spec.model, item_id)
    form = spec.form()
    if form.validate_on_submit():
        try:
            spec.rename(item, form.name.data, actor=current_user)
        except services.ReferenceDataError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Renamed to “%(name)s”.", name=item.name), "success")
            return redirect(url_for(f"admin.{spec.endpoint}"))
    return _reference_page(kind, failed_id=item.id, failed_form=form)


def _reference_delete(kind: str, item_id: int):
    spec = KINDS[kind]
    item = db.get_or_404(spec.model, item_id)
    _require_action_form()
    name = item.name
    try:
        spec.delete(item, actor=current_user)
    except services.ReferenceDataError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("“%(name)s” deleted.", name=name), "success")
    return redirect(url_for(f"admin.{spec.endpoint}"))


@bp.route("/admin/topics", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def topics():
    return _reference_index("topic")


@bp.route("/admin/topics/<int:topic_id>/rename", methods=["POST"])
@role_required(Role.ADMIN)
def rename_topic(topic_id: int):
    return _reference_rename("topic", topic_id)


@bp.route("/admin/topics/<int:topic_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_topic(topic_id: int):
    return _reference_delete("topic", topic_id)


@bp.route("/admin/tags", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tags():
    return _reference_index("tag")


@bp.route("/admin/tags/<int:tag_id>/rename", methods=["POST"])
@role_required(Role.ADMIN)
def rename_tag(tag_id: int):
    return _reference_rename("tag", tag_id)


@bp.route("/admin/tags/<int:tag_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_tag(tag_id: int):
    return _reference_delete("tag", tag_id)
