"""Names in any script: a Latin form for display and sorting, and a key for matching."""

from __future__ import annotations

import re

from anyascii import anyascii

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_DOUBLES = re.compile(r"([a-z])\1+")


def latin(name: str) -> str:
    """A Latin transliteration of a name in any script ('Айгерим' -> 'Aygerim')."""
    return " ".join(anyascii(name or "").split())


def name_key(name: str) -> str:
    """A matching key that forgives common romanisation differences and word order.

    'Айгерим Нургалиева', 'Aigerim Nurgaliyeva' and 'Nurgalieva Aigerim' share one key.
    """
    # anyascii writes the soft sign as an apostrophe: drop it rather than split the word.
    text = _NOT_LETTERS.sub(" ", latin(name).lower().replace("'", ""))
    words = []
    for word in text.split():
        word = word.replace("y", "i").replace("j", "i").replace("kh", "h").replace("w", "v")
        word = _DOUBLES.sub(r"\1", word).replace("ie", "e") if len(word) > 3 else _DOUBLES.sub(r"\1", word)
        words.append(word)
    return " ".join(sorted(words))[:300]
