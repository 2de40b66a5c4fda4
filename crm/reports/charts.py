"""What the report pages draw: chart data built from a Funnel, and how waits are written.

Each chart is a small, plain description (type, labels, datasets) that the template puts in a
`data-chart` attribute and static/js/charts.js turns into a Chart.js chart. Charts show exactly
the figures of the table beneath them, so the page says the same thing with or without JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from flask_babel import format_decimal, ngettext

from crm.models.enums import ThreadKind
from crm.reports.services import Area, Funnel, TopicCount
from crm.translations import gettext as _

Chart = dict[str, Any]


def chart(
    labels: list[Any],
    datasets: list[tuple[Any, list[int]]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
) -> Chart:
    """A bar chart; labels and dataset names become plain strings (lazy translations included)."""
    return {
        "type": "bar",
        "horizontal": horizontal,
        "stacked": stacked,
        "labels": [str(label) for label in labels],
        "datasets": [{"label": str(name), "data": list(data)} for name, data in datasets],
    }


def funnel_steps(report: Funnel) -> list[tuple[str, str, int]]:
    """(key, label, count) for the steps from inquiry to membership, in order.

    Joint initiatives are a kind of thread: the table lists them under "Threads opened".
    """
    return [
        ("received", _("Inquiries received"), report.received),
        ("answered", _("Answered"), report.answered),
        ("converted", _("Converted to contacts"), report.converted),
        ("threads", _("Threads opened"), report.threads),
        ("new_members", _("New network members"), report.new_members),
    ]


def response_rows(report: Funnel) -> list[tuple[str, int]]:
    """(label, count) for each response-time bucket, then the inquiries still unanswered."""
    labels = [_("Within a day"), _("1 to 2 days"), _("2 to 7 days"), _("A week or more")]
    return [*zip(labels, report.response_buckets, strict=True), (_("Not answered yet"), report.unanswered)]


def _tally(items: Sequence[Area | TopicCount]) -> Chart:
    return chart(
        [item.name for item in items], [(_("Inquiries"), [item.inquiries for item in items])], horizontal=True
    )


def build(report: Funnel) -> dict[str, Chart]:
    """Every chart of the report page, by the id of the section it belongs to."""
    steps = funnel_steps(report)
    responses = response_rows(report)
    charts = {
        "funnel": chart(
            [label for _key, label, _n in steps], [(_("Count"), [n for *_rest, n in steps])], horizontal=True
        ),
        "response": chart(
            [label for label, _n in responses], [(_("Inquiries"), [n for _label, n in responses])]
        ),
        "regions": _tally(report.regions),
        "subregions": _tally(report.subregions),
        "countries": _tally(report.countries),
        "topics": _tally(report.topics),
        "workload": chart(
            [row.name or _("Unassigned") for row in report.workload],
            [
                (_("Open"), [row.open for row in report.workload]),
                (_("Stale"), [row.stale for row in report.workload]),
                (_("Overdue"), [row.overdue for row in report.workload]),
            ],
            horizontal=True,
        ),
    }
    for kind in ThreadKind:
        stages = report.stages_by_kind.get(kind, {})
        charts[f"stages-{kind.value}"] = chart(
            [stage.label for stage in stages], [(_("Threads"), list(stages.values()))], horizontal=True
        )
    return charts


def wait_label(wait: timedelta | None) -> str:
    """'18 hours' under two days, else days to one decimal ('2.0 days'); '—' for no data."""
    if wait is None:
        return "—"
    hours = wait.total_seconds() / 3600
    if hours < 48:
        whole = max(round(hours), 0)
        return ngettext("%(num)d hour", "%(num)d hours", whole)
    return _("%(days)s days", days=format_decimal(hours / 24, format="0.0"))
