"""Web sessions and one-time sign-in links.

The browser's cookie holds a random token; the database keeps its SHA-256 with the user, a
per-session CSRF token and the expiry. A session ends after ``IDLE`` without a request or
``ABSOLUTE`` after sign-in, on sign-out, or when the user is disabled.

A sign-in link (``kms init``, ``kms serve --sign-in-link``, ``kms users link``) is
``/signin/link/<token>``: valid for ``LINK_TTL``, consumed on first use.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from assist.access.hashing import new_token, sha256
from assist.access.roles import Principal
from assist.errors import NotFoundError
from storage.access_models import SignInLinkRow, UserRow, WebSessionRow

IDLE = timedelta(hours=2)
ABSOLUTE = timedelta(hours=12)
LINK_TTL = timedelta(hours=1)
_TOUCH = timedelta(minutes=1)

__all__ = [
    "ABSOLUTE",
    "IDLE",
    "LINK_TTL",
    "create_sign_in_link",
    "end_session",
    "redeem_sign_in_link",
    "session_principal",
    "start_session",
]


def start_session(sessions: sessionmaker[Session], user_id: int) -> str:
    """A new session for an active user; returns the cookie token (shown to nobody else)."""
    token = new_token()
    now = datetime.now(UTC)
    with sessions.begin() as session:
        user = session.get(UserRow, user_id)
        if user is None or user.disabled_at is not None:
            raise NotFoundError("the user does not exist or is disabled")
        user.last_sign_in_at = now
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        session.add(
            WebSessionRow(
                token_hash=sha256(token),
                user_id=user_id,
                csrf_token=new_token(),
                created_at=now,
                last_seen_at=now,
                expires_at=now + ABSOLUTE,
            )
        )
    return token


def session_principal(sessions: sessionmaker[Session], token: str) -> Principal | None:
    """The signed-in user of a cookie token (with the session's CSRF token), or None."""
    if not token or len(token) > 200:
        return None
    now = datetime.now(UTC)
    with sessions() as session:
        row = session.scalar(select(WebSessionRow).where(WebSessionRow.token_hash == sha256(token)))
        if row is None:
            return None
        user = session.get(UserRow, row.user_id)
        if (
            user is None
            or user.disabled_at is not None
            or now > row.expires_at
            or now - row.last_seen_at > IDLE
        ):
            session.delete(row)
            session.commit()
            return None
        if now - row.last_seen_at > _TOUCH:
            row.last_seen_at = now
            session.commit()
        return Principal(
            "user", user.username, frozenset(user.roles or []), id=user.id, csrf_token=row.csrf_token
        )


def end_session(sessions: sessionmaker[Session], token: str) -> None:
    with sessions.begin() as session:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == sha256(token)))


def create_sign_in_link(sessions: sessionmaker[Session], username: str) -> str:
    """A one-time token for ``/signin/link/<token>`` for an active user."""
    token = new_token()
    now = datetime.now(UTC)
    with sessions.begin() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if user is None or user.disabled_at is not None:
            raise NotFoundError(
                f"user {username!r} does not exist or is disabled; see `kms users list`",
                details={"username": username},
            )
        session.execute(delete(SignInLinkRow).where(SignInLinkRow.expires_at < now))
        session.add(
            SignInLinkRow(
                token_hash=sha256(token), user_id=user.id, created_at=now, expires_at=now + LINK_TTL
            )
        )
    return token


def redeem_sign_in_link(sessions: sessionmaker[Session], token: str) -> Principal | None:
    """Consume a sign-in link: the user's principal once, None if unknown, used, expired or disabled."""
    if not token or len(token) > 200:
        return None
    now = datetime.now(UTC)
    with sessions.begin() as session:
        link = session.scalar(select(SignInLinkRow).where(SignInLinkRow.token_hash == sha256(token)))
        if link is None or link.used_at is not None or now > link.expires_at:
            return None
        link.used_at = now
        user = session.get(UserRow, link.user_id)
        if user is None or user.disabled_at is not None:
            return None
        return Principal("user", user.username, frozenset(user.roles or []), id=user.id)
