"""Credentials for tests: a TestClient that sends an API key holding the roles a test needs.

Authentication stays on in every test app (no silent open mode); tests get their identity the
way a script would, with ``Authorization: Bearer <key>``. Bearer requests are not CSRF-prone, so
form posts through such a client need no token; the cookie-session path (sign-in, CSRF, Origin)
has its own tests in tests/unit/test_access_web.py and the browser tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from assist.access import ROLES, create_key
from assist.knowledge import KnowledgeBase
from core.settings import Settings

TEST_ACTOR_NAME = "tests"


def key_for(settings: Settings, roles: Iterable[str] = ROLES, name: str = TEST_ACTOR_NAME) -> str:
    """A new API key with ``roles`` in the database of ``settings``."""
    _info, key = create_key(KnowledgeBase(settings).sessions, name, roles)
    return key


def bearer(settings: Settings, roles: Iterable[str] = ROLES, name: str = TEST_ACTOR_NAME) -> dict[str, str]:
    return {"Authorization": f"Bearer {key_for(settings, roles, name)}"}


def api_client(
    app: FastAPI, *, roles: Iterable[str] = ROLES, headers: dict[str, str] | None = None, **kw: Any
) -> TestClient:
    """``TestClient(app)`` whose requests carry a key with ``roles`` (default: every role)."""
    settings: Settings = app.state.settings
    return TestClient(app, headers={**(headers or {}), **bearer(settings, roles)}, **kw)
