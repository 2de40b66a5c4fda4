"""What a new password must be: long enough, not absurdly long, and not a well-known one.

No composition rules (NIST SP 800-63B, ASVS 6.2.5): any characters, spaces and any script.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from crm.translations import gettext as _

MIN_LENGTH = 8
# Far above the 64 ASVS asks for; the cap only keeps the hashing cost bounded.
MAX_LENGTH = 1024
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of well-known passwords, lower-cased."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def normalise(password: str) -> str:
    """The same password typed on different keyboards compares equal (NFKC)."""
    return unicodedata.normalize("NFKC", password)


def policy_error(password: str, *, email: str = "") -> str | None:
    """Why this password may not be used, or None if it is fine."""
    length = len(normalise(password))
    if length < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if length > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    folded = normalise(password).strip().lower()
    if folded in common_passwords():
        return _("This password is one of the most common ones and easy to guess. Choose another.")
    if email and folded in {email.lower(), email.lower().split("@")[0]}:
        return _("Do not use your e-mail address as the password.")
    return None
