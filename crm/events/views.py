"""Events: the list with inquiry counts, one event with its inquiries and funnel, admin editing."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.auth.permissions import role_required
from crm.events import services
from crm.events.forms import EventForm
from crm.extensions import db
from crm.listing import ByName, apply_sort, paginate, read_params
from crm.models import Event, Inquiry
from crm.models.base import today_utc, utcnow
from crm.models.enums import EventFormat, Role
from crm.reports import charts
from crm.reports.services import ReportFilters, funnel
from crm.translations import gettext as _

bp = Blueprint("events", __name__)

SORTS = {"date": Event.starts_on, "title": ByName(Event.title)}
INQUIRY_SORTS = {"received": Inquiry.received_at}


@bp.route("/events")
@role_required(Role.VIEWER)
def index():
    params = read_params(("year", "format"), SORTS, "-date")
    year = params.get_int("year")
    event_format = params.filters.get("format")
    event_format = EventFormat(event_format) if event_format in set(EventFormat) else None
    stmt = services.events_statement(year, event_format).options(selectinload(Event.host))
    pager = paginate(apply_sort(stmt, params, SORTS, Event.id), params)
    return render_template(
        "events/index.html",
        pager=pager,
        counts=services.inquiry_counts([event.id for event in pager.items]),
        years=services.event_years(),
        year=year,
        event_format=event_format,
        formats=EventFormat.choices(),
    )


@bp.route("/events/<int:event_id>")
@role_required(Role.VIEWER)
def detail(event_id: int):
    event = db.get_or_404(Event, event_id, options=[selectinload(Event.host), selectinload(Event.partners)])
    params = read_params((), INQUIRY_SORTS, "-received")
    stmt = select(Inquiry).where(Inquiry.event_id == event.id).options(selectinload(Inquiry.assignee))
    inquiries = paginate(apply_sort(stmt, params, INQUIRY_SORTS, Inquiry.id), params)
    report = funnel(
        ReportFilters(event_id=event.id),
        now=utcnow(),
        today=today_utc(),
        stale_days=current_app.config["STALE_DAYS"],
    )
    return render_template(
        "events/detail.html",
        event=event,
        inquiries=inquiries,
        report=report,
        charts=charts.build(report),
        steps=charts.funnel_steps(report),
        responses=charts.response_rows(report),
        wait_label=charts.wait_label,
    )


@bp.route("/events/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(form.event_data(), actor=current_user)
        except services.EventError as exc:
            db.session.rollback()
            form[exc.field or "title"].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Event “%(title)s” added.", title=event.title), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        try:
            services.update_event(event, form.event_data(), actor=current_user)
        except services.EventError as exc:
            db.session.rollback()
            form[exc.field or "title"].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)
