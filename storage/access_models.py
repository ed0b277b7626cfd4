"""Tables of access control (``assist.access``): users, API keys, web sessions, sign-in links, audit.

Created by ``migrations/versions/0003_access.py`` (a test compares the two). Imported at the end
of ``models.py`` so that ``Base.metadata`` holds them.

- ``users``: web users; ``password_hash`` is an argon2id hash (never the password), ``roles`` a
  list of role names, ``disabled_at`` set when an admin disables the user.
- ``api_keys``: bearer keys; only ``key_hash`` (argon2id) and a visible ``prefix`` are kept, so a
  key can never be read back. ``revoked_at`` ends it; ``last_used_at`` is updated on use.
- ``web_sessions``: signed-in browsers; the cookie holds a random token whose SHA-256 is
  ``token_hash``; ``csrf_token`` is the per-session token every form posts back.
- ``sign_in_links``: one-time links (``kms init``, ``kms users link``): SHA-256 of the token,
  expiry, and ``used_at`` once consumed.
- ``audit_log``: append only; who (actor), roles, action, object (an id, never customer text),
  outcome, when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UtcDateTime, utcnow

__all__ = ["ApiKeyRow", "AuditRow", "SignInLinkRow", "UserRow", "WebSessionRow"]


class UserRow(Base):
    """A person who signs in to the web pages."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiKeyRow(Base):
    """A bearer key for machines (chatbot front ends, scripts)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebSessionRow(Base):
    """A signed-in browser (server-side session; the cookie holds only a random token)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignInLinkRow(Base):
    """A one-time sign-in link: expires, and is consumed on first use."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """One audited event: a write or a sign-in. Never holds customer text."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[int | None] = mapped_column(Integer)
