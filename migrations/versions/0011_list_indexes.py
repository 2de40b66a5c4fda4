"""indexes for what lists and boards filter and sort on

Composite indexes let the boards read each column's first cards in index order
(status/stage plus the column's order) and the contact/organisation lists filtered by
country read their page sorted by name; single-column ones for the remaining filters
and sorts (inquiries not yet answered, events by format, accounts by name) and a
thread's interactions newest first; a covering index for the open threads per
owner on /reports.

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-28

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0006'
branch_labels = None
depends_on = None

INDEXES = (
    ('contacts', 'ix_contacts_country_code_name_latin', ['country_code', 'name_latin']),
    ('organisations', 'ix_organisations_country_code_name_latin', ['country_code', 'name_latin']),
    ('inquiries', 'ix_inquiries_status_received_at', ['status', 'received_at']),
    ('inquiries', 'ix_inquiries_status_status_changed_at', ['status', 'status_changed_at']),
    ('inquiries', 'ix_inquiries_first_response_at', ['first_response_at']),
    ('threads', 'ix_threads_kind_stage_next_action_due', ['kind', 'stage', 'next_action_due', 'stage_changed_at']),
    ('threads', 'ix_threads_kind_stage_stage_changed_at', ['kind', 'stage', 'stage_changed_at']),
    ('threads', 'ix_threads_workload', ['owner_id', 'stage', 'last_interaction_at', 'opened_on', 'next_action_due']),
    ('interactions', 'ix_interactions_thread_id_occurred_at', ['thread_id', 'occurred_at']),
    ('events', 'ix_events_format', ['format']),
    ('users', 'ix_users_name', ['name']),
)


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
