"""Topics and tags: services (audited, unique names, in-use refusal) and the admin pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.admin.services import (
    ReferenceDataError,
    create_tag,
    create_topic,
    delete_tag,
    delete_topic,
    rename_tag,
    rename_topic,
    usage_counts,
)
from crm.models import AuditEntry, Tag, Topic


def _audit(db, entity_type: str):
    return [
        (entry.action, entry.changes)
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id)
        )
    ]


def test_topic_lifecycle_is_audited(db, admin):
    topic = create_topic("  Legal   mechanisms ", actor=admin)
    assert topic.name == "Legal mechanisms"
    rename_topic(topic, "Legal mechanisms and safeguards", actor=admin)
    delete_topic(topic, actor=admin)
    assert db.session.get(Topic, topic.id) is None
    assert _audit(db, "topic") == [
        ("create", {"name": "Legal mechanisms"}),
        ("update", {"name": ["Legal mechanisms", "Legal mechanisms and safeguards"]}),
        ("delete", {"name": "Legal mechanisms and safeguards"}),
    ]


@pytest.mark.parametrize("name", ["", "   ", "amnesties", "AMNESTIES"])
def test_topic_names_are_required_and_unique_in_any_case(db, admin, name):
    create_topic("Amnesties", actor=admin)
    with pytest.raises(ReferenceDataError) as error:
        create_topic(name, actor=admin)
    assert error.value.field == "name"


def test_rename_to_own_name_in_other_case_is_allowed(db, admin):
    tag = create_tag("donor", actor=admin)
    create_tag("researcher", actor=admin)
    rename_tag(tag, "Donor", actor=admin)
    assert tag.name == "Donor"
    with pytest.raises(ReferenceDataError):
        rename_tag(tag, "Researcher", actor=admin)


def test_tag_longer_than_the_column_is_refused(db, admin):
    with pytest.raises(ReferenceDataError):
        create_tag("x" * 81, actor=admin)


def test_topic_in_use_is_not_deleted(db, admin, make_inquiry):
    topic = create_topic("Amnesties", actor=admin)
    make_inquiry("A", "a@example.org", topics=[topic])
    make_inquiry("B", "b@example.org", topics=[topic])
    assert usage_counts(Topic) == {topic.id: 2}
    with pytest.raises(ReferenceDataError) as error:
        delete_topic(topic, actor=admin)
    assert "2 inquiries" in str(error.value)
    assert db.session.get(Topic, topic.id) is not None


def test_tag_in_use_is_not_deleted(db, admin, make_contact):
    tag = create_tag("lived experience network", actor=admin)
    make_contact(tags=[tag])
    with pytest.raises(ReferenceDataError) as error:
        delete_tag(tag, actor=admin)
    assert "1 contact," in str(error.value)
    assert db.session.get(Tag, tag.id) is not None


def test_admin_adds_renames_and_deletes_topics(client, login, admin, db, make_inquiry):
    login(admin)
    assert client.get("/admin/topics").status_code == 200
    response = client.post("/admin/topics", data={"name": "Documentation campaigns"})
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.name == "Documentation campaigns"))
    response = client.post(f"/admin/topics/{topic.id}/rename", data={"name": "Birth registration"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).name == "Birth registration"
    assert client.post(f"/admin/topics/{topic.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Topic, topic.id) is None


def test_duplicate_topic_error_next_to_the_add_field(client, login, admin, db):
    create_topic("Amnesties", actor=admin)
    login(admin)
    response = client.post("/admin/topics", data={"name": "amnesties"})
    assert response.status_code == 200
    error = re.search(r'<div id="name-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    assert error and "already exists" in error.group(1)
    assert len(db.session.scalars(select(Topic)).all()) == 1


def test_rename_clash_error_next_to_that_rows_field(client, login, admin, db):
    first = create_tag("donor", actor=admin)
    create_tag("researcher", actor=admin)
    login(admin)
    response = client.post(f"/admin/tags/{first.id}/rename", data={"name": "Researcher"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = re.search(rf'<div id="name-{first.id}-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and "already exists" in error.group(1)
    db.session.expire_all()
    assert db.session.get(Tag, first.id).name == "donor"


def test_deleting_a_tag_in_use_is_refused_with_a_message(client, login, admin, db, make_contact):
    tag = create_tag("donor", actor=admin)
    make_contact(tags=[tag])
    login(admin)
    response = client.post(f"/admin/tags/{tag.id}/delete", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "alert-danger" in html and "was not deleted" in html
    db.session.expire_all()
    assert db.session.get(Tag, tag.id) is not None


def test_missing_topic_or_tag_is_404(client, login, admin):
    login(admin)
    assert client.post("/admin/topics/999999/rename", data={"name": "X"}).status_code == 404
    assert client.post("/admin/tags/999999/delete").status_code == 404
