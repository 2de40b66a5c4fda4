"""Normalised forms used only for matching organisations."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from anyascii import anyascii

_NOT_WORDS = re.compile(r"[^a-z0-9 ]+")


def organisation_key(name: str) -> str:
    """Lower-case Latin words and numbers in sorted order ('Центр 12' and 'centr 12' agree)."""
    text = _NOT_WORDS.sub(" ", anyascii(name or "").lower().replace("'", ""))
    return " ".join(sorted(text.split()))


def website_key(url: str) -> str:
    """The host of a website without 'www.' ('https://www.ngo.kz/en' -> 'ngo.kz')."""
    text = (url or "").strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    return host.removeprefix("www.")
