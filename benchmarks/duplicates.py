# ruff: noqa: S603 - a local benchmark running our own flask commands
"""Duplicate scan at size: seed a fresh database, run the full scan, and time what users wait for.

    .venv/bin/python benchmarks/duplicates.py                      # 100,000 contacts, temp SQLite file
    .venv/bin/python benchmarks/duplicates.py --contacts 20000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_dups .venv/bin/python benchmarks/duplicates.py

Prints the seeding time, the scan of contacts and of organisations (records, pairs compared,
pairs stored, wall time), the review page's query (first page and a deep page, median of 5),
one triage look-up (crm.matching.candidates.similar_contacts) and one merge. The synthetic data
has ~450 distinct names shared by ~200 contacts each, so almost every name block is oversized
and narrowed to shared organisations: real data has far more distinct names and fewer pairs.
Deletes its temp dir however it ends; a PostgreSQL database must be empty.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def log(text: str) -> None:
    print(text, flush=True)


def median_ms(fn: Callable[[], object], reps: int = 5) -> float:
    fn()
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(contacts: int) -> None:
    from sqlalchemy import select

    from crm import create_app
    from crm.duplicates import merge, scan, services
    from crm.extensions import db
    from crm.matching.candidates import Probe, similar_contacts
    from crm.models import Contact, DuplicatePair, User
    from crm.models.duplicate import CONTACT

    app = create_app()
    with app.app_context():
        for result in scan.scan_all(actor=None):
            log(
                f"scan {result.kind + 's':<14} {result.records:>7,} records  {result.compared:>9,} pairs compared  "
                f"{result.pairs:>7,} to review  {result.skipped_blocks} oversized blocks left out  "
                f"{result.seconds:6.2f} s"
            )
        db.session.commit()
        total = services.queue(CONTACT).total
        pages = max(1, total // app.config["PER_PAGE"])
        log(
            f"review page 1            {median_ms(lambda: services.queue(CONTACT, 1)):8.1f} ms ({total:,} pairs)"
        )
        deep = max(1, pages // 2)
        log(f"review page {deep:<12} {median_ms(lambda: services.queue(CONTACT, deep)):8.1f} ms")
        probe = Probe("Айгерим Нургалиева", "someone@new.example", "+7 701 234 5678", "KZ").person()
        log(f"triage look-up           {median_ms(lambda: similar_contacts(probe)):8.1f} ms")
        actor = db.session.scalar(select(User).limit(1))
        pair = db.session.scalar(select(DuplicatePair).order_by(DuplicatePair.score.desc()).limit(1))
        if pair is not None and actor is not None:
            survivor, loser = db.session.get(Contact, pair.first_id), db.session.get(Contact, pair.second_id)
            started = time.perf_counter()
            result = merge.merge_contacts(survivor, loser, {}, actor=actor, may_see_sensitive=True)
            db.session.commit()
            moved = sum(result.moved.moved.values())
            log(
                f"one merge                {(time.perf_counter() - started) * 1000:8.1f} ms ({moved} links moved)"
            )


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crm-dups-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'crm.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url, "CRM_INSTANCE_PATH": str(tmp / "instance")}
    env.setdefault("SECRET_KEY", os.urandom(32).hex())
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "CRM_INSTANCE_PATH", "SECRET_KEY")})
    log(f"Database: {'SQLite in ' + str(tmp) if url.startswith('sqlite') else url.split('@')[-1]}")
    try:
        run_cli(env, "db", "upgrade")
        started = time.perf_counter()
        run_cli(env, "seed", "synthetic", "--contacts", str(args.contacts))
        log(f"seeded {args.contacts:,} contacts in {time.perf_counter() - started:.1f} s")
        measure(args.contacts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
