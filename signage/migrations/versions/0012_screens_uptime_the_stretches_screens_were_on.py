"""screens: uptime, the stretches screens were on

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 13:26:42.985190
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """screens: uptime, the stretches screens were on"""
    op.create_table(
        "screen_uptime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.String(length=64), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("screen_uptime", schema=None) as batch_op:
        batch_op.create_index("ix_screen_uptime_screen", ["screen_id", "until"], unique=False)
        batch_op.create_index("ix_screen_uptime_until", ["until"], unique=False)


def downgrade() -> None:
    """Undo: screens: uptime, the stretches screens were on"""
    with op.batch_alter_table("screen_uptime", schema=None) as batch_op:
        batch_op.drop_index("ix_screen_uptime_until")
        batch_op.drop_index("ix_screen_uptime_screen")

    op.drop_table("screen_uptime")
