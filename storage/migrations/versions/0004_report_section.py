"""the user's review-deck section per notice (user_state.report_section)

Revision ID: 0004_report_section
Revises: 0003_fetch_frontier
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_report_section"
down_revision = "0003_fetch_frontier"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_section", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_state", schema=None) as batch_op:
        batch_op.drop_column("report_section")
