"""media: the error as a phrase, for the pages' language

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 07:34:36.678181
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """A failed media row keeps its error as a phrase (JSON: template and parameters), so the
    staff pages say it in their language; rows that failed before keep only `error`."""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_phrase", sa.Text(), nullable=True))


def downgrade() -> None:
    """Undo: media: the error as a phrase, for the pages' language."""
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("error_phrase")
