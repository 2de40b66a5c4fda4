"""Uploads: hostile workbooks are refused through the web page, and nothing of them is kept."""

import io
import os
import zipfile

import pytest

from crm.imports.reading import ImportFileError, Limits, read_table
from tests.imports.conftest import xlsx_bytes
from tests.imports.test_reading import zip_bomb
from tests.imports.test_views import upload

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_sheet(xml: str) -> bytes:
    """A real workbook whose first sheet is replaced by `xml`."""
    good = xlsx_bytes([["Name"], ["A"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, xml.encode() if item.filename == SHEET else source.read(item.filename))
    return buffer.getvalue()


EXTERNAL_ENTITY = _with_sheet(
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>'
    "</row></sheetData></worksheet>"
)
BILLION_LAUGHS = _with_sheet(
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c>'
    "</row></sheetData></worksheet>"
)


def test_an_external_entity_is_refused_and_no_file_is_read():
    with pytest.raises(ImportFileError, match="unsafe XML"):
        read_table(EXTERNAL_ENTITY, Limits())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EXTERNAL_ENTITY, "unsafe XML"),
        (BILLION_LAUGHS, "unsafe XML"),
        (zip_bomb(60), "more than the 50 MB allowed"),
        (b"MZ\x90\x00" + bytes(range(256)) * 8, "This is not a CSV or XLSX file"),
    ],
    ids=["external-entity", "billion-laughs", "zip-bomb", "exe"],
)
def test_hostile_files_are_refused_on_the_upload_page(app, client, login, staff, data, message):
    login(staff)
    folder = os.path.join(app.instance_path, "imports")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    # The name claims CSV: the content decides what the file is.
    response = upload(client, data, name="registrants.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="file-error"' in page and message in page
    assert "root:" not in page
    assert (set(os.listdir(folder)) if os.path.isdir(folder) else set()) == before
