"""Which SQLite transactions begin IMMEDIATE.

A deferred BEGIN takes the write lock only at the first write; if another connection wrote
in between, SQLite answers SQLITE_BUSY at once, whatever the busy timeout. A write transaction
that begins IMMEDIATE takes the lock first and so waits its turn (busy_timeout) instead.

Requests that may change something (POST, PUT, PATCH, DELETE) begin their first transaction
IMMEDIATE, reads stay deferred (WAL readers never wait). A request is one unit of work, so what
follows its commit only reads (the page, or a streamed export) and begins deferred again: a long
download after a POST must not hold the write lock. Outside a request (CLI commands, scripts) transactions
begin IMMEDIATE unless the code says it only reads (`reading_only()` / `@reads_only`), so a
command that writes can never forget to ask for the lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from flask import has_request_context, request

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_WRITE_DONE = "crm.write_begun"  # in the WSGI environ: this request had its write transaction
_read_only: ContextVar[bool] = ContextVar("crm_read_only", default=False)
F = TypeVar("F", bound=Callable[..., Any])


def writes_expected() -> bool:
    """True when the transaction about to begin may write."""
    if has_request_context():
        return request.method in WRITE_METHODS and not request.environ.get(_WRITE_DONE)
    return not _read_only.get()


def begin_statement() -> str:
    """The SQLite BEGIN for the transaction about to start."""
    if not writes_expected():
        return "BEGIN"
    if has_request_context():
        request.environ[_WRITE_DONE] = True
    return "BEGIN IMMEDIATE"


def stop_writing() -> None:
    """The rest of this request only reads (its error page): no write lock the database may refuse."""
    request.environ[_WRITE_DONE] = True


@contextmanager
def reading_only() -> Iterator[None]:
    """Transactions begun inside this block only read: they stay deferred (no write lock)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def reads_only(command: F) -> F:
    """Decorate a CLI command that never writes (an export, a backup)."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reading_only():
            return command(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
