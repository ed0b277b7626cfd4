"""The durable outbox: calls are stored before they are sent, so none is lost when the helpdesk
is down, and each is delivered once.

- :func:`enqueue` writes calls (PII-masked bodies, ids-only paths) under their idempotency key;
  a key already there is skipped, so a webhook delivered twice queues its reply once.
- :func:`deliver` sends the given (or every due) call. A row is *claimed* by one atomic UPDATE
  (pending or a stale ``sending`` lease, due now → ``sending``), so two retry passes never send
  the same row; delivered rows are never sent again. A retryable failure is retried later with
  exponential backoff (30 s, 1 min, 2 min, … up to 1 h); a refusal (4xx) or 20 failed passes
  mark the row ``failed`` (``kms integrations status`` lists them).

A crash between the helpdesk's answer and the ``delivered`` mark can send a row twice (at-least
once); the ``Idempotency-Key`` header lets an API that honours it drop the repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assist.integrations.client import Delivery, endpoint_for, send
from core.masking import mask_value
from core.settings import Settings
from storage.outbox_models import OutboxRow

LEASE = timedelta(minutes=10)  # a row left "sending" this long (crashed sender) is due again
MAX_PASSES = 20
__all__ = ["Call", "Report", "counts", "deliver", "due_ids", "enqueue", "queued"]


@dataclass(frozen=True)
class Call:
    connector: str  # "chatwoot" | "zendesk" | "freshdesk"
    method: str
    path: str  # relative to the connector's base URL; ids only, never customer text
    body: dict[str, Any]
    key: str  # idempotency key, unique in the outbox


@dataclass
class Report:
    delivered: int = 0
    retry_later: int = 0
    failed: int = 0
    skipped: int = 0  # claimed elsewhere, already delivered, or not due
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "delivered": self.delivered,
            "retry_later": self.retry_later,
            "failed": self.failed,
            "skipped": self.skipped,
            "errors": self.errors,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def queued(sessions: sessionmaker[Session], key: str) -> bool:
    """True when a call with this idempotency key is already in the outbox."""
    with sessions() as session:
        return session.scalar(select(OutboxRow.id).where(OutboxRow.key == key)) is not None


def enqueue(
    sessions: sessionmaker[Session], calls: Sequence[Call], *, allow: Sequence[str] = ()
) -> list[int]:
    """Store ``calls`` (bodies PII-masked, company numbers kept); returns the ids of the new rows
    (a key already queued, even by a concurrent request, is skipped)."""
    ids: list[int] = []
    with sessions() as session, session.begin():
        for call in calls:
            if session.scalar(select(OutboxRow.id).where(OutboxRow.key == call.key)) is not None:
                continue
            row = OutboxRow(
                key=call.key[:200],
                connector=call.connector,
                method=call.method,
                path=call.path,
                body=mask_value(call.body, "article", allow),
                status="pending",
                attempts=0,
                next_attempt_at=_now(),
            )
            try:
                with session.begin_nested():  # a concurrent delivery of the same webhook won the key
                    session.add(row)
            except IntegrityError:
                continue
            ids.append(row.id)
    return ids


def due_ids(sessions: sessionmaker[Session], *, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Ids of the calls due for a try (pending, or a stale lease), oldest first."""
    at = now or _now()
    with sessions() as session:
        return list(
            session.scalars(
                select(OutboxRow.id)
                .where(OutboxRow.status.in_(("pending", "sending")), OutboxRow.next_attempt_at <= at)
                .order_by(OutboxRow.id)
                .limit(limit)
            )
        )


def _claim(sessions: sessionmaker[Session], row_id: int, at: datetime, *, force: bool) -> OutboxRow | None:
    with sessions() as session, session.begin():
        stale = (OutboxRow.status == "sending") & (OutboxRow.next_attempt_at <= at)
        pending = OutboxRow.status == "pending"
        ready = pending if force else pending & (OutboxRow.next_attempt_at <= at)
        claimed = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, or_(ready, stale))
            .values(status="sending", attempts=OutboxRow.attempts + 1, next_attempt_at=at + LEASE)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        row = session.get(OutboxRow, row_id)
        if row is not None:
            session.expunge(row)
        return row


def _backoff(passes: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(passes - 1, 0), 3600))


def _settle(sessions: sessionmaker[Session], row: OutboxRow, result: Delivery, at: datetime) -> str:
    with sessions() as session, session.begin():
        stored = session.get(OutboxRow, row.id)
        if stored is None:
            return "skipped"
        stored.last_error = None if result.ok else (result.error or "failed")[:300]
        if result.ok:
            stored.status, stored.delivered_at = "delivered", at
            return "delivered"
        if not result.retryable or stored.attempts >= MAX_PASSES:
            stored.status = "failed"
            return "failed"
        stored.status, stored.next_attempt_at = "pending", at + _backoff(stored.attempts)
        return "retry_later"


def _send(settings: Settings, row: OutboxRow, client: httpx.Client) -> Delivery:
    endpoint = endpoint_for(settings, row.connector)
    if endpoint is None:
        return Delivery(False, True, None, f"{row.connector} is not configured")
    return send(
        endpoint,
        row.method,
        row.path,
        row.body,
        key=row.key,
        timeout_s=settings.integration_timeout_s,
        attempts=settings.integration_attempts,
        connector=row.connector,
        client=client,
    )


def deliver(
    settings: Settings,
    sessions: sessionmaker[Session],
    ids: Sequence[int] | None = None,
    *,
    force: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> Report:
    """Send the calls ``ids`` (default: every due one). ``force``: pending calls are tried now
    even if their backoff has not passed (``kms integrations retry --now``)."""
    report = Report()
    at = _now()
    if ids is None:
        ids = due_ids(sessions, now=datetime.max.replace(tzinfo=UTC) if force else at, limit=1000)
    with httpx.Client(transport=transport) as client:  # one connection pool for the pass
        for row_id in ids:
            row = _claim(sessions, row_id, at, force=force)
            if row is None:
                report.skipped += 1
                continue
            result = _send(settings, row, client)
            outcome = _settle(sessions, row, result, _now())
            setattr(report, outcome, getattr(report, outcome) + 1)
            if not result.ok:
                report.errors.append(f"{row.connector} #{row.id}: {result.error}")
    return report


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Calls in the outbox per status."""
    with sessions() as session:
        rows = session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all()
    return {str(status): int(n) for status, n in rows}
