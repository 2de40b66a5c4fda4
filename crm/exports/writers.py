"""File writers: CSV and vCard streamed chunk by chunk, XLSX written row by row to a file.

Every writer takes rows in chunks (lists of rows) so memory holds one chunk at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from vobject.base import backslashEscape, foldOneLine

# A cell starting with one of these may be run as a formula by a spreadsheet (OWASP CSV
# injection plus ASVS 5.0 1.2.10): it gets a leading apostrophe. Importers strip one again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
BOM = "\ufeff"

Row = Sequence[Any]
Chunks = Iterable[Sequence[Row]]


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet could take for a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_row(row: Row) -> list[Any]:
    # neutralise() inlined: this runs for every cell of a 100,000-row export.
    return [
        "'" + value if value.__class__ is str and value.startswith(FORMULA_TRIGGERS) else value
        for value in row
    ]


def csv_chunks(header: Sequence[str], chunks: Chunks, *, guarded: bool = False) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads Cyrillic), every field quoted; one bytes block per chunk.

    `guarded`: the rows' text was already neutralised (in SQL), so cells are not looked at again.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    yield (BOM + buffer.getvalue()).encode("utf-8")
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk if guarded else map(_csv_row, chunk))
        yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        return value
    # XML cannot carry most control characters; drop them first, then guard what is left.
    cell = WriteOnlyCell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
    cell.data_type = "s"  # a string, never a formula, whatever openpyxl guessed from the value
    return cell


def _guarded_xlsx_row(sheet: Any, row: Row) -> Row:
    """A row whose text is already neutralised: as it is, unless a cell holds a character XML cannot
    carry (checked once for the whole row), then cell by cell."""
    text = "".join(value for value in row if value.__class__ is str)
    return [_xlsx_cell(sheet, value) for value in row] if ILLEGAL_CHARACTERS_RE.search(text) else row


def write_xlsx(
    target: str | IO[bytes], header: Sequence[str], chunks: Chunks, title: str, *, guarded: bool = False
) -> None:
    """A one-sheet workbook written in openpyxl's write-only mode (rows go to disk as they come).

    `guarded`: the rows' text was already neutralised (in SQL): no text cell starts with "=", so
    openpyxl keeps each as a string, and cells are only rebuilt when a row has a control character.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([_xlsx_cell(sheet, name) for name in header])
    for chunk in chunks:
        for row in chunk:
            sheet.append(_guarded_xlsx_row(sheet, row) if guarded else [_xlsx_cell(sheet, v) for v in row])
    workbook.save(target)


# --- vCard 3.0 --------------------------------------------------------------------------------


def _one_line_breaks(text: str) -> str:
    """Every kind of line break as LF (escaped as \\n in the card)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_name(full_name: str) -> tuple[str, str]:
    """(family, given) for the structured N property: the last word is taken as the family name."""
    words = full_name.split()
    if len(words) < 2:
        return full_name, ""
    return words[-1], " ".join(words[:-1])


_OPTIONAL = (
    ("ORG", "organisation"),
    ("TITLE", "title"),
    ("EMAIL;TYPE=INTERNET", "email"),
    ("TEL", "phone"),
    ("NOTE", "note"),
)


def _line(buffer: io.BytesIO, name: str, value: str) -> None:
    # vobject's own folding: lines of at most 75 octets, never splitting a UTF-8 character.
    foldOneLine(buffer, f"{name}:{value}")


def vcard(fields: dict[str, str]) -> str:
    """One vCard 3.0 for a contact: FN and N always; ORG, TITLE, EMAIL, TEL, NOTE when given.

    Values are escaped with vobject's backslashEscape (backslash, comma, semicolon and every line
    break, RFC 6350 §3.4), so no value can end the card or start another. The lines are written
    directly rather than through vobject's component objects, which cost ~250 µs a card.
    """
    buffer = io.BytesIO()
    name = _one_line_breaks(fields.get("full_name") or "").strip() or "-"
    family, given = _split_name(name)
    _line(buffer, "BEGIN", "VCARD")
    _line(buffer, "VERSION", "3.0")
    _line(buffer, "FN", backslashEscape(name))
    _line(buffer, "N", f"{backslashEscape(family)};{backslashEscape(given)};;;")
    for prop, key in _OPTIONAL:
        if value := fields.get(key):
            _line(buffer, prop, backslashEscape(value))
    _line(buffer, "END", "VCARD")
    return buffer.getvalue().decode("utf-8")


def vcard_chunks(chunks: Iterable[Sequence[dict[str, str]]]) -> Iterator[bytes]:
    """Cards one chunk at a time, UTF-8."""
    for chunk in chunks:
        yield "".join(vcard(fields) for fields in chunk).encode("utf-8")
