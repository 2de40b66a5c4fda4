"""Scratch PostgreSQL databases for the suite, so runs in parallel never share one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def scratch_postgres(url: str, prefix: str) -> Iterator[str]:
    """A new database on `url`'s server, named `<prefix>_<random>`, dropped (forcibly) afterwards."""
    server, name = url.rsplit("/", 1)[0], f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
