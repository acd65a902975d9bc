"""topics of media and plays

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:50:11.462836
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The 普法 topics of media, and of each play as it arrived (for the ledger)."""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topics", sa.JSON(), nullable=True))
    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topics", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Undo: topics of media and plays."""
    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.drop_column("topics")
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("topics")
