"""`flask --app wsgi backup FILE`: a consistent copy of the live database.

SQLite: the online backup API copies page by page under a read lock and restarts if a writer
changes a page it already copied, so the copy is one consistent state even while the app is
in use (copying the file itself mid-transaction can give a corrupt copy). The copy is written
next to FILE and renamed into place only once it passes `PRAGMA integrity_check`.
PostgreSQL: `pg_dump -Fc`, which is consistent while the database is in use; without pg_dump
the command prints what to run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404
import time
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from crm.extensions import db
from crm.safety.transactions import reads_only

PAGES_PER_STEP = 1024  # copy in steps so writers are not held up for the whole copy


class BackupError(Exception):
    """The backup could not be made; nothing was written at the target."""


@dataclass
class BackupResult:
    target: Path
    size: int
    seconds: float
    tables: dict[str, int]


def _check_target(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; use --force to overwrite it.")
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a directory.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")


def sqlite_backup(target: Path, *, force: bool = False) -> BackupResult:
    """Copy the app's SQLite database to `target` with the backup API, checked before it replaces anything."""
    _check_target(target, force)
    started = time.perf_counter()
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    raw = db.engine.raw_connection()
    try:
        source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            tables = _table_counts(copy)
        finally:
            copy.close()
    finally:
        raw.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed its integrity check ({verdict}); nothing was written.")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, time.perf_counter() - started, tables)


def _table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    # Names come from the copy's own catalogue (not from input), quoted as identifiers.
    query = 'SELECT count(*) FROM "{}"'
    return {name: connection.execute(query.format(name)).fetchone()[0] for name in names}


def postgres_backup(target: Path, *, force: bool = False) -> BackupResult | None:
    """Run pg_dump -Fc to `target` when it is installed; None (with guidance printed) when not."""
    _check_target(target, force)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        click.echo(postgres_guidance(url.database or "DBNAME", target))
        return None
    started = time.perf_counter()
    partial = target.with_name(f".{target.name}.partial")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password  # never on the command line, where `ps` would show it
    command = [pg_dump, "--format=custom", f"--file={partial}", "--no-password"]
    for option, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            command.append(f"{option}={value}")
    command.append(url.database or "")
    # A fixed argument list, no shell: nothing from the user reaches a command line.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, time.perf_counter() - started, {})


def postgres_guidance(database: str, target: Path) -> str:
    return "\n".join(
        [
            "pg_dump is not installed here. Make the backup on a machine that has it:",
            f"  pg_dump --format=custom --file={target} {database}",
            "Restore it into an empty database with:",
            f"  pg_restore --clean --if-exists --no-owner --dbname={database} {target}",
            "pg_dump gives a consistent copy while the application is running.",
        ]
    )


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite TARGET if it exists.")
@with_appcontext
@reads_only
def backup_command(target: Path, force: bool) -> None:
    """Write a consistent copy of the database to TARGET, safe while the app is running."""
    dialect = db.engine.dialect.name
    try:
        if dialect == "sqlite":
            result = sqlite_backup(target, force=force)
        elif dialect == "postgresql":
            result = postgres_backup(target, force=force)
        else:
            raise BackupError(f"No backup method for {dialect}.")
    except (BackupError, OSError, sqlite3.Error) as exc:
        raise click.ClickException(str(exc)) from None
    if result is None:
        return
    click.echo(f"Backup written to {result.target} ({result.size:,} bytes in {result.seconds:.2f} s).")
    if result.tables:
        counts = ", ".join(f"{n} {name}" for name, n in result.tables.items() if name in _SHOWN)
        click.echo(f"Integrity check ok; it holds {counts}.")
    if dialect == "sqlite":
        click.echo("To restore: stop the app, copy the file over the database file, start the app.")
    else:
        click.echo(f"To restore: pg_restore --clean --if-exists --no-owner --dbname=DBNAME {result.target}")


_SHOWN = ("contacts", "organisations", "inquiries", "threads", "interactions", "users")
