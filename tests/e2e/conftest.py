"""Browser tests: the real app on 127.0.0.1, driven by Debian's Chromium through Playwright.

- One live server per session: the app served by a werkzeug thread on a free port, with CSRF on,
  over a database built by the migrations (a SQLite file, or a PostgreSQL database of its own
  when TEST_DATABASE_URL points at PostgreSQL).
- One Chromium per session, a new browser context per test; every test runs at a desktop and
  a phone viewport.
- Every page visited is screenshotted to test-artifacts/e2e/, and may show no console error,
  no uncaught exception and no Content-Security-Policy violation; the server may raise nothing.
- Journey.accessibility() runs axe-core (vendored under static/vendor/axe/, for the tests only: no app
  page loads it) on the page shown, and lists its serious and critical violations.
- Without Chromium the tests are skipped, saying why, unless CI=true: then they are required.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestConfig
from crm import create_app
from crm.auth.services import change_password, create_user
from crm.extensions import db
from crm.models.enums import Role
from tests.databases import scratch_postgres
from tests.e2e import data

try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
except ImportError:  # the dev requirements are not installed; reported as the skip reason
    sync_playwright = None

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"

# Debian's real binary; /usr/bin/chromium is a shell wrapper that prints noise on stderr here.
CHROMIUM = os.environ.get("CRM_E2E_CHROMIUM", "/usr/lib/chromium/chromium")
# Keep Chromium off the network: no update checks, no first-run pings. No GPU in a container.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PASSWORD = "a long e2e pass phrase"
ON_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")

# Chromium reports CSP violations to the console as errors starting "Refused to ...", but
# report-only policies and some directives only fire the DOM event; send those to the console too.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});
"""
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy", "Refused to")

# axe-core, injected into the page under test by Journey.accessibility(); the app never serves it to a page.
AXE = ROOT / "static" / "vendor" / "axe" / "axe.min.js"
AXE_FAILING = ("serious", "critical")
# axe's default rules (WCAG 2.x A and AA, and best practices), all of them. To switch one off,
# add it here as {"rule-id": {"enabled": False}} with a comment saying why it cannot apply.
AXE_RULES: dict[str, dict[str, bool]] = {}
AXE_RUN = """
async (rules) => {
  const results = await axe.run(document, {rules, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}
"""

# Forms that delete, remove, undo, deactivate or close something: each must ask first (data-confirm,
# read by static/js/confirm.js).
DESTRUCTIVE = ("/delete", "/undo", "/deactivate", "/close", "/members/remove", "/reset-password")
UNCONFIRMED = ", ".join(f"form[action$='{end}']:not([data-confirm])" for end in DESTRUCTIVE)

# What a person might notice but that fails nothing (pages wider than the screen, the browser's
# warnings and DOM hints), printed once each at the end of the run.
NOTES: dict[str, None] = {}


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if sync_playwright is None:
        return "the playwright package is not installed (run `make install-dev`)"
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"Chromium not found at {CHROMIUM} "
            "(install it with `apt-get install chromium`, or point CRM_E2E_CHROMIUM at the binary)"
        )
    return None


def is_e2e(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).parents


_missing_key = pytest.StashKey[str | None]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests, run them after the quick ones, and skip them (outside CI) without Chromium."""
    missing = browser_missing()
    browser_tests = [item for item in items if is_e2e(item)]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
        if missing and not ON_CI:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {missing}"))
    items[:] = [item for item in items if not is_e2e(item)] + browser_tests
    config.stash[_missing_key] = missing if browser_tests else None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    missing = config.stash.get(_missing_key, None)
    if missing:
        verdict = "FAILED: they are required on CI (CI=true)" if ON_CI else "SKIPPED"
        terminalreporter.write_sep("=", f"browser tests {verdict}: {missing}", red=ON_CI, yellow=not ON_CI)
    if NOTES:
        terminalreporter.write_sep("-", "notes from the browser tests (not failures)")
        for note in NOTES:
            terminalreporter.write_line(f"- {note}")


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Remember how the test call went, so the page fixture can screenshot a failure."""
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


# --- The live server -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite file in a temp instance folder, or a PostgreSQL database of our own."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-instance') / 'crm.sqlite'}"
        return
    with scratch_postgres(url, "crm_e2e") as scratch:
        yield scratch


@dataclass
class LiveServer:
    app: Flask
    url: str
    errors: list[str] = field(default_factory=list)
    _n: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def seed(self, work: Callable[[], Any]) -> Any:
        """Run `work` against the live database (in the app's context) and commit it."""
        with self.app.app_context():
            result = work()
            db.session.commit()
            return result

    def unique(self) -> int:
        return next(self._n)

    def user(self, role: Role, name: str, *, ready: bool = True) -> tuple[str, str]:
        """An account made the way admins make them; (e-mail, password).

        ready=False leaves the one-time password in place (it must be changed at sign-in).
        """
        email = f"e2e{self.unique()}@example.org"

        def work() -> str:
            user, one_time = create_user(email, name, role, actor=None)
            if not ready:
                return one_time
            change_password(user, one_time, PASSWORD)
            return PASSWORD

        return email, self.seed(work)


class QuietHandler(WSGIRequestHandler):
    """No line per request: the screenshots and the failed assertion say what happened; errors still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, e2e_database_url: str) -> Iterator[LiveServer]:
    class E2EConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = e2e_database_url
        WTF_CSRF_ENABLED = True
        SECRET_KEY = "e2e-secret-key-for-browser-tests-only"  # noqa: S105 - tests only

    instance = tmp_path_factory.mktemp("e2e-app")
    saved = os.environ.get("CRM_INSTANCE_PATH")
    os.environ["CRM_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(E2EConfig)
    finally:
        if saved is None:
            os.environ.pop("CRM_INSTANCE_PATH")
        else:
            os.environ["CRM_INSTANCE_PATH"] = saved
    with app.app_context():
        upgrade()  # the real schema, and the countries the first migration loads

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")

    def record_exception(sender: Flask, exception: BaseException, **extra: Any) -> None:
        live.errors.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record_exception, app)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record_exception, app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


WEBINAR = "Webinar: ending statelessness in Central Asia"
TOPICS = ("Nationality law", "Birth registration")


@pytest.fixture(scope="session")
def webinar(live_server: LiveServer) -> str:
    """The event inquiries come from, and the topics they ask about; returns the event's title."""

    def work() -> None:
        data.event(WEBINAR, date(2026, 10, 15))
        for name in TOPICS:
            data.topic(name)

    live_server.seed(work)
    return WEBINAR


# --- The browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    missing = browser_missing()
    if missing:  # only reached on CI: elsewhere the tests were marked as skipped at collection
        pytest.fail(f"browser tests are required on CI (CI=true), but {missing}", pytrace=False)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@dataclass
class Journey:
    """One person's browser at one viewport, with what the test needs to look at the pages."""

    page: Page
    live: LiveServer
    test: str
    viewport: str
    problems: list[str] = field(default_factory=list)
    expected: list[tuple[str, str]] = field(default_factory=list)
    step: int = 0

    def url(self, path: str) -> str:
        return self.live.url + path

    def snap(self, name: str) -> Path:
        """Screenshot the whole page, and note it if it is wider than the viewport."""
        self.step += 1
        path = ARTIFACTS / f"{self.test}-{self.viewport}-{self.step:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        overflow = self.page.evaluate(OVERFLOW_SCRIPT)
        if overflow["by"] > 0:
            culprits = ", ".join(overflow["culprits"]) or "no single element"
            NOTES[
                f"{self.page.url.removeprefix(self.live.url)} at {self.viewport} "
                f"({VIEWPORTS[self.viewport]['width']} px) scrolls sideways by {overflow['by']} px "
                f"[{culprits}] - see {path.name}"
            ] = None
        return path

    def goto(self, path: str, name: str) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        self.snap(name)

    def nav(self, label: str) -> None:
        """Follow a link in the top navigation, opening the menu first where it is collapsed."""
        toggler = self.page.get_by_role("button", name="Menu")
        if toggler.is_visible():
            toggler.click()
        link = self.page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True)
        href = link.get_attribute("href") or ""
        link.click()
        self.page.wait_for_url(re.compile(re.escape(self.url(href)) + r"(\?|$)"))
        self.snap(label.lower())

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the form (journey 1 looks at it; here it is a means to an end)."""
        self.page.goto(self.url("/login"))
        self.page.get_by_label("E-mail", exact=True).fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(lambda url: "/login" not in url)
        self.snap("signed-in")

    def accessibility(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now, one line per element."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # By URL, from this site's static files: the Content-Security-Policy forbids inline scripts.
            self.page.add_script_tag(url=self.url("/static/vendor/axe/axe.min.js"))
        where = f"{self.page.url.removeprefix(self.live.url)} at {self.viewport}"
        found = []
        for violation in self.page.evaluate(AXE_RUN, AXE_RULES):
            if violation["impact"] not in AXE_FAILING:
                continue
            for node in violation["nodes"]:
                why = " ".join(node["summary"].split())
                found.append(
                    f"{where}: [{violation['impact']}] {violation['id']} ({violation['help']}) "
                    f"at {node['target']}: {why}"
                )
        return found

    def unconfirmed(self) -> list[str]:
        """The destructive forms on the page that would be sent without asking, by action."""
        where = self.page.url.removeprefix(self.live.url)
        actions = self.page.locator(UNCONFIRMED).evaluate_all("forms => forms.map(f => f.action)")
        return [f"{where}: the form posting to {action} does not ask for confirmation" for action in actions]

    def artifact(self, name: str) -> Path:
        """Where to keep a file the journey produced (a download), next to its screenshots."""
        return ARTIFACTS / f"{self.test}-{self.viewport}-{name}"

    def flash(self, text: str | re.Pattern[str]) -> None:
        """A flash message with this text is shown."""
        expect(
            self.page.get_by_role("status").or_(self.page.get_by_role("alert")).filter(has_text=text)
        ).to_be_visible()

    def expect_console_error(self, contains: str, path: str) -> None:
        """Allow one console error that the journey causes on purpose (e.g. a 403 page)."""
        self.expected.append((contains, path))

    def listen(self, page: Page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception on {page.url}: {error}"))

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        text_ = message.text
        is_csp = any(word in text_ for word in CSP_WORDS)
        where = message.location.get("url") or page.url
        if message.type != "error" and not is_csp:
            # Not errors, but worth a look: warnings, and Chromium's hints about the markup.
            if message.type == "warning" or text_.startswith("[DOM]"):
                NOTES[f"console {message.type} on {where.removeprefix(self.live.url)}: {text_}"] = None
            return
        for expected in self.expected:
            contains, path = expected
            if not is_csp and contains in text_ and where == self.url(path):
                self.expected.remove(expected)
                return
        kind = "CSP violation" if is_csp else f"console {message.type}"
        self.problems.append(f"{kind} on {where}: {text_}")


# The document's overflow past the viewport, and the outermost elements sticking out (not those
# inside a box that scrolls or clips them, like .table-responsive).
OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const by = document.documentElement.scrollWidth - width;
  const culprits = [];
  if (by > 0) {
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o !== 'visible') return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > width + 1 && !clipped(el)) {
        const parent = el.parentElement;
        if (parent && parent.getBoundingClientRect().right > width + 1 && !clipped(parent) && parent !== document.body) continue;
        culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
        if (culprits.length >= 3) break;
      }
    }
  }
  return {by, culprits};
}
"""


@pytest.fixture
def journey(
    browser: Browser, live_server: LiveServer, viewport: str, request: pytest.FixtureRequest
) -> Iterator[Journey]:
    size = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport=size,
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        locale="en-GB",
        timezone_id="UTC",
        accept_downloads=True,
        reduced_motion="reduce",  # Bootstrap then skips its transitions: no waiting for menus to slide open
    )
    context.set_default_timeout(5_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    j = Journey(page=page, live=live_server, test=request.node.originalname, viewport=viewport)
    j.listen(page)
    context.on("page", j.listen)
    errors_before = len(live_server.errors)
    try:
        yield j
    finally:
        if request.node.stash.get(_failed_key, False):
            with contextlib.suppress(Exception):  # the page may be gone; the failure says why
                j.snap("FAILED")
        context.close()
    server_errors = live_server.errors[errors_before:]
    unmet = [f"expected console error '{c}' on {p} did not happen" for c, p in j.expected]
    problems = j.problems + [f"server raised {e}" for e in server_errors] + unmet
    if problems:
        pytest.fail("the browser or server reported problems:\n- " + "\n- ".join(problems), pytrace=False)
