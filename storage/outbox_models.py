"""The outbox of the live integrations (``assist.integrations``): every call to a helpdesk or
messenger API is written here first, then sent; a call that fails stays here until a retry pass
delivers it (``kms integrations retry`` or the server's background pass).

Created by ``migrations/versions/0004_integration_outbox.py`` (a test compares the two). Imported
at the end of ``models.py`` so that ``Base.metadata`` holds it.

``key`` is the idempotency key (unique: a webhook delivered twice queues its reply once); ``path``
holds ids only (never customer text) and ``body`` is PII-masked before it is written. Secrets are
never stored: the connector's credentials come from the settings at send time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UtcDateTime, utcnow

__all__ = ["OUTBOX_STATUSES", "OutboxRow"]

OUTBOX_STATUSES: tuple[str, ...] = ("pending", "sending", "delivered", "failed")


class OutboxRow(Base):
    __tablename__ = "integration_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    connector: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
