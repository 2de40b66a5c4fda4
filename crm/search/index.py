"""The search index: one document per live contact, organisation, inquiry and thread.

Kept in step by database triggers, so every way of writing — ORM saves, Core bulk inserts,
raw UPDATEs (erasure), deletes, merges — updates it in the same transaction, and nothing in
Python has to remember to. The triggers copy only what the row itself holds: the
romanisation-tolerant `name_key` and `name_latin` that the services (and bulk loaders) compute
with crm.names, the name as written, e-mail, phone digits; and for inquiries and threads their
text. Special-category columns (`lived_experience`, `sensitive_notes`) and notes are never copied.
A merged-away or deleted contact or organisation has no document.

SQLite: an FTS5 table `search_fts` (unicode61 tokens, prefix indexes) whose rowid encodes the
kind, the closeness and the id (see KIND_SPAN), so each kind is a rowid range in best-first order. PostgreSQL: a table `search_documents`
with a weighted tsvector under a GIN index per kind (names weigh 'A', the rest 'D').

The index lives outside the ORM metadata: `create_all` builds it through the listeners below, the
migrations through `install()`, and autogenerate ignores it (`include_name`).
Each schema version is frozen under its own name, so an old migration keeps building the old one.
"""

# SQL here is put together from constants of this module only; what users type is bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from crm.extensions import db
from crm.search import substring

CONTACT, ORGANISATION, INQUIRY, THREAD = 1, 2, 3, 4
# SQLite rowid: kind * KIND_SPAN + closeness * ID_SPAN + id, so that FTS5, which returns matches in
# rowid order, hands back each kind best first and can stop at the LIMIT instead of sorting every hit.
# Contacts and organisations: closeness is the length of the name key (a shorter name is closer);
# inquiries and threads: closeness 0 and the id reversed (newest first).
KIND_SPAN = 2**40
ID_SPAN = 2**31
MAX_CLOSENESS = KIND_SPAN // ID_SPAN - 1
PREFIXES = ("search_fts", "search_documents", "search_index_")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """For Alembic autogenerate: the search index and the lists' substring indexes
    (crm.search.substring) are built by hand, not from the models."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(PREFIXES + substring.PREFIXES)
    return not (type_ == "index" and name.endswith(substring.INDEX_SUFFIX))


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_rowid(kind: int, key: str | None, r: str) -> str:
    if key is None:  # newest first
        return f"{kind * KIND_SPAN + ID_SPAN - 1} - {r}.id"
    closeness = f"min(length({key.format(r=r)}), {MAX_CLOSENESS})"
    return f"{kind * KIND_SPAN} + {closeness} * {ID_SPAN} + {r}.id"


def _sqlite_digits(column: str) -> str:
    return f"replace(replace(replace(replace(replace(replace({column}, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')"  # noqa: E501


def _sqlite_phone_tokens(column: str) -> str:
    """The digits and their tails, so '701 234 56 78' finds '+7 701 234 5678' as a word prefix."""
    d = _sqlite_digits(column)
    return (
        f"CASE WHEN length({d}) >= 8 THEN {d} || ' ' || substr({d}, 2) || ' ' || substr({d}, 3)"
        f" || ' ' || substr({d}, 4) ELSE {d} END"
    )


_SQLITE_DOCUMENTS = {
    "contacts": (
        CONTACT,
        "{r}.name_key",
        "lower({r}.name_latin) || ' ' || {r}.full_name",
        "{r}.email_normalized || ' ' || lower({r}.email) || ' ' || "
        + _sqlite_phone_tokens("{r}.phone")
        + " || ' ' || "
        + _sqlite_phone_tokens("{r}.phone_e164"),
        "'|' || {r}.email_normalized || '|' || " + _sqlite_digits("{r}.phone") + " || '|' || "
        "replace({r}.phone_e164, '+', '') || '|'",
        "{r}.deleted_at IS NULL AND {r}.merged_into_id IS NULL",
        "full_name, name_latin, name_key, email, email_normalized, phone, phone_e164, deleted_at, merged_into_id",
    ),
    "organisations": (
        ORGANISATION,
        "{r}.name_key",
        "lower({r}.name_latin) || ' ' || {r}.name",
        "''",
        "'|'",
        "{r}.deleted_at IS NULL AND {r}.merged_into_id IS NULL",
        "name, name_latin, name_key, deleted_at, merged_into_id",
    ),
    "inquiries": (
        INQUIRY,
        "{r}.sender_name",
        "{r}.sender_name",
        "{r}.sender_email || ' ' || {r}.sender_organisation || ' ' || {r}.subject || ' ' || {r}.message",
        "'|' || lower({r}.sender_email) || '|'",
        "1",
        "sender_name, sender_email, sender_organisation, subject, message",
    ),
    "threads": (THREAD, "{r}.title", "{r}.title", "''", "'|'", "1", "title"),
}


def _sqlite_v1() -> tuple[list[str], list[str], list[str]]:
    create = [
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(key, names, body, exact UNINDEXED,"
        " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    ]
    backfill, drop = [], ["DROP TABLE IF EXISTS search_fts"]
    for table, (kind, key, names, body, exact, live, columns) in _SQLITE_DOCUMENTS.items():

        def values(r: str, key=key, names=names, body=body, exact=exact) -> str:
            parts = (key, names, body, exact)
            return ", ".join(f"coalesce({p.format(r=r)}, '')" for p in parts)

        row = _sqlite_rowid(kind, key if kind in (CONTACT, ORGANISATION) else None, "{r}")
        insert = "INSERT INTO search_fts (rowid, key, names, body, exact)"
        create += [
            f"CREATE TRIGGER IF NOT EXISTS search_index_{table}_insert AFTER INSERT ON {table}"
            f" WHEN {live.format(r='new')} BEGIN {insert} VALUES ({row.format(r='new')}, {values('new')}); END",
            f"CREATE TRIGGER IF NOT EXISTS search_index_{table}_update AFTER UPDATE OF {columns} ON {table} BEGIN"  # nosec B608
            f" DELETE FROM search_fts WHERE rowid = {row.format(r='old')};"
            f" {insert} SELECT {row.format(r='new')}, {values('new')} WHERE {live.format(r='new')}; END",
            f"CREATE TRIGGER IF NOT EXISTS search_index_{table}_delete AFTER DELETE ON {table} BEGIN"  # nosec B608
            f" DELETE FROM search_fts WHERE rowid = {row.format(r='old')}; END",
        ]
        backfill.append(
            f"{insert} SELECT {row.format(r=table)}, {values(table)} FROM {table} WHERE {live.format(r=table)}"  # nosec B608
        )
        drop += [f"DROP TRIGGER IF EXISTS search_index_{table}_{op}" for op in ("insert", "update", "delete")]
    return create, backfill, drop


# --- PostgreSQL -----------------------------------------------------------------------------------

_PG_HELPERS = [
    # Punctuation splits words, so e-mails and dotted names become plain words, as in SQLite.
    "CREATE OR REPLACE FUNCTION search_index_words(value text) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " $$ SELECT regexp_replace(lower(coalesce(value, '')), '[[:punct:][:space:]]+', ' ', 'g') $$",
    "CREATE OR REPLACE FUNCTION search_index_digits(value text) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " $$ SELECT translate(coalesce(value, ''), ' -+().', '') $$",
    "CREATE OR REPLACE FUNCTION search_index_phone(value text) RETURNS text LANGUAGE sql IMMUTABLE AS"
    " $$ SELECT CASE WHEN length(d) >= 8 THEN concat_ws(' ', d, substr(d, 2), substr(d, 3), substr(d, 4))"
    " ELSE d END FROM (SELECT search_index_digits(value) AS d) AS p $$",
    "CREATE OR REPLACE FUNCTION search_index_document(names text, body text) RETURNS tsvector"
    " LANGUAGE sql IMMUTABLE AS $$ SELECT setweight(to_tsvector('simple', search_index_words(names)), 'A')"
    " || to_tsvector('simple', search_index_words(body)) $$",
]

_PG_DOCUMENTS = {
    "contacts": (
        CONTACT,
        "{r}.name_key",
        "{r}.name_key || ' ' || {r}.name_latin || ' ' || {r}.full_name",
        "{r}.email_normalized || ' ' || {r}.email || ' ' || search_index_phone({r}.phone) || ' ' || "
        "search_index_phone({r}.phone_e164)",
        "'|' || {r}.email_normalized || '|' || search_index_digits({r}.phone) || '|' || "
        "replace({r}.phone_e164, '+', '') || '|'",
        "{r}.deleted_at IS NULL AND {r}.merged_into_id IS NULL",
        "full_name, name_latin, name_key, email, email_normalized, phone, phone_e164, deleted_at, merged_into_id",
    ),
    "organisations": (
        ORGANISATION,
        "{r}.name_key",
        "{r}.name_key || ' ' || {r}.name_latin || ' ' || {r}.name",
        "''",
        "'|'",
        "{r}.deleted_at IS NULL AND {r}.merged_into_id IS NULL",
        "name, name_latin, name_key, deleted_at, merged_into_id",
    ),
    "inquiries": (
        INQUIRY,
        "{r}.sender_name",
        "{r}.sender_name",
        "{r}.sender_email || ' ' || {r}.sender_organisation || ' ' || {r}.subject || ' ' || {r}.message",
        "'|' || lower({r}.sender_email) || '|'",
        "true",
        "sender_name, sender_email, sender_organisation, subject, message",
    ),
    "threads": (THREAD, "{r}.title", "{r}.title", "''", "'|'", "true", "title"),
}


def _postgresql_v1() -> tuple[list[str], list[str], list[str]]:
    create = [
        "CREATE TABLE IF NOT EXISTS search_documents (kind smallint NOT NULL, record_id integer NOT NULL,"
        " closeness integer NOT NULL, key text NOT NULL, exact text NOT NULL, document tsvector NOT NULL,"
        " CONSTRAINT pk_search_documents PRIMARY KEY (kind, record_id))",
        # One GIN index per kind (the queries write the kind in), so a word common among contacts
        # costs nothing when looking for threads.
        *(
            f"CREATE INDEX IF NOT EXISTS ix_search_documents_document_{kind} ON search_documents"
            f" USING gin (document) WHERE kind = {kind}"
            for kind in (CONTACT, ORGANISATION, INQUIRY, THREAD)
        ),
        *_PG_HELPERS,
    ]
    backfill, drop = [], []
    for table, (kind, key, names, body, exact, live, columns) in _PG_DOCUMENTS.items():
        closeness = "length({key})" if kind in (CONTACT, ORGANISATION) else "-{r}.id"  # short names; newest

        def values(r: str, key=key, names=names, body=body, exact=exact, closeness=closeness) -> str:
            return (
                f"{closeness.format(r=r, key=key.format(r=r))},"
                f" coalesce({key.format(r=r)}, ''), coalesce({exact.format(r=r)}, ''),"
                f" search_index_document({names.format(r=r)}, {body.format(r=r)})"
            )

        function = f"search_index_{table}"
        create += [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # nosec B608
            f" IF TG_OP <> 'INSERT' THEN DELETE FROM search_documents WHERE kind = {kind} AND record_id = OLD.id;"
            f" END IF; IF TG_OP <> 'DELETE' AND {live.format(r='NEW')} THEN"
            f" INSERT INTO search_documents (kind, record_id, closeness, key, exact, document)"
            f" VALUES ({kind}, NEW.id, {values('NEW')}); END IF; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
        backfill.append(
            f"INSERT INTO search_documents (kind, record_id, closeness, key, exact, document)"  # nosec B608
            f" SELECT {kind}, {table}.id, {values(table)} FROM {table} WHERE {live.format(r=table)}"
        )
        drop += [f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
    drop += [
        "DROP TABLE IF EXISTS search_documents",
        "DROP FUNCTION IF EXISTS search_index_document(text, text)",
        "DROP FUNCTION IF EXISTS search_index_phone(text)",
        "DROP FUNCTION IF EXISTS search_index_digits(text)",
        "DROP FUNCTION IF EXISTS search_index_words(text)",
    ]
    return create, backfill, drop


VERSIONS = {1: {"sqlite": _sqlite_v1(), "postgresql": _postgresql_v1()}}
CURRENT = 1


def _statements(connection: Connection, version: int) -> tuple[list[str], list[str], list[str]]:
    return VERSIONS[version][connection.dialect.name]


def install(connection: Connection, version: int = CURRENT) -> None:
    """Create the index, its triggers, and fill it from the rows already there."""
    create, backfill, _drop = _statements(connection, version)
    for statement in create + backfill:
        connection.execute(text(statement))


def uninstall(connection: Connection, version: int = CURRENT) -> None:
    """Drop the index and its triggers."""
    for statement in _statements(connection, version)[2]:
        connection.execute(text(statement))


def rebuild(connection: Connection) -> int:
    """Empty the index and fill it again from the tables (e.g. after restoring a backup); how many documents."""
    table = "search_fts" if connection.dialect.name == "sqlite" else "search_documents"
    connection.execute(text(f"DELETE FROM {table}"))  # nosec B608
    for statement in _statements(connection, CURRENT)[1]:
        connection.execute(text(statement))
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # nosec B608


def purge(connection: Connection) -> None:
    """Rewrite SQLite's index so deleted terms leave its pages too (call after an erasure).

    Deleting a document removes it from every result at once; FTS5 only drops the old terms from
    its b-tree when segments merge. PostgreSQL's VACUUM does the same for dead rows.
    """
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO search_fts (search_fts) VALUES ('optimize')"))


@event.listens_for(db.metadata, "after_create")
def _after_create(_metadata, connection: Connection, **_kw) -> None:
    install(connection)
    substring.install(connection)


@event.listens_for(db.metadata, "before_drop")
def _before_drop(_metadata, connection: Connection, **_kw) -> None:
    substring.uninstall(connection)
    uninstall(connection)
