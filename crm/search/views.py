"""/search?q=: one box for everything; `flask --app wsgi search rebuild` refills its index."""

from __future__ import annotations

import click
from flask import Blueprint, render_template, request

from crm.extensions import db
from crm.search import index as search_index
from crm.search import substring
from crm.search.services import MIN_LENGTH, PER_KIND, search

bp = Blueprint("search", __name__)


@bp.route("/search")
def index():
    results = search(request.args.get("q", ""))
    return render_template("search/index.html", results=results, min_length=MIN_LENGTH, per_kind=PER_KIND)


@bp.cli.command("rebuild")
def rebuild_command() -> None:
    """Refill the search indexes from the tables and compact them (after a restore, or erasures)."""
    connection = db.session.connection()
    documents = search_index.rebuild(connection)
    search_index.purge(connection)
    substring.rebuild(connection)
    substring.purge(connection)
    db.session.commit()
    click.echo(f"Search index rebuilt: {documents:,} documents.")
