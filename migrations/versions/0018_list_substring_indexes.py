"""substring indexes for the organisation, inquiry and thread lists' text filters

Their "contains" filters tested LIKE '%…%' on every row: 46–200 ms a page at 100,000 contacts
(50,000 inquiries, 40,000 threads, 20,000 organisations). This builds what version 2 of
crm.search.substring adds to version 1: an FTS5 trigram table per list kept by triggers on SQLite,
pg_trgm GIN indexes on the filtered columns on PostgreSQL, filled from the rows already there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28

"""

from alembic import op

from crm.search import substring


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TABLES = ('organisations', 'inquiries', 'threads')


def upgrade():
    substring.install(op.get_bind(), version=2, tables=TABLES)


def downgrade():
    substring.uninstall(op.get_bind(), version=2, tables=TABLES)
