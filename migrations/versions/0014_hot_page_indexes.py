"""indexes for the home page, /reports and the organisation lookup

- inquiries (assignee_id, first_response_at, received_at, id): the home page's unanswered
  inquiries, mine or nobody's, read in the order shown instead of sorting every unanswered one.
- inquiries (received_at, first_response_at, status, contact_id, country_code): /reports reads its
  counts, response times and countries for a range of days from the index alone.
- threads (origin_inquiry_id, kind, stage): /reports' threads by kind and stage, likewise.
- organisations (member_since): /reports' new members, without scanning every organisation.
- organisations (name_latin, id, name_key) replaces (name_latin): the same order for the list,
  and the lookup tests "name contains" on the index entry before reading a row.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INDEXES = (
    ('inquiries', 'ix_inquiries_unanswered', ['assignee_id', 'first_response_at', 'received_at', 'id']),
    (
        'inquiries',
        'ix_inquiries_reports',
        ['received_at', 'first_response_at', 'status', 'contact_id', 'country_code'],
    ),
    ('threads', 'ix_threads_origin_inquiry_id_kind_stage', ['origin_inquiry_id', 'kind', 'stage']),
    ('organisations', 'ix_organisations_member_since', ['member_since']),
    ('organisations', 'ix_organisations_name_latin_id_name_key', ['name_latin', 'id', 'name_key']),
)


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_organisations_name_latin', table_name='organisations')


def downgrade():
    op.create_index('ix_organisations_name_latin', 'organisations', ['name_latin'], unique=False)
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
