"""/search?q=: one box for everything."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from crm.search.services import MIN_LENGTH, PER_KIND, search

bp = Blueprint("search", __name__)


@bp.route("/search")
def index():
    results = search(request.args.get("q", ""))
    return render_template("search/index.html", results=results, min_length=MIN_LENGTH, per_kind=PER_KIND)
