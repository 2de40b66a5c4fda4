"""Undoing an import: what it created goes, what existed stays, later work blocks it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.imports.services import commit_import
from crm.imports.undo import UndoRefused, can_undo_import, undo_blockers, undo_import
from crm.inquiries.services import assign_inquiry, convert_inquiry, mark_responded, update_inquiry
from crm.models import AuditEntry, Inquiry
from crm.models.enums import Role, ThreadKind
from tests.imports.conftest import ZOOM_HEADER, csv_bytes, zoom_rows


@pytest.fixture
def imported(db, staff, preview_of):
    """Commit a batch of three inquiries (file rows 2, 3 and 4)."""

    def run():
        return commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(3)])), actor=staff)

    return run


def batch_inquiries(db, batch):
    return db.session.scalars(
        select(Inquiry).where(Inquiry.import_batch_id == batch.id).order_by(Inquiry.id)
    ).all()


def test_undo_removes_the_inquiries_it_created_and_leaves_the_rest(db, staff, imported, make_inquiry):
    earlier = make_inquiry(sender_name="Logged by hand")
    batch = imported()

    removed = undo_import(batch, actor=staff)

    assert removed == 3
    assert batch_inquiries(db, batch) == []
    assert db.session.get(Inquiry, earlier.id) is not None
    assert (batch.status, batch.undone_by_id) == ("undone", staff.id) and batch.undone_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "undo_import"))
    assert (entry.entity_id, entry.changes["deleted"]) == (batch.id, 3)


def test_undo_twice_is_refused(staff, imported):
    batch = imported()
    undo_import(batch, actor=staff)

    with pytest.raises(UndoRefused, match="already been undone"):
        undo_import(batch, actor=staff)


def test_undo_is_refused_when_an_inquiry_was_converted_naming_it(db, staff, imported):
    batch = imported()
    second = batch_inquiries(db, batch)[1]
    convert_inquiry(second, actor=staff, thread_kind=ThreadKind.CONSULTATION)
    db.session.commit()

    with pytest.raises(UndoRefused, match="depends on 1 of its inquiries") as refused:
        undo_import(batch, actor=staff)

    [blocker] = refused.value.blockers
    assert (blocker.row, blocker.inquiry_id, blocker.name) == (3, second.id, "Aigulc Bekovac")
    assert "it was converted into a contact" in blocker.reasons
    assert any("was opened from it" in reason for reason in blocker.reasons)
    db.session.rollback()
    assert len(batch_inquiries(db, batch)) == 3 and batch.status == "committed"


def test_answered_assigned_and_edited_inquiries_block_undo(db, staff, coordinator, imported):
    batch = imported()
    first, second, third = batch_inquiries(db, batch)
    mark_responded(first, None, actor=staff)
    assign_inquiry(second, coordinator, actor=coordinator)
    update_inquiry(third, {"subject": "Corrected"}, actor=staff)

    blockers = undo_blockers(batch)

    assert [(b.row, b.reasons) for b in blockers] == [
        (2, ["it was answered"]),
        (3, ["it was assigned"]),
        (4, ["it was edited after the import"]),
    ]


def test_only_coordinators_or_the_importer_may_undo(make_user, staff, imported):
    batch = imported()
    colleague = make_user(Role.STAFF)

    assert can_undo_import(staff, batch)
    assert can_undo_import(make_user(Role.COORDINATOR), batch)
    assert not can_undo_import(colleague, batch)
    assert not can_undo_import(make_user(Role.VIEWER), batch)


def test_undo_of_five_hundred_rows_takes_a_few_statements(db, staff, preview_of, count_statements):
    batch = commit_import(preview_of(csv_bytes([ZOOM_HEADER, *zoom_rows(500)])), actor=staff)
    db.session.expire_all()

    with count_statements() as statements:
        assert undo_import(batch, actor=staff) == 500

    assert len(statements) <= 12, statements
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0
