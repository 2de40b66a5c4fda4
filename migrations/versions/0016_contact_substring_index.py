"""substring index for the contact list's text filter

The list's "name or e-mail contains" filter (also smart lists and exports) tested LIKE '%…%' on
every contact: ~100 ms a statement at 100,000 contacts, twice a page. This builds version 1 of
crm.search.substring: an FTS5 trigram table kept by triggers on SQLite, pg_trgm GIN indexes on
the names and the e-mail on PostgreSQL, filled from the contacts already there.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28

"""
from alembic import op

from crm.search import substring


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    substring.install(op.get_bind(), version=1)


def downgrade():
    substring.uninstall(op.get_bind(), version=1)
