"""Thread pages: list, open, detail with interactions, and the follow-up actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from crm.auth.permissions import can_edit, can_reassign, role_required
from crm.countries.services import country_choices, region_filter_options
from crm.errors import DomainError
from crm.extensions import db
from crm.forms import event_choices, user_choices
from crm.listing import apply_sort, paginate, read_params
from crm.models import Thread, User
from crm.models.enums import Role, ThreadKind, ThreadStage
from crm.pipeline.forms import bulk_reassign_form
from crm.safety.conflicts import is_stale, prepare_reapply
from crm.threads import services
from crm.threads.forms import (
    EditThreadForm,
    InteractionForm,
    NextActionForm,
    OwnerForm,
    StageForm,
    ThreadForm,
)
from crm.translations import gettext as _

bp = Blueprint("threads", __name__)


@bp.route("/threads")
def index():
    sorts = services.thread_sorts()
    params = read_params(services.THREAD_FILTERS, sorts, "-updated")
    stmt = apply_sort(services.thread_list_query(params.filters), params, sorts, Thread.id)
    return render_template(
        "threads/index.html",
        pager=paginate(stmt, params),
        bulk_form=bulk_reassign_form("thread", request.full_path) if can_reassign(current_user) else None,
        params=params,
        options={
            "kind": ThreadKind.choices(),
            "stage": ThreadStage.choices(),
            "owner": user_choices(blank=False),
            "country": country_choices(),
            "region": region_filter_options(),
            "event": event_choices(blank=False),
        },
    )


@bp.route("/threads/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def create():
    origin = services.ThreadOrigin.load(
        contact_id=request.args.get("contact", 0, type=int),
        organisation_id=request.args.get("organisation", 0, type=int),
        inquiry_id=request.args.get("inquiry", 0, type=int),
    )
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread = services.open_thread(
                ThreadKind(form.kind.data),
                form.title.data,
                actor=current_user,
                next_action=form.next_action.data or "",
                next_action_due=form.next_action_due.data,
                **origin.links(),
            )
        except DomainError as exc:
            db.session.rollback()
            form[exc.field or "title"].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Thread opened."), "success")
            return redirect(url_for("threads.detail", thread_id=thread.id))
    return render_template("threads/new.html", form=form, origin=origin)


def _load_thread(thread_id: int) -> Thread:
    thread = db.session.execute(_thread_page(), {"thread_id": thread_id}).scalar()
    if thread is None:
        abort(404)
    return thread


@cache
def _thread_page() -> Select:
    """The thread with its owner and origin joined in; built once per process (the id is a parameter).

    What else the page shows comes as plain rows from services.thread_page.
    """
    return (
        select(Thread)
        .where(Thread.id == bindparam("thread_id"))
        .options(joinedload(Thread.owner), joinedload(Thread.origin_inquiry))
    )


def _stage_form(thread: Thread, form: StageForm | None = None) -> StageForm:
    form = form or StageForm(prefix="stage", stage=thread.stage.value, outcome=thread.outcome, formdata=None)
    form.stage.choices = [(s.value, s.label) for s in services.stages_for(thread.kind)]
    return form


def _detail(thread: Thread, **forms):
    """The thread page; only the forms the user's role is shown are built (a viewer sees none)."""
    return render_template(
        "threads/detail.html",
        thread=thread,
        **vars(services.thread_page(thread.id)),  # shallow: asdict() would copy every row
        **(_edit_forms(thread, forms) if can_edit(current_user) else {}),
        owner_form=_owner_form(thread) if can_reassign(current_user) else None,
        conflict=forms.get("conflict"),
    )


def _edit_forms(thread: Thread, forms: dict[str, Any]) -> dict[str, FlaskForm]:
    return {
        "interaction_form": forms.get("interaction_form") or InteractionForm(formdata=None),
        "stage_form": _stage_form(thread, forms.get("stage_form")),
        "next_action_form": forms.get("next_action_form")
        or NextActionForm(
            prefix="na", formdata=None, next_action=thread.next_action, next_action_due=thread.next_action_due
        ),
        "edit_form": forms.get("edit_form") or EditThreadForm(prefix="edit", formdata=None, obj=thread),
    }


def _owner_form(thread: Thread) -> OwnerForm:
    form = OwnerForm(prefix="owner", owner_id=thread.owner_id, formdata=None)
    form.owner_id.choices = user_choices(blank=False)
    return form


@bp.route("/threads/<int:thread_id>")
def detail(thread_id: int):
    return _detail(_load_thread(thread_id))


def _save(thread: Thread, form: FlaskForm, form_key: str, change: Callable[[], Any], done: Callable[[], str]):
    """One follow-up action on a thread: apply it, or show its error next to the field; nothing half-saved."""
    if form.validate_on_submit():
        try:
            change()
        except DomainError as exc:
            db.session.rollback()
            form[exc.field if exc.field in form else next(iter(form)).name].errors.append(str(exc))
        else:
            db.session.commit()
            flash(done(), "success")
            return redirect(url_for("threads.detail", thread_id=thread.id))
    return _detail(_load_thread(thread.id), **{form_key: form}), 200


@bp.route("/threads/<int:thread_id>/interactions", methods=["POST"])
@role_required(Role.STAFF)
def add_interaction(thread_id: int):
    thread = _load_thread(thread_id)
    form = InteractionForm()
    return _save(
        thread,
        form,
        "interaction_form",
        lambda: services.add_interaction(
            thread,
            form.kind.data,
            form.summary.data,
            actor=current_user,
            occurred_at=form.occurred_at.data,
            contacts=list(thread.contacts),
            next_action=(form.next_action.data or "").strip() or None,
            next_action_due=form.next_action_due.data,
        ),
        lambda: _("Interaction recorded."),
    )


@bp.route("/threads/<int:thread_id>/stage", methods=["POST"])
@role_required(Role.STAFF)
def change_stage(thread_id: int):
    thread = _load_thread(thread_id)
    form = _stage_form(thread, StageForm(prefix="stage"))
    previous = thread.stage
    return _save(
        thread,
        form,
        "stage_form",
        lambda: services.change_stage(thread, form.stage.data, actor=current_user, outcome=form.outcome.data),
        lambda: (
            _("Stage changed to %(stage)s.", stage=thread.stage.label)
            if thread.stage != previous
            else _("Thread saved.")
        ),
    )


@bp.route("/threads/<int:thread_id>/next-action", methods=["POST"])
@role_required(Role.STAFF)
def next_action(thread_id: int):
    thread = _load_thread(thread_id)
    form = NextActionForm(prefix="na")
    return _save(
        thread,
        form,
        "next_action_form",
        lambda: services.set_next_action(
            thread, form.next_action.data, form.next_action_due.data, actor=current_user
        ),
        lambda: _("Next action saved."),
    )


@bp.route("/threads/<int:thread_id>/edit", methods=["POST"])
@role_required(Role.STAFF)
def edit(thread_id: int):
    thread = _load_thread(thread_id)
    form = EditThreadForm(prefix="edit")
    if form.validate_on_submit() and is_stale(thread, form):  # saved by someone else meanwhile
        return _detail(thread, edit_form=form, conflict=prepare_reapply(thread, form)), 409
    return _save(
        thread,
        form,
        "edit_form",
        lambda: services.update_thread(
            thread, {"title": form.title.data, "outcome": form.outcome.data}, actor=current_user
        ),
        lambda: _("Thread saved."),
    )


@bp.route("/threads/<int:thread_id>/owner", methods=["POST"])
@role_required(Role.COORDINATOR)
def reassign(thread_id: int):
    thread = db.get_or_404(Thread, thread_id)
    form = OwnerForm(prefix="owner")
    form.owner_id.choices = user_choices(blank=False)
    owner = (
        db.session.get(User, form.owner_id.data) if form.validate_on_submit() and form.owner_id.data else None
    )
    if owner is None:
        flash(_("Choose an owner from the list."), "danger")
    else:
        services.reassign_thread(thread, owner, actor=current_user)
        db.session.commit()
        flash(_("%(name)s now owns this thread.", name=owner.name), "success")
    return redirect(url_for("threads.detail", thread_id=thread.id))
