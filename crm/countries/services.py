"""Countries: loaded from pycountry and the committed UN M49 table, never typed in."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from crm.collation import CYRILLIC_LANGUAGES, current_language, name_order, sort_key
from crm.extensions import db
from crm.listing import count_rows
from crm.models import Contact, Country, Inquiry, Organisation, Thread, thread_countries
from crm.rows import rows

M49_TABLE = Path(__file__).with_name("m49.csv")

# Spellings people actually write that neither pycountry nor Babel knows.
VARIANTS = {
    "kyrgyz republic": "KG",
    "kirghizia": "KG",
    "киргизия": "KG",
    "кыргызстан": "KG",
    "kazakstan": "KZ",
    "uzbekistan": "UZ",
    "tadjikistan": "TJ",
    "turkmenia": "TM",
    "туркмения": "TM",
    "burma": "MM",
    "бирма": "MM",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "vietnam": "VN",
    "laos": "LA",
    "iran": "IR",
    "syria": "SY",
    "moldova": "MD",
    "uk": "GB",
    "united kingdom": "GB",
    "usa": "US",
    "united states": "US",
    "сша": "US",
    "east timor": "TL",
    "timor leste": "TL",
    # Seen in import files: Central Asian spellings in Latin, Russian and the national languages.
    "kyrgyzia": "KG",
    "kirgizstan": "KG",
    "kirghizstan": "KG",
    "кыргыз республикасы": "KG",
    "кыргызская республика": "KG",
    "киргизская республика": "KG",
    "qazaqstan": "KZ",
    "қазақстан": "KZ",
    "республика казахстан": "KZ",
    "қазақстан республикасы": "KZ",
    "uzbekiston": "UZ",
    "o'zbekiston": "UZ",
    "o‘zbekiston": "UZ",
    "ўзбекистон": "UZ",
    "республика узбекистан": "UZ",
    "tojikiston": "TJ",
    "тоҷикистон": "TJ",
    "республика таджикистан": "TJ",
    "türkmenistan": "TM",
    "российская федерация": "RU",
    "рф": "RU",
    "белоруссия": "BY",
    "тайланд": "TH",
    "мьянма": "MM",
    "lao pdr": "LA",
    "kampuchea": "KH",
    "republic of korea": "KR",
    "prc": "CN",
    "hong kong sar": "HK",
    "macau": "MO",
    "palestine": "PS",
    "палестина": "PS",
    "turkey": "TR",
    "ivory coast": "CI",
    "uae": "AE",
    "оаэ": "AE",
    "u.s.a.": "US",
}


def _m49_rows() -> dict[str, dict[str, str]]:
    with M49_TABLE.open(encoding="utf-8") as handle:
        return {row["alpha2"]: row for row in csv.DictReader(handle)}


def country_records() -> list[dict[str, str | None]]:
    """Every ISO 3166-1 country with its M49 region and sub-region."""
    m49 = _m49_rows()
    records = []
    for country in pycountry.countries:
        row = m49.get(country.alpha_2, {})
        records.append(
            {
                "alpha2": country.alpha_2,
                "alpha3": country.alpha_3,
                "name": getattr(country, "common_name", None) or country.name,
                "m49": row.get("m49") or None,
                "region_code": row.get("region_code") or None,
                "region": row.get("region") or None,
                "subregion_code": row.get("subregion_code") or None,
                "subregion": row.get("subregion") or None,
            }
        )
    return records


def load_countries() -> int:
    """Insert or refresh all countries; safe to run again. Returns how many there are."""
    existing = {c.alpha2: c for c in db.session.scalars(select(Country))}
    records = country_records()
    for record in records:
        country = existing.get(record["alpha2"])
        if country is None:
            db.session.add(Country(**record))
        else:
            for key, value in record.items():
                setattr(country, key, value)
    db.session.flush()
    return len(records)


def _key(text: str) -> str:
    return " ".join(text.replace(".", " ").replace("-", " ").replace(",", " ").split()).casefold()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    ru = Locale("ru").territories
    en = Locale("en").territories
    for country in pycountry.countries:
        code = country.alpha_2
        names = [
            code,
            country.alpha_3,
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
            ru.get(code, ""),
            en.get(code, ""),
        ]
        for name in names:
            if name:
                table.setdefault(_key(name), code)
    for variant, code in VARIANTS.items():
        table[_key(variant)] = code
    return table


def resolve_country(text: str | None) -> str | None:
    """The alpha-2 code for a country as someone wrote it (English, Russian, ISO code), or None."""
    if not text or not text.strip():
        return None
    return _lookup().get(_key(text))


def territory_name(code: str | None, fallback: str = "") -> str:
    """A country (alpha-2) or M49 region code named in the current language; `fallback` else.

    Outside a request, or in English, the stored (English) name is kept as it is.
    """
    return _territory_in(get_locale() if has_request_context() else None, code, fallback)


def _territory_in(locale: Locale | None, code: str | None, fallback: str) -> str:
    if not code:
        return fallback
    if locale is None or locale.language == "en":
        return fallback or str(code)
    return locale.territories.get(str(code).upper(), fallback or str(code))


def _sort_key(text: str):
    return sort_key(text, current_language() in CYRILLIC_LANGUAGES)


def _reader() -> Locale | None:
    return get_locale() if has_request_context() else None


def country_order(code_column):
    """ORDER BY expression: countries in the order of their names in the user's language.

    In English the stored name is that name; other languages rank the codes by Babel's names.
    """
    # Its own countries table, even when the list already joins the countries (no correlation).
    english = (
        select(Country.name).where(Country.alpha2 == code_column).correlate_except(Country).scalar_subquery()
    )
    if current_language() == "en":
        return english
    codes = [code for code, _name in country_choices()]
    return case({code: rank for rank, code in enumerate(codes)}, value=code_column, else_=len(codes))


def country_choices() -> list[tuple[str, str]]:
    """(alpha2, name) for select boxes, named in the user's language and sorted by that name."""
    return list(_named_countries(tuple((code, name) for code, name in rows(_COUNTRY_ROWS)), _reader()))


_COUNTRY_ROWS = select(Country.alpha2, Country.name).order_by(Country.name)


# Naming and sorting ~250 countries takes a few ms; the result depends only on the table's rows
# (read on every call, so a changed table is seen at once) and the reader's language.
@lru_cache(maxsize=32)
def _named_countries(
    table: tuple[tuple[str, str], ...], locale: Locale | None
) -> tuple[tuple[str, str], ...]:
    cyrillic_first = locale is not None and locale.language in CYRILLIC_LANGUAGES
    choices = [(code, _territory_in(locale, code, name)) for code, name in table]
    return tuple(sorted(choices, key=lambda choice: sort_key(choice[1], cyrillic_first)))


def _region_rows() -> tuple[tuple[str, str, str, str], ...]:
    return tuple((code, name, sub_code, sub) for code, name, sub_code, sub in rows(_REGION_ROWS))


_REGION_ROWS = (
    select(Country.region_code, Country.region, Country.subregion_code, Country.subregion)
    .where(Country.region_code.is_not(None))
    .distinct()
    .order_by(Country.region, Country.subregion)
)


@lru_cache(maxsize=32)
def _grouped_regions(table: tuple[tuple[str, str, str, str], ...]) -> tuple[tuple[str, str, tuple], ...]:
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for region_code, region, sub_code, sub in table:
        grouped.setdefault((region_code, region), [])
        if sub_code and (sub_code, sub) not in grouped[(region_code, region)]:
            grouped[(region_code, region)].append((sub_code, sub))
    return tuple((code, name, tuple(subs)) for (code, name), subs in grouped.items())


def region_filter_options() -> list[tuple[str, str]]:
    """Choices for a 'region' filter: regions, then their sub-regions indented (user's language)."""
    return list(_region_options(_grouped_regions(_region_rows()), _reader()))


@lru_cache(maxsize=32)
def _region_options(
    grouped: tuple[tuple[str, str, tuple], ...], locale: Locale | None
) -> tuple[tuple[str, str], ...]:
    cyrillic_first = locale is not None and locale.language in CYRILLIC_LANGUAGES
    options: list[tuple[str, str]] = []
    named = [(code, _territory_in(locale, code, name), subs) for code, name, subs in grouped]
    for code, name, subs in sorted(named, key=lambda region: sort_key(region[1], cyrillic_first)):
        options.append((code, name))
        subregions = [(sub_code, _territory_in(locale, sub_code, sub)) for sub_code, sub in subs]
        subregions.sort(key=lambda item: sort_key(item[1], cyrillic_first))
        options.extend((sub_code, f"— {sub}") for sub_code, sub in subregions)
    return tuple(options)


def region_condition(column_country_code, region_code: str):
    """SQL condition: the country column lies in this M49 region or sub-region."""
    in_region = select(Country.alpha2).where(
        (Country.region_code == region_code) | (Country.subregion_code == region_code)
    )
    return column_country_code.in_(in_region)


# --- Country pages -------------------------------------------------------------------------------


@dataclass
class CountryActivity:
    """How much the network has to do with one country."""

    contacts: int = 0
    organisations: int = 0
    threads: int = 0

    @property
    def any(self) -> bool:
        return bool(self.contacts or self.organisations or self.threads)


@dataclass
class SubregionGroup:
    code: str
    name: str
    countries: list[tuple[Country, CountryActivity]] = field(default_factory=list)


@dataclass
class RegionGroup:
    code: str
    name: str
    subregions: list[SubregionGroup] = field(default_factory=list)

    @property
    def country_count(self) -> int:
        return sum(len(sub.countries) for sub in self.subregions)


def _counts_by_country(column, *conditions) -> dict[str, int]:
    rows = db.session.execute(
        select(column, func.count()).where(column.is_not(None), *conditions).group_by(column)
    )
    return {code: count for code, count in rows}


def country_activity() -> dict[str, CountryActivity]:
    """Contacts, organisations and threads per country: three grouped queries, whatever the size."""
    contacts = _counts_by_country(Contact.country_code, Contact.live())
    organisations = _counts_by_country(Organisation.country_code, Organisation.live())
    threads = _counts_by_country(thread_countries.c.country_code)
    return {
        code: CountryActivity(contacts.get(code, 0), organisations.get(code, 0), threads.get(code, 0))
        for code in contacts.keys() | organisations.keys() | threads.keys()
    }


def is_region_code(code: str) -> bool:
    return any(code == value for value, _label in region_filter_options())


def countries_by_region(region_code: str | None = None, with_activity: bool = False) -> list[RegionGroup]:
    """Countries grouped by M49 region and sub-region, each with its activity counts.

    `region_code` may name a region or a sub-region; countries without a region
    (Antarctica) come last under an empty code.
    """
    stmt = select(Country).order_by(Country.region, Country.subregion, Country.name)
    if region_code:
        stmt = stmt.where((Country.region_code == region_code) | (Country.subregion_code == region_code))
    activity = country_activity()
    groups: dict[str, RegionGroup] = {}
    for country in db.session.scalars(stmt):
        counts = activity.get(country.alpha2, CountryActivity())
        if with_activity and not counts.any:
            continue
        region = groups.setdefault(
            country.region_code or "", RegionGroup(country.region_code or "", country.region or "")
        )
        if not region.subregions or region.subregions[-1].code != (country.subregion_code or ""):
            region.subregions.append(SubregionGroup(country.subregion_code or "", country.subregion or ""))
        region.subregions[-1].countries.append((country, counts))
    for region in groups.values():  # named and sorted in the user's language
        region.name = territory_name(region.code, region.name)
        for sub in region.subregions:
            sub.name = territory_name(sub.code, sub.name)
            sub.countries.sort(key=lambda item: _sort_key(territory_name(item[0].alpha2, item[0].name)))
        region.subregions.sort(key=lambda sub: (sub.code == "", _sort_key(sub.name)))
    return sorted(groups.values(), key=lambda group: (group.code == "", _sort_key(group.name)))


def country_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Country)) or 0


@dataclass
class CountryPage:
    """What one country's page lists, each list capped at `limit` with its full total."""

    contacts: list[Contact]
    organisations: list[Organisation]
    threads: list[Thread]
    inquiries: list[Inquiry]
    totals: dict[str, int]
    limit: int


def _capped(stmt, limit: int) -> tuple[list, int]:
    return list(db.session.scalars(stmt.limit(limit))), count_rows(stmt)


def country_page(country: Country, limit: int = 50) -> CountryPage:
    """The contacts, organisations, threads and inquiries of one country (no query per row)."""
    code = country.alpha2
    contacts, n_contacts = _capped(
        select(Contact)
        .where(Contact.country_code == code, Contact.live())
        .order_by(name_order(Contact.full_name, Contact.name_latin), Contact.id),
        limit,
    )
    organisations, n_organisations = _capped(
        select(Organisation)
        .where(Organisation.country_code == code, Organisation.live())
        .order_by(name_order(Organisation.name, Organisation.name_latin), Organisation.id),
        limit,
    )
    threads, n_threads = _capped(
        select(Thread)
        .join(thread_countries, thread_countries.c.thread_id == Thread.id)
        .where(thread_countries.c.country_code == code)
        .options(selectinload(Thread.owner))
        .order_by(Thread.opened_on.desc(), Thread.id.desc()),
        limit,
    )
    inquiries, n_inquiries = _capped(
        select(Inquiry)
        .where(Inquiry.country_code == code)
        .options(selectinload(Inquiry.event))
        .order_by(Inquiry.received_at.desc(), Inquiry.id.desc()),
        limit,
    )
    totals = {
        "contacts": n_contacts,
        "organisations": n_organisations,
        "threads": n_threads,
        "inquiries": n_inquiries,
    }
    return CountryPage(contacts, organisations, threads, inquiries, totals, limit)
