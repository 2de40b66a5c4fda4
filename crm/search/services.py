"""One search box for contacts, organisations, inquiries and threads, in either script.

The hot path reads only the search index (crm.search.index), never a `LIKE '%…%'` over a table:
FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL. Each kind is ranked best first: an exact
name, e-mail or phone; then every word whole in a name; then word prefixes and other fields.
Contacts and organisations closer in length to the query come first; inquiries and threads newest
first. On SQLite each tier is read in that order and cut at the limit, so a common word costs no
more than a rare one; on PostgreSQL the hits of a kind are ranked by a top-N sort.
Four statements in all: one per kind (contacts and organisations with their country joined in).
"""

# SQL here is put together from constants of this module only; what users type is bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Integer, Select, select, text
from sqlalchemy.orm import contains_eager, load_only

from crm.extensions import db
from crm.models import Contact, Inquiry, Organisation, Thread
from crm.search import index
from crm.search.query import ParsedQuery, fts_expression, parse, ts_expression

PER_KIND = 10
MIN_LENGTH = 2
MAX_LENGTH = 200

# Each kind's model, the columns templates/search/index.html shows of it (the rest is not loaded),
# and whether its country (shown by name) is joined in.
_SHOWN = {
    index.CONTACT: (
        Contact,
        (Contact.full_name, Contact.name_latin, Contact.email, Contact.phone, Contact.country_code),
        True,
    ),
    index.ORGANISATION: (Organisation, (Organisation.name, Organisation.country_code), True),
    index.INQUIRY: (Inquiry, (Inquiry.sender_name, Inquiry.status, Inquiry.subject, Inquiry.message), False),
    index.THREAD: (Thread, (Thread.kind, Thread.title, Thread.stage), False),
}


@dataclass
class SearchResults:
    query: str
    contacts: list[Contact] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    inquiries: list[Inquiry] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.contacts) + len(self.organisations) + len(self.inquiries) + len(self.threads)


def ranked_sql(parsed: ParsedQuery, kind: int, limit: int, dialect: str) -> tuple[str, dict]:
    """The indexed query for one kind: ids with their tier and closeness, best first."""
    if dialect == "sqlite":
        return _sqlite_ranked(parsed, kind, limit)
    return _postgresql_ranked(parsed, kind, limit)


def _sqlite_ranked(parsed: ParsedQuery, kind: int, limit: int) -> tuple[str, dict]:
    """Each tier is a MATCH read in rowid order (best first: index.KIND_SPAN), stopped at its LIMIT.

    Tier 0: the exact name key (its words from the start of the key, and a key of the same length)
    or an exact e-mail or phone; tier 1: every word whole in a name; tier 2: word prefixes anywhere.
    Each later tier may repeat the rows of the earlier ones, so it reads that many more.
    """
    low = kind * index.KIND_SPAN
    params: dict = {"low": low, "high": low + index.KIND_SPAN, "n": limit, "n2": 2 * limit, "n3": 3 * limit}
    params |= {"any": fts_expression(parsed), "whole": fts_expression(parsed, prefix=False, names_only=True)}
    in_kind = "rowid >= :low AND rowid < :high"
    tiers = [
        f"SELECT rowid, 1 AS tier FROM search_fts WHERE search_fts MATCH :whole AND {in_kind}"  # nosec B608
        " ORDER BY rowid LIMIT :n2",
        f"SELECT rowid, 2 AS tier FROM search_fts WHERE search_fts MATCH :any AND {in_kind}"  # nosec B608
        " ORDER BY rowid LIMIT :n3",
    ]
    key_words = parsed.key.split()
    if key_words and kind in (index.CONTACT, index.ORGANISATION):
        closeness = min(len(parsed.key), index.MAX_CLOSENESS)
        params |= {
            "exact": '{key} : ^"' + " ".join(key_words) + '"',
            "exact_low": low + closeness * index.ID_SPAN,
            "exact_high": low + (closeness + 1) * index.ID_SPAN,
        }
        tiers.append(
            "SELECT rowid, 0 AS tier FROM search_fts WHERE search_fts MATCH :exact"
            " AND rowid >= :exact_low AND rowid < :exact_high ORDER BY rowid LIMIT :n"
        )
    if parsed.needles:  # e-mail and phone queries match few rows: checking each is cheap
        found = " OR ".join(f"instr(exact, :needle_{n}) > 0" for n in range(len(parsed.needles)))
        params |= {f"needle_{n}": f"|{needle}|" for n, needle in enumerate(parsed.needles)}
        tiers.append(
            f"SELECT rowid, 0 AS tier FROM search_fts WHERE search_fts MATCH :any AND {in_kind}"  # nosec B608
            f" AND ({found}) ORDER BY rowid LIMIT :n"
        )
    union = " UNION ALL ".join(f"SELECT * FROM ({tier})" for tier in tiers)  # nosec B608
    newest = kind in (index.INQUIRY, index.THREAD)
    record = f"{index.ID_SPAN - 1} - rowid % {index.ID_SPAN}" if newest else f"rowid % {index.ID_SPAN}"
    sql = (
        f"SELECT {record} AS id, min(tier) AS tier, rowid AS closeness FROM ({union})"  # nosec B608
        " GROUP BY rowid ORDER BY min(tier), rowid LIMIT :n"
    )
    return sql, params


def _postgresql_ranked(parsed: ParsedQuery, kind: int, limit: int) -> tuple[str, dict]:
    """One GIN lookup per kind, its hits ranked by tier then closeness (a top-N sort).

    Tiers as on SQLite. Cutting each tier at its limit in (kind, closeness) order, as SQLite does,
    misled the planner here: with no statistics on a prefix it expects many hits, walks the
    ordered index and reads the whole kind when there are none.
    """
    params: dict = {"limit": limit, "any": ts_expression(parsed)}
    params["whole"] = ts_expression(parsed, prefix=False, names_only=True)
    exact = ["false"]
    if parsed.key and kind in (index.CONTACT, index.ORGANISATION):
        params["exact_key"] = parsed.key
        exact.append("key = :exact_key")
    for n, needle in enumerate(parsed.needles):
        params[f"needle_{n}"] = f"|{needle}|"
        exact.append(f"strpos(exact, :needle_{n}) > 0")
    # The kind is one of four constants, written in so the planner sees it.
    sql = (
        f"SELECT record_id AS id, CASE WHEN {' OR '.join(exact)} THEN 0"  # nosec B608
        " WHEN document @@ to_tsquery('simple', :whole) THEN 1 ELSE 2 END AS tier, closeness"
        f" FROM search_documents WHERE kind = {int(kind)} AND document @@ to_tsquery('simple', :any)"
        " ORDER BY tier, closeness, record_id LIMIT :limit"
    )
    return sql, params


def _found(parsed: ParsedQuery, kind: int, limit: int) -> list:
    """The hits of one kind, best first, with only the columns the page shows loaded."""
    sql, params = ranked_sql(parsed, kind, limit, db.session.get_bind().dialect.name)
    return list(db.session.scalars(_statement(kind, sql), params))


@lru_cache(maxsize=256)
def _statement(kind: int, sql: str) -> Select:
    """The ORM statement around one ranked SQL text, built once per process and shape of query.

    What was typed is only in the parameters, so a statement is the same for every query of its
    shape: reusing it saves building it, its bind parameters and its cache key on each search.
    """
    model, shown, country = _SHOWN[kind]
    hits = text(sql).columns(id=Integer, tier=Integer, closeness=Integer).subquery("hits")
    statement = select(model).join(hits, model.id == hits.c.id)
    options = [load_only(*shown)]
    if country:  # joined in: its name is shown, and that saves a statement
        statement = statement.outerjoin(model.country)
        options.append(contains_eager(model.country))
    if hasattr(model, "live"):  # the index holds live records only; this keeps it so if it ever lagged
        statement = statement.where(model.live())
    return statement.order_by(hits.c.tier, hits.c.closeness, hits.c.id).options(*options)


def search(text: str, limit: int = PER_KIND) -> SearchResults:
    """What matches `text`, grouped by kind, best first."""
    text = " ".join((text or "").split())[:MAX_LENGTH]
    results = SearchResults(query=text)
    if len(text) < MIN_LENGTH:
        return results
    parsed = parse(text)
    if parsed.empty:
        return results
    results.contacts = _found(parsed, index.CONTACT, limit)
    results.organisations = _found(parsed, index.ORGANISATION, limit)
    results.inquiries = _found(parsed, index.INQUIRY, limit)
    results.threads = _found(parsed, index.THREAD, limit)
    return results
