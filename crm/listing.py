"""List pages: filters from query parameters, allowlisted sorting, pagination."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, inspect, literal_column, select


@dataclass
class ListParams:
    """What a list page was asked for, read safely from the query string."""

    page: int = 1
    sort: str = ""
    descending: bool = False
    filters: dict[str, str] = field(default_factory=dict)

    def get_int(self, name: str) -> int | None:
        value = self.filters.get(name, "")
        return int(value) if value.isdigit() else None


def read_params(filter_names: tuple[str, ...], sorts: Mapping[str, Any], default_sort: str) -> ListParams:
    """Parse ?page, ?sort (with a leading '-' for descending) and the named filters."""
    args = request.args
    page_raw = args.get("page", "1")
    page = int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) < 1_000_000 else 1
    g.list_default_sort = default_sort  # so column headers know which way the page is sorted
    sort_raw = args.get("sort", default_sort)
    descending = sort_raw.startswith("-")
    sort = sort_raw.lstrip("-")
    if sort not in sorts:  # unknown sort keys fall back to the default, never reach SQL
        descending = default_sort.startswith("-")
        sort = default_sort.lstrip("-")
    filters = {name: args.get(name, "").strip()[:200] for name in filter_names if args.get(name, "").strip()}
    return ListParams(page=page, sort=sort, descending=descending, filters=filters)


@dataclass(frozen=True)
class ByName:
    """A sort by a name, resolved per request to the reader's collation (crm/collation.py).

    `written` is the name as written (any script); `latin`, if the table has one, its indexed
    Latin form, which English readers sort by.
    """

    written: Any
    latin: Any = None

    def expression(self) -> Any:
        from crm.collation import name_order

        return name_order(self.written, self.latin)


@dataclass(frozen=True)
class ByCountry:
    """A sort by country, in the order of the country names the reader sees (their language)."""

    code: Any  # the alpha-2 column

    def expression(self) -> Any:
        from crm.countries.services import country_order

        return country_order(self.code)


@dataclass(frozen=True)
class EmptyLast:
    """A sort by a column that may be empty (a due date): empty values last, whichever the direction.

    Databases disagree otherwise: SQLite puts NULL first going up, PostgreSQL last.
    """

    column: Any


def sort_expression(sort: Any) -> Any:
    """What to ORDER BY for one entry of a page's sorts: name sorts follow the user's language."""
    if isinstance(sort, EmptyLast):
        return sort.column
    return sort.expression() if isinstance(sort, ByName | ByCountry) else sort


def directed(sort: Any, descending: bool) -> Any:
    """One entry of a page's sorts as an ORDER BY term, in the direction asked for."""
    column = sort_expression(sort)
    ordered = column.desc() if descending else column.asc()
    return ordered.nulls_last() if isinstance(sort, EmptyLast) else ordered


def apply_sort(stmt: Select, params: ListParams, sorts: Mapping[str, Any], tiebreak: Any) -> Select:
    """Order by the allowlisted column, then by a unique column so pages are stable."""
    ordered = directed(sorts[params.sort], params.descending)
    return stmt.order_by(ordered, tiebreak.desc() if params.descending else tiebreak.asc())


class _PageOfIds(SelectPagination):
    """A page that finds its rows' ids first, then loads those rows with what they show.

    The statement selects a model (the page's items are its objects) or columns starting with the
    model's primary key (the items are rows).

    With OFFSET, the database builds every skipped row, joins included: page 50 of a list that
    also reads each contact's country and owner joined 1,250 rows to show 25. The ids alone come
    from an index, however deep the page.
    """

    def _query_items(self) -> list[Any]:
        stmt: Select = self._query_args["select"]
        first = stmt.column_descriptions[0]
        key = inspect(first["entity"]).primary_key[0]
        page = (
            stmt.with_only_columns(key, maintain_column_froms=True)
            .limit(self.per_page)
            .offset(self._query_offset)
            .subquery("page")
        )
        # Joined, not `IN (…)`: with IN, SQLite walks the whole filtered range again to keep the order.
        paged = stmt.join(page, key == page.c[key.key])
        if isinstance(first["expr"], type):  # select(Model): the objects
            return list(self._query_args["session"].execute(paged).unique().scalars())
        from crm.rows import rows

        return rows(paged)  # select(columns…): the rows


def paginate(stmt: Select, params: ListParams):
    """One page of results with its total (two statements)."""
    from crm.extensions import db

    pager = _PageOfIds(
        select=stmt,
        session=db.session(),
        page=params.page,
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
        count=False,
    )
    pager.total = count_rows(stmt)
    return pager


def count_rows(stmt: Select) -> int:
    """How many rows a list query returns, without selecting its columns.

    Counting over the whole entity would put even deferred (sensitive) columns in the subquery.
    """

    from crm.rows import rows

    matching = stmt.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)
    return rows(select(func.count()).select_from(matching.subquery()))[0][0] or 0


def contains(column: Any, text: str):
    """Case-insensitive 'contains' with LIKE wildcards in the user's text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
