"""The reports dashboard: funnel, response times, threads, reach, topics and workload."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from crm.auth.permissions import role_required
from crm.forms import event_choices
from crm.models.base import today_utc, utcnow
from crm.models.enums import Role
from crm.reports import charts, services
from crm.reports.forms import ReportFilterForm

bp = Blueprint("reports", __name__)


def build_report(filters: services.ReportFilters) -> services.Funnel:
    """The report for these filters as of now, with the configured stale period."""
    return services.funnel(
        filters, now=utcnow(), today=today_utc(), stale_days=current_app.config["STALE_DAYS"]
    )


@bp.route("/reports")
@role_required(Role.VIEWER)
def index():
    form = ReportFilterForm(request.args)
    form.event.choices = event_choices()
    asked = any(name in request.args for name in ("from", "to", "event"))
    filters = form.filters(today_utc(), asked=asked)
    report = build_report(filters)
    event_label = dict(form.event.choices).get(str(filters.event_id)) if filters.event_id else None
    return render_template(
        "reports/index.html",
        form=form,
        report=report,
        charts=charts.build(report),
        steps=charts.funnel_steps(report),
        responses=charts.response_rows(report),
        wait_label=charts.wait_label,
        event_label=event_label,
        fallback=bool(form.start.errors or form.end.errors),
    )
