"""API keys: ``Authorization: Bearer kms_<prefix>_<secret>``.

Only an argon2id hash and the visible prefix are stored, so a key is shown once, at creation,
and can never be read back. ``authenticate_key`` checks revocation on every call (a revoked key
stops working at once); the argon2 check itself is cached for a minute per process.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assist.access.hashing import KEYS, sha256, verify
from assist.access.roles import Principal, check_name, parse_roles
from assist.errors import NotFoundError
from storage.access_models import ApiKeyRow

KEY_FORMAT = re.compile(r"^kms_([a-z0-9]{8})_([A-Za-z0-9_-]{40,64})$")
_CACHE_S = 60.0
_TOUCH = timedelta(seconds=60)
_verified: dict[str, tuple[int, float]] = {}  # sha256(key) -> (key id, verified at)
_lock = threading.Lock()

__all__ = ["KeyInfo", "authenticate_key", "create_key", "list_keys", "revoke_key"]


@dataclass(frozen=True)
class KeyInfo:
    id: int
    prefix: str
    name: str
    roles: list[str]
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _info(row: ApiKeyRow) -> KeyInfo:
    return KeyInfo(
        row.id,
        row.prefix,
        row.name,
        list(row.roles or []),
        row.created_by,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


def create_key(
    sessions: sessionmaker[Session], name: str, roles: Iterable[str], *, created_by: str | None = None
) -> tuple[KeyInfo, str]:
    """A new key: its stored description and the key itself (shown once, never again)."""
    key_name = check_name(name, "name")
    role_list = parse_roles(roles)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    with sessions.begin() as session:
        while True:
            prefix = "".join(secrets.choice(alphabet) for _ in range(8))
            if session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.prefix == prefix)) is None:
                break
        key = f"kms_{prefix}_{secrets.token_urlsafe(32)}"
        row = ApiKeyRow(
            prefix=prefix, key_hash=KEYS.hash(key), name=key_name, roles=role_list, created_by=created_by
        )
        session.add(row)
        session.flush()
        return _info(row), key


def list_keys(sessions: sessionmaker[Session]) -> list[KeyInfo]:
    with sessions() as session:
        return [_info(r) for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))]


def revoke_key(sessions: sessionmaker[Session], prefix_or_name: str) -> KeyInfo:
    """Revoke the key with this prefix (``kms_ab12cd34`` or ``ab12cd34``) or this unique name."""
    wanted = prefix_or_name.strip().removeprefix("kms_").split("_")[0]
    with sessions.begin() as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == wanted))
        if row is None:
            named = list(
                session.scalars(
                    select(ApiKeyRow).where(
                        ApiKeyRow.name == prefix_or_name.strip(), ApiKeyRow.revoked_at.is_(None)
                    )
                )
            )
            row = named[0] if len(named) == 1 else None
        if row is None:
            raise NotFoundError(
                f"no key with prefix or unique name {prefix_or_name!r}; see `kms keys list`",
                details={"key": prefix_or_name},
            )
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
        return _info(row)


def authenticate_key(sessions: sessionmaker[Session], key: str) -> Principal | None:
    """The key's principal when it is well-formed, known, unrevoked and matches; else None."""
    match = KEY_FORMAT.match(key.strip())
    if not match:
        return None
    digest = sha256(key.strip())
    with sessions() as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == match.group(1)))
        if row is None or row.revoked_at is not None:
            return None
        now = time.monotonic()
        with _lock:
            cached = _verified.get(digest)
        if cached is None or cached[0] != row.id or now - cached[1] > _CACHE_S:
            if not verify(KEYS, row.key_hash, key.strip()):
                return None
            with _lock:
                if len(_verified) > 10_000:
                    _verified.clear()
                _verified[digest] = (row.id, now)
        principal = Principal("key", row.name, frozenset(row.roles or []), id=row.id)
        stamp = datetime.now(UTC)
        if row.last_used_at is None or stamp - row.last_used_at > _TOUCH:
            row.last_used_at = stamp
            session.commit()
        return principal
