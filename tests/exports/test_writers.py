"""File writers: formula cells neutralised, Cyrillic kept, one vCard per contact whatever the names hold."""

from __future__ import annotations

import io

import vobject
from openpyxl import load_workbook

from crm.exports.writers import csv_chunks, neutralise, vcard, vcard_chunks, write_xlsx
from tests.exports.conftest import FORMULAS, read_csv

NASTY_NAMES = [
    "A\nEND:VCARD\nBEGIN:VCARD\nFN:Fake",
    "a,b;c\\d",
    "Semi; colon, comma \\ backslash",
    "Line\r\nbreak\rcarriage",
    "Ольга Иванова-Петрова",
    "   ",
]


def test_formula_triggers_get_an_apostrophe_and_nothing_else_does():
    for value in [*FORMULAS, "\nX", "\0X"]:
        assert neutralise(value) == "'" + value
    for value in ["Айгерим", "a=b", "", " =1", "'=already"]:
        assert neutralise(value) == value
    assert neutralise(42) == 42 and neutralise(-3.5) == -3.5  # numbers are left alone


def test_csv_quotes_every_field_prefixes_formulas_and_starts_with_a_bom():
    data = b"".join(
        csv_chunks(["Full name", "Count"], [[[value, 7] for value in FORMULAS], [["Айгерим", None]]])
    )
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == '"Full name","Count"'
    assert '"\'=HYPERLINK(""http://x?""&A1)","7"' in text  # quoted, inner quotes doubled
    rows = read_csv(data)
    assert [row[0] for row in rows[1:-1]] == ["'" + value for value in FORMULAS]
    assert rows[-1] == ["Айгерим", ""]


def test_xlsx_cells_are_strings_never_formulas():
    target = io.BytesIO()
    write_xlsx(
        target,
        ["Full name", "Count"],
        [[[value, 7] for value in FORMULAS], [["Айгерим Нургалиева", 3]]],
        "Contacts",
    )
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["Full name", "Count"]
    for row, value in zip(rows[1:-1], FORMULAS, strict=True):
        # XML turns a bare CR into LF when the file is read: the apostrophe stays in front either way.
        assert row[0].data_type == "s" and row[0].value == "'" + value.replace("\r", "\n")
        assert row[1].data_type == "n" and row[1].value == 7
    assert rows[-1][0].value == "Айгерим Нургалиева"
    assert not [c for row in rows for c in row if c.data_type == "f"]


def test_xlsx_drops_characters_xml_cannot_hold():
    target = io.BytesIO()
    write_xlsx(target, ["Name"], [[["\0Bell\x07"]]], "Contacts")
    assert load_workbook(io.BytesIO(target.getvalue())).active["A2"].value == "Bell"


def test_every_name_gives_exactly_one_card_with_the_name_intact():
    cards_text = b"".join(
        vcard_chunks([[{"full_name": name, "note": name, "organisation": name} for name in NASTY_NAMES]])
    )
    cards = list(vobject.readComponents(cards_text.decode("utf-8")))
    assert len(cards) == len(NASTY_NAMES)
    for card, name in zip(cards, NASTY_NAMES, strict=True):
        expected = name.replace("\r\n", "\n").replace("\r", "\n").strip() or "-"
        assert card.fn.value == expected
        assert card.org.value == [name.replace("\r\n", "\n").replace("\r", "\n")]
        assert card.version.value == "3.0"
    assert "FN:Fake" not in [line for line in cards_text.decode().splitlines()]


def test_a_card_holds_only_what_was_given():
    text = vcard({"full_name": "Айгерим Нургалиева", "email": "a@example.kz", "phone": "+7 701 000 0001"})
    card = vobject.readOne(text)
    assert (card.n.value.given, card.n.value.family) == ("Айгерим", "Нургалиева")
    assert card.email.value == "a@example.kz" and card.tel.value == "+7 701 000 0001"
    assert not hasattr(card, "org") and not hasattr(card, "note")
