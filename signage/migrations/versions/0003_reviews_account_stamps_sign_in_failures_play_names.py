"""review drafts, account stamps, sign-in failures, what each play was

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:12:37.919312
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """review drafts, account stamps, sign-in failures, what each play was"""
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_subject", ["scope", "subject", "at"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("base_etag", sa.String(length=64), nullable=True),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_file"), ["file"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviews_state"), ["state"], unique=False)

    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approved", sa.Boolean(), server_default=sa.true(), nullable=False)
        )

    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.add_column(sa.Column("playlist_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("playlist_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stamp", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Undo: review drafts, account stamps, sign-in failures, what each play was"""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("stamp")

    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("playlist_name")
        batch_op.drop_column("playlist_id")

    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("approved")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_state"))
        batch_op.drop_index(batch_op.f("ix_reviews_file"))

    op.drop_table("reviews")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_subject")

    op.drop_table("login_failures")
