"""List what is left to translate: `.venv/bin/python scripts/untranslated.py [LANG ...]`.

For each catalogue in translations/ (or the languages named), prints the entries that are empty or
fuzzy, and the marked strings of the code and templates that the catalogue does not have yet
(run `make messages` first to merge those in). The output is PO text: translate the msgstr lines
in translations/<lang>/LC_MESSAGES/messages.po, remove the "#, fuzzy" lines, run `make messages`.
`tests/i18n/test_catalogue.py` fails until this prints nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "_l": None}
KEYWORDS |= {"lazy_gettext": None, "npgettext": ((1, "c"), 2, 3), "lazy_pgettext": ((1, "c"), 2)}


@dataclass(frozen=True)
class Todo:
    """One message a catalogue lacks: why, where it is used, and its English text."""

    reason: str  # "missing" (not merged yet), "untranslated", "fuzzy", "plural forms", "not compiled"
    context: str | None
    msgid: str | tuple[str, ...]
    locations: tuple[tuple[str, int], ...] = ()


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def languages() -> list[str]:
    """Every language with a catalogue (English, the source language, has none)."""
    return sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def read_catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def source_messages() -> dict[tuple[str | None, str], tuple[str, ...] | str]:
    """{(context, msgid): msgid or (singular, plural)} for every string marked in crm/ and templates/."""
    found: dict[tuple[str | None, str], tuple[str, ...] | str] = {}
    method_map = [("crm/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key = message[0] if isinstance(message, tuple) else message
        found[(context, key)] = message
    return found


def _strings(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def todo(language: str, sources: dict | None = None) -> list[Todo]:
    """What `language`'s catalogue lacks, in the order a translator would fix it."""
    catalogue = read_catalogue(language)
    mo_path = catalogue_path(language).with_suffix(".mo")
    compiled = None
    if mo_path.exists():
        with mo_path.open("rb") as handle:
            compiled = read_mo(handle)
    return problems(catalogue, sources if sources is not None else source_messages(), compiled)


def problems(catalogue: Catalog, sources: dict, compiled: Catalog | None) -> list[Todo]:
    """Fuzzy, empty or short-of-plural-forms entries; marked strings not merged; a stale .mo."""
    found: list[Todo] = []
    for message in catalogue:
        if not message.id:
            continue
        where = tuple(message.locations)
        if message.fuzzy:
            found.append(Todo("fuzzy", message.context, message.id, where))
        elif not all(_strings(message)):
            found.append(Todo("untranslated", message.context, message.id, where))
        elif message.pluralizable and len(_strings(message)) != catalogue.num_plurals:
            found.append(Todo("plural forms", message.context, message.id, where))
    for (context, key), msgid in sources.items():
        if catalogue.get(key, context=context) is None:
            found.append(Todo("missing", context, msgid))
    found.extend(_not_compiled(catalogue, compiled))
    return found


def _not_compiled(catalogue: Catalog, compiled: Catalog | None) -> Iterable[Todo]:
    """Entries whose compiled .mo (what the app reads) differs from the .po."""
    if compiled is None:
        yield Todo("not compiled", None, "messages.mo is missing")
        return
    for message in catalogue:
        if message.id and not message.fuzzy and all(_strings(message)):
            other = compiled.get(message.id, context=message.context)
            if other is None and message.context:  # read_mo keeps contexts as bytes
                other = compiled.get(message.id, context=message.context.encode())  # type: ignore[arg-type]
            if other is None or _strings(other) != _strings(message):
                yield Todo("not compiled", message.context, message.id)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def as_po(item: Todo) -> str:
    """The entry as PO text, ready to be translated."""
    lines = [f"# {item.reason}"]
    if item.locations:
        lines.append("#: " + " ".join(f"{name}:{line}" for name, line in item.locations[:4]))
    if item.context:
        lines.append(f"msgctxt {_quote(item.context)}")
    if isinstance(item.msgid, tuple | list):
        lines += [f"msgid {_quote(item.msgid[0])}", f"msgid_plural {_quote(item.msgid[1])}"]
    else:
        lines.append(f"msgid {_quote(item.msgid)}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sources = source_messages()
    total = 0
    for language in argv or languages():
        items = todo(language, sources)
        total += len(items)
        print(f"## {catalogue_path(language).relative_to(ROOT)}: {len(items)} to do")
        for item in items:
            print(as_po(item), end="\n\n")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
