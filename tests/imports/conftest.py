"""Real files made by the tests: CSV in several encodings and delimiters, XLSX, e-mails."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from crm.imports.reading import Limits
from crm.imports.services import Settings, build_preview

ZOOM_HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Organization",
    "Country/Region",
    "Questions & Comments",
    "Registration Time",
    "Approval Status",
]


def csv_bytes(rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """A CSV file as a spreadsheet program would save it (CRLF line ends, quotes only where needed)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]], title: str = "Registrants") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def letters(n: int) -> str:
    """1 -> "b", 26 -> "ba": names differ by letters, since matching by name ignores digits."""
    text = ""
    while True:
        n, digit = divmod(n, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[digit] + text
        if not n:
            return text


def zoom_rows(count: int, *, start: int = 1) -> list[list[str]]:
    """Registrants of a webinar, one per row, each with a different name, e-mail and question."""
    countries = ["Kazakhstan", "Kyrgyz Republic", "Кыргызстан", "TH", "Uzbekistan", "Россия"]
    return [
        [
            f"Aigul{letters(n)}",
            f"Bekova{letters(n)}",
            f"aigul{n}@example.org",
            "Stateless Rights Centre",
            countries[n % len(countries)],
            f"Question number {n} about birth registration",
            "Jan 15, 2026 10:23:45",
            "approved",
        ]
        for n in range(start, start + count)
    ]


@pytest.fixture
def limits():
    return Limits()


@pytest.fixture
def preview_of(db, staff, limits):
    """Build the preview of some bytes as the web page would, for staff unless told otherwise."""

    def run(data: bytes, file_name: str = "file.csv", actor=None, **settings):
        return build_preview(data, file_name, Settings(**settings), limits, actor=actor or staff)

    return run
