"""Every route that deletes: it cascades as designed or refuses with a clear message, never an orphan."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.contacts.services import add_affiliation
from crm.extensions import db as _db
from crm.imports.services import commit_import
from crm.lists.services import add_members, create_list
from crm.models import (
    Affiliation,
    Contact,
    ContactList,
    Inquiry,
    Organisation,
    Tag,
    Topic,
    contact_list_members,
)
from crm.models.enums import ThreadKind
from crm.safety.deletion import delete_record
from tests.imports import conftest as imports

ZOOM_HEADER, csv_bytes, zoom_rows = imports.ZOOM_HEADER, imports.csv_bytes, imports.zoom_rows
limits, preview_of = imports.limits, imports.preview_of  # the importer's fixtures, used here too


def orphans() -> dict[str, int]:
    """Rows whose foreign key names a row that does not exist, for every foreign key in the schema."""
    found = {}
    for table in _db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            child = fk.parent
            parent_table = fk.column.table.alias("parent")  # an alias: some keys point at their own table
            parent = parent_table.c[fk.column.name]
            missing = (
                select(func.count())
                .select_from(table.outerjoin(parent_table, child == parent))
                .where(child.is_not(None), parent.is_(None))
            )
            if count := _db.session.scalar(missing):
                found[f"{table.name}.{child.name}"] = count
    return found


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_a_tag_in_use_is_refused_and_an_unused_one_goes(db, client, admin, login, make_contact, make_tag):
    used, unused = make_tag("webinar"), make_tag("spare")
    contact = make_contact(tags=[used])
    login(admin)
    refused = client.post(f"/admin/tags/{used.id}/delete", follow_redirects=True)
    assert "is on 1 contact, so it was not deleted" in refused.get_data(as_text=True)
    assert contact.tags == [used]
    client.post(f"/admin/tags/{unused.id}/delete")
    assert db.session.get(Tag, unused.id) is None and orphans() == {}


def test_a_topic_in_use_is_refused(db, client, admin, login, make_inquiry):
    topic = Topic(name="Amnesties")
    db.session.add(topic)
    db.session.flush()
    inquiry = make_inquiry(topics=[topic])
    login(admin)
    refused = client.post(f"/admin/topics/{topic.id}/delete", follow_redirects=True)
    assert "is on 1 inquiry, so it was not deleted" in refused.get_data(as_text=True)
    assert inquiry.topics == [topic] and orphans() == {}


def test_deleting_a_list_removes_its_memberships_and_keeps_the_people(db, client, staff, login, make_contact):
    people = [make_contact(full_name=f"P{i}", email=f"p{i}@example.kz") for i in range(3)]
    contact_list = create_list("Round table", actor=staff)
    add_members(contact_list, [p.id for p in people], actor=staff)
    login(staff)
    assert client.post(f"/lists/{contact_list.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactList, contact_list.id) is None
    assert _count(contact_list_members) == 0 and _count(Contact) == 3 and orphans() == {}


def test_removing_an_affiliation_keeps_both_sides(db, client, staff, login, make_contact, make_organisation):
    contact, organisation = make_contact(), make_organisation()
    affiliation = add_affiliation(contact, organisation, "Director", actor=staff)
    login(staff)
    response = client.post(f"/contacts/{contact.id}/affiliations/{affiliation.id}/delete")
    assert response.status_code == 302
    assert _count(Affiliation) == 0 and _count(Contact) == 1 and _count(Organisation) == 1 and orphans() == {}


def test_undoing_an_import_takes_its_inquiries_and_their_links_or_refuses(
    db, client, coordinator, login, preview_of
):
    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(3)])), actor=coordinator)
    login(coordinator)
    assert client.post(f"/imports/{batch.id}/undo").status_code == 302
    assert _count(Inquiry) == 0 and orphans() == {}

    again = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(2)])), actor=coordinator)
    first = db.session.scalars(select(Inquiry).where(Inquiry.import_batch_id == again.id)).first()
    from crm.inquiries.services import convert_inquiry

    convert_inquiry(first, actor=coordinator, thread_kind=ThreadKind.CONSULTATION)
    db.session.commit()
    refused = client.post(f"/imports/{again.id}/undo", follow_redirects=True)
    assert "later work depends on 1 of its inquiries" in refused.get_data(as_text=True)
    assert _count(Inquiry) == 2 and orphans() == {}


@pytest.mark.parametrize("kind", ["contact", "organisation"])
def test_soft_deleting_keeps_every_link(
    db, staff, make_contact, make_organisation, make_thread, make_inquiry, kind
):
    """Nothing hangs from nothing: the record stays, so do its links, ready for a restore."""
    organisation = make_organisation()
    contact = make_contact()
    add_affiliation(contact, organisation, "Lawyer", actor=staff)
    make_thread(contacts=[contact], organisations=[organisation])
    before = (_count(Affiliation), _count(Inquiry))
    delete_record(contact if kind == "contact" else organisation, actor=staff)
    db.session.flush()
    assert (_count(Affiliation), _count(Inquiry)) == before and orphans() == {}
