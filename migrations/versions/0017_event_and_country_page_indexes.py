"""indexes for an event's page and a country's page

- inquiries (event_id, received_at, first_response_at, status, contact_id, country_code, id)
  replaces (event_id): the event's inquiries newest first without sorting them, and its report's
  counts, response times and countries from the index alone (the page's SQL went from ~22 ms to
  ~9 ms for an event with 1,600 inquiries).
- inquiries (country_code, received_at, id) replaces (country_code): a country's newest
  inquiries without sorting all of them, and their total from the index.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

INDEXES = (
    (
        'ix_inquiries_event_id_received_at',
        ['event_id', 'received_at', 'first_response_at', 'status', 'contact_id', 'country_code', 'id'],
    ),
    ('ix_inquiries_country_code_received_at', ['country_code', 'received_at', 'id']),
)
# Each replaced by the one above that starts with its column.
REPLACED = (('ix_inquiries_event_id', ['event_id']), ('ix_inquiries_country_code', ['country_code']))


def upgrade():
    for name, columns in INDEXES:
        op.create_index(name, 'inquiries', columns, unique=False)
    for name, _columns in REPLACED:
        op.drop_index(name, table_name='inquiries')


def downgrade():
    for name, columns in REPLACED:
        op.create_index(name, 'inquiries', columns, unique=False)
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name='inquiries')
