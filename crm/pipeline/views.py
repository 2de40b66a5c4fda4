"""Coordinator boards and the actions on their cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.auth.permissions import role_required
from crm.auth.views import safe_next
from crm.countries.services import country_choices, region_filter_options
from crm.errors import DomainError
from crm.extensions import db
from crm.forms import event_choices, tag_choices, user_choices
from crm.inquiries.services import move_inquiry
from crm.main.template_helpers import record_url_for
from crm.models import Inquiry, Organisation, Thread, User
from crm.models.base import utcnow
from crm.models.enums import STAGES_BY_KIND, InquiryStatus, MembershipStatus, Role, ThreadKind
from crm.organisations.services import update_organisation
from crm.pipeline import services
from crm.pipeline.forms import BulkReassignForm, MoveForm, bulk_reassign_form
from crm.threads.services import change_stage
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

bp = Blueprint("pipeline", __name__)


def _clock() -> services.Clock:
    config = current_app.config
    return services.Clock(
        now=utcnow(), stale_days=config["STALE_DAYS"], response_days=config["RESPONSE_DAYS"]
    )


@dataclass(frozen=True)
class BoardPages:
    """Where a board's cards lead: the record's page, its move action, and the full list."""

    detail: str
    detail_arg: str
    move: str
    move_arg: str
    list_endpoint: str
    list_param: str
    list_filters: tuple[str, ...]  # the board filters the list page understands too
    stale_label: Any
    # The list's sort that puts an open column's items in the board's order (most urgent first);
    # finished columns ("done") keep the list's own order, newest first.
    list_sort: str = ""
    done: frozenset[str] = frozenset()


PAGES = {
    "inquiry": BoardPages(
        "inquiries.detail",
        "inquiry_id",
        "pipeline.move_inquiry_card",
        "inquiry_id",
        "inquiries.index",
        "status",
        ("event", "country", "region", "owner"),
        _l("Only stale (no change for %(days)d days)"),
        list_sort="received",  # oldest waiting first
        done=frozenset({InquiryStatus.CONVERTED.value, InquiryStatus.CLOSED.value}),
    ),
    "thread": BoardPages(
        "threads.detail",
        "thread_id",
        "pipeline.move_thread",
        "thread_id",
        "threads.index",
        "stage",
        ("event", "country", "region", "owner", "overdue"),
        _l("Only stale (no interaction for %(days)d days)"),
        list_sort="due",  # next action due soonest first
        done=frozenset(
            stage.value for stages in STAGES_BY_KIND.values() for stage in stages if stage.is_closed
        ),
    ),
    "organisation": BoardPages(
        "organisations.detail",
        "organisation_id",
        "pipeline.move_organisation",
        "organisation_id",
        "organisations.index",
        "membership",
        ("country", "region", "owner"),
        _l("Only stale (no membership change for %(days)d days)"),
    ),
}


def _url_with_id(endpoint: str, arg: str) -> Callable[[int], str]:
    """The URL of a card's page or action for any id, from the endpoint's pattern (record_url_for)."""
    return lambda record_id: record_url_for(endpoint, **{arg: record_id})


def _once_per_value(label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A template filter remembered for the page: many cards show the same date or age."""
    seen: dict[Any, str] = {}

    def cached(value: Any) -> str:
        if value not in seen:
            seen[value] = label(value)
        return seen[value]

    return cached


def _render(board: services.Board, title: str, kind: str, list_args: dict[str, str] | None = None, **extra):
    filters = {k: v for k, v in request.args.items() if k in services.BOARD_FILTERS and v}
    pages = PAGES[kind]
    # The full list repeats a column only when it understands every filter the board applies.
    carried = {k: v for k, v in filters.items() if k in pages.list_filters}
    list_url = None
    if len(carried) == len(filters):
        query = carried | (list_args or {})

        def list_url(key: str) -> str:
            in_order = {"sort": pages.list_sort} if pages.list_sort and key not in pages.done else {}
            return url_for(pages.list_endpoint, **{pages.list_param: key}, **query, **in_order)

    detail_url = _url_with_id(pages.detail, pages.detail_arg)
    move_url = _url_with_id(pages.move, pages.move_arg)
    for column in board.columns:
        for card in column.cards:
            card.url = detail_url(card.id)
            card.move_url = move_url(card.id)
            card.dom_id = f"{kind}-{card.id}"
    bulk_form = bulk_reassign_form(kind, request.full_path)
    filters_of = current_app.jinja_env.filters
    return render_template(
        "pipeline/board.html",
        board=board,
        title=title,
        filters=filters,
        bulk_form=bulk_form,
        options={
            "event": event_choices(blank=False),
            "country": country_choices(),
            "region": region_filter_options(),
            "owner": bulk_form.owner_id.choices[1:],  # the same accounts, without the blank choice
            "tag": tag_choices(),
        },
        stale_label=pages.stale_label % {"days": current_app.config["STALE_DAYS"]},
        list_url=list_url,
        card_kind=kind,
        # Translated once, filled in per card (a board shows up to a hundred cards).
        t_select=_("Select %(title)s"),
        t_move_to=_("Move %(title)s to"),
        # The app's own `age`, `date` and `due` filters, each worked out once per different value.
        age_label=_once_per_value(filters_of["age"]),
        date_label=_once_per_value(filters_of["date"]),
        due_label=_once_per_value(filters_of["due"]),
        **extra,
    )


@bp.route("/pipeline/inquiries")
@role_required(Role.COORDINATOR)
def inquiries():
    board = services.inquiry_board(services.BoardFilters.from_args(request.args), _clock())
    return _render(board, _("Inquiries by status"), "inquiry")


@bp.route("/pipeline/threads")
@role_required(Role.COORDINATOR)
def threads():
    kind_arg = request.args.get("kind", ThreadKind.CONSULTATION.value)
    kind = ThreadKind(kind_arg) if kind_arg in {k.value for k in ThreadKind} else ThreadKind.CONSULTATION
    board = services.thread_board(kind, services.BoardFilters.from_args(request.args), _clock())
    return _render(
        board,
        _("Threads by stage"),
        "thread",
        thread_kind=kind,
        kinds=list(ThreadKind),
        list_args={"kind": kind.value},
    )


@bp.route("/pipeline/membership")
@role_required(Role.COORDINATOR)
def membership():
    board = services.membership_board(services.BoardFilters.from_args(request.args), _clock())
    return _render(board, _("Network membership"), "organisation")


def _move(record, choices: list[str], apply, done: str):
    """Move one card with the record's own service; back to the board either way."""
    form = MoveForm()
    form.to.choices = [(c, c) for c in choices]
    if form.validate_on_submit():
        try:
            apply(form.to.data)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(done, "success")
    else:
        flash(_("Choose a column to move the card to."), "danger")
    return redirect(safe_next(form.next.data))


@bp.route("/pipeline/threads/<int:thread_id>/move", methods=["POST"])
@role_required(Role.COORDINATOR)
def move_thread(thread_id: int):
    thread = db.get_or_404(Thread, thread_id)
    stages = [s.value for s in STAGES_BY_KIND[thread.kind]]

    def apply(to: str) -> None:
        change_stage(thread, to, actor=current_user)

    return _move(thread, stages, apply, _("“%(title)s” moved.", title=thread.title))


@bp.route("/pipeline/inquiries/<int:inquiry_id>/move", methods=["POST"])
@role_required(Role.COORDINATOR)
def move_inquiry_card(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)

    def apply(to: str) -> None:
        move_inquiry(inquiry, to, actor=current_user)

    statuses = [s.value for s in InquiryStatus]
    return _move(inquiry, statuses, apply, _("Inquiry from %(name)s moved.", name=inquiry.sender_name))


@bp.route("/pipeline/membership/<int:organisation_id>/move", methods=["POST"])
@role_required(Role.COORDINATOR)
def move_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)

    def apply(to: str) -> None:
        update_organisation(organisation, {"membership_status": MembershipStatus(to)}, actor=current_user)

    statuses = [s.value for s in services.MEMBERSHIP_COLUMNS]
    return _move(organisation, statuses, apply, _("%(name)s moved.", name=organisation.name))


@bp.route("/pipeline/reassign", methods=["POST"])
@role_required(Role.COORDINATOR)
def reassign():
    form = BulkReassignForm()
    form.owner_id.choices = user_choices()
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner_id.data)
        try:
            count = services.bulk_reassign(form.kind.data, form.ids.data, owner, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("%(count)d reassigned to %(name)s.", count=count, name=owner.name), "success")
    else:
        flash(_("Select cards or rows and choose an owner."), "danger")
    return redirect(safe_next(form.next.data) if form.next.data else url_for("pipeline.threads"))
