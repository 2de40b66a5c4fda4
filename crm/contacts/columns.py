"""The columns of a contact in files: what exports write and what imports read back.

One definition, so an exported file re-imports into the same contacts (the round trip).
Cells are plain text: booleans as "yes"/"no", the country as its ISO alpha-2 code,
several values (tags, organisations) joined with "; ".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.support import Translations

from crm.translations import gettext
from crm.translations import lazy_gettext as _l

LIST_SEPARATOR = "; "
YES, NO = "yes", "no"


@dataclass(frozen=True)
class ContactColumn:
    key: str
    header: str  # the file's header in English; files carry it translated (file_header), and
    # imports read it back in any language the CRM has (column_for_header)
    label: object  # what the export page shows (translated)
    sensitive: bool = False  # only coordinators, only when ticked explicitly
    boolean: bool = False


CONTACT_COLUMNS: tuple[ContactColumn, ...] = (
    ContactColumn("full_name", "Full name", _l("Full name")),
    ContactColumn("name_latin", "Name (Latin)", _l("Name (Latin)")),
    ContactColumn("email", "E-mail", _l("E-mail")),
    ContactColumn("phone", "Phone", _l("Phone")),
    ContactColumn("country", "Country", _l("Country (ISO code)")),
    ContactColumn("organisations", "Organisation", _l("Organisation")),
    ContactColumn("positions", "Position", _l("Position")),
    ContactColumn("languages", "Languages", _l("Languages")),
    ContactColumn("stakeholder_type", "Stakeholder type", _l("Stakeholder type")),
    ContactColumn("tags", "Tags", _l("Tags")),
    ContactColumn("consent_to_contact", "Consent to contact", _l("Consent to contact"), boolean=True),
    ContactColumn("consent_to_share", "Consent to share", _l("Consent to share"), boolean=True),
    ContactColumn("consent_method", "Consent method", _l("Consent method")),
    ContactColumn("do_not_contact", "Do not contact", _l("Do not contact"), boolean=True),
    ContactColumn("notes", "Notes", _l("Notes")),
    ContactColumn("owner", "Owner", _l("Owner (e-mail)")),
    ContactColumn(
        "lived_experience", "Lived experience", _l("Lived experience"), sensitive=True, boolean=True
    ),
    ContactColumn("sensitive_notes", "Sensitive notes", _l("Sensitive notes"), sensitive=True),
)

COLUMNS_BY_KEY = {column.key: column for column in CONTACT_COLUMNS}
COLUMNS_BY_HEADER = {column.header.casefold(): column for column in CONTACT_COLUMNS}


def file_header(column: ContactColumn) -> str:
    """The column's header in the user's language ("Full name", "Полное имя")."""
    return gettext(column.header)


@lru_cache(maxsize=1)
def headers_in_every_language() -> dict[str, ContactColumn]:
    """{header, case-folded: column} for English and every catalogue in translations/."""
    from config import TRANSLATIONS, _supported_locales

    found = dict(COLUMNS_BY_HEADER)
    for code in _supported_locales():
        translations = Translations.load(str(TRANSLATIONS), [code])
        for column in CONTACT_COLUMNS:
            found.setdefault(translations.gettext(column.header).casefold(), column)
    return found


def column_for_header(header: str) -> ContactColumn | None:
    """The contact column a file's header names, in any of the CRM's languages."""
    return headers_in_every_language().get(header.strip().casefold())


# Column presets on the export page.
PRESETS: dict[str, tuple[str, ...]] = {
    "mailing": ("full_name", "email", "organisations", "country", "languages"),
    "full": tuple(c.key for c in CONTACT_COLUMNS if not c.sensitive),
}
