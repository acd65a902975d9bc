"""media: captions held for review

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:27:13.714362
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """media: captions held for review"""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captions_pending", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("captions_pending_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Undo: media: captions held for review"""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("captions_pending_by")
        batch_op.drop_column("captions_pending")
