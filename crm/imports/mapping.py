"""Which column of a file goes into which field: proposals from header names, presets, saved mappings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.support import Translations
from sqlalchemy import select

from crm.audit.services import record
from crm.contacts.columns import (
    COLUMNS_BY_KEY,
    CONTACT_COLUMNS,
    column_for_header,
    headers_in_every_language,
)
from crm.errors import DomainError
from crm.extensions import db
from crm.models import ImportMapping, User
from crm.models.enums import InquiryChannel
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

INQUIRIES, CONTACTS = "inquiries", "contacts"
KINDS = {INQUIRIES: _l("Inquiries"), CONTACTS: _l("Contacts")}
IGNORE = ""

INQUIRY_FIELDS: dict[str, Any] = {
    "sender_name": _l("Name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "sender_email": _l("E-mail"),
    "sender_organisation": _l("Organisation"),
    "sender_country": _l("Country"),
    "subject": _l("Subject"),
    "message": _l("Message or question"),
    "received_at": _l("Date received"),
}
CONTACT_FIELDS: dict[str, Any] = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    **{column.key: column.label for column in CONTACT_COLUMNS if column.key != "name_latin"},
}
FIELDS = {INQUIRIES: INQUIRY_FIELDS, CONTACTS: CONTACT_FIELDS}
# Fields several columns may feed (joined); every other field takes one column.
MULTI_COLUMN = frozenset({"message", "notes"})

# Header spellings seen in real files, by what they mean; matched after _norm().
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "fullname", "your name", "participant", "participant name", "attendee name",
        "asker name", "name (original name)", "user name", "registrant", "sender", "from",
        "first and last name", "first name last name", "first name and last name", "name and surname",
        "фио", "ф.и.о.", "ф и о", "имя и фамилия", "имя фамилия", "фамилия имя", "фамилия имя отчество",
        "фамилия, имя", "фамилия, имя, отчество", "полное имя", "ваше имя", "участник", "имя участника",
    ),
    "first_name": ("first name", "firstname", "given name", "имя"),
    "last_name": ("last name", "lastname", "surname", "family name", "фамилия"),
    "email": (
        "email", "e-mail", "e mail", "email address", "e-mail address", "asker email", "user email",
        "attendee email", "registrant email", "mail", "эл. почта", "эл.почта", "электронная почта",
        "адрес электронной почты", "адрес эл. почты", "почта", "e-mail адрес", "email адрес",
    ),
    "organisation": (
        "organization", "organisation", "company", "affiliation", "institution", "employer",
        "организация", "название организации", "компания", "учреждение", "место работы",
    ),
    "country": (
        "country/region", "country", "country or region", "country of residence", "страна",
        "страна проживания", "страна/регион",
    ),
    "subject": ("subject", "topic", "тема"),
    "message": (
        "questions & comments", "questions and comments", "question", "questions", "your question",
        "comment", "comments", "message", "question details", "вопрос", "вопросы", "ваш вопрос",
        "сообщение", "комментарий", "комментарии", "текст",
    ),
    "date": (
        "registration time", "date", "timestamp", "time", "date/time", "date time", "submitted at",
        "received", "question time", "asked at", "дата", "отметка времени", "время", "дата регистрации",
        "дата и время",
    ),
    "phone": ("phone", "telephone", "mobile", "phone number", "телефон", "мобильный телефон"),
    "position": ("job title", "position", "role", "должность"),
    "languages": ("languages", "language", "языки", "язык"),
    "tags": ("tags", "tag", "теги", "метки"),
    "notes": ("notes", "note", "заметки", "примечание", "примечания"),
}  # fmt: skip
# Words that, inside a longer header (a Google Forms question), say what the column holds.
CONTAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("email", ("email", "e-mail", "почт")),
    ("country", ("country", "стран")),
    ("organisation", ("organi", "организац")),
    ("message", ("question", "вопрос", "comment", "коммент", "message", "сообщен")),
)
ROLE_FIELDS = {
    INQUIRIES: {
        "name": "sender_name",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "sender_email",
        "organisation": "sender_organisation",
        "country": "sender_country",
        "subject": "subject",
        "message": "message",
        "date": "received_at",
    },
    CONTACTS: {
        "name": "full_name",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "organisation": "organisations",
        "country": "country",
        "phone": "phone",
        "position": "positions",
        "languages": "languages",
        "tags": "tags",
        "notes": "notes",
    },
}


def _norm(header: str) -> str:
    text = " ".join(header.replace("ё", "е").replace("Ё", "Е").replace("_", " ").split()).casefold()
    return text.strip(" :*?")


@dataclass(frozen=True)
class Preset:
    key: str
    label: Any
    kind: str
    channel: InquiryChannel | None = None
    signature: tuple[frozenset[str], ...] = ()  # any one set of headers, all present, identifies it
    headers: dict[str, str] = field(default_factory=dict)  # header (normalised) -> field, before synonyms


def _exported_contact_signatures() -> tuple[frozenset[str], ...]:
    """The headers that mark a file exported from this CRM, in each of its languages."""
    from config import TRANSLATIONS, _supported_locales

    marks = [COLUMNS_BY_KEY[key].header for key in ("full_name", "email", "consent_to_contact")]
    signatures = {frozenset(_norm(mark) for mark in marks)}
    for code in _supported_locales():
        translations = Translations.load(str(TRANSLATIONS), [code])
        signatures.add(frozenset(_norm(translations.gettext(mark)) for mark in marks))
    return tuple(signatures)


PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset(
            "zoom_registration",
            _l("Zoom-style registration report"),
            INQUIRIES,
            InquiryChannel.REGISTRATION_FORM,
            (frozenset({"registration time", "approval status"}), frozenset({"questions & comments"})),
        ),
        Preset(
            "zoom_qa",
            _l("Zoom-style Q&A report"),
            INQUIRIES,
            InquiryChannel.WEBINAR_QA,
            (frozenset({"question", "asker name"}), frozenset({"question", "asker email"})),
            {"answer(s)": IGNORE, "answer": IGNORE, "answers": IGNORE},
        ),
        Preset(
            "google_forms",
            _l("Google Forms responses"),
            INQUIRIES,
            InquiryChannel.WEB_FORM,
            (frozenset({"timestamp"}), frozenset({"отметка времени"})),
            {"email address": "sender_email", "score": IGNORE, "баллы": IGNORE},
        ),
        Preset("generic", _l("Any other file (by column names)"), INQUIRIES, InquiryChannel.OTHER),
        Preset(
            "crm_contacts",
            _l("Contacts exported from this CRM"),
            CONTACTS,
            None,
            _exported_contact_signatures(),
            {
                _norm(header): column.key
                for header, column in headers_in_every_language().items()
                if column.key != "name_latin"
            },
        ),
        Preset("generic_contacts", _l("Any other contact file (by column names)"), CONTACTS),
    )
}


_SYNONYM_ROLE = {_norm(spelling): role for role, spellings in SYNONYMS.items() for spelling in spellings}


def clean_headers(cells: list[str], width: int) -> list[str]:
    """Header names trimmed, empty ones named by position, repeated ones numbered, so each is a key."""
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index in range(width):
        name = " ".join(cells[index].split()) if index < len(cells) else ""
        name = name or _("Column %(number)s", number=index + 1)
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        headers.append(name if seen[key] == 1 else f"{name} ({seen[key]})")
    return headers


def detect_preset(headers: list[str], kind: str) -> Preset:
    normalised = {_norm(h) for h in headers}
    for preset in PRESETS.values():
        if preset.kind == kind and any(signature <= normalised for signature in preset.signature):
            return preset
    return PRESETS["generic" if kind == INQUIRIES else "generic_contacts"]


def field_for(header: str, kind: str, preset: Preset | None = None) -> str:
    """The field a header most likely means (IGNORE if none)."""
    norm = _norm(header)
    if preset is not None and norm in preset.headers:
        return preset.headers[norm]
    if kind == CONTACTS and (column := column_for_header(header)):
        return column.key if column.key != "name_latin" else IGNORE
    role = _SYNONYM_ROLE.get(norm)
    if role is None:
        role = next((r for r, words in CONTAINS if any(word in norm for word in words)), None)
    return ROLE_FIELDS[kind].get(role or "", IGNORE)


def propose_mapping(
    headers: list[str], kind: str, preset: Preset | None = None, saved: dict[str, str] | None = None
) -> list[str]:
    """One field per column; a field taken by an earlier column is not proposed again."""
    valid = FIELDS[kind]
    saved_norm = {_norm(k): v for k, v in (saved or {}).items()}
    taken: set[str] = set()
    fields: list[str] = []
    for header in headers:
        if _norm(header) in saved_norm:
            chosen = saved_norm[_norm(header)]
        else:
            chosen = field_for(header, kind, preset)
        if chosen not in valid or (chosen in taken and chosen not in MULTI_COLUMN):
            chosen = IGNORE
        taken.add(chosen)
        fields.append(chosen)
    return fields


def header_score(cells: list[str], kind: str, saved: dict[str, str] | None = None) -> int:
    """How many cells of a row read like known column names (to find the header under a preamble)."""
    saved_norm = {_norm(k) for k in saved or {}}
    return sum(1 for cell in cells if cell.strip() and (_norm(cell) in saved_norm or field_for(cell, kind)))


# --- Saved mappings ---------------------------------------------------------------------------------


class MappingError(DomainError):
    """A mapping cannot be saved under that name."""


def saved_mappings() -> list[ImportMapping]:
    return list(db.session.scalars(select(ImportMapping).order_by(ImportMapping.name)))


def find_mapping(name: str) -> ImportMapping | None:
    return db.session.scalar(select(ImportMapping).where(ImportMapping.name == name.strip()))


def save_mapping(name: str, columns: dict[str, str], *, actor: User | None) -> ImportMapping:
    """Save (or replace) a named mapping: header -> field, ignored columns included."""
    name = " ".join(name.split())
    if not name:
        raise MappingError(_("Give the mapping a name."), "mapping_name")
    if len(name) > 120:
        raise MappingError(_("A mapping name has at most 120 characters."), "mapping_name")
    mapping = find_mapping(name)
    if mapping is None:
        mapping = ImportMapping(name=name, created_by_id=actor.id if actor else None)
        db.session.add(mapping)
    mapping.mapping = dict(columns)
    db.session.flush()
    record(actor, "save_mapping", mapping, changes={"name": name, "columns": len(columns)})
    return mapping
