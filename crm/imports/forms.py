"""Forms for uploading a file and for the preview page (its column choices depend on the file)."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from crm.forms import CrmForm, OptionalSelectField, optional_int
from crm.imports.mapping import FIELDS, INQUIRIES, KINDS, PRESETS
from crm.imports.reading import DELIMITERS, ENCODINGS
from crm.imports.services import Preview, Settings
from crm.models import ImportMapping
from crm.models.enums import InquiryChannel
from crm.translations import lazy_gettext as _l

NOT_IMPORTED = ("", _l("— not imported —"))


def mapping_choices(mappings: list[ImportMapping]) -> list[tuple[str, Any]]:
    """Recognise automatically, a preset, or a saved mapping."""
    choices: list[tuple[str, Any]] = [("auto", _l("Recognise from the column names"))]
    choices += [(f"preset:{key}", preset.label) for key, preset in PRESETS.items()]
    choices += [(f"saved:{m.id}", _l("Saved: %(name)s", name=m.name)) for m in mappings]
    return choices


def channel_choices() -> list[tuple[str, Any]]:
    return [("", _l("As the kind of file suggests")), *InquiryChannel.choices()]


class UploadForm(CrmForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(_l("Choose a CSV or XLSX file."))],
        description=_l(
            "CSV (any usual encoding, comma, semicolon or tab) or XLSX. Nothing is saved before you confirm."
        ),
    )
    kind = RadioField(_l("The file lists"), choices=list(KINDS.items()), default=INQUIRIES)
    mapping = SelectField(_l("Columns"), default="auto")
    event_id = OptionalSelectField(
        _l("Event"), coerce=optional_int, validators=[Optional()], description=_l("For inquiries.")
    )
    channel = SelectField(_l("Channel"), default="", description=_l("For inquiries."))


class PreviewForm(CrmForm):
    """The settings of the preview; a select per column is added by preview_form()."""

    encoding = SelectField(_l("Encoding"), choices=list(ENCODINGS.items()))
    delimiter = SelectField(_l("Delimiter"), choices=list(DELIMITERS.items()))
    mapping = SelectField(_l("Columns"))
    event_id = OptionalSelectField(_l("Event"), coerce=optional_int, validators=[Optional()])
    channel = SelectField(_l("Channel"))
    skip_errors = BooleanField(_l("Skip the rows in error and import the others"))
    mapping_name = StringField(
        _l("Save this mapping as"),
        validators=[Optional(), Length(max=120)],
        description=_l("To choose it again for the next file like this one."),
    )

    column_names: list[str]

    def columns(self) -> dict[str, str]:
        """Header -> field as chosen on the page."""
        return {header: self[name].data or "" for name, header in self.column_names_by_field()}

    def column_names_by_field(self) -> list[tuple[str, str]]:
        return [(f"col_{index}", header) for index, header in enumerate(self.column_names)]


def preview_form(
    preview: Preview,
    settings: Settings,
    *,
    mappings: list[ImportMapping],
    events: list[tuple[str, str]],
) -> PreviewForm:
    """A PreviewForm with one select per column of this file, showing the current choices."""
    field_choices = [NOT_IMPORTED, *FIELDS[preview.kind].items()]

    class FilePreviewForm(PreviewForm):
        pass

    for index, header in enumerate(preview.headers):
        setattr(FilePreviewForm, f"col_{index}", SelectField(header, choices=field_choices, default=""))
    table = preview.table
    data = {
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "mapping": settings.mapping,
        "event_id": settings.event_id,
        "channel": settings.channel,
        **{f"col_{index}": chosen for index, chosen in enumerate(preview.fields)},
    }
    form = FilePreviewForm(data=data)  # bound to the posted values on a POST
    form.column_names = list(preview.headers)
    form.mapping.choices = mapping_choices(mappings)
    form.event_id.choices = events
    form.channel.choices = channel_choices()
    if table.guessed_encoding:
        form.encoding.description = _l("Detected: %(name)s", name=ENCODINGS.get(table.guessed_encoding, ""))
    if table.guessed_delimiter:
        form.delimiter.description = _l(
            "Detected: %(name)s", name=DELIMITERS.get(table.guessed_delimiter, "")
        )
    return form
