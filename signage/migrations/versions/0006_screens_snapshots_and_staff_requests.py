"""screens: snapshots and staff requests

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 09:25:12.144333
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """screens: snapshots and staff requests"""
    op.create_table(
        "screen_requests",
        sa.Column("screen_id", sa.String(length=64), nullable=False),
        sa.Column("snapshot_at", sa.DateTime(), nullable=True),
        sa.Column("reload_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("screen_id"),
    )
    op.create_table(
        "screen_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.String(length=64), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("screen_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_screen_snapshots_screen", ["screen_id", "taken_at"], unique=False)


def downgrade() -> None:
    """Undo: screens: snapshots and staff requests"""
    with op.batch_alter_table("screen_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_screen_snapshots_screen")

    op.drop_table("screen_snapshots")
    op.drop_table("screen_requests")
