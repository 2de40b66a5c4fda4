"""Reading single cells: e-mail addresses, dates, yes/no, lists."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email

from crm.contacts.columns import LIST_SEPARATOR
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "да", "д", "x", "✓"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "нет", "н", ""})

# Day-first unless a column proves otherwise: Russian exports write 15.01.2026, ISO 2026-01-15.
_ISO = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
_DOTTED = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y %H:%M", "%d.%m.%y")
_WORDS = (
    "%b %d, %Y %H:%M:%S",  # Zoom: "Jan 15, 2026 10:23:45"
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y %H:%M",
    "%B %d, %Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
)
_SLASH_TIMES = (" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "")
_SLASH = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2,4})\b")


class ValueProblem(ValueError):
    """A cell's value cannot be used; the message is the reason shown to the user."""


# The validator explains in English only: its usual reasons, recognised by their words, are
# given in the user's language; any other reason is left out rather than shown in English.
_EMAIL_REASONS = (
    ("must have an @-sign", _l("no @ sign")),
    ("something before the @-sign", _l("nothing before the @ sign")),
    ("something after the @-sign", _l("nothing after the @ sign")),
    ("period", _l("a dot is missing or misplaced")),
    ("invalid character", _l("a character an address cannot have")),
    ("too long", _l("too long")),
)
# A plain ASCII local part (a subset of what the validator accepts as a "dot-atom").
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")
# Domains the validator has accepted in this process: a file of 10,000 rows has a few dozen.
_VALID_DOMAINS: set[str] = set()


def check_email(text: str) -> str:
    """The address as written (trimmed), or ValueProblem with the validator's reason.

    An address whose local part is plain ASCII and whose domain the validator already accepted is
    valid without asking again (the domain's IDNA checks are most of the validator's time).
    """
    address = text.strip()
    if not address:
        return ""
    local, _at, domain = address.rpartition("@")
    if (
        domain in _VALID_DOMAINS
        and len(address) <= 254
        and len(local) <= 64
        and _PLAIN_LOCAL.fullmatch(local)
    ):
        return address
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        reason = next((str(why) for words, why in _EMAIL_REASONS if words in str(exc)), None)
        if reason is None:
            raise ValueProblem(_("not a valid e-mail address")) from None
        raise ValueProblem(_("not a valid e-mail address (%(reason)s)", reason=reason)) from None
    if len(_VALID_DOMAINS) < 10_000:
        _VALID_DOMAINS.add(domain)
    return address


def slashes_day_first(texts: list[str]) -> bool:
    """Whether a column's n/n/yyyy dates are day-first: only if some first number cannot be a month."""
    for text in texts:
        match = _SLASH.match(text)
        if match and int(match.group(1)) > 12:
            return True
    return False


def parse_datetime(text: str, *, day_first: bool = False, hint: list[str] | None = None) -> datetime | None:
    """A date and time as written in common exports, in UTC (no offset means UTC); None when empty.

    `hint` holds the format that read the previous value of the column: it is tried first
    (a column keeps one format, and trying a dozen formats per row is what makes big files slow).
    """
    cleaned = " ".join(text.replace("\u202f", " ").split())
    if not cleaned:
        return None
    if cleaned.endswith(("Z", "UTC", "GMT")):
        cleaned = cleaned.removesuffix("Z").removesuffix("UTC").removesuffix("GMT").strip()
    try:
        value: datetime | None = datetime.fromisoformat(cleaned)
    except ValueError:
        formats = _formats(cleaned, day_first)
        if hint:
            formats = (hint[0], *formats)
        value, used = _strptime_any(cleaned, formats)
        if hint is not None and used:
            hint[:] = [used]
    if value is None:
        raise ValueProblem(_("date not understood: “%(text)s”", text=text.strip()))
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _formats(text: str, day_first: bool) -> tuple[str, ...]:
    if _SLASH.match(text):
        base = ("%d/%m/%Y", "%d/%m/%y") if day_first else ("%m/%d/%Y", "%m/%d/%y")
        return tuple(date + time for date in base for time in _SLASH_TIMES)
    return _ISO + _DOTTED + _WORDS


def _strptime_any(text: str, formats: tuple[str, ...]) -> tuple[datetime | None, str]:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt), fmt  # noqa: DTZ007 - the zone is added by the caller
        except ValueError:
            continue
    return None, ""


def parse_bool(text: str) -> bool:
    """yes/no as exports write them, and the usual other spellings (да/нет, true/false, 1/0)."""
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueProblem(_("expected yes or no, not “%(text)s”", text=text.strip()))


def split_list(text: str) -> list[str]:
    """Several values in one cell, joined with "; " by exports (a bare ";" is accepted too)."""
    separator = LIST_SEPARATOR.strip()
    return [item.strip() for item in text.split(separator)]


def too_long(text: str, limit: int) -> ValueProblem | None:
    if len(text) > limit:
        return ValueProblem(_("longer than %(limit)s characters", limit=limit))
    return None
