"""packages and the feed: publisher, published and withdrawn media, what packages brought in

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:46:45.536200
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Media: publisher, published, withdrawn; what packages and feeds brought in."""
    op.create_table(
        "package_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publisher_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("local_id", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("feed", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("publisher_key", "kind", "origin_id", "sha256"),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publisher", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Undo: media publisher, published, withdrawn; package_items."""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("published")
        batch_op.drop_column("publisher")

    op.drop_table("package_items")
