"""hearing board and captions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 11:20:13.390725
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """hearing board and captions"""
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("case_number", sa.String(length=100), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("judge", sa.String(length=100), nullable=False),
        sa.Column("courtroom", sa.String(length=100), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearings_day"), ["day"], unique=False)

    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captions", sa.String(length=128), nullable=True))


def downgrade() -> None:
    """Undo: hearing board and captions"""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("captions")

    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearings_day"))

    op.drop_table("hearings")
