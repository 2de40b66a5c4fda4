"""Trigram indexes for the lists' "contains …" text filters: contacts, organisations, inquiries, threads.

A list's text filter matches any part of a name ("galiev" finds "Nurgalieva"), unlike the search
box, which matches words from their start. Testing `LIKE '%…%'` on every row cost ~100 ms a
statement at 100,000 contacts, twice a page (the rows and the total); 46–200 ms a page on the
inquiry, organisation and thread lists.

- SQLite: an FTS5 table per list with the trigram tokenizer (one row per record, rowid = its id),
  kept in step by triggers like the search index (crm.search.index). It finds a substring of
  three characters or more, ignoring case in every script; shorter text is tested with LIKE as
  before (a trigram index cannot help).
- PostgreSQL: pg_trgm GIN indexes on the same columns, which serve the filters' ILIKE conditions
  as they are written; their SQL does not change.

Like the search index they live outside the ORM metadata (`create_all` builds them through
crm.search.index's listeners, migrations through `install()`), and each version is frozen under
its own number: version 1 is the contact list's (migration 0016), version 2 adds the other three
(migration 0018).
"""

# SQL here is put together from constants of this module only; what users type is bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, column, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from crm.extensions import db

log = logging.getLogger(__name__)

MIN_LENGTH = 3  # a trigram index finds nothing shorter
INDEX_SUFFIX = "_trgm"


@dataclass(frozen=True)
class Target:
    """One list's text: the table, the FTS table, and its columns (FTS column -> the table's column)."""

    table: str
    fts: str
    columns: tuple[tuple[str, str], ...]

    def sqlite(self) -> tuple[list[str], list[str], list[str]]:
        def values(r: str) -> str:
            return ", ".join(f"coalesce({r}.{source}, '')" for _name, source in self.columns)

        names = ", ".join(name for name, _source in self.columns)
        insert = f"INSERT INTO {self.fts} (rowid, {names})"
        watched = ", ".join(source for _name, source in self.columns)
        create = [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts} USING fts5({names}, tokenize = 'trigram')",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts}_insert AFTER INSERT ON {self.table} BEGIN"
            f" {insert} VALUES (new.id, {values('new')}); END",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts}_update AFTER UPDATE OF id, {watched} ON {self.table} BEGIN"  # nosec B608
            f" DELETE FROM {self.fts} WHERE rowid = old.id; {insert} VALUES (new.id, {values('new')}); END",
            f"CREATE TRIGGER IF NOT EXISTS {self.fts}_delete AFTER DELETE ON {self.table} BEGIN"  # nosec B608
            f" DELETE FROM {self.fts} WHERE rowid = old.id; END",
        ]
        backfill = [f"{insert} SELECT id, {values(self.table)} FROM {self.table}"]  # nosec B608
        drop = [f"DROP TRIGGER IF EXISTS {self.fts}_{op}" for op in ("insert", "update", "delete")]
        return create, backfill, [*drop, f"DROP TABLE IF EXISTS {self.fts}"]

    def postgresql(self) -> tuple[list[str], list[str], list[str]]:
        # The columns the list's filter tests with ILIKE: a trigram index serves ILIKE on the column itself.
        indexes = {f"ix_{self.table}_{source}{INDEX_SUFFIX}": source for _name, source in self.columns}
        create = [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            *(
                f"CREATE INDEX IF NOT EXISTS {name} ON {self.table} USING gin ({source} gin_trgm_ops)"
                for name, source in indexes.items()
            ),
        ]
        # The extension stays: other objects of the database may use it, and dropping it needs its owner.
        return create, [], [f"DROP INDEX IF EXISTS {name}" for name in indexes]

    def statements(self, dialect: str) -> tuple[list[str], list[str], list[str]]:
        """(create, fill, drop) statements for the dialect."""
        return self.sqlite() if dialect == "sqlite" else self.postgresql()


CONTACTS = Target(
    "contacts",
    "contact_text_fts",
    (("full_name", "full_name"), ("name_latin", "name_latin"), ("email", "email_normalized")),
)
ORGANISATIONS = Target(
    "organisations", "organisation_text_fts", (("name", "name"), ("name_latin", "name_latin"))
)
INQUIRIES = Target(
    "inquiries",
    "inquiry_text_fts",
    (
        ("sender_name", "sender_name"),
        ("sender_email", "sender_email"),
        ("sender_organisation", "sender_organisation"),
        ("subject", "subject"),
    ),
)
THREADS = Target("threads", "thread_text_fts", (("title", "title"),))

# Frozen: a migration installs a version by its number; a change is a new version and a new migration.
VERSIONS: dict[int, tuple[Target, ...]] = {1: (CONTACTS,), 2: (CONTACTS, ORGANISATIONS, INQUIRIES, THREADS)}
CURRENT = 2
# Names the indexes' own objects start with, for Alembic's autogenerate to leave alone
# (crm.search.index.include_name): the FTS tables with their shadow tables; PostgreSQL's end in INDEX_SUFFIX.
PREFIXES = tuple(target.fts for target in VERSIONS[CURRENT])


def _targets(version: int, tables: tuple[str, ...] | None) -> list[Target]:
    return [target for target in VERSIONS[version] if tables is None or target.table in tables]


def install(connection: Connection, version: int = CURRENT, tables: tuple[str, ...] | None = None) -> None:
    """Create the indexes (and triggers) of a version, or of some of its tables, and fill them.

    On PostgreSQL a database user who may not add pg_trgm (PostgreSQL 12 and older need a superuser;
    13 and later the right to create in the database), or a pg_trgm the indexes cannot reach, gets
    a warning and no index: the filters work without it, reading every row. `flask search
    rebuild` adds them once that is fixed.
    """
    dialect = connection.dialect.name
    statements = []
    for target in _targets(version, tables):
        create, backfill, _drop = target.statements(dialect)
        statements += create + backfill
    if dialect != "postgresql":
        for statement in statements:
            connection.execute(text(statement))
        return
    try:
        with connection.begin_nested():  # a savepoint: the migration's transaction carries on
            for statement in statements:
                connection.execute(text(statement))
    except DBAPIError as error:
        log.warning(
            "The lists' trigram indexes could not be built (%s): their text filters will read every row. "
            "Have the database's owner run CREATE EXTENSION pg_trgm, then run flask search rebuild.",
            " ".join(str(error.orig).split()),
        )


def uninstall(connection: Connection, version: int = CURRENT, tables: tuple[str, ...] | None = None) -> None:
    """Drop the indexes (and triggers) of a version, or of some of its tables (pg_trgm stays)."""
    for target in _targets(version, tables):
        for statement in target.statements(connection.dialect.name)[2]:
            connection.execute(text(statement))


def rebuild(connection: Connection) -> None:
    """Fill SQLite's tables again from the records (after a restore, as crm.search.index.rebuild);
    on PostgreSQL add the indexes if they are missing (the extension could not be added before)."""
    if connection.dialect.name != "sqlite":
        install(connection)
        return
    for target in VERSIONS[CURRENT]:
        connection.execute(text(f"DELETE FROM {target.fts}"))  # nosec B608
        for statement in target.sqlite()[1]:
            connection.execute(text(statement))


def purge(connection: Connection) -> None:
    """Rewrite SQLite's tables so an erased name's trigrams leave their pages too (as search.index.purge)."""
    if connection.dialect.name == "sqlite":
        for target in VERSIONS[CURRENT]:
            connection.execute(text(f"INSERT INTO {target.fts} ({target.fts}) VALUES ('optimize')"))  # nosec B608


def _phrase(value: str) -> str:
    """An FTS5 string: every character literal, double quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


def indexed(*values: str) -> bool:
    """Whether the indexes can find these texts: on SQLite, each of three characters or more, and
    none holding a NUL (an FTS5 string cannot; LIKE takes it as any other character)."""
    return db.session.get_bind().dialect.name == "sqlite" and all(
        len(v) >= MIN_LENGTH and "\x00" not in v for v in values
    )


def ids(target: Target, anywhere: str, latin: str | None = None) -> Select:
    """SQLite: ids of the target's records where any indexed column contains `anywhere`, or the
    Latin name contains `latin` (a Cyrillic query's transliteration); case is ignored in every
    script. Only if `indexed()`."""
    names = [name for name, _source in target.columns]
    expression = "{" + " ".join(names) + "} : " + _phrase(anywhere)
    if latin:
        if "name_latin" not in names:
            raise ValueError(f"{target.table} has no Latin name to match a transliteration against")
        expression += " OR name_latin : " + _phrase(latin)
    fts = table(target.fts, column("rowid"))
    return select(fts.c.rowid).where(literal_column(target.fts).op("MATCH")(expression))


def condition(
    target: Target, id_column: ColumnElement, like: ColumnElement, q: str, latin: str | None = None
) -> ColumnElement[bool]:
    """A list's text filter: from the SQLite index when it can find `q`, else the list's own LIKE
    condition `like` (which PostgreSQL's trigram indexes serve)."""
    if indexed(q, *([latin] if latin else [])):
        return id_column.in_(ids(target, q, latin))
    return like
