"""Names sorted as the reader's language expects: ICU collations on PostgreSQL, our own on SQLite.

A Russian reader expects the Russian alphabet (ё with е, й apart from и), then Latin names, with
case ignored. PostgreSQL does that with its ICU collations ("ru-x-icu"); SQLite has none, so each
SQLite connection gets two collations written here that order the same way:

- ``crm_cyrillic_first``: spaces and punctuation, digits, Cyrillic, Latin, then other scripts;
- ``crm_latin_first``: the same with Latin before Cyrillic (English and Latin-script languages).

Both compare the letters first (case and accents ignored, ё as е, қ as к), then the accents
(е before ё), then the case (lower before upper), as ICU does.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from functools import lru_cache
from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import text

RUSSIAN = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
LATIN = "abcdefghijklmnopqrstuvwxyz"
# Letters of the region's other Cyrillic alphabets, sorted with the Russian letter they extend.
CYRILLIC_BASE = {
    "ё": "е",
    "є": "е",
    "ә": "а",
    "ғ": "г",
    "ґ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "ў": "у",
    "ӯ": "у",
    "һ": "х",
    "ҳ": "х",
    "ҷ": "ч",
    "і": "и",
    "ї": "и",
    "ӣ": "и",
}
# Languages written in Cyrillic: their readers expect Cyrillic names first.
CYRILLIC_LANGUAGES = frozenset({"ru", "kk", "ky", "tg", "be", "uk", "bg", "mn", "sr", "mk"})
SQLITE_COLLATIONS = {True: "crm_cyrillic_first", False: "crm_latin_first"}


def _primary_table(cyrillic_first: bool) -> dict[str, str]:
    """Each base letter mapped to a code point that sorts in the wanted order."""
    cyrillic, latin = (0x1000, 0x1100) if cyrillic_first else (0x1100, 0x1000)
    table = {letter: chr(cyrillic + i) for i, letter in enumerate(RUSSIAN)}
    table.update({letter: chr(latin + i) for i, letter in enumerate(LATIN)})
    table.update({str(digit): chr(0x0800 + digit) for digit in range(10)})
    return table


_TABLES = {flag: _primary_table(flag) for flag in (True, False)}


def _base(char: str) -> tuple[str, str]:
    """(the letter without its accent, the accent) for one case-folded character."""
    if char in CYRILLIC_BASE:
        return CYRILLIC_BASE[char], char
    if char in RUSSIAN:  # й is a letter of its own, not и with a breve
        return char, ""
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0], decomposed[1:]


@lru_cache(maxsize=50_000)
def sort_key(value: str, cyrillic_first: bool = True) -> str:
    """A string that sorts names as ICU would: letters, then accents, then case (lower first).

    The three levels are joined with NUL, which sorts before every character a name holds, so
    one plain string comparison (fast, in C) does the whole job.
    """
    table = _TABLES[cyrillic_first]
    primary, accents = [], []
    for char in value.casefold():
        base, accent = _base(char)
        mapped = table.get(base)
        if mapped is None:  # punctuation keeps its place before digits; other scripts go last
            mapped = chr(min(0x2000 + ord(base), 0x10FFFF)) if base.isalnum() else base
        primary.append(mapped)
        accents.append(accent)
    return "\0".join(("".join(primary), "\1".join(accents), value.swapcase()))


def _compare(cyrillic_first: bool):
    def compare(left: str | None, right: str | None) -> int:
        a, b = sort_key(left or "", cyrillic_first), sort_key(right or "", cyrillic_first)
        return (a > b) - (a < b)

    return compare


def register_sqlite_collations(dbapi_connection: sqlite3.Connection, _record: Any = None) -> None:
    """Give a new SQLite connection the two name collations (SQLAlchemy "connect" listener)."""
    for cyrillic_first, name in SQLITE_COLLATIONS.items():
        dbapi_connection.create_collation(name, _compare(cyrillic_first))


_postgres_collations: dict[str, frozenset[str]] = {}


def _icu_collations(session: Any) -> frozenset[str]:
    """The ICU collations this PostgreSQL server has (read once per database)."""
    url = str(session.get_bind().engine.url)
    if url not in _postgres_collations:
        rows = session.execute(text("SELECT collname FROM pg_collation WHERE collprovider = 'i'"))
        _postgres_collations[url] = frozenset(row[0] for row in rows)
    return _postgres_collations[url]


def current_language() -> str:
    locale = get_locale() if has_request_context() else None
    return locale.language if locale is not None else "en"


def collation_for(language: str, session: Any) -> str | None:
    """The collation to order names by for readers of `language`, or None for the column's own."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_COLLATIONS[language in CYRILLIC_LANGUAGES]
    if dialect == "postgresql":
        available = _icu_collations(session)
        for name in (f"{language}-x-icu", "und-x-icu"):
            if name in available:
                return name
    return None


def name_order(written: Any, latin: Any = None, language: str | None = None) -> Any:
    """The expression to ORDER BY for a name sort in the user's language.

    English readers get the Latin form when there is one (`latin`), else the column as it is:
    plain indexed columns, so the index serves the sort. Everyone else gets the name as written
    in their collation, which no index serves: the database sorts the filtered rows.
    """
    from crm.extensions import db

    language = language or current_language()
    if language == "en":
        return written if latin is None else latin
    collation = collation_for(language, db.session)
    return written.collate(collation) if collation else written
