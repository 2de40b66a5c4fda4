"""The duplicate scan: blocking keys find the pairs that matter, best first, and remember dismissals."""

from __future__ import annotations

import pytest

from crm.contacts.services import add_affiliation
from crm.duplicates.scan import scan_contacts, scan_organisations
from crm.duplicates.services import mark_not_duplicate, queue
from crm.models.duplicate import CONTACT, ORGANISATION


def _pairs(kind=CONTACT):
    return [(r.first.id, r.second.id, r.pair.score, r.pair.reasons.split(",")) for r in queue(kind).rows]


def test_scan_finds_people_across_scripts_phones_and_emails_best_first(db, staff, make_contact):
    a = make_contact(full_name="Aigerim Nurgaliyeva", email="a.n@ngo.kz", phone="+7 701 234 5678")
    b = make_contact(full_name="Нургалиева Айгерим", email="aigerim@mail.kz", phone="8 (701) 234-56-78")
    c = make_contact(full_name="Ольга Сергеевна Иванова", email="olga@x.ru", country_code="RU")
    d = make_contact(full_name="Olga Ivanova", email="o.ivanova@y.org", country_code="RU")
    e = make_contact(full_name="Dinara Abdullaeva", email="SHARED@office.kz")
    f = make_contact(full_name="Timur Rakhimov", email="shared@office.kz")
    make_contact(full_name="Timur Karimov", email="t@k.kz")
    make_contact(full_name="Timur Karimova", email="t2@k.kz")
    result = scan_contacts(actor=staff)
    assert _pairs() == [
        (a.id, b.id, 100, ["phone", "name", "country"]),
        (e.id, f.id, 85, ["email", "country"]),
        (c.id, d.id, 60, ["similar_name", "country"]),
    ]
    assert (result.records, result.pairs) == (8, 3)


def test_namesakes_in_different_countries_are_suggested_not_likely(db, staff, make_contact):
    make_contact(full_name="Aigerim Nurgalieva", email="a@ngo.kz", country_code="KZ")
    make_contact(full_name="Aigerim Nurgalieva", email="a@uni.de", country_code="DE")
    scan_contacts(actor=staff)
    rows = queue(CONTACT).rows
    assert [(r.pair.score, r.likely) for r in rows] == [(50, False)]


def test_a_pair_marked_not_duplicate_stays_out_after_the_next_scan(db, staff, make_contact):
    a = make_contact(full_name="Aigerim Nurgalieva", email="a@ngo.kz")
    b = make_contact(full_name="Айгерим Нургалиева", email="b@ngo.kz")
    scan_contacts(actor=staff)
    mark_not_duplicate(CONTACT, b, a, actor=staff)
    assert _pairs() == []
    scan_contacts(actor=staff)
    assert _pairs() == []


def test_a_common_name_is_compared_only_among_people_sharing_an_organisation(
    app, db, staff, make_contact, make_organisation, monkeypatch
):
    monkeypatch.setitem(app.config, "DUPLICATE_BLOCK_LIMIT", 2)
    centre = make_organisation()
    people = [make_contact(full_name="Aigerim Nurgalieva", email=f"a{i}@x.kz") for i in range(4)]
    add_affiliation(people[0], centre, "", actor=staff)
    add_affiliation(people[3], centre, "", actor=staff)
    result = scan_contacts(actor=staff)
    assert _pairs() == [(people[0].id, people[3].id, 80, ["name", "organisation", "country"])]
    assert result.skipped_blocks == 0


def test_scan_finds_organisations_by_website_and_name(db, staff, make_organisation):
    a = make_organisation(name="Stateless Rights Centre", website="https://www.src.example/en")
    b = make_organisation(name="SRC Almaty office", website="http://src.example")
    c = make_organisation(name="stateless rights centre", country_code="UZ")
    make_organisation(name="Legal Aid Fund 1")
    make_organisation(name="Legal Aid Fund 2")
    scan_organisations(actor=staff)
    assert _pairs(ORGANISATION) == [
        (a.id, b.id, 75, ["website", "country"]),
        (a.id, c.id, 50, ["name", "other_country"]),
    ]


@pytest.mark.parametrize("kind", [CONTACT, ORGANISATION])
def test_an_empty_database_scans_to_an_empty_queue(db, staff, kind):
    (scan_contacts if kind == CONTACT else scan_organisations)(actor=staff)
    assert queue(kind).total == 0
