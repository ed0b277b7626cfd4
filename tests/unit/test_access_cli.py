"""`kms keys`, `kms users`, `kms audit`, `kms init`'s admin link and `kms serve`'s safety rules."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assist import access
from assist.api import create_app
from assist.cli.app import _register, app
from assist.knowledge import KnowledgeBase
from core.settings import Settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    monkeypatch.delenv("KMS_AUTH", raising=False)
    _register()
    return Settings()


def kms(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=stdin)


def test_keys_create_list_revoke(env: Settings) -> None:
    created = kms("keys", "create", "--role", "bot", "--name", "kakao", "--json")
    assert created.exit_code == 0, created.output
    payload = json.loads(created.stdout)
    key, prefix = payload["key"], payload["prefix"]
    assert key.startswith(prefix + "_") and payload["roles"] == ["bot"]
    with TestClient(create_app(env)) as client:
        auth = {"authorization": f"Bearer {key}"}
        assert client.get("/v1/models", headers=auth).status_code == 200
        assert client.get("/v1/tickets", headers=auth).status_code == 403  # a bot is not an agent
        listed = kms("keys", "list", "--json")
        assert key not in listed.stdout and json.loads(listed.stdout)[0]["last_used_at"] is not None
        assert kms("keys", "revoke", prefix).exit_code == 0
        assert client.get("/v1/models", headers=auth).status_code == 401
    bad = kms("keys", "create", "--role", "root", "--name", "x")
    assert "unknown role 'root'" in str(bad.exception)  # `kms` prints it as one line, exit code 2
    assert "kms keys list" in str(kms("keys", "revoke", "kms_zzzzzzzz").exception)
    actions = [e["action"] for e in map(json.loads, kms("audit", "--json").stdout.splitlines())]
    assert actions == ["key.revoke", "key.create"]


def test_users_create_list_disable_and_link(env: Settings) -> None:
    made = kms(
        "users", "create", "kim", "--role", "agent", "--password-stdin", stdin="correct horse battery\n"
    )
    assert made.exit_code == 0 and "/signin/link/" not in made.stdout
    linked = kms("users", "create", "lee", "--role", "kms_owner", "--role", "evaluator")
    assert linked.exit_code == 0 and "http://127.0.0.1:8000/signin/link/" in linked.stdout
    users = {u["username"]: u for u in json.loads(kms("users", "list", "--json").stdout)}
    assert users["kim"]["has_password"] and not users["lee"]["has_password"]
    assert users["lee"]["roles"] == ["kms_owner", "evaluator"]
    assert kms("users", "disable", "kim").exit_code == 0
    assert json.loads(kms("users", "list", "--json").stdout)[0]["disabled"] is True
    assert access.check_password(KnowledgeBase(env).sessions, "kim", "correct horse battery") is None
    short = kms("users", "password", "lee", "--password-stdin", stdin="short\n")
    assert "at least 12" in str(short.exception)
    link = kms("users", "link", "lee", "--url", "https://kms.example.com").stdout.strip()
    assert link.startswith("https://kms.example.com/signin/link/")
    table = kms("audit").stdout
    assert "user.disable" in table and "user.sign_in_link" in table


def test_init_creates_the_admin_once_with_a_sign_in_link(env: Settings) -> None:
    first = kms("init")
    assert first.exit_code == 0 and "http://127.0.0.1:8000/signin/link/" in first.stdout
    assert "http" not in kms("init").stdout  # the second time: the admin exists, no new link
    admin = access.find_user(KnowledgeBase(env).sessions, "admin")
    assert "admin" in admin.roles and "agent" in admin.roles and not admin.has_password
    link = first.stdout.split("http://127.0.0.1:8000", 1)[1].split()[0]
    with TestClient(create_app(env)) as client:
        r = client.get(link, headers={"accept": "text/html"})
        assert r.status_code == 200 and re.search(r'data-testid="signed-in-as"[^>]*>admin<', r.text)
        again = client.get(link, headers={"accept": "text/html"})  # a link works once
    assert again.status_code == 400


def _fake_uvicorn(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda target, **kw: calls.update(kw, target=target))
    return calls


def test_serve_prints_a_sign_in_link_and_drops_query_strings_from_access_logs(
    env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    from assist.cli.serve_commands import DropQueryString

    calls = _fake_uvicorn(monkeypatch)
    assert "no active admin" in kms("serve", "--sign-in-link").output
    kms("init")
    served = kms("serve", "--port", "8123", "--sign-in-link")
    assert served.exit_code == 0 and "http://127.0.0.1:8123/signin/link/" in served.output
    assert calls["log_config"]["handlers"]["access"]["filters"] == ["drop_query"]
    args = ("127.0.0.1:5000", "GET", "/tickets?q=010-1234-5678", "1.1", 200)
    record = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', args, None)
    DropQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /tickets HTTP/1.1" 200'


def test_auth_off_is_loud_and_loopback_only(env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_uvicorn(monkeypatch)
    monkeypatch.setenv("KMS_AUTH", "off")
    refused = kms("serve", "--host", "0.0.0.0")
    assert refused.exit_code == 2 and "loopback" in refused.output and not calls
    local = kms("serve")
    assert local.exit_code == 0 and "KMS_AUTH=off" in local.output and calls["host"] == "127.0.0.1"
    with TestClient(create_app(Settings())) as client:
        page = client.get("/kms", headers={"accept": "text/html"})
        assert page.status_code == 200 and 'data-testid="auth-off"' in page.text
        cross = client.post(
            "/kms/colloquial", data={"variant": "ㅎㅇ"}, headers={"origin": "http://evil.example"}
        )
        assert cross.status_code == 403  # even the demo refuses cross-site posts
