"""Countries by M49 region and sub-region, and one country's contacts, organisations and threads."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from crm.auth.permissions import role_required
from crm.countries import services
from crm.extensions import db
from crm.models import Country
from crm.models.enums import Role

bp = Blueprint("countries", __name__)


@bp.route("/countries")
@role_required(Role.VIEWER)
def index():
    region = request.args.get("region", "").strip()
    if region and not services.is_region_code(region):
        region = ""
    # Countries the network works with are what people come here for; all 249 are one click away.
    with_activity = request.args.get("with_activity", "1") != "0"
    return render_template(
        "countries/index.html",
        groups=services.countries_by_region(region or None, with_activity=with_activity),
        region=region,
        with_activity=with_activity,
        region_options=services.region_filter_options(),
        total=services.country_count(),
    )


@bp.route("/countries/<alpha2>")
@role_required(Role.VIEWER)
def detail(alpha2: str):
    country = db.get_or_404(Country, alpha2.upper())
    return render_template("countries/detail.html", country=country, page=services.country_page(country))
