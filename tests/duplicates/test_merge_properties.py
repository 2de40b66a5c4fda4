"""Property tests: a merge never loses a link, doubles one, or leaves one pointing at the merged-away record.

For random graphs of contacts with threads, interactions, inquiries, affiliations, tags and list
memberships, the number of link rows after a merge equals the number before minus the exact
duplicates collapsed, and those are counted independently of the merge code.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from crm.duplicates.links import links_to
from crm.duplicates.merge import merge_contacts
from crm.models import (
    Affiliation,
    Contact,
    ContactList,
    Inquiry,
    Interaction,
    Organisation,
    Tag,
    Thread,
    User,
    contact_list_members,
    contact_tags,
    interaction_contacts,
    thread_contacts,
)
from crm.models.enums import InteractionKind, Role, ThreadKind, ThreadStage

SETS = ("thread", "tag", "list", "interaction")  # association tables: (other, contact) is unique


@st.composite
def graphs(draw):
    contacts = draw(st.integers(2, 4))
    person = st.integers(0, contacts - 1)
    sizes = {name: draw(st.integers(0, 3)) for name in SETS}
    graph = {"contacts": contacts, "sizes": sizes}
    for name in SETS:
        graph[name] = draw(st.sets(st.tuples(st.integers(0, max(sizes[name] - 1, 0)), person), max_size=8))
        if not sizes[name]:
            graph[name] = set()
    graph["inquiries"] = draw(st.lists(st.one_of(st.none(), person), max_size=4))
    affiliation = st.tuples(person, st.integers(0, 1), st.sampled_from(["", "Director"]))
    graph["affiliations"] = draw(st.lists(affiliation, max_size=5))
    graph["pair"] = draw(st.lists(person, min_size=2, max_size=2, unique=True))
    graph["earlier_merged"] = draw(st.booleans())
    return graph


def _build(db, graph):
    actor = User(email="merge-property@example.org", name="M", role=Role.STAFF, password_hash="x")
    db.session.add(actor)
    contacts = [Contact(full_name=f"Person {i}", email=f"p{i}@example.org") for i in range(graph["contacts"])]
    organisations = [Organisation(name=f"Organisation {i}") for i in range(2)]
    threads = [
        Thread(kind=ThreadKind.CONSULTATION, title=f"T{i}", stage=ThreadStage.REQUESTED)
        for i in range(max(graph["sizes"]["thread"], graph["sizes"]["interaction"]))
    ]
    tags = [Tag(name=f"tag {i}") for i in range(graph["sizes"]["tag"])]
    lists = [ContactList(name=f"list {i}") for i in range(graph["sizes"]["list"])]
    db.session.add_all([*contacts, *organisations, *threads, *tags, *lists])
    db.session.flush()
    interactions = [
        Interaction(thread_id=threads[i].id, kind=InteractionKind.NOTE, summary="s")
        for i in range(graph["sizes"]["interaction"])
    ]
    db.session.add_all(interactions)
    db.session.add_all(
        Inquiry(sender_name="S", contact=contacts[c] if c is not None else None) for c in graph["inquiries"]
    )
    db.session.add_all(
        Affiliation(contact=contacts[c], organisation=organisations[o], position=p)
        for c, o, p in graph["affiliations"]
    )
    tables = {
        "thread": (thread_contacts, "thread_id", threads),
        "tag": (contact_tags, "tag_id", tags),
        "list": (contact_list_members, "list_id", lists),
        "interaction": (interaction_contacts, "interaction_id", interactions),
    }
    db.session.flush()
    for name, (table, column, others) in tables.items():
        rows = [{column: others[o].id, "contact_id": contacts[c].id} for o, c in graph[name]]
        if rows:
            db.session.execute(insert(table), rows)
    return actor, contacts


def _expected_collapses(graph, survivor: int, loser: int) -> int:
    """Links the survivor already has: one each, not two (counted from the graph, not the database)."""
    collapsed = 0
    for name in SETS:
        others = Counter(o for o, c in graph[name] if c in (survivor, loser))
        collapsed += sum(1 for count in others.values() if count == 2)
    kept = {(o, p) for c, o, p in graph["affiliations"] if c == survivor}
    collapsed += sum(1 for c, o, p in graph["affiliations"] if c == loser and (o, p) in kept)
    return collapsed


def _link_rows(db) -> dict[str, int]:
    return {
        link.name: db.session.scalar(
            select(func.count()).select_from(link.table).where(link.column.is_not(None))
        )
        for link in links_to(Contact.__table__)
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs())
def test_a_merge_keeps_every_link_once_and_all_point_at_live_contacts(db, graph):
    try:
        actor, contacts = _build(db, graph)
        survivor, loser = (contacts[i] for i in graph["pair"])
        if graph["earlier_merged"] and len(contacts) > 2:  # a record merged into the loser before
            third = next(c for c in contacts if c not in (survivor, loser))
            merge_contacts(loser, third, {}, actor=actor, may_see_sensitive=True)
        before = _link_rows(db)
        expected = (
            _expected_collapses(graph, *graph["pair"])
            if not graph["earlier_merged"] or len(contacts) == 2
            else None
        )
        result = merge_contacts(survivor, loser, {}, actor=actor, may_see_sensitive=True)
        after = _link_rows(db)
        dropped = {name: len(rows) for name, rows in result.moved.dropped.items()}
        loser_row = 1  # the loser's own merged_into_id is a new link (to the survivor)
        assert sum(before.values()) + loser_row == sum(after.values()) + sum(dropped.values())
        if expected is not None:
            assert sum(dropped.values()) == expected
        for link in links_to(Contact.__table__):
            target = Contact.__table__.alias("target")
            dead = db.session.scalar(
                select(func.count())
                .select_from(link.table.join(target, target.c.id == link.column))
                .where((target.c.merged_into_id.is_not(None)) | (target.c.deleted_at.is_not(None)))
            )
            assert dead == 0, link.name
        assert db.session.get(Contact, loser.id).merged_into_id == survivor.id
    finally:
        db.session.rollback()
