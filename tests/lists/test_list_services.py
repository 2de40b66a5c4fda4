"""Contact list services: static membership, smart lists re-evaluated, names, audit, query counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.contacts.services import add_affiliation
from crm.lists import services
from crm.lists.services import ListError
from crm.models import AuditEntry, ContactList, contact_list_members


def _names(db, contact_list) -> list[str]:
    return [c.full_name for c in db.session.scalars(services.list_contacts_query(contact_list))]


def test_a_static_list_holds_whoever_was_added_once(db, staff, make_contact):
    a = make_contact(full_name="Айгерим Нургалиева")
    b = make_contact(full_name="Bolat Seitkali", email="b@example.kz")
    board = services.create_list("Board", actor=staff, description="Advisory board")
    assert board.kind == "static" and board.owner_id == staff.id
    assert services.add_members(board, [a.id, b.id, a.id], actor=staff) == 2
    assert services.add_members(board, [a.id, 999999], actor=staff) == 0  # already on it / no such contact
    assert sorted(_names(db, board)) == ["Bolat Seitkali", "Айгерим Нургалиева"]
    assert services.remove_members(board, [a.id, 999999], actor=staff) == 1
    assert _names(db, board) == ["Bolat Seitkali"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "contactlist").order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "add_members", "remove_members"]


def test_a_smart_list_re_evaluates_its_filter(db, staff, make_contact, make_tag):
    legal = make_tag("legal aid")
    make_contact(full_name="Kyrgyz Lawyer", country_code="KG", tags=[legal])
    smart = services.create_list(
        "KG lawyers", actor=staff, kind="smart", filters={"country": "KG", "tag": legal.id, "sort": "x"}
    )
    assert smart.filters == {"country": "KG", "tag": str(legal.id)}  # only /contacts filters are saved
    assert _names(db, smart) == ["Kyrgyz Lawyer"]
    make_contact(full_name="New Kyrgyz Lawyer", email="new@example.kg", country_code="KG", tags=[legal])
    make_contact(full_name="Kazakh Lawyer", email="kz@example.kz", country_code="KZ", tags=[legal])
    assert _names(db, smart) == ["Kyrgyz Lawyer", "New Kyrgyz Lawyer"]
    with pytest.raises(ListError):
        services.add_members(smart, [1], actor=staff)


def test_names_are_required_and_unique_and_smart_lists_need_a_filter(db, staff):
    services.create_list("Donors", actor=staff)
    for name in ("", "   ", "donors", "x" * 201):
        with pytest.raises(ListError) as error:
            services.create_list(name, actor=staff)
        assert error.value.field == "name"
    with pytest.raises(ListError):
        services.create_list("Everyone", actor=staff, kind="smart", filters={"sort": "name"})
    other = services.create_list("Partners", actor=staff)
    with pytest.raises(ListError):
        services.rename_list(other, "DONORS", "", actor=staff)
    assert services.rename_list(other, "Partners", "Same name, new text", actor=staff) == {
        "description": ["", "Same name, new text"]
    }


def test_deleting_a_list_keeps_the_people(db, staff, make_contact):
    person = make_contact()
    board = services.create_list("Board", actor=staff)
    services.add_members(board, [person.id], actor=staff)
    services.delete_list(board, actor=staff)
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(ContactList)) == 0
    assert db.session.scalar(select(func.count()).select_from(contact_list_members)) == 0
    assert db.session.get(type(person), person.id) is not None


def test_add_to_list_picks_an_existing_list_or_makes_one(db, staff, make_contact):
    person = make_contact()
    made, added = services.add_to_list([person.id], actor=staff, new_name="Webinar follow-up")
    assert made.name == "Webinar follow-up" and added == 1
    same, added = services.add_to_list([person.id], actor=staff, list_id=made.id)
    assert same is made and added == 0
    with pytest.raises(ListError):
        services.add_to_list([person.id], actor=staff)
    with pytest.raises(ListError):
        services.add_to_list([person.id], actor=staff, list_id=999999)


def test_overview_and_a_contacts_lists_take_a_fixed_number_of_statements(
    db, staff, make_contact, make_organisation, count_statements
):
    organisation = make_organisation()
    person = make_contact(country_code="KG")
    add_affiliation(person, organisation, "", actor=staff)

    def lists(n):
        for i in range(n):
            static = services.create_list(f"Static {n}-{i}", actor=staff)
            services.add_members(static, [person.id], actor=staff)
            services.create_list(
                f"Smart {n}-{i}", actor=staff, kind="smart", filters={"organisation": organisation.id}
            )
            services.create_list(f"Other {n}-{i}", actor=staff, kind="smart", filters={"country": "TH"})
        db.session.flush()
        db.session.expire_all()
        db.session.refresh(person)
        with count_statements() as statements:
            overview = services.list_overview()
            on = services.lists_for_contact(person)
        return statements, overview, on

    few, overview, on = lists(1)
    assert {row.contact_list.name: row.count for row in overview} == {
        "Other 1-0": 0,
        "Smart 1-0": 1,
        "Static 1-0": 1,
    }
    assert sorted(each.name for each in on) == ["Smart 1-0", "Static 1-0"]
    many, overview, on = lists(6)
    assert len(on) == 14 and len(many) == len(few) <= 5
