"""Reference data kept by admins: topics (on inquiries) and tags (on contacts).

A topic or tag still in use is not deleted: the links carry meaning that would be
lost silently. Rename it instead, or take it off those records first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select

from crm.audit.services import record
from crm.errors import DomainError
from crm.extensions import db
from crm.models import Tag, Topic, User, contact_tags, inquiry_topics
from crm.translations import gettext as _
from crm.translations import ngettext

TOPIC_NAME_MAX = Topic.__table__.c.name.type.length
TAG_NAME_MAX = Tag.__table__.c.name.type.length


class ReferenceDataError(DomainError):
    """A reference-data rule was broken; the message is shown next to `field` (the name, by default)."""

    def __init__(self, message: str, field: str | None = "name") -> None:
        super().__init__(message, field)


def _links(model: type[Topic] | type[Tag]) -> tuple[Table, Any]:
    if model is Topic:
        return inquiry_topics, inquiry_topics.c.topic_id
    return contact_tags, contact_tags.c.tag_id


def _clean_name(model: type[Topic] | type[Tag], name: str, current: Any = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ReferenceDataError(_("Give a name."))
    limit = model.__table__.c.name.type.length
    if len(name) > limit:
        raise ReferenceDataError(_("Use at most %(n)d characters.", n=limit))
    clash = select(model.id).where(func.lower(model.name) == name.lower())
    if current is not None:
        clash = clash.where(model.id != current.id)
    if db.session.scalar(clash.limit(1)) is not None:
        raise ReferenceDataError(_("“%(name)s” already exists.", name=name))
    return name


def usage_counts(model: type[Topic] | type[Tag]) -> dict[int, int]:
    """How many inquiries carry each topic, or contacts each tag (one grouped query)."""
    _table, key = _links(model)
    return {item_id: count for item_id, count in db.session.execute(select(key, func.count()).group_by(key))}


def _create(model: type[Topic] | type[Tag], name: str, actor: User) -> Any:
    item = model(name=_clean_name(model, name))
    db.session.add(item)
    db.session.flush()
    record(actor, "create", item, changes={"name": item.name})
    return item


def _rename(item: Any, name: str, actor: User) -> None:
    name = _clean_name(type(item), name, current=item)
    if name != item.name:
        record(actor, "update", item, changes={"name": [item.name, name]})
        item.name = name


def _delete(item: Any, actor: User) -> None:
    table, key = _links(type(item))
    in_use = db.session.scalar(select(func.count()).select_from(table).where(key == item.id)) or 0
    if in_use:
        if isinstance(item, Topic):
            message = ngettext(
                "“%(name)s” is on %(num)d inquiry, so it was not deleted. Rename it, or remove it from that inquiry first.",
                "“%(name)s” is on %(num)d inquiries, so it was not deleted. Rename it, or remove it from those inquiries first.",
                in_use,
                name=item.name,
            )
        else:
            message = ngettext(
                "“%(name)s” is on %(num)d contact, so it was not deleted. Rename it, or remove it from that contact first.",
                "“%(name)s” is on %(num)d contacts, so it was not deleted. Rename it, or remove it from those contacts first.",
                in_use,
                name=item.name,
            )
        raise ReferenceDataError(message, field=None)
    record(actor, "delete", item, changes={"name": item.name})
    db.session.delete(item)
    db.session.flush()


def create_topic(name: str, *, actor: User) -> Topic:
    """Add a topic inquiries can be filed under."""
    return _create(Topic, name, actor)


def rename_topic(topic: Topic, name: str, *, actor: User) -> None:
    """Rename a topic everywhere it is used."""
    _rename(topic, name, actor)


def delete_topic(topic: Topic, *, actor: User) -> None:
    """Delete a topic that no inquiry uses (ReferenceDataError otherwise)."""
    _delete(topic, actor)


def create_tag(name: str, *, actor: User) -> Tag:
    """Add a tag for contacts."""
    return _create(Tag, name, actor)


def rename_tag(tag: Tag, name: str, *, actor: User) -> None:
    """Rename a tag everywhere it is used."""
    _rename(tag, name, actor)


def delete_tag(tag: Tag, *, actor: User) -> None:
    """Delete a tag that no contact carries (ReferenceDataError otherwise)."""
    _delete(tag, actor)
