# ruff: noqa: S608 - a local benchmark: the SQL is the service's own, built from constants
"""Search at size: the service call and the raw indexed SQL beneath it, median and p95.

Seeds a fresh database with `seed synthetic` (through the migrations, so the triggers fill the
index exactly as in production), checks the index holds one document per live record, then times
several queries: Latin and Cyrillic fragments, a whole name, an e-mail whole and in part, a phone
in another format, thread words.

    .venv/bin/python benchmarks/search.py [--contacts 100000] [--reps 31]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_search_bench .venv/bin/python benchmarks/search.py
    DATABASE_URL=sqlite:////tmp/seeded.db .venv/bin/python benchmarks/search.py --reuse  # already seeded

DATABASE_URL must name an empty database (or a seeded one with --reuse); by default a temporary
SQLite file is used and deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn: Callable[[], object], reps: int, warm: int = 2) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each call. On a shared machine the wall clock includes waiting for a
    core; this process's CPU time does not (SQLite runs in process; PostgreSQL's work is in the server)."""
    for _ in range(warm):
        fn()
    wall, cpu = [], []
    for _ in range(reps):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def figures(wall: list[float], cpu: list[float]) -> str:
    median, high, cpu_median = statistics.median(wall) * 1000, p95(wall) * 1000, statistics.median(cpu) * 1000
    return f"{median:6.1f} / {high:6.1f} cpu {cpu_median:5.1f}"


def raw_statements(query: str, dialect: str, limit: int = 10) -> list[tuple[str, dict]]:
    """The indexed SQL the service runs for `query`: one ranked lookup per kind (for run.py's floor too)."""
    from crm.search import index
    from crm.search.query import parse
    from crm.search.services import ranked_sql

    parsed = parse(query)
    if parsed.empty:
        return []
    kinds = (index.CONTACT, index.ORGANISATION, index.INQUIRY, index.THREAD)
    return [ranked_sql(parsed, kind, limit, dialect) for kind in kinds]


def queries(conn) -> dict[str, str]:
    """What to look for, taken from the data so that each query has hits."""
    from sqlalchemy import text

    email = conn.execute(
        text(
            "SELECT email_normalized FROM contacts WHERE email_normalized <> '' ORDER BY id LIMIT 1 OFFSET 500"
        )
    ).scalar()
    phone = conn.execute(
        text("SELECT phone FROM contacts WHERE phone <> '' ORDER BY id LIMIT 1 OFFSET 500")
    ).scalar()
    digits = "".join(ch for ch in phone if ch.isdigit())  # '+7 7012345678' -> typed as '8 701 234-56-78'
    national = digits[1:]
    typed_phone = f"8 {national[:3]} {national[3:6]}-{national[6:8]}-{national[8:]}"
    return {
        "Latin fragment": "Nurgal",
        "Cyrillic fragment": "Айгер",
        "whole name, other script": "Aigerim Nurgalieva",
        "rare prefix": "Wongs",
        "e-mail": email,
        "e-mail, first part": email.split("@")[0][:12],
        "phone, other format": typed_phone,
        "thread/inquiry words": "birth registration",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=31)
    parser.add_argument("--reuse", action="store_true", help="the database is already seeded")
    args = parser.parse_args()

    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory(prefix="crm-search-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from crm import create_app
    from crm.extensions import db
    from crm.models import Contact, Inquiry, Organisation, Thread
    from crm.search.services import search
    from crm.seed.synthetic import load_synthetic

    app = create_app()
    try:
        with app.app_context():
            dialect = db.engine.dialect.name
            print(f"Database: {dialect}, {db.engine.url.render_as_string(hide_password=True)}", flush=True)
            if not args.reuse:
                upgrade()
                started = time.perf_counter()
                load_synthetic(args.contacts, echo=lambda line: print(line, flush=True))
                db.session.commit()
                print(f"  seeded and indexed in {time.perf_counter() - started:.1f} s", flush=True)
                if dialect == "postgresql":
                    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                        conn.execute(text("VACUUM ANALYZE"))
            live = sum(
                db.session.scalar(select(func.count()).select_from(model).where(*where))
                for model, where in (
                    (Contact, [Contact.live()]),
                    (Organisation, [Organisation.live()]),
                    (Inquiry, []),
                    (Thread, []),
                )
            )
            table = "search_fts" if dialect == "sqlite" else "search_documents"
            documents = db.session.scalar(text(f"SELECT count(*) FROM {table}"))
            print(f"Index: {documents:,} documents for {live:,} live records", flush=True)
            assert documents == live, "the index is out of step with the tables"

            with db.engine.connect() as conn:
                cases = queries(conn)
            print(f"\nLoad average: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
            print("Milliseconds; wall median / p95, and this process's CPU median (see timed()).")
            print(
                f"{'query':<26} {'typed':<30} {'hits c/o/i/t':>12}  {'service':>22}  {'raw indexed SQL':>22}"
            )

            def call(q: str) -> None:
                search(q)
                db.session.remove()

            for label, query in cases.items():
                found = search(query)
                hits = f"{len(found.contacts)}/{len(found.organisations)}/{len(found.inquiries)}/{len(found.threads)}"
                db.session.remove()
                service, service_cpu = timed(lambda q=query: call(q), args.reps)
                statements = raw_statements(query, dialect)
                with db.engine.connect() as conn:

                    def raw(conn=conn, statements=statements) -> None:
                        for sql, params in statements:
                            conn.execute(text(sql), params).fetchall()

                    raw_times, raw_cpu = timed(raw, args.reps)
                print(
                    f"{label:<26} {query[:30]:<30} {hits:>12}  {figures(service, service_cpu)}"
                    f"  {figures(raw_times, raw_cpu)}",
                    flush=True,
                )
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
