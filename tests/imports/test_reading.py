"""Reading files: encodings, delimiters, XLSX, limits, and what is refused."""

from __future__ import annotations

import codecs
import io
import os
import zipfile

import pytest

from crm.imports.reading import ImportFileError, Limits, cell_text, read_table
from tests.imports.conftest import csv_bytes, xlsx_bytes

ROWS = [
    ["Имя", "Фамилия", "Эл. почта", "Страна", "Вопрос"],
    ["Айгерим", "Нургалиева", "aigerim@example.kz", "Казахстан", "Как получить гражданство?"],
    ["Бакыт", "Осмонов", "bakyt@example.kg", "Киргизия", "Где «апатрид» регистрируется?"],
]


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16", b"", "utf-16"),  # Python writes the BOM itself, as Excel's "Unicode text" does
        ("cp1251", b"", "cp1251"),
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_in_each_encoding_and_delimiter_reads_the_same(encoding, prefix, detected, delimiter):
    data = prefix + csv_bytes(ROWS, encoding=encoding, delimiter=delimiter)

    table = read_table(data, Limits())

    assert table.file_format == "csv"
    assert (table.encoding, table.guessed_encoding) == (detected, detected)
    assert table.delimiter == delimiter
    assert [cells for _n, cells in table.rows] == ROWS


def test_guesses_can_be_overridden():
    data = csv_bytes(ROWS, encoding="cp1251", delimiter=";")

    table = read_table(data, Limits(), encoding="koi8-r", delimiter=",")

    assert (table.encoding, table.guessed_encoding) == ("koi8-r", "cp1251")
    assert (table.delimiter, table.guessed_delimiter) == (",", ";")
    assert table.rows[0][1] != ROWS[0]  # read the wrong way, as asked


def test_commas_inside_quoted_text_do_not_fool_the_delimiter_guess():
    rows = [["Name", "Question"]] + [[f"P{n}", "Hello, how, are, you, today, friend"] for n in range(5)]

    assert read_table(csv_bytes(rows, delimiter=";"), Limits()).delimiter == ";"


def test_blank_lines_are_skipped_but_rows_keep_their_number_in_the_file():
    data = b"Name,Email\r\n\r\nA,a@example.org\r\n , \r\n\r\nB,b@example.org\r\n\r\n"

    table = read_table(data, Limits())

    assert table.rows == [(1, ["Name", "Email"]), (3, ["A", "a@example.org"]), (6, ["B", "b@example.org"])]


def test_a_quoted_line_break_stays_in_its_cell_and_counts_as_one_row():
    data = b'Name,Question\r\nA,"line one\r\nline two"\r\nB,short\r\n'

    table = read_table(data, Limits())

    assert table.rows[1] == (2, ["A", "line one\r\nline two"])
    assert table.rows[2] == (3, ["B", "short"])


def test_xlsx_is_read_by_content_whatever_the_name_with_row_numbers_as_excel_shows():
    data = xlsx_bytes([["Name", "Email"], ["A", "a@example.org"], [None, None], ["B", 42], [True, 2.5]])

    table = read_table(data, Limits())

    assert (table.file_format, table.sheet) == ("xlsx", "Registrants")
    assert table.rows == [
        (1, ["Name", "Email"]),
        (2, ["A", "a@example.org"]),
        (4, ["B", "42"]),
        (5, ["yes", "2.5"]),
    ]


def test_xlsx_keeps_formulas_and_html_as_the_text_they_are():
    data = xlsx_bytes([["Name", "Note"], ['=HYPERLINK("http://evil","x")', "<b>bold</b>"]])

    table = read_table(data, Limits())

    assert table.rows[1][1] == ['=HYPERLINK("http://evil","x")', "<b>bold</b>"]


def test_an_exported_apostrophe_before_a_formula_character_is_removed_once():
    assert cell_text("'=SUM(A1)") == "=SUM(A1)"
    assert cell_text("'+7 701 000 0000") == "+7 701 000 0000"
    assert cell_text("'\tindented") == "\tindented"
    assert cell_text("''=x") == "''=x"  # not followed by a formula character: kept
    assert cell_text("'quoted'") == "'quoted'"
    assert cell_text("O'Brien") == "O'Brien"


def test_an_exe_renamed_csv_is_refused():
    data = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + os.urandom(4000)

    with pytest.raises(ImportFileError, match="not a CSV or XLSX"):
        read_table(data, Limits())


def test_random_binary_without_a_known_signature_is_refused():
    data = bytes(range(256)) * 40

    with pytest.raises(ImportFileError, match="not a CSV or XLSX"):
        read_table(data, Limits())


def test_an_old_xls_file_gets_a_helpful_message():
    with pytest.raises(ImportFileError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, Limits())


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read_table(buffer.getvalue(), Limits())


def test_a_damaged_zip_is_refused():
    with pytest.raises(ImportFileError, match="damaged"):
        read_table(b"PK\x03\x04" + b"\x00" * 100, Limits())


def zip_bomb(payload_mb: int) -> bytes:
    """A valid-looking workbook whose sheet unpacks to payload_mb MB of zeros (a few KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            block = b"0" * (1024 * 1024)
            for _ in range(payload_mb):
                entry.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    data = zip_bomb(60)  # 60 MB of zeros, about 60 KB on disk
    assert len(data) < 200_000

    with pytest.raises(ImportFileError, match="unpack to 60 MB, more than the 50 MB allowed"):
        read_table(data, Limits(max_xlsx_uncompressed=50 * 1024 * 1024))


def test_a_workbook_of_thousands_of_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(30):
            archive.writestr(f"part{n}.xml", "")

    with pytest.raises(ImportFileError, match="too many parts"):
        read_table(buffer.getvalue(), Limits(max_xlsx_entries=20))


def test_unsafe_xml_in_a_workbook_is_refused():
    good = xlsx_bytes([["Name"], ["A"]])
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = laughs.encode()
            target.writestr(item, content)

    with pytest.raises(ImportFileError, match="unsafe XML"):
        read_table(buffer.getvalue(), Limits())


def test_file_size_and_row_count_limits_have_clear_messages():
    data = csv_bytes([["Name"]] + [[f"P{n}"] for n in range(30)])

    with pytest.raises(ImportFileError, match="larger than"):
        read_table(data, Limits(max_bytes=100))
    with pytest.raises(ImportFileError, match="more than 20 rows"):
        read_table(data, Limits(max_rows=20))
    assert len(read_table(data, Limits(max_rows=30)).rows) == 31  # the header does not count


def test_an_empty_file_is_refused():
    with pytest.raises(ImportFileError, match="empty"):
        read_table(b"  \r\n", Limits())
