"""inquiry status changed at

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
    # Existing inquiries: the best evidence of when they reached their current status.
    op.execute(
        "UPDATE inquiries SET status_changed_at = CASE "
        "WHEN status = 'converted' AND converted_at IS NOT NULL THEN converted_at "
        "WHEN status = 'responded' AND first_response_at IS NOT NULL THEN first_response_at "
        "ELSE received_at END"
    )
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.alter_column('status_changed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_inquiries_status_changed_at'), ['status_changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiries_status_changed_at'))
        batch_op.drop_column('status_changed_at')
