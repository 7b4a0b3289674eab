"""team mode: users, per-user read, attributed flags/status/notes, fetch lease, change feed

An existing single-user database becomes the first user's state, losing nothing: its read
marks, flags, triage status and note move to that user (the ``--user`` / configured name of
whoever opens it first, else the OS login name).

Revision ID: 0005_team
Revises: 0004_report_section
Create Date: 2026-12-03
"""

import datetime as dt

import sqlalchemy as sa
from alembic import context, op

revision = "0005_team"
down_revision = "0004_report_section"
branch_labels = None
depends_on = None


def _first_user() -> str:
    name = context.config.attributes.get("user")
    if not name:
        from storage.users import login_name

        name = login_name()
    return name


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    for table, at in (("notice_reads", "read_at"), ("notice_flags", "flagged_at")):
        op.create_table(
            table,
            sa.Column("notice_id", sa.Integer(), nullable=False),
            sa.Column("user", sa.String(length=100), nullable=False),
            sa.Column(at, sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["user"], ["users.name"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("notice_id", "user"),
        )
        op.create_index(f"ix_{table}_user", table, ["user"], unique=False)
    op.create_table(
        "notice_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user"], ["users.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_notes_notice_id", "notice_notes", ["notice_id"], unique=False)
    op.create_table(
        "fetch_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=300), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notice_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_change_log_at", "change_log", ["at"], unique=False)
    with op.batch_alter_table("user_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))

    _move_single_user_state(_first_user())

    with op.batch_alter_table("user_state", schema=None) as batch_op:
        batch_op.drop_column("read")
        batch_op.drop_column("note")


def _move_single_user_state(user: str) -> None:
    """The old global read/flag/status/note become ``user``'s (set-based SQL: any size)."""
    bind = op.get_bind()
    has_state = bind.execute(sa.text("SELECT COUNT(*) FROM user_state")).scalar() or 0
    now = dt.datetime.now(dt.UTC)
    bind.execute(
        sa.text("INSERT INTO users (name, created_at) VALUES (:u, :now)"), {"u": user, "now": now}
    )
    if not has_state:
        return
    q = '"user"'  # a reserved word on PostgreSQL
    bind.execute(
        sa.text(
            f"INSERT INTO notice_reads (notice_id, {q}, read_at) "
            "SELECT notice_id, :u, updated_at FROM user_state WHERE read = :t"
        ),
        {"u": user, "t": True},
    )
    bind.execute(
        sa.text(
            f"INSERT INTO notice_flags (notice_id, {q}, flagged_at) "
            "SELECT notice_id, :u, updated_at FROM user_state WHERE flagged = :t"
        ),
        {"u": user, "t": True},
    )
    bind.execute(
        sa.text(
            f"INSERT INTO notice_notes (notice_id, {q}, text, at) "
            "SELECT notice_id, :u, note, updated_at FROM user_state "
            "WHERE note IS NOT NULL AND note <> ''"
        ),
        {"u": user},
    )
    bind.execute(
        sa.text(
            "UPDATE user_state SET status_by = :u, status_at = updated_at WHERE status <> 'new'"
        ),
        {"u": user},
    )


def downgrade() -> None:
    """Back to one global state: read if anyone read it, every note joined with its author."""
    with op.batch_alter_table("user_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("read", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE user_state SET read = :t WHERE EXISTS "
            "(SELECT 1 FROM notice_reads r WHERE r.notice_id = user_state.notice_id)"
        ),
        {"t": True},
    )
    rows = bind.execute(
        sa.text('SELECT notice_id, "user", text FROM notice_notes ORDER BY at, id')
    ).all()
    authors = {user for _, user, _ in rows}
    joined: dict[int, list[str]] = {}
    for nid, user, text in rows:  # one author: the note as it was; a team: who wrote what
        joined.setdefault(nid, []).append(text if len(authors) == 1 else f"{user}: {text}")
    for nid, parts in joined.items():
        bind.execute(
            sa.text("UPDATE user_state SET note = :n WHERE notice_id = :id"),
            {"n": "\n".join(parts), "id": nid},
        )
    with op.batch_alter_table("user_state", schema=None) as batch_op:
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_by")
    for table in ("change_log", "fetch_lease", "notice_notes", "notice_flags", "notice_reads"):
        op.drop_table(table)
    op.drop_table("users")
