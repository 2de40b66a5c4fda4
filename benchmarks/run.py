# ruff: noqa: S311, S603, S608 - a local benchmark: fixed SQL of our own, fake data, our own commands
"""`make bench`: seed a fresh database, run the real app under gunicorn, and measure it against floors.

Every case prints its median and p95 over several repetitions, the floor measured in the same run
and the ratio to it. The floor of a page is the bare route (/health, on the same server, same
client) plus the raw SQL of what the page reads; exports compare with the sqlite3 CLI and a bare
openpyxl loop; the import with an executemany of the same rows. Loopback only, bounded, stops by
itself and always stops the server.

    .venv/bin/python benchmarks/run.py [--contacts 100000] [--reps 15]
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/run.py   # an empty PostgreSQL database
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
ROWS: list[tuple] = []


def log(text: str) -> None:
    print(text, flush=True)


# --- measuring ------------------------------------------------------------------------------------


def timed(fn: Callable[[], object], reps: int, warm: int = 4) -> list[float]:
    """Wall times of `reps` calls, after `warm` untimed ones (each gunicorn worker compiles a
    page's templates the first time it serves it)."""
    for _ in range(warm):
        fn()
    out = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def in_turns(
    page: Callable[[], object], parts: list[Callable[[], object]], reps: int, block: int = 5, warm: int = 4
):
    """The page's wall times and the median of each part of its floor, measured in turns of short
    blocks: each round times `block` calls of every part back to back (after one untimed call),
    then `block` of the page, until `reps` of each. A slow minute of the shared machine then falls
    on the floor and the page alike (measured minutes apart, drift moved a ratio by 0.5), while
    every call still runs warm after one like it, as in a plain loop. Calls one at a time in turns
    ran each cold after another kind of request: that added ~1 ms to the floor and the page alike
    and flattered the ratios.
    """
    for _ in range(warm):
        page()
        for part in parts:
            part()
    page_times: list[float] = []
    part_times: list[list[float]] = [[] for _ in parts]
    while len(page_times) < reps:
        n = min(block, reps - len(page_times))
        for part, times in zip(parts, part_times, strict=True):
            times.extend(timed(part, n, warm=1))
        page_times.extend(timed(page, n, warm=1))
    return page_times, [statistics.median(times) for times in part_times]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(case: str, values: list[float], floor: float, target: float, note: str = "") -> None:
    median = statistics.median(values)
    ratio = median / floor if floor else float("nan")
    ok = "ok" if ratio <= target else "MISSED"
    ROWS.append((case, median, p95(values), floor, ratio, target, ok, note))
    log(
        f"  {case:<44} median {median * 1000:9.1f} ms  p95 {p95(values) * 1000:9.1f} ms  "
        f"floor {floor * 1000:8.1f} ms  ratio {ratio:6.2f} (target <= {target:g}) {ok} {note}"
    )


# --- HTTP client ----------------------------------------------------------------------------------


class Client:
    """A keep-alive HTTP client with a cookie and the CSRF token of the signed-in session."""

    def __init__(self, port: int, cookie: str = "", csrf: str = "") -> None:
        self.port, self.cookie, self.csrf = port, cookie, csrf
        self.conn = http.client.HTTPConnection(HOST, port, timeout=300)

    def request(
        self, method: str, path: str, body: bytes | None = None, ctype: str = ""
    ) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if ctype:
            headers["Content-Type"] = ctype
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=300)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data

    def get(self, path: str) -> bytes:
        status, data = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return data

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, bytes]:
        body = urllib.parse.urlencode([("csrf_token", self.csrf), *fields]).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")


def csrf_of(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1).decode()


# --- server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak_rss(master: int) -> None:
    """Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so a peak can be measured per case."""
    for pid in worker_pids(master):
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            pass


def peak_rss(master: int) -> float:
    return max([vm_hwm_mb(pid) for pid in worker_pids(master)] or [0.0])


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def pages_for_count(contact_id: int, organisation_id: int, thread_id: int) -> list[str]:
    return [
        "/contacts?country=KZ&sort=name&page=50",
        f"/contacts/{contact_id}",
        "/organisations?country=KZ&page=5",
        f"/organisations/{organisation_id}",
        "/threads?kind=consultation&page=5",
        f"/threads/{thread_id}",
        "/inquiries?status=new&page=5",
        "/inquiries/1",
        "/events",
        "/events/1",
        "/countries",
        "/countries/KZ",
        "/pipeline/inquiries",
        "/pipeline/threads?kind=consultation",
        "/pipeline/membership",
        "/reports",
        "/search?q=Nurgal",
        "/organisations/lookup?q=legal",
        "/",
    ]


def count_statements(app, password: str, paths: list[str]) -> None:
    from sqlalchemy import event

    from crm.extensions import db

    counter = [0]

    def count(*_args) -> None:
        counter[0] += 1

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    token = csrf_of(client.get("/login").data)
    client.post("/login", data={"csrf_token": token, "email": "bench@example.org", "password": password})
    event.listen(engine, "before_cursor_execute", count)
    try:
        for path in paths:
            counter[0] = 0
            status = client.get(path).status_code
            log(f"  {path:<44} {counter[0]:3d} statements (HTTP {status})")
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- the cases ------------------------------------------------------------------------------------


def main() -> int:  # noqa: C901, PLR0915 - one straight script
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument(
        "--reps", type=int, default=15, help="repetitions of each page case (a shared machine jitters)"
    )
    parser.add_argument("--mixed-seconds", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=4, help="client threads of the mixed load")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'crm.sqlite'}"
    sqlite_file = str(tmp / "crm.sqlite") if url.startswith("sqlite") else None
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CRM_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": os.urandom(32).hex(),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "CRM_INSTANCE_PATH", "SECRET_KEY")})
    log(f"Database: {'SQLite ' + sqlite_file if sqlite_file else url.split('@')[-1]}; temp dir {tmp}")
    server = None
    try:
        started = time.perf_counter()
        run_cli(env, "db", "upgrade")
        run_cli(env, "seed", "synthetic", "--contacts", str(args.contacts))
        log(f"Migrated and seeded in {time.perf_counter() - started:.1f} s")

        from sqlalchemy import create_engine, text

        if not sqlite_file:
            # A freshly bulk-loaded PostgreSQL database has no planner statistics until autovacuum
            # gets to it (in production it has long had them); SQLite has no automatic ANALYZE, so
            # its figures are left as users get them.
            with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text("ANALYZE"))
            log("PostgreSQL: ANALYZE run after seeding")

        from crm import create_app
        from crm.auth.services import create_user
        from crm.contacts.columns import PRESETS
        from crm.extensions import db
        from crm.models.enums import Role

        app = create_app()
        with app.app_context():
            user, password = create_user("bench@example.org", "Bench", Role.ADMIN, actor=None)
            user.must_change_password = False
            db.session.commit()
            user_id = user.id
        engine = create_engine(url)
        if not sqlite_file and app.config["POSTGRES_RANDOM_PAGE_COST"]:
            # The floors' SQL is planned as the app's is (crm._postgresql_planner, config.py).
            from sqlalchemy import event

            from crm import _postgresql_planner

            event.listen(engine, "connect", _postgresql_planner(app.config["POSTGRES_RANDOM_PAGE_COST"]))

        def sql(statements: list[str]) -> Callable[[], None]:
            def run() -> None:
                with engine.connect() as conn:
                    for statement in statements:
                        conn.execute(text(statement)).fetchall()

            return run

        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"{HOST}:{port}", "--timeout", "300", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
            start_new_session=True,
        )
        client = Client(port)
        for _ in range(100):
            try:
                client.get("/health")
                break
            except (OSError, RuntimeError, http.client.HTTPException):
                time.sleep(0.2)
                client = Client(port)
        login_page = client.get("/login")
        status, _body = client.request(
            "POST",
            "/login",
            urllib.parse.urlencode(
                {"csrf_token": csrf_of(login_page), "email": "bench@example.org", "password": password}
            ).encode(),
            "application/x-www-form-urlencoded",
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed: {status}")
        client.csrf = csrf_of(client.get("/contacts/new"))
        log(f"gunicorn (2 workers) on {HOST}:{port}; signed in as bench@example.org (admin)")

        reps = args.reps
        for _ in range(20):  # warm both workers
            client.get("/health")
            client.get("/contacts?country=KZ&sort=name&page=2")
        bare = statistics.median(timed(lambda: client.get("/health"), 30))
        log(f"\nBare route /health: median {bare * 1000:.2f} ms\n\nPages (ratio to /health + raw SQL):")

        per_page = app.config["PER_PAGE"]
        # Every page but /health reads the signed-in user (named in the navigation, deciding the menus).
        signed_in = f"SELECT * FROM users WHERE id = {user_id}"
        offset = per_page * 49
        # What the page shows, written by hand: the page of live contacts (ids from the index, then
        # the rows with their country and owner), their organisations, the total, and the filters'
        # and "add to list" choices.
        live_kz = "country_code = 'KZ' AND deleted_at IS NULL AND merged_into_id IS NULL"
        page_ids = f"SELECT id FROM contacts WHERE {live_kz} ORDER BY name_latin, id LIMIT {per_page} OFFSET {offset}"
        list_sql = [
            signed_in,
            f"SELECT c.*, co.name, u.name FROM ({page_ids}) p JOIN contacts c ON c.id = p.id "
            "LEFT JOIN countries co ON co.alpha2 = c.country_code LEFT JOIN users u ON u.id = c.owner_id "
            "ORDER BY c.name_latin, c.id",
            "SELECT a.contact_id, o.name, a.position, a.end_on FROM affiliations a "
            f"JOIN organisations o ON o.id = a.organisation_id WHERE a.contact_id IN ({page_ids})",
            f"SELECT count(*) FROM contacts WHERE {live_kz}",
            "SELECT alpha2, name FROM countries",
            "SELECT DISTINCT region_code, region, subregion_code, subregion FROM countries",
            "SELECT id, name FROM users WHERE active",
            "SELECT id, name FROM tags",
            "SELECT id, name FROM contact_lists WHERE kind = 'static'",
        ]

        def health() -> None:
            client.get("/health")

        values, (bare_here, raw) = in_turns(
            lambda: client.get("/contacts?country=KZ&sort=name&page=50"), [health, sql(list_sql)], reps
        )
        floors = {"list": bare_here + raw}  # each page's floor, for what the mixed load could reach at best
        report("contact list KZ, sorted, page 50 + count", values, bare_here + raw, 3)

        # The list's "name or e-mail contains" filter, part of a Cyrillic name (page 1 by name, and
        # the total). Floor: the same lookup by hand in the substring index (crm.search.substring).
        part = "нурга"
        if sqlite_file:
            matching = (
                "id IN (SELECT rowid FROM contact_text_fts WHERE contact_text_fts MATCH"
                f" '{{full_name name_latin email}} : \"{part}\"')"
            )
        else:
            matching = " OR ".join(
                f"{column} ILIKE '%{part}%'" for column in ("full_name", "name_latin", "email_normalized")
            )
        live_part = f"({matching}) AND deleted_at IS NULL AND merged_into_id IS NULL"
        part_ids = f"SELECT id FROM contacts WHERE {live_part} ORDER BY name_latin, id LIMIT {per_page}"
        text_sql = [
            list_sql[0],
            list_sql[1].replace(page_ids, part_ids),
            list_sql[2].replace(page_ids, part_ids),
            f"SELECT count(*) FROM contacts WHERE {live_part}",
            *list_sql[4:],
        ]
        values, (bare_here, raw) = in_turns(
            lambda: client.get(f"/contacts?q={urllib.parse.quote(part)}&sort=name"),
            [health, sql(text_sql)],
            reps,
        )
        report(f"contact list, name contains '{part}', page 1 + count", values, bare_here + raw, 3)
        with engine.connect() as conn:
            contact_id = conn.execute(
                text("SELECT contact_id FROM affiliations GROUP BY contact_id ORDER BY count(*) DESC LIMIT 1")
            ).scalar()
            organisation_id = conn.execute(
                text("SELECT organisation_id FROM affiliations GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
            ).scalar()
            thread_id = conn.execute(
                text("SELECT thread_id FROM interactions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
            ).scalar()
            # Threads that exist, for the mixed load's writes (a small seed has fewer than 1,000).
            write_threads = list(
                conn.execute(text("SELECT id FROM threads ORDER BY id LIMIT 1000")).scalars()
            )
        # What each page shows, written by hand: the signed-in user, the record with its country and
        # owner, and every block of the page with the names it shows.
        owners = "SELECT id, name FROM users WHERE active AND role <> 'viewer'"
        details = {
            f"/contacts/{contact_id}": [
                signed_in,
                "SELECT c.*, co.name, u.name FROM contacts c LEFT JOIN countries co ON co.alpha2 = c.country_code "
                f"LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = {contact_id}",
                f"SELECT t.name FROM tags t JOIN contact_tags x ON x.tag_id = t.id WHERE x.contact_id = {contact_id}",
                f"SELECT a.*, o.name FROM affiliations a JOIN organisations o ON o.id = a.organisation_id "
                f"WHERE a.contact_id = {contact_id}",
                "SELECT i.*, e.title FROM inquiries i LEFT JOIN events e ON e.id = i.event_id "
                f"WHERE i.contact_id = {contact_id}",
                "SELECT t.*, u.name FROM threads t JOIN thread_contacts tc ON tc.thread_id = t.id "
                f"LEFT JOIN users u ON u.id = t.owner_id WHERE tc.contact_id = {contact_id}",
                "SELECT i.*, t.title, u.name FROM interactions i JOIN interaction_contacts ic ON ic.interaction_id = i.id "
                "JOIN threads t ON t.id = i.thread_id LEFT JOIN users u ON u.id = i.author_id "
                f"WHERE ic.contact_id = {contact_id} ORDER BY i.occurred_at DESC LIMIT 50",
                "SELECT l.id, l.name, l.kind FROM contact_lists l JOIN contact_list_members m ON m.list_id = l.id "
                f"WHERE m.contact_id = {contact_id}",
                "SELECT id, name FROM contact_lists WHERE kind = 'static'",
                "SELECT r.*, u.name FROM consent_records r LEFT JOIN users u ON u.id = r.recorded_by_id "
                f"WHERE r.contact_id = {contact_id}",
            ],
            f"/organisations/{organisation_id}": [
                signed_in,
                "SELECT o.*, co.name, u.name FROM organisations o LEFT JOIN countries co ON co.alpha2 = o.country_code "
                f"LEFT JOIN users u ON u.id = o.owner_id WHERE o.id = {organisation_id}",
                f"SELECT a.*, c.full_name FROM affiliations a JOIN contacts c ON c.id = a.contact_id "
                f"WHERE a.organisation_id = {organisation_id}",
                "SELECT t.*, u.name FROM threads t JOIN thread_organisations x ON x.thread_id = t.id "
                f"LEFT JOIN users u ON u.id = t.owner_id WHERE x.organisation_id = {organisation_id}",
                "SELECT i.*, c.full_name FROM inquiries i JOIN contacts c ON c.id = i.contact_id "
                "JOIN affiliations a ON a.contact_id = c.id "
                f"WHERE a.organisation_id = {organisation_id} ORDER BY i.received_at DESC LIMIT 50",
            ],
            f"/threads/{thread_id}": [
                signed_in,
                "SELECT t.*, u.name, i.sender_name FROM threads t LEFT JOIN users u ON u.id = t.owner_id "
                f"LEFT JOIN inquiries i ON i.id = t.origin_inquiry_id WHERE t.id = {thread_id}",
                f"SELECT c.id, c.full_name FROM contacts c JOIN thread_contacts x ON x.contact_id = c.id WHERE x.thread_id = {thread_id}",
                "SELECT o.id, o.name FROM organisations o JOIN thread_organisations x ON x.organisation_id = o.id "
                f"WHERE x.thread_id = {thread_id}",
                "SELECT c.alpha2, c.name FROM countries c JOIN thread_countries x ON x.country_code = c.alpha2 "
                f"WHERE x.thread_id = {thread_id}",
                "SELECT i.*, u.name FROM interactions i LEFT JOIN users u ON u.id = i.author_id "
                f"WHERE i.thread_id = {thread_id} ORDER BY i.occurred_at DESC",
                "SELECT ic.interaction_id, c.full_name FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id "
                f"JOIN interactions i ON i.id = ic.interaction_id WHERE i.thread_id = {thread_id}",
                owners,
            ],
        }
        for path, statements in details.items():
            values, (bare_here, raw) = in_turns(
                lambda path=path: client.get(path), [health, sql(statements)], reps
            )
            floors[path] = bare_here + raw
            report(f"detail {path}", values, bare_here + raw, 3)

        def cards(table: str, column: str, values: dict[str, int], order: str, done_at: str, where: str = ""):
            """The LIMITed query of each column's cards, as the board runs them (by index)."""
            return [
                f"SELECT * FROM {table} WHERE {where}{column} = '{value}' "
                f"ORDER BY {order if limit == CARD_LIMIT else done_at + ' DESC, ' + order} LIMIT {limit}"
                for value, limit in values.items()
            ]

        from crm.pipeline.services import CARD_LIMIT, DONE_LIMIT

        inquiry_columns = {
            **dict.fromkeys(("new", "assigned", "responded"), CARD_LIMIT),
            **dict.fromkeys(("converted", "closed"), DONE_LIMIT),
        }
        stages = ("requested", "scheduled", "in_progress", "follow_up")
        thread_columns = {**dict.fromkeys(stages, CARD_LIMIT), "completed": DONE_LIMIT, "dropped": DONE_LIMIT}
        # Every board also shows its filters' choices.
        board_filters = [
            signed_in,
            "SELECT id, name FROM users WHERE active",
            "SELECT id, title, starts_on FROM events ORDER BY starts_on DESC",
            "SELECT alpha2, name FROM countries",
            "SELECT DISTINCT region_code, region, subregion_code, subregion FROM countries",
            "SELECT id, name FROM tags",
        ]
        thread_order = "next_action_due IS NULL, next_action_due, stage_changed_at, id"
        boards = {
            "/pipeline/inquiries": [
                "SELECT status, count(*) FROM inquiries GROUP BY status",
                *cards("inquiries", "status", inquiry_columns, "received_at, id", "status_changed_at"),
                *board_filters,
            ],
            "/pipeline/threads?kind=consultation": [
                "SELECT stage, count(*) FROM threads WHERE kind = 'consultation' GROUP BY stage",
                *cards(
                    "threads",
                    "stage",
                    thread_columns,
                    thread_order,
                    "stage_changed_at",
                    "kind = 'consultation' AND ",
                ),
                *board_filters,
            ],
            "/reports": [
                signed_in,
                "SELECT status, count(*) FROM inquiries GROUP BY status",
                "SELECT kind, stage, count(*) FROM threads GROUP BY kind, stage",
                "SELECT event_id, count(*) FROM inquiries GROUP BY event_id",
                "SELECT country_code, count(*) FROM inquiries GROUP BY country_code",
                "SELECT owner_id, count(*) FROM threads WHERE stage NOT IN ('completed', 'dropped') GROUP BY owner_id",
            ],
        }
        for path, statements in boards.items():
            values, (bare_here, raw) = in_turns(
                lambda path=path: client.get(path), [health, sql(statements)], reps
            )
            floors[path] = bare_here + raw
            report(f"board {path}", values, bare_here + raw, 3)

        log(
            "\nSearch (ratio to the raw indexed SQL the service runs, one ranked lookup per kind; < 50 ms absolute):"
        )
        from benchmarks.search import raw_statements

        with engine.connect() as conn:
            email = conn.execute(
                text("SELECT email_normalized FROM contacts WHERE email_normalized <> '' LIMIT 1")
            ).scalar()
            phone = conn.execute(text("SELECT phone FROM contacts WHERE phone <> '' LIMIT 1")).scalar() or ""
        phone_typed = "".join(ch for ch in phone if ch.isdigit())[-10:]  # typed without the country code
        for query in ("Айгер", "Nurgal", email.split("@")[0], email, phone_typed):
            lookups = raw_statements(query, engine.dialect.name)

            def run_lookups(lookups=lookups) -> None:
                with engine.connect() as conn:
                    for statement, params in lookups:
                        conn.execute(text(statement), params).fetchall()

            values, (bare_here, raw) = in_turns(
                lambda q=query: client.get("/search?q=" + urllib.parse.quote(q)), [health, run_lookups], reps
            )
            absolute = "abs ok" if statistics.median(values) < 0.05 else "abs MISSED (>= 50 ms)"
            floors[f"/search?q={query}"] = bare_here + raw  # what a page of it costs at the least
            report(f"search {query!r}", values, raw, 3, absolute)

        log("\nExports (all contacts, preset 'full'):")
        columns = list(PRESETS["full"])
        export_fields = [("preset", "full"), *[("columns", c) for c in columns]]
        reset_peak_rss(server.pid)
        rss_before = peak_rss(server.pid)
        sizes = {}

        def export(file_format: str, query: str = "") -> None:
            status, data = client.post(
                f"/contacts/export{query}", [*export_fields, ("file_format", file_format)]
            )
            if status != 200:
                raise RuntimeError(f"export {file_format}: {status}")
            sizes[file_format + query] = len(data)

        small_country = "UZ"  # about 12% of contacts: the "10k rows" export at 100k
        export("csv", f"?country={small_country}")
        rss_small = peak_rss(server.pid)
        reset_peak_rss(server.pid)
        csv_values = timed(lambda: export("csv"), max(3, reps // 2), warm=1)
        rss_full = peak_rss(server.pid)
        with engine.connect() as conn:
            n_rows = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
            n_small = conn.execute(
                text(f"SELECT count(*) FROM contacts WHERE country_code = '{small_country}'")
            ).scalar()
        # The same rows and columns as the app's "full" preset, organisations, positions and tags
        # included (current affiliations in order, tags by name), as one would write it by hand.
        joined = "string_agg({0}, '; ' ORDER BY {1})" if not sqlite_file else "group_concat({0}, '; ')"
        floor_sql = (
            "SELECT c.full_name, c.name_latin, c.email, c.phone, c.country_code, coalesce(a.orgs, ''), "
            "coalesce(a.positions, ''), c.languages, c.stakeholder_type, c.consent_to_contact, "
            "c.consent_to_share, c.consent_method, c.do_not_contact, c.notes, u.email, coalesce(t.tags, '') "
            "FROM contacts c LEFT JOIN users u ON u.id = c.owner_id "
            f"LEFT JOIN (SELECT contact_id, {joined.format('name', 'id')} AS orgs, "
            f"{joined.format('position', 'id')} AS positions FROM (SELECT a.contact_id, a.id, o.name, "
            "a.position FROM affiliations a JOIN organisations o ON o.id = a.organisation_id "
            "WHERE a.end_on IS NULL OR a.end_on >= CURRENT_DATE ORDER BY a.contact_id, a.id) x "
            "GROUP BY contact_id) a ON a.contact_id = c.id "
            f"LEFT JOIN (SELECT contact_id, {joined.format('name', 'name')} AS tags FROM (SELECT ct.contact_id, "
            "g.name FROM contact_tags ct JOIN tags g ON g.id = ct.tag_id ORDER BY ct.contact_id, g.name) y "
            "GROUP BY contact_id) t ON t.contact_id = c.id "
            "ORDER BY c.name_latin, c.id"
        )
        sqlite3_cli = shutil.which("sqlite3")
        if sqlite_file and sqlite3_cli:
            csv_floor = statistics.median(
                timed(
                    lambda: subprocess.run(
                        [sqlite3_cli, "-csv", "-header", sqlite_file, floor_sql],
                        stdout=subprocess.DEVNULL,
                        check=True,
                    ),
                    3,
                )
            )
            report(
                f"CSV export {n_rows:,} rows ({sizes['csv'] / 1e6:.1f} MB)",
                csv_values,
                csv_floor,
                3,
                "floor: sqlite3 -csv",
            )
        else:
            why = "the sqlite3 CLI is missing (apt-get install sqlite3)" if sqlite_file else "PostgreSQL run"
            log(f"  CSV export: median {statistics.median(csv_values):.2f} s; no sqlite3 -csv floor: {why}")
        log(
            f"  worker peak RSS (VmHWM, reset before each): {rss_before:.0f} MB at rest, {rss_small:.0f} MB "
            f"exporting {n_small:,} rows, {rss_full:.0f} MB exporting {n_rows:,} rows: "
            f"{rss_full / max(rss_small, 1):.2f}x (target <= 1.5x)"
        )

        def xlsx_floor() -> None:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("Contacts")
            with engine.connect() as conn:
                for row in conn.execute(text(floor_sql)):
                    sheet.append(list(row))
            book.save(str(tmp / "floor.xlsx"))

        reset_peak_rss(server.pid)
        xlsx_values = timed(lambda: export("xlsx"), 2, warm=0)
        floor = statistics.median(timed(xlsx_floor, 2, warm=0))
        report(f"XLSX export {n_rows:,} rows", xlsx_values, floor, 1.5, "floor: bare openpyxl write-only")
        log(f"  worker peak RSS (VmHWM) during the XLSX exports: {peak_rss(server.pid):.0f} MB")

        log("\nImport of a 10,000-row contact CSV (build_preview + commit_import in process, rolled back):")
        rng = random.Random(5)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["Full name", "E-mail", "Country", "Phone"])
        rows = [
            (
                f"Imported Person{i} {rng.choice(['Karimov', 'Santos', 'Нургалиева'])}",
                f"imported{i}@bench.example",
                "Kazakhstan",
                "",
            )
            for i in range(10_000)
        ]
        writer.writerows(rows)
        data = buffer.getvalue().encode()

        import_values = []
        try:
            with app.app_context():
                from crm.imports.reading import Limits
                from crm.imports.services import Settings, build_preview, commit_import
                from crm.models import User

                def import_in_process() -> None:
                    actor = db.session.get(User, user_id)
                    preview = build_preview(
                        data,
                        "bench.csv",
                        Settings(kind="contacts"),
                        Limits.from_config(app.config),
                        actor=actor,
                    )
                    commit_import(preview, actor=actor, skip_errors=True)
                    db.session.rollback()  # measured, not kept

                import_values = timed(import_in_process, 3, warm=0)
        except Exception as exc:  # noqa: BLE001 - report and go on
            log(f"  import failed: {exc!r}")

        def executemany_floor() -> None:
            with engine.connect() as conn:
                trans = conn.begin()
                conn.execute(
                    text(
                        "INSERT INTO contacts (full_name, name_latin, name_key, email, email_normalized, phone, "
                        "country_code, languages, stakeholder_type, consent_to_contact, consent_to_share, "
                        "consent_method, do_not_contact, notes, lived_experience, sensitive_notes, created_at, updated_at) "
                        "VALUES (:n, :n, :n, :e, :e, '', 'KZ', '', 'other', false, false, '', false, '', false, '', "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    [{"n": n, "e": e} for n, e, _c, _p in rows],
                )
                trans.rollback()

        floor = statistics.median(timed(executemany_floor, 3, warm=1))
        if import_values:
            report(
                "import 10,000 rows (preview + commit, in process)",
                import_values,
                floor,
                10,
                "floor: executemany",
            )

        log(f"\nMixed load: {args.threads} threads, 90% page views / 10% writes, {args.mixed_seconds:.0f} s:")
        read_paths = [
            "/contacts?country=KZ&sort=name&page=3",
            "/contacts?country=TH&page=10",
            f"/contacts/{contact_id}",
            f"/organisations/{organisation_id}",
            f"/threads/{thread_id}",
            "/pipeline/inquiries",
            "/search?q=Nurgal",
            "/",
        ]

        def load(paths: list[str] | None, seconds: float) -> tuple[float, list[float], int]:
            latencies: list[float] = []
            errors = [0]
            lock = threading.Lock()
            stop_at = time.perf_counter() + seconds

            def worker(n: int) -> None:
                me = Client(port, client.cookie, client.csrf)
                r = random.Random(n)
                mine = []
                bad = 0
                for _ in range(20_000):  # bounded
                    if time.perf_counter() >= stop_at:
                        break
                    started = time.perf_counter()
                    try:
                        if paths is None:
                            status, _ = me.request("GET", "/health")
                        elif r.random() < 0.1:
                            status, _ = me.post(
                                f"/threads/{r.choice(write_threads)}/interactions",
                                [("kind", "note"), ("summary", "Benchmark note")],
                            )
                        else:
                            status, _ = me.request("GET", r.choice(paths))
                    except (OSError, http.client.HTTPException):
                        status = 0
                    mine.append(time.perf_counter() - started)
                    bad += status not in (200, 302)
                with lock:
                    latencies.extend(mine)
                    errors[0] += bad

            workers = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
            started = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            elapsed = time.perf_counter() - started
            return len(latencies) / elapsed, latencies, errors[0]

        floor_rps, floor_lat, floor_errors = load(None, min(10.0, args.mixed_seconds))
        rps, latencies, errors = load(read_paths, args.mixed_seconds)
        ratio = rps / floor_rps
        ok = "ok" if ratio >= 1 / 3 and p95(latencies) < 0.25 and errors == 0 else "MISSED"
        log(
            f"  bare /health: {floor_rps:.0f} req/s, p95 {p95(floor_lat) * 1000:.1f} ms, {floor_errors} errors\n"
            f"  mixed:        {rps:.0f} req/s ({ratio:.2f} of bare; target >= 0.33), "
            f"median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95(latencies) * 1000:.1f} ms "
            f"(target < 250), {errors} errors of {len(latencies)} -> {ok}"
        )
        # What the mix could reach at best: every page exactly at its floor (the bare route plus the
        # raw SQL of what it shows). The list floor stands for both list pages; the home page and the
        # writes have no floor here and count as the bare route, which only flatters the figure.
        page_floor = {
            read_paths[0]: floors["list"],
            read_paths[1]: floors["list"],
            read_paths[6]: floors["/search?q=Nurgal"],
            **{path: floors[path] for path in read_paths if path in floors},
        }
        mean_floor = 0.9 * statistics.mean(page_floor.get(path, bare) for path in read_paths) + 0.1 * bare
        log(
            f"  at best, every page at its floor: {mean_floor * 1000:.1f} ms a request on average against "
            f"{bare * 1000:.1f} ms for /health, so about {bare / mean_floor:.2f} of bare"
        )
        ROWS.append(
            (
                "mixed load req/s (ratio = share of bare)",
                statistics.median(latencies),
                p95(latencies),
                1 / floor_rps,
                ratio,
                1 / 3,
                ok,
                f"{rps:.0f} vs {floor_rps:.0f} req/s, {errors} errors",
            )
        )
        log(f"\nServer peak RSS (VmHWM of the gunicorn workers): {peak_rss(server.pid):.0f} MB")

        log("\nSQL statements per page (in process, counted with an SQLAlchemy event hook):")
        count_statements(app, password, pages_for_count(contact_id, organisation_id, thread_id))

        log("\n| case | median | p95 | floor | ratio | target | |")
        log("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for case, median, q95, floor, ratio, target, ok, note in ROWS:
            target_text = f">= {target:.2f}" if case.startswith("mixed") else f"<= {target:g}"
            log(
                f"| {case} | {median * 1000:.1f} ms | {q95 * 1000:.1f} ms | {floor * 1000:.1f} ms | "
                f"{ratio:.2f} | {target_text} | {ok} {note} |"
            )
        return 0
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
