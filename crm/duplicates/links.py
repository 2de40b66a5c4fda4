"""Every link to a contact or organisation, found from the schema, and moving them to another record.

Links are discovered from db.metadata (every foreign key that references the table's id), so a
link table added later is moved by a merge without any change here. Rows that would become
duplicates under a unique constraint or a composite primary key (the same tag twice, the same
list twice) are dropped and reported; so are identical rows in COLLAPSE_IDENTICAL tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import (
    Column,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    select,
    update,
)

from crm.extensions import db

# Tables whose rows are links with details rather than records of their own: a row identical to
# one the survivor already has (same organisation, position and dates) is one link, not two.
COLLAPSE_IDENTICAL = frozenset({"affiliations"})


@dataclass(frozen=True)
class Link:
    table: Table
    column: Column

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"


@dataclass
class Moved:
    """What a merge did to the links: rows moved and rows dropped as duplicates, per link."""

    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def dropped_count(self) -> int:
        return sum(len(rows) for rows in self.dropped.values())


def links_to(target: Table) -> list[Link]:
    """Every (table, column) whose foreign key references target.id, in a stable order."""
    found = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is target and fk.column.name == "id":
                found.append(Link(table, fk.parent))
    return sorted(found, key=lambda link: link.name)


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a column value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: plain(row._mapping[c]) for c in table.columns}


def linked_rows(link: Link, record_id: int) -> list[dict[str, Any]]:
    """The rows of `link` that point at record_id, every column, in key order."""
    order = list(link.table.primary_key.columns) or list(link.table.columns)
    rows = db.session.execute(select(link.table).where(link.column == record_id).order_by(*order))
    return [_row(link.table, row) for row in rows]


def _unique_sets(link: Link) -> list[list[Column]]:
    """The other columns of each unique set (constraint, index or composite key) containing the link's column."""
    sets = []
    for constraint in link.table.constraints:
        if isinstance(constraint, (UniqueConstraint, PrimaryKeyConstraint)):
            columns = list(constraint.columns)
            if link.column in columns and not (
                isinstance(constraint, PrimaryKeyConstraint) and len(columns) == 1
            ):
                sets.append([c for c in columns if c is not link.column])
    for index in link.table.indexes:
        if index.unique and link.column in list(index.columns):
            sets.append([c for c in index.columns if c is not link.column])
    if link.table.name in COLLAPSE_IDENTICAL:
        skip = set(link.table.primary_key.columns) | {link.column}
        sets.append([c for c in link.table.columns if c not in skip])
    return sets


def _drop_clashes(link: Link, loser_id: int, survivor_id: int) -> list[dict[str, Any]]:
    """Delete the loser's rows that the survivor already has (by each unique set); return them."""
    dropped: list[dict[str, Any]] = []
    for others in _unique_sets(link):
        twin = link.table.alias("twin")
        same = [twin.c[link.column.name] == survivor_id]
        same += [(twin.c[c.name] == c) | (twin.c[c.name].is_(None) & c.is_(None)) for c in others]
        clash = and_(link.column == loser_id, exists(select(1).select_from(twin).where(*same)))
        rows = db.session.execute(select(link.table).where(clash)).all()
        if rows:
            dropped.extend(_row(link.table, row) for row in rows)
            db.session.execute(delete(link.table).where(clash))
    return dropped


def move_links(target: Table, loser_id: int, survivor_id: int) -> Moved:
    """Point every link at loser_id to survivor_id, dropping rows that would be duplicates."""
    result = Moved()
    for link in links_to(target):
        if dropped := _drop_clashes(link, loser_id, survivor_id):
            result.dropped[link.name] = dropped
        statement = update(link.table).where(link.column == loser_id).values({link.column.name: survivor_id})
        if (
            link.table is target
        ):  # merged_into_id: records merged into the loser follow it, the loser stays put
            statement = statement.where(target.c.id != loser_id)
        moved = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
        if moved:
            result.moved[link.name] = moved
    return result


def links_snapshot(target: Table, record_id: int) -> dict[str, list[Any]]:
    """Every link to the record: ids for rows with their own id, whole rows for the rest."""
    snapshot: dict[str, list[Any]] = {}
    for link in links_to(target):
        rows = linked_rows(link, record_id)
        if link.table is target:
            rows = [r for r in rows if r["id"] != record_id]
        if not rows:
            continue
        own_id = [c.name for c in link.table.primary_key.columns] == ["id"]
        snapshot[link.name] = (
            [r["id"] for r in rows] if own_id and link.table.name not in COLLAPSE_IDENTICAL else rows
        )
    return snapshot


def record_snapshot(target: Table, record_id: int) -> dict[str, Any]:
    """Every column of the record (sensitive ones included: the audit must allow an undo)."""
    row = db.session.execute(select(target).where(target.c.id == record_id)).one()
    return _row(target, row)
