"""search index: FTS5 (SQLite) or a GIN-indexed tsvector (PostgreSQL), kept by triggers

Revision ID: 0007
Revises: 0009
Create Date: 2026-11-28

The index lives outside the models (crm/search/index.py); this builds version 1 of it, with the
triggers that keep it in step with contacts, organisations, inquiries and threads, and fills it
from the rows already there.
"""
from alembic import op

from crm.search import index


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    index.install(op.get_bind(), version=1)


def downgrade():
    index.uninstall(op.get_bind(), version=1)
