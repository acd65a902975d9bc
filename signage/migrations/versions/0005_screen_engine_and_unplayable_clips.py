"""screen engine and unplayable clips

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:37:30.810870
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """screen engine and unplayable clips"""
    with op.batch_alter_table("screen_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engine", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("unplayable", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Undo: screen engine and unplayable clips"""
    with op.batch_alter_table("screen_status", schema=None) as batch_op:
        batch_op.drop_column("unplayable")
        batch_op.drop_column("engine")
