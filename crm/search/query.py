"""Turn what someone typed into index queries: FTS5 expressions for SQLite, tsquery for PostgreSQL.

Each typed word becomes a group of alternative spellings — its romanisation-tolerant key, its
Latin transliteration and the word as typed — matched as word prefixes ("Nurgal" finds
"Nurgaliyeva" and "Нургалиева"). Every group must match. Digits alone are a phone number:
its digits, without a trunk prefix, and its national number. Only letters and digits reach an
expression, each piece quoted, so nothing typed can change the query's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from crm.names import latin, name_key

_PIECE = re.compile(r"[^\W_]+")
_LETTER = re.compile(r"[^\W\d_]")
MIN_PHONE_DIGITS = 5

Alternative = tuple[str, ...]  # a phrase of consecutive word pieces


def _pieces(text: str) -> Alternative:
    return tuple(_PIECE.findall(text.lower()))


@dataclass
class ParsedQuery:
    text: str
    groups: list[list[Alternative]] = field(default_factory=list)
    key: str = ""  # name_key of the whole query: an exact name in either script
    needles: list[str] = field(default_factory=list)  # exact e-mail or phone digits

    @property
    def empty(self) -> bool:
        return not self.groups


def _phone_forms(digits: str) -> list[str]:
    forms = [digits]
    if digits[0] in "08" and len(digits) >= 10:  # a trunk prefix: 8 701…, 0 20…
        forms.append(digits[1:])
    try:
        number = phonenumbers.parse("+" + digits)
        if phonenumbers.is_possible_number(number):
            forms.append(str(number.national_number))
    except phonenumbers.NumberParseException:
        pass
    return list(dict.fromkeys(forms))


def _word_alternatives(word: str) -> list[Alternative]:
    forms = [_pieces(name_key(word)), _pieces(latin(word)), _pieces(word)]
    key = forms[0]
    # The key shortens 'ie' to 'e', so a fragment cut after the 'i' ('Nurgali') would miss.
    if len(key) == 1 and len(key[0]) > 3 and key[0].endswith("i"):
        forms.append((key[0][:-1],))
    return [form for form in dict.fromkeys(forms) if form]


def parse(text: str) -> ParsedQuery:
    """Split a typed query into groups of alternatives (all groups must match)."""
    parsed = ParsedQuery(text=text)
    digits = re.sub(r"\D", "", text)
    if not _LETTER.search(text) and len(digits) >= MIN_PHONE_DIGITS:
        forms = _phone_forms(digits)
        parsed.groups = [[(form,) for form in forms]]
        parsed.needles = forms
        return parsed
    if "@" in text:  # an e-mail address, whole or in part: its pieces in order
        address = _pieces(text)
        parsed.groups = [[address]] if address else []
        parsed.needles = [text.strip().lower()]
        return parsed
    parsed.groups = [alts for alts in (_word_alternatives(w) for w in text.split()) if alts]
    parsed.key = name_key(text)
    return parsed


# --- SQLite FTS5 ---------------------------------------------------------------------------------


def _fts_phrase(alternative: Alternative, prefix: bool) -> str:
    phrase = '"' + " ".join(alternative) + '"'
    return phrase + " *" if prefix else phrase


def fts_expression(parsed: ParsedQuery, prefix: bool = True, names_only: bool = False) -> str:
    """An FTS5 MATCH expression; whole words only when `prefix` is false."""
    groups = [
        "(" + " OR ".join(_fts_phrase(alt, prefix) for alt in alternatives) + ")"
        for alternatives in parsed.groups
    ]
    expression = " AND ".join(groups)
    return "{key names} : (" + expression + ")" if names_only else expression


# --- PostgreSQL tsquery --------------------------------------------------------------------------


def _ts_phrase(alternative: Alternative, prefix: bool, weight: str) -> str:
    words = [f"'{piece}'" + (":" + weight if weight else "") for piece in alternative]
    if prefix:
        words[-1] = f"'{alternative[-1]}':*{weight}"
    return "(" + " <-> ".join(words) + ")"


def ts_expression(parsed: ParsedQuery, prefix: bool = True, names_only: bool = False) -> str:
    """A to_tsquery('simple', …) expression; whole words only when `prefix` is false."""
    weight = "A" if names_only else ""
    return " & ".join(
        "(" + " | ".join(_ts_phrase(alt, prefix, weight) for alt in alternatives) + ")"
        for alternatives in parsed.groups
    )
