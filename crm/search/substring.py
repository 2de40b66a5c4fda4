"""A trigram index for "name or e-mail contains …": the contact list's text filter, smart lists and exports.

The list filter matches any part of a name or e-mail ("galiev" finds "Nurgalieva"), unlike the
search box, which matches words from their start. Testing `LIKE '%…%'` on every contact cost
~100 ms a statement at 100,000 contacts, twice a page (the rows and the total).

- SQLite: an FTS5 table `contact_text_fts` with the trigram tokenizer (one row per contact, rowid
  = contact id), kept in step by triggers like the search index (crm.search.index). It finds a
  substring of three characters or more, ignoring case in every script; shorter text is tested
  with LIKE as before (a trigram index cannot help).
- PostgreSQL: pg_trgm GIN indexes on the same columns, which serve the filter's ILIKE conditions
  as they are written; its SQL does not change.

Like the search index it lives outside the ORM metadata (`create_all` builds it through
crm.search.index's listeners, migration 0016 through `install()`), and each version is frozen under its own name.
"""

# SQL here is put together from constants of this module only; what users type is bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

import logging

from sqlalchemy import Select, column, literal_column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from crm.extensions import db

log = logging.getLogger(__name__)

TABLE = "contact_text_fts"
# The contact columns copied, in the FTS table's column order; coalesced, as a NULL e-mail is common.
_COLUMNS = {"full_name": "full_name", "name_latin": "name_latin", "email": "email_normalized"}
MIN_LENGTH = 3  # a trigram index finds nothing shorter
# Names the index's own objects start with, for Alembic's autogenerate to leave alone
# (crm.search.index.include_name): the FTS table with its shadow tables, the PostgreSQL indexes.
PREFIXES = (TABLE,)
INDEX_SUFFIX = "_trgm"
_FTS = table(TABLE, column("rowid"))


def _sqlite_v1() -> tuple[list[str], list[str], list[str]]:
    def values(r: str) -> str:
        return ", ".join(f"coalesce({r}.{column}, '')" for column in _COLUMNS.values())

    insert = f"INSERT INTO {TABLE} (rowid, {', '.join(_COLUMNS)})"
    watched = ", ".join(_COLUMNS.values())
    create = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({', '.join(_COLUMNS)}, tokenize = 'trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON contacts BEGIN"
        f" {insert} VALUES (new.id, {values('new')}); END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF id, {watched} ON contacts BEGIN"  # nosec B608
        f" DELETE FROM {TABLE} WHERE rowid = old.id; {insert} VALUES (new.id, {values('new')}); END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON contacts BEGIN"  # nosec B608
        f" DELETE FROM {TABLE} WHERE rowid = old.id; END",
    ]
    backfill = [f"{insert} SELECT id, {values('contacts')} FROM contacts"]  # nosec B608
    drop = [f"DROP TRIGGER IF EXISTS {TABLE}_{op}" for op in ("insert", "update", "delete")]
    return create, backfill, [*drop, f"DROP TABLE IF EXISTS {TABLE}"]


def _postgresql_v1() -> tuple[list[str], list[str], list[str]]:
    # The columns of crm.contacts.services._text_condition, which PostgreSQL tests with ILIKE: a
    # trigram index serves ILIKE on the column itself.
    indexes = {f"ix_contacts_{column}_trgm": column for column in _COLUMNS.values()}
    create = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        *(
            f"CREATE INDEX IF NOT EXISTS {name} ON contacts USING gin ({column} gin_trgm_ops)"
            for name, column in indexes.items()
        ),
    ]
    # The extension stays: other objects of the database may use it, and dropping it needs its owner.
    return create, [], [f"DROP INDEX IF EXISTS {name}" for name in indexes]


VERSIONS = {1: {"sqlite": _sqlite_v1(), "postgresql": _postgresql_v1()}}
CURRENT = 1


def install(connection: Connection, version: int = CURRENT) -> None:
    """Create the index (and its triggers) and fill it from the contacts already there.

    On PostgreSQL a database user who may not add pg_trgm (PostgreSQL 12 and older need a superuser;
    13 and later the right to create in the database), or a pg_trgm the indexes cannot reach, gets
    a warning and no index: the filter works without it, reading every contact. `flask search
    rebuild` adds it once that is fixed.
    """
    create, backfill, _drop = VERSIONS[version][connection.dialect.name]
    if connection.dialect.name != "postgresql":
        for statement in create + backfill:
            connection.execute(text(statement))
        return
    try:
        with connection.begin_nested():  # a savepoint: the migration's transaction carries on
            for statement in create + backfill:
                connection.execute(text(statement))
    except DBAPIError as error:
        log.warning(
            "The contact list's trigram index could not be built (%s): its text filter will read every "
            "contact. Have the database's owner run CREATE EXTENSION pg_trgm, then run flask search rebuild.",
            " ".join(str(error.orig).split()),
        )


def uninstall(connection: Connection, version: int = CURRENT) -> None:
    for statement in VERSIONS[version][connection.dialect.name][2]:
        connection.execute(text(statement))


def rebuild(connection: Connection) -> None:
    """Fill SQLite's table again from the contacts (after a restore, as crm.search.index.rebuild);
    on PostgreSQL add the indexes if they are missing (the extension could not be added before)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {TABLE}"))  # nosec B608
        for statement in VERSIONS[CURRENT]["sqlite"][1]:
            connection.execute(text(statement))
    else:
        install(connection)


def purge(connection: Connection) -> None:
    """Rewrite SQLite's table so an erased name's trigrams leave its pages too (as search.index.purge)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"))  # nosec B608


def _phrase(value: str) -> str:
    """An FTS5 string: every character literal, double quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


def indexed(*values: str) -> bool:
    """Whether the index can find these texts: on SQLite, each of three characters or more, and
    none holding a NUL (an FTS5 string cannot; LIKE takes it as any other character)."""
    return db.session.get_bind().dialect.name == "sqlite" and all(
        len(v) >= MIN_LENGTH and "\x00" not in v for v in values
    )


def contact_ids(anywhere: str, latin: str | None = None) -> Select:
    """SQLite: ids of contacts whose name as written, Latin name or e-mail contains `anywhere`,
    or whose Latin name contains `latin`; case is ignored in every script. Only if `indexed()`."""
    expression = "{full_name name_latin email} : " + _phrase(anywhere)
    if latin:
        expression += " OR name_latin : " + _phrase(latin)
    return select(_FTS.c.rowid).where(literal_column(TABLE).op("MATCH")(expression))
