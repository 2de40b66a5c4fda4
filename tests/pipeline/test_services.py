"""Boards: columns, filters that the counts follow, overdue and stale badges, bulk reassign."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.models import AuditEntry, Country
from crm.models.enums import InquiryStatus, MembershipStatus, ThreadKind, ThreadStage
from crm.pipeline import services
from crm.pipeline.services import BoardFilters, Clock
from crm.threads.services import add_interaction, change_stage

NOW = datetime.now(UTC)
CLOCK = Clock(now=NOW, stale_days=14, response_days=3)


def column(board, key):
    return next(c for c in board.columns if c.key == key)


def test_thread_board_has_the_kinds_stages_and_flags(db, staff, make_thread):
    from crm.models.enums import InteractionKind

    make_thread(title="Late", next_action="Call", next_action_due=date.today() - timedelta(days=2))
    quiet = make_thread(title="Quiet")
    quiet.opened_on = date.today() - timedelta(days=30)
    lively = make_thread(title="Lively")
    add_interaction(lively, InteractionKind.CALL, "Talked", actor=staff)
    change_stage(lively, ThreadStage.SCHEDULED, actor=staff)
    make_thread(kind=ThreadKind.JOINT_INITIATIVE, title="Other kind")
    board = services.thread_board(ThreadKind.CONSULTATION, BoardFilters(), CLOCK)
    assert [c.key for c in board.columns] == [
        "requested",
        "scheduled",
        "in_progress",
        "follow_up",
        "completed",
        "dropped",
    ]
    requested = column(board, "requested")
    assert requested.count == 2 and {card.title for card in requested.cards} == {"Late", "Quiet"}
    cards = {card.title: card for c in board.columns for card in c.cards}
    assert cards["Late"].overdue and not cards["Late"].stale
    assert cards["Quiet"].stale and not cards["Quiet"].overdue
    assert not cards["Lively"].stale and not cards["Lively"].overdue
    assert [card.title for card in column(board, "requested").cards][0] == "Late"  # due first
    assert board.total == 3


def test_thread_board_counts_follow_the_filters(
    db, staff, make_user, make_thread, make_event, make_inquiry, make_contact, make_tag
):
    from crm.inquiries.services import convert_inquiry

    other = make_user()
    kz, th = db.session.get(Country, "KZ"), db.session.get(Country, "TH")
    make_thread(title="KZ mine", countries=[kz])
    make_thread(
        title="TH theirs",
        countries=[th],
        owner=other,
        next_action="x",
        next_action_due=date.today() - timedelta(days=1),
    )
    event = make_event()
    from_event = convert_inquiry(
        make_inquiry(event_id=event.id), actor=staff, thread_kind=ThreadKind.CONSULTATION
    ).thread
    tag = make_tag("lawyer network")
    from_event.contacts[0].tags = [tag]

    def titles(**f):
        board = services.thread_board(ThreadKind.CONSULTATION, BoardFilters(**f), CLOCK)
        assert board.total == sum(len(c.cards) for c in board.columns)
        return {card.title for c in board.columns for card in c.cards}

    assert titles(country="KZ") >= {"KZ mine"} and "TH theirs" not in titles(country="KZ")
    assert titles(region="035") == {"TH theirs"}
    assert titles(owner=other.id) == {"TH theirs"}
    assert titles(overdue=True) == {"TH theirs"}
    assert titles(event=event.id) == {from_event.title}
    assert titles(tag=tag.id) == {from_event.title}


def test_columns_show_at_most_the_card_limit_but_count_everything(db, make_thread, monkeypatch):
    monkeypatch.setattr(services, "CARD_LIMIT", 2)
    for i in range(5):
        make_thread(title=f"T{i}")
    requested = column(services.thread_board(ThreadKind.CONSULTATION, BoardFilters(), CLOCK), "requested")
    assert requested.count == 5 and len(requested.cards) == 2


def test_a_column_shows_the_next_due_first_and_the_undated_last(db, staff, make_thread, monkeypatch):
    today = date.today()
    for title, due in (("In 5 days", 5), ("Tomorrow", 1), ("Overdue", -3), ("In 9 days", 9)):
        make_thread(title=title, next_action="Call", next_action_due=today + timedelta(days=due))
    for i, days_ago in enumerate((2, 7, 4)):
        undated = make_thread(title=f"Undated {i}")
        undated.stage_changed_at = NOW - timedelta(days=days_ago)

    def requested(limit):
        monkeypatch.setattr(services, "CARD_LIMIT", limit)
        board = services.thread_board(ThreadKind.CONSULTATION, BoardFilters(), CLOCK)
        return [card.title for card in column(board, "requested").cards]

    everything = ["Overdue", "Tomorrow", "In 5 days", "In 9 days", "Undated 1", "Undated 2", "Undated 0"]
    assert requested(20) == everything
    assert requested(5) == everything[:5]
    assert requested(3) == everything[:3]  # more undated than the limit: none of them shows


def test_finished_thread_columns_show_the_most_recently_finished(db, staff, make_thread, monkeypatch):
    monkeypatch.setattr(services, "DONE_LIMIT", 2)
    for i, days_ago in enumerate((5, 1, 9, 3)):
        thread = make_thread(
            title=f"Done {i}", next_action="Call", next_action_due=date.today() + timedelta(days=i)
        )
        change_stage(thread, ThreadStage.COMPLETED, actor=staff)
        thread.stage_changed_at = NOW - timedelta(days=days_ago)
    completed = column(services.thread_board(ThreadKind.CONSULTATION, BoardFilters(), CLOCK), "completed")
    assert completed.count == 4 and [card.title for card in completed.cards] == ["Done 1", "Done 3"]


def test_inquiry_board_flags_unanswered_and_quiet_inquiries(db, staff, make_inquiry):
    waiting = make_inquiry(sender_name="Waiting", received_at=NOW - timedelta(days=5))
    fresh = make_inquiry(sender_name="Fresh", received_at=NOW - timedelta(hours=3))
    quiet = make_inquiry(sender_name="Quiet", received_at=NOW - timedelta(days=20))
    from crm.inquiries.services import close_inquiry, mark_responded

    mark_responded(quiet, NOW - timedelta(days=19), actor=staff)
    quiet.status_changed_at = NOW - timedelta(days=19)
    closed = make_inquiry(sender_name="Closed", received_at=NOW - timedelta(days=9))
    close_inquiry(closed, actor=staff)
    board = services.inquiry_board(BoardFilters(), CLOCK)
    assert [c.key for c in board.columns] == [s.value for s in InquiryStatus]
    cards = {card.title: card for c in board.columns for card in c.cards}
    assert (
        cards["Waiting"].overdue and cards["Waiting"].due == (waiting.received_at + timedelta(days=3)).date()
    )
    assert not cards["Fresh"].overdue and fresh.status == InquiryStatus.NEW
    assert cards["Quiet"].stale and not cards["Quiet"].overdue
    assert not cards["Closed"].overdue and not cards["Closed"].stale
    only_overdue = services.inquiry_board(BoardFilters(overdue=True), CLOCK)
    assert {card.title for c in only_overdue.columns for card in c.cards} == {"Waiting"}
    assert column(only_overdue, "new").count == 1


def test_membership_board(db, staff, make_organisation):
    from crm.organisations.services import update_organisation

    prospect = make_organisation(name="Prospect NGO", membership_status=MembershipStatus.PROSPECT)
    prospect.membership_since = date.today() - timedelta(days=40)
    member = make_organisation(name="Member NGO", country_code="TH")
    update_organisation(member, {"membership_status": MembershipStatus.MEMBER}, actor=staff)
    make_organisation(name="Not involved")
    board = services.membership_board(BoardFilters(), CLOCK)
    assert [c.key for c in board.columns] == ["prospect", "invited", "applied", "member", "former"]
    assert [card.title for card in column(board, "prospect").cards] == ["Prospect NGO"]
    assert column(board, "prospect").cards[0].stale
    assert column(board, "member").count == 1 and not column(board, "member").cards[0].stale
    assert services.membership_board(BoardFilters(country="TH"), CLOCK).total == 1


def test_bulk_reassign_moves_everything_or_nothing(
    db, staff, coordinator, make_user, make_thread, make_inquiry
):
    new_owner = make_user(name="New Owner")
    threads = [make_thread(title=f"T{i}") for i in range(3)]
    count = services.bulk_reassign("thread", [t.id for t in threads], new_owner, actor=coordinator)
    assert count == 3 and all(t.owner == new_owner for t in threads)
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reassign")).all()
    assert len(audits) == 3
    inquiry = make_inquiry()
    with pytest.raises(services.PipelineError):
        services.bulk_reassign("inquiry", [inquiry.id, 999999], new_owner, actor=coordinator)
    assert inquiry.assignee is None
    with pytest.raises(services.PipelineError):
        services.bulk_reassign("thread", [], new_owner, actor=coordinator)
    services.bulk_reassign("inquiry", [inquiry.id], new_owner, actor=coordinator)
    assert inquiry.assignee == new_owner and inquiry.status == InquiryStatus.ASSIGNED


def test_move_inquiry_rules(db, staff, make_inquiry):
    from crm.inquiries.services import InquiryError, assign_inquiry, move_inquiry

    inquiry = make_inquiry()
    with pytest.raises(InquiryError):  # assigned to whom? the board says: use Reassign
        move_inquiry(inquiry, "assigned", actor=staff)
    assign_inquiry(inquiry, staff, actor=staff)
    audits = lambda: db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == inquiry.id)).all()  # noqa: E731
    before = len(audits())
    move_inquiry(inquiry, "responded", actor=staff)
    assert inquiry.status == InquiryStatus.RESPONDED and inquiry.first_response_at is not None
    for impossible in ("converted", "new", "assigned"):
        with pytest.raises(InquiryError):
            move_inquiry(inquiry, impossible, actor=staff)
    assert inquiry.status == InquiryStatus.RESPONDED
    move_inquiry(inquiry, "closed", actor=staff)
    assert inquiry.status == InquiryStatus.CLOSED
    move_inquiry(inquiry, "responded", actor=staff)  # reopening an answered inquiry lands in responded
    assert inquiry.status == InquiryStatus.RESPONDED
    actions = [entry.action for entry in audits()[before:]]
    assert actions == ["first_response", "close", "reopen"]  # no empty "status" or "assign" entries


def test_assigning_the_same_person_again_changes_nothing(db, staff, make_inquiry):
    from crm.inquiries.services import assign_inquiry

    inquiry = make_inquiry(assignee_id=staff.id)
    before = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "assign")).all()
    assign_inquiry(inquiry, staff, actor=staff)
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "assign")).all() == before


def test_finished_columns_show_only_the_latest(db, staff, make_inquiry, monkeypatch):
    from crm.inquiries.services import close_inquiry

    monkeypatch.setattr(services, "DONE_LIMIT", 2)
    for i in range(4):
        inquiry = make_inquiry(sender_name=f"Closed {i}")
        close_inquiry(inquiry, actor=staff)
        inquiry.status_changed_at = NOW - timedelta(days=10 - i)
    for i in range(3):
        make_inquiry(sender_name=f"Open {i}")
    board = services.inquiry_board(BoardFilters(), CLOCK)
    closed = column(board, "closed")
    assert closed.count == 4 and [card.title for card in closed.cards] == ["Closed 3", "Closed 2"]
    assert len(column(board, "new").cards) == 3
