"""Reading an uploaded file into rows of text: CSV in any usual encoding and delimiter, or XLSX.

The type is decided by the content, never by the file name. Limits are checked before
anything is parsed: the file's size, the rows it holds, and what an XLSX unpacks to.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError

from crm.errors import DomainError
from crm.translations import gettext as _
from crm.translations import lazy_gettext as _l

# Characters a spreadsheet may run as a formula; exports prefix such cells with an apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
DELIMITERS = {",": _l("Comma"), ";": _l("Semicolon"), "\t": _l("Tab")}
ENCODINGS = {
    "utf-8": _l("UTF-8"),
    "utf-8-sig": _l("UTF-8 with BOM"),
    "utf-16": _l("UTF-16"),
    "utf-16-le": _l("UTF-16 (little-endian, no BOM)"),
    "utf-16-be": _l("UTF-16 (big-endian, no BOM)"),
    "cp1251": _l("Windows-1251 (Cyrillic)"),
    "koi8-r": _l("KOI8-R (Cyrillic)"),
    "cp866": _l("DOS 866 (Cyrillic)"),
    "cp1252": _l("Windows-1252 (Western European)"),
}
MAX_COLUMNS = 200
MAX_XLSX_ENTRIES = 1000
_SAMPLE = 64 * 1024
_BINARY_MAGIC = (b"MZ", b"\x7fELF", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"Rar!")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(DomainError):
    """The file cannot be read; the message says why and what to do (shown next to `field`)."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message, field)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 20000
    max_xlsx_uncompressed: int = 50 * 1024 * 1024
    max_xlsx_entries: int = MAX_XLSX_ENTRIES

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        return cls(
            max_bytes=config["IMPORT_MAX_BYTES"],
            max_rows=config["IMPORT_MAX_ROWS"],
            max_xlsx_uncompressed=config["IMPORT_MAX_XLSX_UNCOMPRESSED"],
        )


@dataclass
class Table:
    """The non-blank rows of a file, each with its row number as a spreadsheet would show it."""

    file_format: str  # "csv" or "xlsx"
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    guessed_encoding: str = ""
    guessed_delimiter: str = ""
    sheet: str = ""


def read_table(data: bytes, limits: Limits, *, encoding: str = "", delimiter: str = "") -> Table:
    """Read CSV or XLSX content; `encoding` and `delimiter` override the guesses for CSV."""
    if len(data) > limits.max_bytes:
        raise ImportFileError(
            _(
                "The file is larger than %(limit)s. Split it into smaller files.",
                limit=human_size(limits.max_bytes),
            )
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, limits)
    if data.startswith(_OLE2):
        raise ImportFileError(
            _(
                "This looks like an old Excel (.xls) or password-protected file. "
                "Save it as .xlsx without a password, or as CSV, and upload that."
            )
        )
    return read_csv(data, limits, encoding=encoding, delimiter=delimiter)


def human_size(size: float) -> str:
    """10485760 -> "10 MB", 102400 -> "100 KB" (binary units, as the limits are set)."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{round(size / 1024, 1):g} KB"


# --- CSV ------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or the zero bytes it is full of), else Windows-1251."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:200]
    if len(head) >= 4 and head[1::2].count(0) > len(head) * 0.4:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) * 0.4:
        return "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"  # what Russian Excel writes when told "CSV"
    return "utf-8"


def _decode(data: bytes, encoding: str) -> str:
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        raise ImportFileError(
            _("The file cannot be read as %(encoding)s. Choose another encoding.", encoding=encoding),
            "encoding",
        ) from None
    return text.removeprefix("\ufeff")


def _looks_binary(text: str) -> bool:
    """More than a few control characters: an executable, an image, an archive, not a table."""
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return controls > max(8, len(sample) // 200)


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most consistent number of columns.

    csv.Sniffer's guess is taken when it is as good as the best; it can be fooled by commas in
    free text, so it is checked against a simple count rather than trusted.
    """
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    scores = {candidate: _consistency(sample, candidate) for candidate in DELIMITERS}
    best = max(scores.values())
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed in scores and scores[sniffed] == best:
        return sniffed
    return max(DELIMITERS, key=lambda candidate: scores[candidate])


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """(records with the most common width, that width), counting only widths above one."""
    try:
        records = islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 50)
        widths = Counter(len(row) for row in records if len(row) > 1)
    except csv.Error:
        return (0, 0)
    if not widths:
        return (0, 0)
    width, count = widths.most_common(1)[0]
    return (count, width)


def read_csv(data: bytes, limits: Limits, *, encoding: str = "", delimiter: str = "") -> Table:
    guessed_encoding = detect_encoding(data)
    encoding = encoding if encoding else guessed_encoding
    if encoding not in ENCODINGS:
        raise ImportFileError(_("Unknown encoding."), "encoding")
    not_text = ImportFileError(
        _("This is not a CSV or XLSX file. Upload a spreadsheet saved as CSV or XLSX.")
    )
    if data.startswith(_BINARY_MAGIC):
        raise not_text
    try:
        text = _decode(data, encoding)
    except ImportFileError:
        if _looks_binary(data[:_SAMPLE].decode("latin-1")):
            raise not_text from None
        raise
    if _looks_binary(text):
        raise not_text
    guessed_delimiter = detect_delimiter(text)
    delimiter = delimiter if delimiter in DELIMITERS else guessed_delimiter
    table = Table(
        "csv",
        encoding=encoding,
        delimiter=delimiter,
        guessed_encoding=guessed_encoding,
        guessed_delimiter=guessed_delimiter,
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A spreadsheet shows one row per record, blank lines included: number rows the same way.
        _collect(table, enumerate(reader, start=1), limits)
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)s: %(error)s", line=reader.line_num, error=str(exc))
        ) from None
    return table


def _collect(table: Table, numbered: Iterator[tuple[int, Any]], limits: Limits) -> None:
    """Keep the non-blank rows as text, refusing files with more rows than allowed (header included)."""
    for number, raw in numbered:
        values = list(raw[:MAX_COLUMNS])
        while values and values[-1] is None:
            values.pop()
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        if len(table.rows) > limits.max_rows:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows. Split it into smaller files.",
                    limit=limits.max_rows,
                )
            )
        table.rows.append((number, cells))


def cell_text(value: Any) -> str:
    """A cell as text, with the apostrophe an export put before a formula-like value removed.

    One apostrophe is removed only when a formula character follows it, so an exported file
    re-imports to exactly the original values.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


# --- XLSX -----------------------------------------------------------------------------------------


def check_xlsx_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is not a workbook or would unpack to too much, before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(_("The file is damaged: it is not a readable XLSX workbook.")) from None
    with archive:
        entries = archive.infolist()
    if len(entries) > limits.max_xlsx_entries:
        raise ImportFileError(
            _("The workbook has too many parts (%(count)s) to be a normal spreadsheet.", count=len(entries))
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_xlsx_uncompressed:
        raise ImportFileError(
            _(
                "The workbook would unpack to %(size)s, more than the %(limit)s allowed. "
                "Save it as CSV, or split it.",
                size=human_size(unpacked),
                limit=human_size(limits.max_xlsx_uncompressed),
            )
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(_("This zip file is not an Excel workbook. Upload CSV or XLSX."))


def read_xlsx(data: bytes, limits: Limits) -> Table:
    """The first worksheet's rows; openpyxl parses with defusedxml, so unsafe XML is refused."""
    check_xlsx_archive(data, limits)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            table = Table("xlsx", sheet=sheet.title)
            # Rows are padded to this width: the sheet's declared width, but never beyond MAX_COLUMNS.
            declared = sheet.max_column if isinstance(sheet.max_column, int) else 0
            width = declared if 0 < declared <= MAX_COLUMNS else MAX_COLUMNS
            rows = sheet.iter_rows(min_row=1, max_col=width, values_only=True)
            _collect(table, enumerate(rows, start=1), limits)
        finally:
            workbook.close()
    except (
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        ParseError,
        zipfile.BadZipFile,
        EOFError,
        OSError,
    ) as exc:
        if _unsafe_xml(exc):
            raise ImportFileError(_("The workbook contains unsafe XML and was not read.")) from None
        raise ImportFileError(_("The file is damaged: it is not a readable XLSX workbook.")) from None
    return table


def _unsafe_xml(error: BaseException | None) -> bool:
    """defusedxml refused something (openpyxl wraps its error in a ValueError of its own)."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False
