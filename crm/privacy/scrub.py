"""Finding and replacing one person's identifiers (name, e-mail, phone) in any text or JSON column.

`scrub_everywhere` walks every table of `db.metadata`, so tables added later (version history,
merge logs, ...) are covered without being named here. The database only pre-selects candidate
rows with LIKE; the replacement itself is done here, on whole words, so "Ali" never eats "Alice".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import JSON, Enum, String, Table, Text, cast, or_, select, update

from crm.extensions import db

ERASED = "[erased]"
# Shorter identifiers are only removed from the person's own records, never across the database.
MIN_NEEDLE = 4

Protected = Callable[[str, Mapping[str, Any]], bool]


class Scrubber:
    """Replaces each of `needles` (any case, whole words only) with ERASED."""

    def __init__(self, needles: Iterable[str]) -> None:
        cleaned = {" ".join(n.split()) for n in needles if n and n.strip()}
        self.needles = sorted(cleaned, key=len, reverse=True)
        alternatives = "|".join(_flexible(n) for n in self.needles)
        self.pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if self.needles else None
        )

    def text(self, value: str) -> str:
        return self.pattern.sub(ERASED, value) if self.pattern and value else value

    def value(self, value: Any) -> Any:
        """A JSON value with every string in it scrubbed (keys are field names and stay)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value


def _flexible(needle: str) -> str:
    """The needle as a pattern in which any run of spaces matches any run of spaces."""
    return r"\s+".join(re.escape(word) for word in needle.split())


def _like_variants(needle: str, is_json: bool) -> set[str]:
    """Forms the text may take in storage: as is, lower case (SQLite folds only ASCII), JSON-escaped."""
    variants = {needle} if needle.isascii() else {needle, needle.lower()}
    if is_json:
        variants |= {json.dumps(v)[1:-1] for v in list(variants)}
    return variants


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_columns(table: Table) -> list[Any]:
    return [
        column
        for column in table.columns
        if isinstance(column.type, (String, Text, JSON)) and not isinstance(column.type, Enum)
    ]


def _candidates(columns: list[Any], needles: list[str], dialect: str) -> list[Any]:
    """LIKE conditions that pre-select rows which may mention a needle (Python decides for sure).

    SQLite's LIKE already ignores ASCII case, so it needs no lower() (which would be computed again
    for every pattern); PostgreSQL has ILIKE. Only non-ASCII text needs its lower-case spelling too.
    """
    conditions = []
    for column in columns:
        is_json = isinstance(column.type, JSON)
        target = cast(column, Text) if is_json else column
        variants = {variant for needle in needles for variant in _like_variants(needle, is_json)}
        variants = {variant.lower() if variant.isascii() else variant for variant in variants}
        for variant in sorted(variants):
            pattern = f"%{_escape_like(variant)}%"
            if dialect == "sqlite":
                conditions.append(target.like(pattern, escape="\\"))
            else:
                conditions.append(target.ilike(pattern, escape="\\"))
    return conditions


def scrub_everywhere(
    scrubber: Scrubber, protected: Protected, skip_tables: set[str], skip_columns: dict[str, set[str]]
) -> dict[str, int]:
    """Scrub every text/JSON column of every table but those skipped; returns {table: rows changed}.

    `skip_columns` are other people's own identity columns (a namesake's name is theirs to keep),
    which the caller has already dealt with for the person erased.
    """
    needles = [n for n in scrubber.needles if len(n) >= MIN_NEEDLE]
    if not needles:
        return {}
    wide = Scrubber(needles)
    dialect = db.session.get_bind().dialect.name
    changed: dict[str, int] = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in _text_columns(table) if c.name not in skip_columns.get(table.name, set())]
        keys = list(table.primary_key.columns)
        if table.name in skip_tables or not columns or not keys:
            continue
        conditions = _candidates(columns, needles, dialect)
        rows = db.session.execute(select(table).where(or_(*conditions))).mappings().all()
        for row in rows:
            if protected(table.name, row):
                continue
            values = {column.name: wide.value(row[column.name]) for column in columns}
            values = {name: value for name, value in values.items() if value != row[name]}
            if values:
                db.session.execute(
                    update(table).where(*(key == row[key.name] for key in keys)).values(**values)
                )
                changed[table.name] = changed.get(table.name, 0) + 1
    return changed
