"""Matching where people enter: the import preview and inquiry triage say the same as the scan."""

from __future__ import annotations

from crm.contacts.services import add_affiliation
from crm.imports.contact_rows import check_rows
from crm.imports.rows import MATCHED, NEW, SourceRow
from crm.inquiries.services import triage


def _row(number: int, **cells: str) -> SourceRow:
    return SourceRow(number, {name: [(name.title(), value)] for name, value in cells.items()})


def test_the_import_preview_matches_a_phone_written_another_way(db, staff, make_contact):
    known = make_contact(full_name="Динара Абдуллаева", email="", phone="+7 701 234 5678")
    rows = [
        _row(2, full_name="D. Abdullaeva", phone="8 (701) 234-56-78", country="Kazakhstan"),
        _row(3, full_name="Dinara Abdullaeva Serikovna", country="Kazakhstan"),
        _row(4, full_name="Someone New", phone="8 (701) 000-00-00", country="Kazakhstan"),
    ]
    first, second, third = check_rows(rows, actor=staff).outcomes
    assert (first.outcome, first.values["matches"]) == (
        MATCHED,
        [(known.id, "Динара Абдуллаева", ["same phone", "similar name", "same country"])],
    )
    # a patronymic on one side only: found by the name's words in triage and the scan, not in a bulk preview
    assert (second.outcome, third.outcome) == (NEW, NEW)


def test_triage_counts_a_shared_organisation_as_supporting_evidence(
    db, staff, make_contact, make_organisation, make_inquiry
):
    centre = make_organisation(name="Stateless Rights Centre")
    colleague = make_contact(full_name="Aigerim Nurgalieva", email="a@src.kz")
    add_affiliation(colleague, centre, "Lawyer", actor=staff)
    namesake = make_contact(full_name="Aigerim Nurgalieva", email="a@other.kz")
    found = triage(make_inquiry(sender_name="Нургалиева Айгерим Серикқызы", sender_email="personal@mail.kz"))
    assert [(c.id, reasons) for c, reasons in found.contacts] == [
        (colleague.id, ["similar name", "same organisation", "same country"]),
        (namesake.id, ["similar name", "same country"]),
    ]
    assert found.organisations == [centre]


def test_merged_away_contacts_are_never_offered(db, staff, make_contact, make_inquiry):
    from crm.duplicates.merge import merge_contacts

    kept = make_contact(full_name="Aigerim Nurgalieva", email="a@src.kz")
    gone = make_contact(full_name="Aigerim Nurgalieva", email="aigerim@example.kz")
    merge_contacts(kept, gone, {}, actor=staff, may_see_sensitive=False)
    found = triage(make_inquiry(sender_email="aigerim@example.kz"))
    assert [c.id for c, _reasons in found.contacts] == [kept.id]
