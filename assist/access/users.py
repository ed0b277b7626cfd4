"""Web users: create, list, disable, set a password, check a password (argon2id)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assist.access.hashing import PASSWORDS, verify
from assist.access.roles import Principal, check_name, parse_roles
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from storage.access_models import UserRow, WebSessionRow

MIN_PASSWORD = 12
_DUMMY = PASSWORDS.hash("not-a-password-but-a-timing-equaliser")

__all__ = [
    "MIN_PASSWORD",
    "UserInfo",
    "check_password",
    "create_user",
    "disable_user",
    "find_user",
    "list_users",
    "set_password",
]


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    roles: list[str]
    has_password: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def _info(row: UserRow) -> UserInfo:
    return UserInfo(
        row.id,
        row.username,
        list(row.roles or []),
        bool(row.password_hash),
        row.created_at,
        row.last_sign_in_at,
        row.disabled_at,
    )


def _password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(
            f"the password is too short: use at least {MIN_PASSWORD} characters", field="password"
        )
    if len(password) > 1024:
        raise InvalidInputError("the password is too long (at most 1024 characters)", field="password")
    return PASSWORDS.hash(password)


def create_user(
    sessions: sessionmaker[Session], username: str, roles: Iterable[str], *, password: str | None = None
) -> UserInfo:
    """A new user; without a password it can only sign in with a one-time link."""
    name = check_name(username, "username")
    role_list = parse_roles(roles)
    hashed = _password_hash(password) if password is not None else None
    with sessions.begin() as session:
        if session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
            raise ConflictError(f"user {name!r} already exists", details={"username": name})
        row = UserRow(username=name, roles=role_list, password_hash=hashed)
        session.add(row)
        session.flush()
        return _info(row)


def list_users(sessions: sessionmaker[Session]) -> list[UserInfo]:
    with sessions() as session:
        return [_info(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def find_user(sessions: sessionmaker[Session], username: str) -> UserInfo:
    with sessions() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None:
            raise NotFoundError(f"user {username!r} does not exist", details={"username": username})
        return _info(row)


def disable_user(sessions: sessionmaker[Session], username: str) -> UserInfo:
    """Disable a user and end every session of theirs at once."""
    with sessions.begin() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None:
            raise NotFoundError(f"user {username!r} does not exist", details={"username": username})
        if row.disabled_at is None:
            row.disabled_at = datetime.now(UTC)
        for web in session.scalars(select(WebSessionRow).where(WebSessionRow.user_id == row.id)):
            session.delete(web)
        session.flush()
        return _info(row)


def set_password(sessions: sessionmaker[Session], username: str, password: str) -> UserInfo:
    hashed = _password_hash(password)
    with sessions.begin() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
        if row is None:
            raise NotFoundError(f"user {username!r} does not exist", details={"username": username})
        row.password_hash = hashed
        return _info(row)


def check_password(sessions: sessionmaker[Session], username: str, password: str) -> Principal | None:
    """The user's principal when the password is right and the user active, else None.

    An unknown user costs the same hash as a known one (no user enumeration by timing).
    """
    with sessions() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username.strip()))
        stored = row.password_hash if row is not None and row.password_hash else _DUMMY
        ok = verify(PASSWORDS, stored, password)
        if row is None or not row.password_hash or not ok or row.disabled_at is not None:
            return None
        return Principal("user", row.username, frozenset(row.roles or []), id=row.id)
