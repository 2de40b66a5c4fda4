"""Filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from flask import Flask, current_app, g, request
from flask_babel import format_decimal, format_percent, get_locale

from crm.auth.permissions import TEMPLATE_PREDICATES
from crm.countries.services import territory_name
from crm.html import blank_form, form_field, options
from crm.models.base import as_utc, today_utc, utcnow
from crm.translations import current_locale_name, ngettext
from crm.translations import gettext as _

# A record's id as it is put in a URL pattern, then replaced: an int no URL holds by chance.
_MARKER = 918_273_645
# Enough for every endpoint under a few mount points; a front end sending ever new SCRIPT_NAMEs
# only empties it.
_URL_CACHE_SIZE = 4096


def record_url_for(endpoint: str, **values: Any) -> str:
    """Templates' url_for: Flask's, except for the links every page repeats. Flask's url_for takes
    ~5 µs; a contact page has 40 links to records, a list 50, and every page 16 in its navigation.

    - A link to a record by its id (one int value) is the endpoint's URL pattern with the id put
      in. The pattern is built by Flask's url_for itself, once per endpoint, value name and mount
      point, so it is whatever url_for would build (a rule argument or a query parameter alike).
    - A link with no values (the navigation) and a static file's are built once per mount point.

    Kept per app; a blueprint-relative endpoint ('.detail') goes to Flask every time.
    """
    if not request or endpoint.startswith("."):
        return current_app.url_for(endpoint, **values)
    cache = current_app.extensions.setdefault("crm_urls", {})
    if len(cache) > _URL_CACHE_SIZE:
        cache.clear()
    if not values or (endpoint == "static" and values.keys() == {"filename"}):
        fixed_key = (endpoint, None, values.get("filename", ""), request.script_root)
        url = cache.get(fixed_key)
        if url is None:
            url = cache[fixed_key] = current_app.url_for(endpoint, **values)
        return url
    if len(values) == 1:
        ((name, value),) = values.items()
        if type(value) is int and value >= 0 and not name.startswith("_"):
            key = (endpoint, name, None, request.script_root)
            pattern = cache.get(key, False)
            if pattern is False:
                built = current_app.url_for(endpoint, **{name: _MARKER})
                head, marker, tail = built.partition(str(_MARKER))
                pattern = cache[key] = (head, tail) if marker and str(_MARKER) not in tail else None
            if pattern is not None:
                return f"{pattern[0]}{value}{pattern[1]}"
    return current_app.url_for(endpoint, **values)


def url_with(**changes: Any) -> str:
    """The current page's URL with some query parameters changed (None or '' removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    # Built from the path, not url_for: query keys such as `endpoint` or `_external` stay plain data.
    return f"{request.path}?{urlencode(args)}" if args else request.path


def sort_url(key: str) -> str:
    """Link for a sortable column header: toggles direction when already sorted by it."""
    current = current_sort()
    new = f"-{key}" if current == key else key
    return url_with(sort=new, page=None)


def current_sort() -> str:
    """The sort the list page is showing: the one asked for, else the page's default."""
    return request.args.get("sort") or g.get("list_default_sort", "")


def due_label(due: date | None, today: date | None = None) -> str:
    """'due today', 'in 3 days', '2 days overdue' (counted from `today`, default the real today)."""
    if due is None:
        return ""
    days = (due - (today or today_utc())).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("in %(num)d day", "in %(num)d days", days)
    return ngettext("%(num)d day overdue", "%(num)d days overdue", -days)


def ago(value: datetime | None) -> str:
    """'3 days ago', 'today'."""
    if value is None:
        return ""
    delta: timedelta = utcnow() - as_utc(value)
    days = delta.days
    if days <= 0:
        hours = max(int(delta.total_seconds() // 3600), 0)
        return _("just now") if hours == 0 else ngettext("%(num)d hour ago", "%(num)d hours ago", hours)
    return ngettext("%(num)d day ago", "%(num)d days ago", days)


def age(value: datetime | date | None) -> str:
    """How long something has been where it is: 'for 3 days', 'since today'."""
    if value is None:
        return ""
    start = as_utc(value).date() if isinstance(value, datetime) else value
    days = (today_utc() - start).days
    if days <= 0:
        return _("since today")
    return ngettext("for %(num)d day", "for %(num)d days", days)


def duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    hours = value.total_seconds() / 3600
    if hours < 48:
        return ngettext("%(num)d hour", "%(num)d hours", max(int(round(hours)), 0))
    return ngettext("%(num)d day", "%(num)d days", int(hours // 24))


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's name in itself) for the language switch."""
    return list(_language_names(tuple(current_app.config["BABEL_SUPPORTED_LOCALES"])))


@lru_cache(maxsize=8)
def _language_names(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    choices = []
    for code in codes:
        try:
            name = Locale.parse(code).get_display_name(code) or code
        except (ValueError, UnknownLocaleError):
            name = code
        choices.append((code, name[:1].upper() + name[1:]))
    return tuple(choices)


def country_name(country: Any, english: str = "") -> str:
    """A Country (or an alpha-2 code, with its stored English name) named in the user's language."""
    if country is None:
        return ""
    if isinstance(country, str):
        return territory_name(country, english or country)
    return territory_name(getattr(country, "alpha2", None), getattr(country, "name", "") or "")


def region_name(code: str | None, fallback: str = "") -> str:
    """A UN M49 region or sub-region (e.g. '143', Central Asia) in the user's language."""
    return territory_name(code, fallback)


# English dates are written day first ("2 Jan 2026", 24-hour times): Babel's "en" is American
# ("Jan 2, 2026, 3:04:05 PM"), which half the network reads the wrong way round when shortened.
ENGLISH_DATE = "d MMM y"
ENGLISH_TIME = "HH:mm"


def date_label(value: date | datetime | None) -> str:
    """A date in the user's language: '2 Jan 2026', '2 янв. 2026 г.'."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = as_utc(value).date()  # times are kept and shown in UTC
    return _day_text(value, current_locale_name())


def datetime_label(value: datetime | None) -> str:
    """A moment in the user's language, to the minute: '2 Jan 2026, 15:04', '2 янв. 2026 г., 15:04'."""
    if not value:
        return ""
    moment = as_utc(value)
    locale = current_locale_name()
    return f"{_day_text(moment.date(), locale)}, {_minute_text(moment.hour, moment.minute, locale)}"


# A page shows many dates and Babel takes ~30 µs to write each one; the text of a day (or a minute
# of the day) in a language never changes, so each is written once per process.
@lru_cache(maxsize=16384)
def _day_text(day: date, locale: str) -> str:
    english = Locale.parse(locale).language == "en"
    return babel_dates.format_date(day, ENGLISH_DATE if english else "medium", locale=locale)


@lru_cache(maxsize=8192)
def _minute_text(hour: int, minute: int, locale: str) -> str:
    english = Locale.parse(locale).language == "en"
    return babel_dates.format_time(time(hour, minute), ENGLISH_TIME if english else "short", locale=locale)


def number(value: int | float | None) -> str:
    """A count written the locale's way: '12,345' in English, '12 345' in Russian."""
    return "" if value is None else format_decimal(value)


def percent(value: int | float | None) -> str:
    """A whole percentage the locale's way: '86%' in English, '86 %' in Russian."""
    return "" if value is None else format_percent(value / 100)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        url_for=record_url_for,
        get_locale=get_locale,
        language_choices=language_choices,
        country_name=country_name,
        region_name=region_name,
        url_with=url_with,
        options=options,
        form_field=form_field,
        blank_form=blank_form,
        sort_url=sort_url,
        current_sort=current_sort,
        today=today_utc,
        **TEMPLATE_PREDICATES,
    )
    app.jinja_env.filters.update(
        date=date_label,
        datetime=datetime_label,
        number=number,
        percent=percent,
        due=due_label,
        ago=ago,
        duration=duration,
        age=age,
        country_name=country_name,
        region_name=region_name,
    )
