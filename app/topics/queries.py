"""Reading topics, for the CRUD in ``store`` and for ``apply`` (which store itself uses)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Topic


def list_topics(session: Session, *, enabled_only: bool = False) -> list[Topic]:
    """Topics in the user's order."""
    stmt = select(Topic).order_by(Topic.position, Topic.id)
    if enabled_only:
        stmt = stmt.where(Topic.enabled.is_(True))
    return list(session.scalars(stmt))
