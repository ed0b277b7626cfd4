"""Credentials for tests: a TestClient that sends an API key holding the roles a test needs.

Authentication stays on in every test app (no silent open mode); tests get their identity the
way a script would, with ``Authorization: Bearer <key>``. Bearer requests are not CSRF-prone, so
form posts through such a client need no token; the cookie-session path (sign-in, CSRF, Origin)
has its own tests in tests/unit/test_access_web.py and the browser tests.
"""

from __future__ import annotations

import re
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


# a signed-in browser session in TestClient: users are created with this password, the form is
# posted from this site (the CSRF Origin check)
PASSWORD = "correct horse battery staple"
SITE = "http://testserver"


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (read from a page's form)."""
    r = client.post(
        "/signin",
        data={"username": username, "password": password},
        headers={"origin": SITE},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "every signed-in page has the sign-out form with a CSRF token"
    return token.group(1)
