"""The audit log: every write and every sign-in (who, roles, action, object, outcome, when).

Append only (there is no update or delete function). ``object`` is an id (ticket, article,
draft, suggestion, user, key prefix), never customer text; failed sign-ins with an unknown
username record ``?`` as the actor, so a mistyped secret or someone's e-mail never lands here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.access_models import AuditRow

OUTCOMES: tuple[str, ...] = ("ok", "failed", "denied", "refused")

__all__ = ["OUTCOMES", "AuditEvent", "count_events", "count_failures", "list_events", "record"]


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    roles: list[str]
    action: str
    object: str | None
    outcome: str
    status: int | None


def record(
    sessions: sessionmaker[Session],
    *,
    actor: str,
    roles: Iterable[str],
    action: str,
    object: str | None = None,
    outcome: str = "ok",
    status: int | None = None,
) -> None:
    with sessions.begin() as session:
        session.add(
            AuditRow(
                actor=actor[:120],
                roles=sorted(roles),
                action=action[:64],
                object=object[:255] if object else None,
                outcome=outcome if outcome in OUTCOMES else "failed",
                status=status,
            )
        )


def list_events(
    sessions: sessionmaker[Session],
    *,
    limit: int = 100,
    offset: int = 0,
    actor: str | None = None,
    action: str | None = None,
) -> list[AuditEvent]:
    """Newest first."""
    stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
    if actor:
        stmt = stmt.where(AuditRow.actor == actor)
    if action:
        stmt = stmt.where(AuditRow.action.startswith(action))
    with sessions() as session:
        return [
            AuditEvent(r.id, r.at, r.actor, list(r.roles or []), r.action, r.object, r.outcome, r.status)
            for r in session.scalars(stmt)
        ]


def count_events(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditRow)) or 0)


def count_failures(sessions: sessionmaker[Session], *, actor: str, action: str, since: datetime) -> int:
    """Failed ``action`` events of ``actor`` since ``since`` (e.g. sign-ins, for the lockout)."""
    stmt = (
        select(func.count())
        .select_from(AuditRow)
        .where(
            AuditRow.actor == actor,
            AuditRow.action == action,
            AuditRow.outcome == "failed",
            AuditRow.at >= since,
        )
    )
    with sessions() as session:
        return int(session.scalar(stmt) or 0)
