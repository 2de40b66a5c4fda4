"""Export forms: the download buttons' choices (format, preset, columns, sensitive attributes)."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from crm.contacts.columns import CONTACT_COLUMNS, PRESETS
from crm.forms import CrmForm
from crm.translations import lazy_gettext as _l

FORMAT_CHOICES = [
    ("csv", _l("CSV (opens in Excel, LibreOffice, Google Sheets)")),
    ("xlsx", _l("Excel workbook (XLSX)")),
    ("vcf", _l("vCard (address books: name, organisation, e-mail, phone, notes)")),
]
PRESET_CHOICES = [
    ("mailing", _l("Mailing list — only people who agreed to be contacted")),
    ("full", _l("Full record — everyone the list shows")),
]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ContactExportForm(CrmForm):
    preset = RadioField(_l("What for"), choices=PRESET_CHOICES, default="mailing")
    columns = MultiCheckboxField(
        _l("Columns"),
        choices=[(c.key, c.label) for c in CONTACT_COLUMNS if not c.sensitive],
        validate_choice=False,  # the service drops unknown and sensitive keys
    )
    file_format = RadioField(_l("Format"), choices=FORMAT_CHOICES[:], default="csv")
    include_sensitive = BooleanField(
        _l("Include sensitive attributes (lived experience of statelessness, sensitive notes)"),
        default=False,
    )


def contact_export_form(preset: str | None, may_include_sensitive: bool) -> ContactExportForm:
    """The form with the preset's columns ticked; the sensitive box only for those who may tick it."""
    chosen = preset if preset in PRESETS else "mailing"
    form = ContactExportForm(preset=chosen, columns=list(PRESETS[chosen]))
    if not may_include_sensitive:
        del form.include_sensitive
    return form


class RecordExportForm(CrmForm):
    file_format = RadioField(_l("Format"), choices=FORMAT_CHOICES[:2], default="csv")
