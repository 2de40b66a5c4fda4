"""indexes for the membership board and the thread board's finished columns

The membership board counts its columns (live organisations by membership status) and reads
each column's first cards in order of membership_since: one index on the status, that date and
the two columns of live() serves both without reading the table or sorting a whole column.

The thread board's finished columns (latest first, then the open columns' order) were sorted
whole: SQLite preferred the covering (kind, stage, next_action_due, stage_changed_at) index to
(kind, stage, stage_changed_at), which did not cover the order. The latter now ends with
next_action_due and covers it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_organisations_membership_board',
        'organisations',
        ['membership_status', 'membership_since', 'deleted_at', 'merged_into_id'],
        unique=False,
    )
    op.drop_index('ix_threads_kind_stage_stage_changed_at', table_name='threads')
    op.create_index(
        'ix_threads_kind_stage_stage_changed_at',
        'threads',
        ['kind', 'stage', 'stage_changed_at', 'next_action_due'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_threads_kind_stage_stage_changed_at', table_name='threads')
    op.create_index(
        'ix_threads_kind_stage_stage_changed_at', 'threads', ['kind', 'stage', 'stage_changed_at'], unique=False
    )
    op.drop_index('ix_organisations_membership_board', table_name='organisations')
