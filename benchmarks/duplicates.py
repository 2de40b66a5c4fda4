# ruff: noqa: S311, S603 - a local benchmark: fake data, our own flask commands
"""Duplicate scan at size: seed a fresh database, run the full scan, and time what users wait for.

    .venv/bin/python benchmarks/duplicates.py                      # 100,000 contacts, temp SQLite file
    .venv/bin/python benchmarks/duplicates.py --contacts 20000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_dups .venv/bin/python benchmarks/duplicates.py

Plants 1,000 second records of existing people (see plant_duplicates) and prints how many
of them the scan finds, the seeding time, the scan of contacts and of organisations (records, pairs compared,
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


PLANTED = 1000  # second records of existing people, in four kinds of 250


def plant_duplicates(count: int = PLANTED) -> list[tuple[int, int, str]]:
    """Add a second record for `count` existing contacts, as real duplicates arrive; (original, copy, kind).

    Kinds: the same phone written another way; the same e-mail in capitals; the name in Latin
    letters or another word order plus a patronymic, at the same organisation; the name in Latin
    letters with nothing else shared (for names as common as the synthetic ones, not expected).
    """
    import random

    from sqlalchemy import func, insert, select

    from crm.contacts.services import normalise_email
    from crm.extensions import db
    from crm.matching.phones import normalise_phone
    from crm.models import Affiliation, Contact
    from crm.names import latin, name_key

    rng = random.Random(7)
    next_id = (db.session.scalar(select(func.max(Contact.id))) or 0) + 1
    originals = db.session.execute(
        select(Contact.id, Contact.full_name, Contact.email, Contact.phone, Contact.country_code)
        .where(Contact.phone != "", Contact.email != "")
        .order_by(Contact.id)
        .limit(count * 4)
    ).all()
    organisation_of = dict(
        db.session.execute(
            select(Affiliation.contact_id, Affiliation.organisation_id).order_by(Affiliation.id)
        ).all()
    )
    kinds = ["phone", "email", "name+organisation", "name only"]
    rows, links, planted = [], [], []
    for n, (id_, full_name, email, phone, country) in enumerate(rng.sample(originals, count)):
        kind = kinds[n % 4]
        name, new_email, new_phone = full_name, f"other.{next_id}@elsewhere.example", ""
        if kind == "phone":
            digits = phone.removeprefix("+7 ")  # seeded as "+7 7xxxxxxxxx"
            new_phone = f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
        elif kind == "email":
            new_email = email.upper()
        elif kind == "name+organisation":
            if id_ not in organisation_of:
                continue
            words = latin(full_name).split()
            name = " ".join([*reversed(words), "Serikovna"])
            links.append({"contact_id": next_id, "organisation_id": organisation_of[id_], "position": ""})
        else:
            name = latin(full_name)
        rows.append({
            "id": next_id, "full_name": name, "name_latin": latin(name), "name_key": name_key(name),
            "email": new_email, "email_normalized": normalise_email(new_email), "phone": new_phone,
            "phone_e164": normalise_phone(new_phone, country), "country_code": country,
        })  # fmt: skip
        planted.append((id_, next_id, kind))
        next_id += 1
    db.session.execute(insert(Contact.__table__), rows)
    if links:
        db.session.execute(insert(Affiliation.__table__), links)
    db.session.commit()
    return planted


def found_planted(planted: list[tuple[int, int, str]]) -> dict[str, tuple[int, int]]:
    from sqlalchemy import select

    from crm.extensions import db
    from crm.models import DuplicatePair
    from crm.models.duplicate import CONTACT

    pairs = set(
        db.session.execute(
            select(DuplicatePair.first_id, DuplicatePair.second_id).where(DuplicatePair.kind == CONTACT)
        ).all()
    )
    found: dict[str, tuple[int, int]] = {}
    for original, copy, kind in planted:
        hit, total = found.get(kind, (0, 0))
        found[kind] = (hit + ((min(original, copy), max(original, copy)) in pairs), total + 1)
    return found


def measure(contacts: int) -> None:
    from sqlalchemy import select, text

    from crm import create_app
    from crm.duplicates import merge, scan, services
    from crm.extensions import db
    from crm.matching.candidates import Probe, similar_contacts
    from crm.models import Contact, DuplicatePair, User
    from crm.models.duplicate import CONTACT

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # fresh bulk-loaded tables: give the planner statistics,
            db.session.execute(text("ANALYZE"))  # as autovacuum would soon after a real import
            db.session.commit()
        planted = plant_duplicates()
        for result in scan.scan_all(actor=None):
            log(
                f"scan {result.kind + 's':<14} {result.records:>7,} records  {result.compared:>9,} pairs compared  "
                f"{result.pairs:>7,} to review  {result.skipped_blocks} oversized blocks left out  "
                f"{result.seconds:6.2f} s"
            )
        db.session.commit()
        for kind, (hit, total) in found_planted(planted).items():
            log(f"planted duplicates found  {hit:>4} of {total:<4} ({kind})")
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
