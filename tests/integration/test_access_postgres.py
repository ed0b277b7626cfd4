"""The access tables (migration 0003) on SQLite and a real PostgreSQL server: users, keys,
sessions, one-time links and the audit log through ``assist.access``.

The PostgreSQL case skips when no server binary is installed (tests/pg.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assist import access
from storage.access_models import UserRow


def test_access_round_trip(sessions: sessionmaker[Session]) -> None:
    tables = set(inspect(sessions.kw["bind"]).get_table_names())
    assert {"users", "api_keys", "web_sessions", "sign_in_links", "audit_log"} <= tables
    user = access.create_user(sessions, "kim", ["agent", "kms_owner"], password="correct horse battery")
    assert access.check_password(sessions, "kim", "correct horse battery") is not None
    token = access.start_session(sessions, user.id)
    principal = access.session_principal(sessions, token)
    assert principal is not None and principal.roles == {"agent", "kms_owner"} and principal.csrf_token
    link = access.create_sign_in_link(sessions, "kim")
    assert access.redeem_sign_in_link(sessions, link) is not None
    assert access.redeem_sign_in_link(sessions, link) is None
    info, key = access.create_key(sessions, "kakao", ["bot"])
    assert access.authenticate_key(sessions, key) is not None
    access.revoke_key(sessions, info.prefix)
    assert access.authenticate_key(sessions, key) is None
    access.record(sessions, actor="kim", roles={"agent"}, action="ticket.resolve", object="T-1")
    since = datetime.now(UTC) - timedelta(minutes=1)
    access.record(sessions, actor="kim", roles=(), action="auth.sign_in", outcome="failed")
    assert access.count_failures(sessions, actor="kim", action="auth.sign_in", since=since) == 1
    assert [e.action for e in access.list_events(sessions)] == ["auth.sign_in", "ticket.resolve"]
    access.disable_user(sessions, "kim")
    assert access.session_principal(sessions, token) is None
    with pytest.raises(IntegrityError), sessions.begin() as s:  # usernames are unique in the schema too
        s.add(UserRow(username="kim", roles=[]))
