"""One client of the load test: signs in, then creates and edits contacts until time is up.

Run by tests/safety/test_load.py as a separate process (python tests/safety/load_client.py URL
EMAIL PASSWORD SECONDS SHARED_ID); prints what the server acknowledged as JSON on stdout.
Loopback only: it refuses any other host.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Client:
    def __init__(self, base: str) -> None:
        host = urllib.parse.urlsplit(base).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing to load-test {host}: loopback only")
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.statuses: Counter[int] = Counter()
        self.errors: list[str] = []

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:  # noqa: S310 - loopback
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location", "")
        except OSError as error:  # refused, reset, timed out: as bad as a 5xx
            self.errors.append(f"{path}: {error}")
            return 0, "", ""
        self.statuses[status] += 1
        if status >= 500:
            self.errors.append(f"{status} {path}: {text[:200]}")
        return status, text, location

    def version_of(self, contact_id: int) -> str:
        _, page, _ = self.request(f"/contacts/{contact_id}/edit")
        found = VERSION.search(page)
        return (found.group(1) or found.group(2)) if found else ""


def run(base: str, email: str, password: str, seconds: float, shared_id: int) -> dict:
    client = Client(base)
    status, _, _ = client.request("/login", {"email": email, "password": password})
    if status != 302:
        return {"fatal": f"sign-in answered {status}"}
    created: dict[int, str] = {}
    notes: dict[int, str] = {}
    shared_saves: list[str] = []
    conflicts = 0
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        n += 1
        name = f"Load {email.split('@')[0]} {n}"
        # The names look alike ("Load load1 1", "… 2"), so the form warns of a likely duplicate:
        # this person has checked and saves anyway, as the form's second button does.
        status, _, location = client.request(
            "/contacts/new",
            {"full_name": name, "stakeholder_type": "other", "notes": "v0", "save_anyway": "1"},
        )
        if status == 302 and (match := re.search(r"/contacts/(\d+)$", location)):
            created[int(match.group(1))] = name
            notes[int(match.group(1))] = "v0"
        if created:
            contact_id = list(created)[n % len(created)]
            text = f"v{n} by {email}"
            form = {"full_name": created[contact_id], "stakeholder_type": "other", "notes": text}
            status, _, _ = client.request(
                f"/contacts/{contact_id}/edit", {**form, "version": client.version_of(contact_id)}
            )
            if status == 302:
                notes[contact_id] = text
        text = f"shared {n} by {email}"
        form = {"full_name": "Shared Contact", "stakeholder_type": "other", "notes": text}
        status, _, _ = client.request(
            f"/contacts/{shared_id}/edit", {**form, "version": client.version_of(shared_id)}
        )
        if status == 302:
            shared_saves.append(text)
        elif status == 409:
            conflicts += 1
        if n % 3 == 0:
            client.request("/contacts?q=Load")
    return {
        "created": created,
        "notes": notes,
        "shared_saves": shared_saves,
        "conflicts": conflicts,
        "statuses": dict(client.statuses),
        "errors": client.errors,
    }


if __name__ == "__main__":
    url, user, secret, duration, shared = sys.argv[1:6]
    print(json.dumps(run(url, user, secret, float(duration), int(shared))))
