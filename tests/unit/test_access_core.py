"""assist.access without HTTP: keys, users, sessions, sign-in links, audit log, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from assist import access
from assist.access import web_sessions
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage.access_models import ApiKeyRow, SignInLinkRow, UserRow, WebSessionRow

PASSWORD = "correct horse battery staple"


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    return KnowledgeBase(settings).sessions


def test_a_key_is_shown_once_stored_hashed_and_revocable(sessions: sessionmaker[Session]) -> None:
    info, key = access.create_key(sessions, "kakao", ["bot"], created_by="admin")
    assert key.startswith(f"kms_{info.prefix}_") and len(key) > 50
    with sessions() as s:
        row = s.scalars(select(ApiKeyRow)).one()
        assert key not in (row.key_hash, row.prefix) and row.key_hash.startswith("$argon2id$")
    principal = access.authenticate_key(sessions, key)
    assert principal is not None and principal.roles == {"bot"} and principal.actor == "key:kakao"
    assert access.list_keys(sessions)[0].last_used_at is not None
    assert access.authenticate_key(sessions, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert access.authenticate_key(sessions, "kms_nope") is None
    assert access.revoke_key(sessions, f"kms_{info.prefix}").revoked_at is not None
    assert access.authenticate_key(sessions, key) is None  # revoked: refused at once, cache or not
    with pytest.raises(NotFoundError, match="kms keys list"):
        access.revoke_key(sessions, "kms_zzzzzzzz")


def test_key_and_user_input_is_checked(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(InvalidInputError, match="unknown role 'root'"):
        access.create_key(sessions, "x", ["root"])
    with pytest.raises(InvalidInputError, match="at least one role"):
        access.create_key(sessions, "x", [])
    with pytest.raises(InvalidInputError, match="not valid"):
        access.create_user(sessions, "Kim Minsu", ["agent"])
    with pytest.raises(InvalidInputError, match="at least 12"):
        access.create_user(sessions, "kim", ["agent"], password="short")
    assert access.parse_roles(["admin,agent", "agent"]) == ["agent", "admin"]


def test_passwords_are_argon2_and_a_disabled_user_cannot_sign_in(sessions: sessionmaker[Session]) -> None:
    user = access.create_user(sessions, "kim", ["agent", "kms_owner"], password=PASSWORD)
    with pytest.raises(ConflictError):
        access.create_user(sessions, "kim", ["agent"])
    with sessions() as s:
        assert s.scalars(select(UserRow.password_hash)).one().startswith("$argon2id$")
    assert access.check_password(sessions, "kim", "wrong password!!") is None
    assert access.check_password(sessions, "nobody", PASSWORD) is None
    principal = access.check_password(sessions, "kim", PASSWORD)
    assert principal is not None and principal.roles == {"agent", "kms_owner"} and principal.id == user.id
    token = access.start_session(sessions, user.id)
    assert access.session_principal(sessions, token) is not None
    access.disable_user(sessions, "kim")
    assert access.check_password(sessions, "kim", PASSWORD) is None
    assert access.session_principal(sessions, token) is None  # sessions ended with the user


def test_sessions_carry_a_csrf_token_and_expire(sessions: sessionmaker[Session]) -> None:
    user = access.create_user(sessions, "lee", ["agent"])
    token = access.start_session(sessions, user.id)
    principal = access.session_principal(sessions, token)
    assert principal is not None and principal.csrf_token and principal.csrf_token != token
    with sessions() as s:
        assert s.scalars(select(WebSessionRow.token_hash)).one() != token  # only its hash is stored
    assert access.session_principal(sessions, "not-a-token") is None
    idle = datetime.now(UTC) - web_sessions.IDLE - timedelta(minutes=1)
    with sessions.begin() as s:
        s.execute(update(WebSessionRow).values(last_seen_at=idle))
    assert access.session_principal(sessions, token) is None
    token = access.start_session(sessions, user.id)
    access.end_session(sessions, token)
    assert access.session_principal(sessions, token) is None


def test_a_sign_in_link_works_once_and_expires(sessions: sessionmaker[Session]) -> None:
    access.create_user(sessions, "admin", ["admin"])
    token = access.create_sign_in_link(sessions, "admin")
    principal = access.redeem_sign_in_link(sessions, token)
    assert principal is not None and principal.name == "admin"
    assert access.redeem_sign_in_link(sessions, token) is None  # consumed
    late = access.create_sign_in_link(sessions, "admin")
    with sessions.begin() as s:
        s.execute(update(SignInLinkRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert access.redeem_sign_in_link(sessions, late) is None
    with pytest.raises(NotFoundError):
        access.create_sign_in_link(sessions, "ghost")


def test_the_audit_log_is_newest_first_and_filterable(sessions: sessionmaker[Session]) -> None:
    access.record(sessions, actor="kim", roles={"agent"}, action="ticket.create", object="W-1")
    access.record(sessions, actor="key:kakao", roles={"bot"}, action="ticket.resolve", outcome="denied")
    access.record(sessions, actor="kim", roles={"agent"}, action="auth.sign_in", outcome="bogus")
    events = access.list_events(sessions)
    assert [e.action for e in events] == ["auth.sign_in", "ticket.resolve", "ticket.create"]
    assert events[0].outcome == "failed"  # an unknown outcome is recorded as a failure
    assert [e.object for e in access.list_events(sessions, action="ticket.")] == [None, "W-1"]
    assert len(access.list_events(sessions, actor="kim")) == 2 and access.count_events(sessions) == 3
    assert not hasattr(access, "delete_event")  # append only
