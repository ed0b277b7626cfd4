"""Browser-style sessions through TestClient: sign-in, cookie flags, CSRF token and Origin
checks, sign-out, lockout, navigation by role, admin pages and the audit trail of writes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings

from assist import access
from assist.api import create_app
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import ArticleRevisionRow, FeedbackRow, TicketRow
from storage.access_models import AuditRow
from tests.auth import PASSWORD, SITE, sign_in

HTML = {"accept": "text/html"}
INQUIRY = "환불 언제 되나요? 제 번호는 010-9999-8888 입니다"


@pytest.fixture
def settings(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Settings:
    data_dir = copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path / "kms")
    s = tiny_settings(data_dir)
    sessions = KnowledgeBase(s).sessions
    access.create_user(sessions, "kim", ["agent"], password=PASSWORD)
    access.create_user(sessions, "park", ["kms_owner"], password=PASSWORD)
    access.create_user(sessions, "root", ["admin"], password=PASSWORD)
    return s


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=HTML) as c:
        yield c


def audit(settings: Settings) -> list[AuditRow]:
    with KnowledgeBase(settings).sessions() as s:
        return list(s.scalars(select(AuditRow).order_by(AuditRow.id)))


def test_sign_in_sets_a_hardened_session_cookie(client: TestClient, settings: Settings) -> None:
    r = client.post(
        "/signin",
        data={"username": "kim", "password": PASSWORD, "next": "/tickets/new"},
        headers={"origin": SITE},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/tickets/new"
    cookie = r.headers["set-cookie"].lower()
    assert (
        "kms_session=" in cookie
        and "httponly" in cookie
        and "samesite=lax" in cookie
        and "secure" not in cookie
    )
    with TestClient(create_app(settings), base_url="https://kms.example.com") as https:
        r = https.post(
            "/signin",
            data={"username": "kim", "password": PASSWORD},
            headers={"origin": "https://kms.example.com"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"] == "max-age=31536000"
    client.cookies.clear()
    evil = client.post(
        "/signin",
        data={"username": "kim", "password": PASSWORD, "next": "//evil.example/x"},
        headers={"origin": SITE},
        follow_redirects=False,
    )
    assert evil.headers["location"] == "/tickets"  # never redirected off-site


def test_failed_sign_ins_are_audited_without_the_typed_secret_and_lock_out(
    client: TestClient, settings: Settings
) -> None:
    bad = client.post(
        "/signin", data={"username": "someone@mail.com", "password": "x"}, headers={"origin": SITE}
    )
    assert bad.status_code == 401 and "맞지 않습니다" in bad.text
    for _ in range(5):
        client.post(
            "/signin", data={"username": "kim", "password": "wrong-password"}, headers={"origin": SITE}
        )
    locked = client.post("/signin", data={"username": "kim", "password": PASSWORD}, headers={"origin": SITE})
    assert locked.status_code == 401  # the right password is refused during the lockout
    rows = [(a.actor, a.action, a.outcome) for a in audit(settings)]
    assert rows[0] == ("?", "auth.sign_in", "failed")  # an unknown name (maybe an e-mail) is not stored
    assert rows[1:6] == [("kim", "auth.sign_in", "failed")] * 5 and rows[6] == (
        "kim",
        "auth.sign_in",
        "denied",
    )
    assert all("mail" not in (a.actor + (a.object or "")) for a in audit(settings))


def test_csrf_token_and_origin_are_required_for_cookie_posts(client: TestClient, settings: Settings) -> None:
    token = sign_in(client, "kim")
    form = {"body": INQUIRY, "subject": "환불", "channel": "chat"}
    cases = [
        ({**form}, {"origin": SITE}),  # no token
        ({**form, "csrf_token": "forged"}, {"origin": SITE}),  # wrong token
        ({**form, "csrf_token": token}, {"origin": "http://evil.example"}),  # cross-site
        ({**form, "csrf_token": token}, {"referer": "http://evil.example/page"}),  # cross-site, no Origin
        ({**form, "csrf_token": token}, {}),  # neither Origin nor Referer
    ]
    for data, headers in cases:
        r = client.post("/tickets/new", data=data, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and "권한이 없습니다" in r.text, (headers, data.get("csrf_token"))
    with KnowledgeBase(settings).sessions() as s:
        assert s.scalar(select(TicketRow).where(TicketRow.id.like("W-%"))) is None  # nothing was written
    ok = client.post(
        "/tickets/new",
        data={**form, "csrf_token": token},
        headers={"referer": f"{SITE}/tickets/new"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    ticket_id = ok.headers["location"].split("/")[2].split("?")[0]
    header_token = client.post(
        f"/tickets/{ticket_id}/resolve",
        data={"text": "3~5영업일 안에 환불됩니다."},
        headers={"origin": SITE, "x-csrf-token": token},
        follow_redirects=False,
    )
    assert header_token.status_code == 303
    events = [(a.actor, a.action, a.object, a.outcome) for a in audit(settings) if a.action != "auth.sign_in"]
    assert events == [("kim", "ticket.create", None, "refused")] * 5 + [
        ("kim", "ticket.create", ticket_id, "ok"),
        ("kim", "ticket.resolve", ticket_id, "ok"),
    ]
    with KnowledgeBase(settings).sessions() as s:
        assert s.get(TicketRow, ticket_id).resolved_by == "kim"  # type: ignore[union-attr]
    assert all("010" not in (a.object or "") and "환불" not in (a.object or "") for a in audit(settings))


def test_reopen_form_needs_the_csrf_token_same_origin_and_the_agent_role(
    client: TestClient, settings: Settings
) -> None:
    token = sign_in(client, "kim")
    form = client.get("/tickets/T-101").text
    form = form[form.index('action="/tickets/T-101/reopen"') :]
    assert f'name="csrf_token" value="{token}"' in form[: form.index("</form>")]
    cases = [
        ({}, {"origin": SITE}),  # no token
        ({"csrf_token": "forged"}, {"origin": SITE}),  # wrong token
        ({"csrf_token": token}, {"origin": "http://evil.example"}),  # cross-site
        ({"csrf_token": token}, {}),  # neither Origin nor Referer
    ]
    for data, headers in cases:
        r = client.post("/tickets/T-101/reopen", data=data, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and "권한이 없습니다" in r.text, (headers, data.get("csrf_token"))
    with TestClient(create_app(settings), headers=HTML) as owner:  # may read the page, not reopen
        owner_token = sign_in(owner, "park")
        assert owner.get("/tickets/T-101").status_code == 200
        denied = owner.post(
            "/tickets/T-101/reopen", data={"csrf_token": owner_token}, headers={"origin": SITE},
            follow_redirects=False,
        )  # fmt: skip
        assert denied.status_code == 403
    with KnowledgeBase(settings).sessions() as s:
        row = s.get(TicketRow, "T-101")
        assert row is not None and (row.is_knowledge, row.reopens) == (True, None)  # nothing was written
    ok = client.post(
        "/tickets/T-101/reopen",
        data={"csrf_token": token},
        headers={"referer": f"{SITE}/tickets/T-101"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/tickets/T-101?msg=reopened"
    events = [(a.actor, a.action, a.object, a.outcome) for a in audit(settings) if a.action != "auth.sign_in"]
    assert events == [("kim", "ticket.reopen", "T-101", "refused")] * 4 + [
        ("park", "ticket.reopen", "T-101", "denied"),
        ("kim", "ticket.reopen", "T-101", "ok"),
    ]
    with KnowledgeBase(settings).sessions() as s:
        row = s.get(TicketRow, "T-101")
        assert row is not None and (row.is_knowledge, row.status, row.reopens) == (False, "open", 1)


def test_an_oversized_form_is_413_not_a_truncated_write(client: TestClient) -> None:
    token = sign_in(client, "kim")
    big = {"body": "가" * 1_000_000, "csrf_token": token}
    r = client.post("/tickets/new", data=big, headers={"origin": SITE, "accept": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_navigation_follows_roles_and_sign_out_ends_the_session(client: TestClient) -> None:
    token = sign_in(client, "park")
    page = client.get("/kms").text
    nav = re.search(r'<nav class="mainnav".*?</nav>', page, re.S)
    assert nav and "/kms" in nav.group(0) and "/drafts" in nav.group(0)
    assert "/tickets" not in nav.group(0) and "/admin" not in nav.group(0)
    assert client.get("/", follow_redirects=False).headers["location"] == "/kms"
    assert client.get("/tickets").status_code == 403
    out = client.post(
        "/signout", data={"csrf_token": token}, headers={"origin": SITE}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"].startswith("/signin")
    assert client.get("/kms", follow_redirects=False).status_code == 303  # back to the sign-in page


def test_identities_come_from_the_session(client: TestClient, settings: Settings) -> None:
    token = sign_in(client, "park")
    kb = KnowledgeBase(settings)
    with kb.sessions() as s:
        article_id = s.scalars(select(ArticleRevisionRow.article_id)).first()
    edit = client.get(f"/kms/{article_id}/edit").text
    assert 'name="author"' not in edit and 'data-testid="author">park<' in edit
    fields = dict(re.findall(r'<textarea id="f-(\w+)" name="\w+"[^>]*>(.*?)</textarea>', edit, re.S))
    title = re.search(r'id="f-title" name="title" type="text" value="([^"]*)"', edit)
    assert title
    data = {
        **fields,
        "title": title.group(1),
        "policy": fields.get("policy", "") + "\n- 추가 규정",
        "author": "someone-else",
        "csrf_token": token,
    }
    r = client.post(f"/kms/{article_id}/edit", data=data, headers={"origin": SITE}, follow_redirects=False)
    assert r.status_code == 303
    with kb.sessions() as s:
        newest = s.scalars(
            select(ArticleRevisionRow)
            .where(ArticleRevisionRow.article_id == article_id)
            .order_by(ArticleRevisionRow.version.desc())
        ).first()
        assert newest is not None and newest.author == "park"
    assert ("park", "article.edit", article_id, "ok") in [
        (a.actor, a.action, a.object, a.outcome) for a in audit(settings)
    ]


def test_feedback_records_the_agent(client: TestClient, settings: Settings) -> None:
    token = sign_in(client, "kim")
    created = client.post(
        "/tickets/new",
        data={"body": "비밀번호를 잊어버렸어요", "csrf_token": token},
        headers={"origin": SITE},
    )
    suggestion = re.search(r'action="/suggestions/([^/]+)/feedback"', created.text)
    assert suggestion
    r = client.post(
        f"/suggestions/{suggestion.group(1)}/feedback",
        data={"verdict": "used", "csrf_token": token},
        headers={"origin": SITE, "accept": "application/json"},
    )
    assert r.status_code == 201
    with KnowledgeBase(settings).sessions() as s:
        assert s.scalars(select(FeedbackRow.author)).one() == "kim"


def test_admin_creates_a_key_shown_once_and_revokes_it(client: TestClient, settings: Settings) -> None:
    token = sign_in(client, "root")
    page = client.post(
        "/admin/keys", data={"name": "kakao", "roles": ["bot"], "csrf_token": token}, headers={"origin": SITE}
    )
    key = re.search(r'data-testid="new-key">([^<]+)<', page.text)
    assert page.status_code == 200 and key
    assert key.group(1) not in client.get("/admin").text  # never shown again
    with TestClient(create_app(settings)) as api:
        auth = {"authorization": f"Bearer {key.group(1)}"}
        assert api.get("/v1/models", headers=auth).status_code == 200
        prefix = key.group(1).split("_")[1]
        r = client.post(
            f"/admin/keys/kms_{prefix}/revoke", data={"csrf_token": token}, headers={"origin": SITE}
        )
        assert r.status_code == 200
        assert api.get("/v1/models", headers=auth).status_code == 401
    made = client.post(
        "/admin/users",
        data={"username": "choi", "roles": ["agent"], "csrf_token": token},
        headers={"origin": SITE},
    )
    assert "/signin/link/" in made.text
    admin = client.get("/admin").text
    assert "<code>KMS_AUTH</code>" in admin and "<code>KMS_LLM_API_KEY</code>" in admin  # settings, read-only
    log = client.get("/admin/audit").text
    for action in ("key.create", "key.revoke", "user.create", "auth.sign_in"):
        assert f"<code>{action}</code>" in log
