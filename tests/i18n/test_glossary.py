"""The Russian catalogue keeps to the glossary's terms (translations/GLOSSARY.md, "Checked terms")."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "translations" / "GLOSSARY.md"
CATALOGUE = ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


def checked_terms() -> list[tuple[str, str]]:
    """(English pattern, Russian pattern) from the glossary's "Checked terms" table."""
    section = GLOSSARY.read_text(encoding="utf-8").split("## Checked terms", 1)[1]
    rows = re.findall(r"^\| `(.+?)` \| `(.+?)` \|$", section, re.M)
    return [(english.replace("\\|", "|"), russian.replace("\\|", "|")) for english, russian in rows]


def drifted(catalogue, terms: list[tuple[str, str]]) -> list[str]:
    found = []
    for english, russian in terms:
        for message in catalogue:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if re.search(english, msgid, re.I) and not all(re.search(russian, s, re.I) for s in strings):
                found.append(f"{msgid!r} → {strings[0]!r} should say /{russian}/ for /{english}/")
    return found


def test_the_catalogue_uses_the_glossary_terms():
    terms = checked_terms()
    assert len(terms) == 29
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    problems = drifted(catalogue, terms)
    assert not problems, "\n".join(problems)


def test_a_drifting_translation_is_caught():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="ru")
    catalogue.add("Open threads", "Открытые потоки")  # «поток» is what the glossary rules out
    catalogue.add("My inquiries", "Мои обращения")
    assert drifted(catalogue, [(r"\bthreads?\b", "направлени"), (r"\binquir(y|ies)\b", "обращени")]) == [
        "'Open threads' → 'Открытые потоки' should say /направлени/ for /\\bthreads?\\b/"
    ]
