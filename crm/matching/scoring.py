"""A match score between two people (or two organisations), with the reasons behind it.

Identifiers (e-mail, phone) and the name are evidence; a shared organisation or country only
adds to evidence already there. The thresholds that make a pair "suggested" or "likely" are
DUPLICATE_SUGGEST_SCORE and DUPLICATE_LIKELY_SCORE in config.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from flask import current_app
from rapidfuzz import fuzz

from crm.translations import lazy_gettext as _l

EMAIL, PHONE, WEBSITE = "email", "phone", "website"
NAME, SIMILAR_NAME = "name", "similar_name"
ORGANISATION, COUNTRY, OTHER_COUNTRY = "organisation", "country", "other_country"

REASON_LABELS = {
    EMAIL: _l("same e-mail"),
    PHONE: _l("same phone"),
    WEBSITE: _l("same website"),
    NAME: _l("same name"),
    SIMILAR_NAME: _l("similar name"),
    ORGANISATION: _l("same organisation"),
    COUNTRY: _l("same country"),
    OTHER_COUNTRY: _l("different countries"),
}

WEIGHTS = {
    EMAIL: 80,
    PHONE: 70,
    WEBSITE: 70,
    NAME: 60,
    ORGANISATION: 15,
    COUNTRY: 5,
    OTHER_COUNTRY: -10,
}
TOKEN_MIN_RATIO = 85  # every word of the shorter name must be at least this close to one of the other's
EXTRA_WORD_PENALTY = 5  # "Aigerim Nurgalieva" vs "Aigerim Serikovna Nurgalieva"


def reason_labels(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The reasons in the reader's language."""
    return [str(REASON_LABELS.get(code, code)) for code in codes]


@dataclass(frozen=True)
class Person:
    """What matching looks at for one contact (derived fields, already normalised)."""

    id: int | None
    name_key: str
    email: str = ""
    phone: str = ""
    country: str | None = None
    organisations: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        return reason_labels(self.reasons)

    @property
    def suggested(self) -> bool:
        return self.score >= current_app.config["DUPLICATE_SUGGEST_SCORE"]

    @property
    def likely(self) -> bool:
        return self.score >= current_app.config["DUPLICATE_LIKELY_SCORE"]


def _spelling(word: str) -> str:
    """Variants name_key keeps apart but romanisations mix: x/ks (Alexander, Aleksandr)."""
    return word.replace("x", "ks")


def _gendered_pair(a: str, b: str) -> bool:
    """Karimov / Karimova, Nurgaliev / Nurgalieva: relatives, not spellings of one name."""
    return len(a) > 3 and len(b) > 3 and (a == b + "a" or b == a + "a")


def _word_ratio(a: str, b: str) -> float:
    if a == b:
        return 100.0
    if len(a) == 1 or len(b) == 1:  # an initial: "A. Nurgalieva"
        return 90.0 if a[0] == b[0] else 0.0
    if _gendered_pair(a, b):
        return 0.0
    return fuzz.ratio(_spelling(a), _spelling(b))


def name_similarity(key_a: str, key_b: str) -> float:
    """0-100: how surely two name keys (crm.names.name_key) are one name, in any word order.

    Every word of the shorter name must closely match a different word of the longer one, so a
    patronymic present on one side only costs a little, but one shared first name is not enough.
    """
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 100.0
    short, long = sorted((key_a.split(), key_b.split()), key=len)
    if len(short) < 2:
        return 0.0
    unused = list(long)
    ratios = []
    for word in short:
        best = max(unused, key=lambda other: _word_ratio(word, other))
        ratio = _word_ratio(word, best)
        if ratio < TOKEN_MIN_RATIO:
            return 0.0
        ratios.append(ratio)
        unused.remove(best)
    similarity = sum(ratios) / len(ratios) - EXTRA_WORD_PENALTY * (len(long) - len(short))
    return min(similarity, 99.0)


def _name_points(similarity: float) -> tuple[int, str | None]:
    if similarity >= 100:
        return WEIGHTS[NAME], NAME
    if similarity >= TOKEN_MIN_RATIO - EXTRA_WORD_PENALTY:
        return round(WEIGHTS[NAME] - (100 - similarity)), SIMILAR_NAME
    return 0, None


def _supporting(score: int, reasons: list[str], a_country, b_country, shared_orgs: bool) -> int:
    if shared_orgs:
        score += WEIGHTS[ORGANISATION]
        reasons.append(ORGANISATION)
    if a_country and b_country:
        code = COUNTRY if a_country == b_country else OTHER_COUNTRY
        score += WEIGHTS[code]
        reasons.append(code)
    return score


def score_people(a: Person, b: Person) -> Match:
    """The score (0-100) that `a` and `b` are one person, and why."""
    score, reasons = 0, []
    if a.email and a.email == b.email:
        score += WEIGHTS[EMAIL]
        reasons.append(EMAIL)
    if a.phone and a.phone == b.phone:
        score += WEIGHTS[PHONE]
        reasons.append(PHONE)
    points, reason = _name_points(name_similarity(a.name_key, b.name_key))
    if reason:
        score += points
        reasons.append(reason)
    if not reasons:  # an organisation or a country alone says nothing about who someone is
        return Match(0, ())
    score = _supporting(score, reasons, a.country, b.country, bool(a.organisations & b.organisations))
    return Match(max(0, min(score, 100)), tuple(reasons))


def _numbers(key: str) -> set[str]:
    """'Legal Aid Fund 1' and 'Legal Aid Fund 2' are two organisations, however alike their words."""
    return {word for word in key.split() if word.isdigit()}


@dataclass(frozen=True)
class OrganisationFacts:
    """What matching looks at for one organisation."""

    id: int | None
    key: str  # organisation_key(name)
    website: str = ""  # website_key(website)
    country: str | None = None


def score_organisations(a: OrganisationFacts, b: OrganisationFacts) -> Match:
    """The score (0-100) that `a` and `b` are one organisation, and why."""
    score, reasons = 0, []
    if a.website and a.website == b.website:
        score += WEIGHTS[WEBSITE]
        reasons.append(WEBSITE)
    if a.key and a.key == b.key:
        score += WEIGHTS[NAME]
        reasons.append(NAME)
    elif (
        a.key
        and b.key
        and _numbers(a.key) == _numbers(b.key)
        and (ratio := fuzz.token_sort_ratio(a.key, b.key)) >= 90
    ):
        score += round(WEIGHTS[NAME] - (100 - ratio) * 2)
        reasons.append(SIMILAR_NAME)
    if not reasons:
        return Match(0, ())
    score = _supporting(score, reasons, a.country, b.country, False)
    return Match(max(0, min(score, 100)), tuple(reasons))


# --- Blocking: only records sharing a key are ever compared ---------------------------------------

PREFIX = 4  # letters of each word in the loose key: spelling differs most at word ends
MAX_WORDS = 5  # longer names are cut for the word-pair keys (their pairs grow fast)


@lru_cache(maxsize=100_000)
def name_blocking_keys(key: str) -> frozenset[str]:
    """The name key itself, each pair of its words (a patronymic present or not), and their prefixes."""
    words = key.split()[:MAX_WORDS]
    if not words:
        return frozenset()
    keys = {"n:" + key}
    if len(words) < 2:
        return frozenset(keys)
    for pair in combinations(sorted(words), 2):
        keys.add("n:" + " ".join(pair))
        keys.add("f:" + " ".join(sorted(_spelling(w)[:PREFIX] for w in pair)))
    return frozenset(keys)


def person_blocking_keys(person: Person) -> set[str]:
    keys = set(name_blocking_keys(person.name_key))
    if person.email:
        keys.add("e:" + person.email)
    if person.phone:
        keys.add("p:" + person.phone)
    return keys
