"""No user-facing text in a template escapes translation.

A simple scan: Jinja tags and comments are blanked out, then the HTML is parsed; any text node or
user-facing attribute (title, placeholder, aria-label, alt, a button's value) that still holds a
letter was written straight into the template instead of through `_()`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description", "data-confirm")
LETTER = re.compile(r"[^\W\d_]")
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
# Text that is the same in every language: symbols, and names nobody translates.
ALLOWED = {"CRM", "CSV", "XLSX", "vCard", "M49", "ISO", "E.164", "UTC"}
# Not words: CSS classes set in blocks ("container-fluid") and paths in plain-text e-mails.
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$|/")


def _is_text(word: str) -> bool:
    word = word.strip(".,:;()·—")
    return bool(LETTER.search(word)) and word not in ALLOWED and not CODE.search(word)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("input", "meta", "link", "br", "hr", "img", "source"):
            self._tags.append(tag)
        values = dict(attrs)
        for name in ATTRIBUTES:
            self._check(f"{tag}[{name}]", values.get(name))
        is_button = tag == "button" or (
            tag == "input" and values.get("type") in ("submit", "button", "reset")
        )
        if is_button:
            self._check(f"{tag}[value]", values.get("value") if tag == "input" else None)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._tags:
            while self._tags and self._tags.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._tags and self._tags[-1] in ("script", "style"):
            return
        self._check("text", data)

    def _check(self, where: str, value: str | None) -> None:
        if not value:
            return
        if any(_is_text(word) for word in value.split()):
            self.found.append((self.getpos()[0], f"{where}: {value.strip()[:60]!r}"))


def bare_text(source: str) -> list[tuple[int, str]]:
    """(line, what) for each piece of user-facing text not produced by a Jinja expression."""
    # Jinja blanked out, keeping newlines so line numbers still point at the template.
    blanked = JINJA.sub(lambda m: " " + "\n" * m.group(0).count("\n"), source)
    scanner = _Scanner()
    scanner.feed(blanked)
    scanner.close()
    return scanner.found


def _html_templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", _html_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_template_has_no_untranslated_text(path: Path):
    found = bare_text(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(TEMPLATES)}:{line}: {what}" for line, what in found)


def test_the_scan_catches_bare_text_and_attributes():
    source = """
    <h1>{{ _("Contacts") }}</h1>
    <p>Nothing here yet</p>
    <input type="search" placeholder="Search…" aria-label="{{ _('Search') }}">
    <button type="submit" title="Save the contact">{{ _("Save") }}</button>
    <input type="submit" value="Go">
    <img src="/x.png" alt="Logo">
    <span>{{ count }} · 42 %</span>
    {# a comment in English is fine #}
    {% if x %}<a href="/contacts?sort=name">{{ _("Sort") }}</a>{% endif %}
    """
    found = [what for _line, what in bare_text(source)]
    assert found == [
        "text: 'Nothing here yet'",
        "input[placeholder]: 'Search…'",
        "button[title]: 'Save the contact'",
        "input[value]: 'Go'",
        "img[alt]: 'Logo'",
    ]


def test_the_text_templates_for_email_are_translated():
    """Plain-text e-mails: every line with words comes from `_()` / `ngettext`, or is data."""
    for path in TEMPLATES.rglob("*.txt"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            left = JINJA.sub("", line)
            assert not any(_is_text(word) for word in left.split()), (
                f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
            )
