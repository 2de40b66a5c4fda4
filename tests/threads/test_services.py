"""Thread rules: stages per kind, next actions, reassignment."""

from datetime import date, timedelta

import pytest

from crm.models.enums import STAGES_BY_KIND, InteractionKind, ThreadKind, ThreadStage
from crm.threads import services


def test_a_thread_opens_at_the_first_stage_of_its_kind(db, make_thread):
    for kind in ThreadKind:
        thread = make_thread(kind=kind)
        assert thread.stage == STAGES_BY_KIND[kind][0]
        assert thread.closed_on is None


def test_a_stage_of_another_kind_is_refused(db, staff, make_thread):
    thread = make_thread(kind=ThreadKind.CONSULTATION)
    with pytest.raises(services.StageNotAllowed):
        services.change_stage(thread, ThreadStage.SENT, actor=staff)  # a material-exchange stage
    with pytest.raises(services.StageNotAllowed):
        services.change_stage(thread, "no-such-stage", actor=staff)
    assert thread.stage == ThreadStage.REQUESTED


def test_closing_and_reopening(db, staff, make_thread):
    thread = make_thread(kind=ThreadKind.JOINT_INITIATIVE)
    services.change_stage(thread, ThreadStage.ACTIVE, actor=staff)
    assert thread.stage == ThreadStage.ACTIVE and not thread.is_closed
    services.change_stage(thread, ThreadStage.COMPLETED, actor=staff, outcome="Joint report published")
    assert (
        thread.is_closed and thread.closed_on == date.today() and thread.outcome == "Joint report published"
    )
    services.change_stage(thread, ThreadStage.REPORTING, actor=staff)
    assert thread.closed_on is None


def test_next_action_needs_words_not_only_a_date(db, staff, make_thread):
    thread = make_thread()
    with pytest.raises(services.ThreadError) as err:
        services.set_next_action(thread, "  ", date.today(), actor=staff)
    assert err.value.field == "next_action"
    services.set_next_action(thread, "Send the legal analysis", date.today() + timedelta(days=3), actor=staff)
    assert thread.next_action == "Send the legal analysis"


def test_an_interaction_replaces_the_next_action_it_settles(db, staff, make_thread):
    thread = make_thread(next_action="Call back", next_action_due=date.today() - timedelta(days=2))
    services.add_interaction(
        thread,
        InteractionKind.CALL,
        "Called, agreed to meet",
        actor=staff,
        next_action="Meet in Almaty",
        next_action_due=date.today() + timedelta(days=10),
    )
    assert thread.next_action == "Meet in Almaty"
    services.add_interaction(
        thread, InteractionKind.MEETING, "Met; nothing pending", actor=staff, next_action=""
    )
    assert thread.next_action == "" and thread.next_action_due is None
    services.add_interaction(thread, InteractionKind.NOTE, "Note only", actor=staff)
    assert len(thread.interactions) == 3


def test_an_empty_summary_is_refused(db, staff, make_thread):
    with pytest.raises(services.ThreadError) as err:
        services.add_interaction(make_thread(), InteractionKind.EMAIL, "   ", actor=staff)
    assert err.value.field == "summary"


def test_reassign(db, staff, coordinator, make_thread):
    thread = make_thread()
    services.reassign_thread(thread, coordinator, actor=coordinator)
    assert thread.owner == coordinator


def test_list_query_filters(db, staff, make_thread, make_user):
    from crm.models import Country

    other = make_user()
    kz = db.session.get(Country, "KZ")
    th = db.session.get(Country, "TH")
    a = make_thread(
        title="A", countries=[kz], next_action="x", next_action_due=date.today() - timedelta(days=1)
    )
    b = make_thread(kind=ThreadKind.MATERIAL_EXCHANGE, title="B", countries=[th], owner=other)
    found = lambda **f: set(db.session.scalars(services.thread_list_query(f)))  # noqa: E731
    assert found(kind="consultation") == {a}
    assert found(country="TH") == {b}
    assert found(region="143") == {a}
    assert found(owner=str(other.id)) == {b}
    assert found(overdue="1") == {a}
    services.change_stage(a, ThreadStage.DROPPED, actor=staff)
    assert found(overdue="1") == set() and found(open="1") == {b}


def test_real_contact_settles_the_pending_next_action_but_a_note_does_not(db, staff, make_thread):
    thread = make_thread(next_action="Call back", next_action_due=date.today() - timedelta(days=1))
    services.add_interaction(thread, InteractionKind.NOTE, "Tried to reach them; left a message", actor=staff)
    assert thread.next_action == "Call back"  # still pending: a note is not contact
    services.add_interaction(thread, InteractionKind.CALL, "Spoke with them", actor=staff)
    assert thread.next_action == "" and thread.next_action_due is None


def test_a_new_due_date_alone_postpones_the_current_action(db, staff, make_thread):
    thread = make_thread(next_action="Send analysis", next_action_due=date.today())
    later = date.today() + timedelta(days=10)
    services.add_interaction(
        thread, InteractionKind.CALL, "They asked for more time", actor=staff, next_action_due=later
    )
    assert thread.next_action == "Send analysis" and thread.next_action_due == later
    empty = make_thread()
    with pytest.raises(services.ThreadError) as err:
        services.add_interaction(empty, InteractionKind.CALL, "x", actor=staff, next_action_due=later)
    assert err.value.field == "next_action"
