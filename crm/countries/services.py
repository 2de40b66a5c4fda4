"""Countries: loaded from pycountry and the committed UN M49 table, never typed in."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from sqlalchemy import select

from crm.extensions import db
from crm.models import Country

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
        names = [code, country.alpha_3, country.name, getattr(country, "common_name", ""),
                 getattr(country, "official_name", ""), ru.get(code, ""), en.get(code, "")]
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


def country_choices() -> list[tuple[str, str]]:
    """(alpha2, name) for select boxes, sorted by name."""
    rows = db.session.execute(select(Country.alpha2, Country.name).order_by(Country.name))
    return [(code, name) for code, name in rows]


def regions() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(region_code, region, [(subregion_code, subregion), ...]), ...] present in the table."""
    rows = db.session.execute(
        select(Country.region_code, Country.region, Country.subregion_code, Country.subregion)
        .where(Country.region_code.is_not(None))
        .distinct()
        .order_by(Country.region, Country.subregion)
    )
    grouped: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for region_code, region, sub_code, sub in rows:
        grouped.setdefault((region_code, region), [])
        if sub_code and (sub_code, sub) not in grouped[(region_code, region)]:
            grouped[(region_code, region)].append((sub_code, sub))
    return [(code, name, subs) for (code, name), subs in grouped.items()]


def region_filter_options() -> list[tuple[str, str]]:
    """Choices for a 'region' filter: regions, then their sub-regions indented."""
    options: list[tuple[str, str]] = []
    for code, name, subs in regions():
        options.append((code, name))
        options.extend((sub_code, f"— {sub}") for sub_code, sub in subs)
    return options


def region_condition(column_country_code, region_code: str):
    """SQL condition: the country column lies in this M49 region or sub-region."""
    in_region = select(Country.alpha2).where(
        (Country.region_code == region_code) | (Country.subregion_code == region_code)
    )
    return column_country_code.in_(in_region)
