"""index for the home page's follow-ups and the reminders

- threads (owner_id, next_action_due, id, stage): an owner's overdue and due-soon threads read in
  the order shown, the stage tested on the index entry, instead of sorting all of the owner's
  threads (5,000 each at 100,000 contacts: 6 ms a list, twice on every home page).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

COLUMNS = ['owner_id', 'next_action_due', 'id', 'stage']


def upgrade():
    op.create_index('ix_threads_owner_id_next_action_due', 'threads', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_threads_owner_id_next_action_due', table_name='threads')
