"""The review page of an "update article X" proposal, applying it (POST /drafts/{id}/merge with
proposal=apply: owner role, CSRF, audit), its Korean 4xx errors, and the generate window hint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assist import access
from assist.articles import get_article_view
from assist.drafts.review import get_draft, list_draft_summaries
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import DraftRow
from storage.access_models import AuditRow
from tests.auth import PASSWORD, SITE, sign_in
from tests.browser.webapp import HTML, make_app, page_client, web_kb_copy

PROPOSAL: dict[str, Any] = {
    "kind": "update",
    "article_id": "refund",
    "article_share": 0.8333,
    "add_scripts": [
        {
            "question": "선물 포장한 상품도 환불되나요?",
            "answer": "선물 포장 상품도 수령 후 7일 이내에 환불 신청할 수 있다고 안내드렸습니다. "
            "포장비 2,000원은 예외적으로 돌려드렸습니다.",
            "ticket": "G-1",
        },
        {"question": "환불은  언제 되나요?", "answer": "카드 취소는 3~5영업일 걸립니다.", "ticket": "G-2"},
        {
            "question": "포장 취소하고 환불받고 싶어요",
            "answer": "주문을 바로 취소 처리했습니다.",
            "ticket": "G-3",
        },
    ],
    "add_situations": ["선물 포장"],
}
REWRITE = "선물 포장 상품도 수령 후 7일 이내에 환불 신청할 수 있습니다."


def set_proposal(kb: KnowledgeBase, draft_id: int, proposal: dict[str, Any]) -> None:
    with kb.sessions.begin() as session:  # as a generation run stores it (assist.drafts.proposals)
        row = session.get(DraftRow, draft_id)
        assert row is not None
        row.evidence = {**row.evidence, "proposal": proposal}


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Settings, KnowledgeBase, int]:
    settings = web_kb_copy(tmp_path / "kb")
    kb = KnowledgeBase(settings)
    access.create_user(kb.sessions, "park", ["kms_owner"], password=PASSWORD)
    access.create_user(kb.sessions, "kim", ["agent"], password=PASSWORD)
    did = list_draft_summaries(kb, status="pending")[0].id
    set_proposal(kb, did, PROPOSAL)
    return settings, kb, did


@pytest.fixture
def browser(seeded: tuple[Settings, KnowledgeBase, int]) -> Iterator[TestClient]:
    """A cookie session like a browser's (no API key): CSRF and Origin checks apply."""
    with TestClient(make_app(seeded[0]), headers=HTML) as c:
        yield c


def audit(kb: KnowledgeBase, action: str) -> list[tuple[str, str, int | None]]:
    with kb.sessions() as s:
        rows = s.scalars(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id))
        return [(r.actor, r.outcome, r.status) for r in rows]


def test_the_review_page_shows_the_proposal_in_korean_and_english(
    seeded: tuple[Settings, KnowledgeBase, int],
) -> None:
    settings, _kb, did = seeded
    with page_client(settings) as client:
        page = client.get(f"/drafts/{did}").text
        section = page[page.index('data-testid="draft-proposal"') : page.index('class="card review"')]
        assert (
            '<a href="/kms/refund" data-testid="proposal-article">기존 문서 refund 보완 제안</a>' in section
        )
        assert "이 주제의 티켓 83%가 이미 이 문서로 연결됩니다." in section
        assert "선물 포장한 상품도 환불되나요?" in section and REWRITE in section
        assert "<del>포장비 2,000원은 예외적으로 돌려드렸습니다.</del>" in section
        assert "문서에 이미 있는 질문" in section and "고객에게 안내할 문장이 남지 않음" in section
        assert '<span class="chip">선물 포장</span>' in section
        assert 'name="proposal" value="apply"' in section and ">제안대로 문서 refund 보완</button>" in section
        english = client.get(f"/drafts/{did}?lang=en").text
        assert "Proposal: update article refund" in english and "Apply to article refund" in english
        assert "already asked in the article" in english and "보완 제안" not in english


def test_apply_needs_the_owner_role_and_the_csrf_token_and_is_audited(
    seeded: tuple[Settings, KnowledgeBase, int], browser: TestClient
) -> None:
    _settings, kb, did = seeded
    url, form = f"/drafts/{did}/merge", {"proposal": "apply"}
    kim = sign_in(browser, "kim")
    denied = browser.post(url, data=form | {"csrf_token": kim}, headers={"origin": SITE})
    assert denied.status_code == 403
    browser.cookies.clear()
    token = sign_in(browser, "park")
    assert browser.post(url, data=form, headers={"origin": SITE}).status_code == 403  # no CSRF token
    assert browser.post(url, data=form | {"csrf_token": token}).status_code == 403  # no Origin
    assert get_draft(kb, did).status == "pending"
    r = browser.post(url, data=form | {"csrf_token": token}, headers={"origin": SITE}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/drafts/{did}?msg=proposal_applied"
    page = browser.get(r.headers["location"]).text
    assert "제안을 적용했습니다." in page and 'data-testid="proposal-applied"' in page
    assert 'href="/kms/refund"' in page and 'data-testid="apply-proposal"' not in page
    view = get_article_view(kb, "refund")
    assert (
        view.version == 2 and f"Q: 선물 포장한 상품도 환불되나요?\nA: {REWRITE}" in view.sections["scripts"]
    )
    assert "포장 취소하고" not in view.sections["scripts"] and "예외적으로" not in view.sections["scripts"]
    assert "### 선물 포장 관련 문의 (검토 필요)" in view.sections["situations"]
    assert "(검토: park)" in view.sections["management"]
    draft = get_draft(kb, did)
    assert draft.status == "merged" and draft.merged_into == "refund"
    assert audit(kb, "draft.merge") == [
        ("kim", "denied", 403),
        ("park", "refused", 403),
        ("park", "refused", 403),
        ("park", "ok", 303),
    ]
    again = browser.post(url, data=form | {"csrf_token": token}, headers={"origin": SITE})
    assert again.status_code == 409 and "이미 문서 refund에 적용된 제안입니다." in again.text
    assert "already applied" not in again.text


def test_apply_errors_are_korean_4xx(seeded: tuple[Settings, KnowledgeBase, int]) -> None:
    settings, kb, did = seeded
    with page_client(settings) as client:
        assert client.post("/drafts/999/merge", data={"proposal": "apply"}).status_code == 404
        assert client.post("/drafts/abc/merge", data={"proposal": "apply"}).status_code == 404
        set_proposal(kb, did, {"kind": "new", "article_id": None, "add_scripts": [], "add_situations": []})
        assert 'data-testid="draft-proposal"' not in client.get(f"/drafts/{did}").text
        new = client.post(f"/drafts/{did}/merge", data={"proposal": "apply"})
        assert new.status_code == 400 and "이 초안은 기존 문서 보완 제안이 아닙니다." in new.text
        assert "proposes no update" not in new.text
        nothing = {**PROPOSAL, "add_scripts": PROPOSAL["add_scripts"][1:], "add_situations": []}
        set_proposal(kb, did, nothing)
        assert 'data-testid="proposal-nothing"' in client.get(f"/drafts/{did}").text
        empty = client.post(f"/drafts/{did}/merge", data={"proposal": "apply"})
        assert (
            empty.status_code == 400 and "문서 refund에 안전하게 추가할 수 있는 내용이 없습니다" in empty.text
        )
        set_proposal(kb, did, {**PROPOSAL, "article_id": "KB-GONE"})
        assert "문서 KB-GONE을(를) 찾을 수 없거나 게시 상태가 아니어서" in client.get(f"/drafts/{did}").text
        gone = client.post(f"/drafts/{did}/merge", data={"proposal": "apply"})
        assert gone.status_code == 404 and "문서 KB-GONE을(를) 찾을 수 없습니다." in gone.text
        assert get_draft(kb, did).status == "pending" and get_article_view(kb, "refund").version == 1


def test_generate_says_when_resolved_tickets_fall_outside_the_window(
    seeded: tuple[Settings, KnowledgeBase, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _kb, _did = seeded
    for name, value in (("CLUSTER_THRESHOLD", "0.5"), ("COVERAGE_THRESHOLD", "0.99"), ("MIN_SIZE", "3")):
        monkeypatch.setenv(f"KMS_DRAFTS_{name}", value)
    monkeypatch.setenv("KMS_DRAFTS_SINCE_DAYS", "1")  # every seeded ticket is older than a day
    with page_client(settings) as client:
        queue = client.get("/drafts").text
        assert '<option value="default" selected>기본 기간 (1일)</option>' in queue
        assert '<option value="all">전체 기간</option>' in queue
        r = client.post("/drafts/generate", data={"since": "default"}, follow_redirects=False)
        assert r.status_code == 303 and "outside=" in r.headers["location"]
        page = client.get(r.headers["location"]).text
        hint = re.search(r'data-testid="outside-window">해결된 티켓 (\d+)건이 기간 밖이라 빠졌습니다.', page)
        assert hint and int(hint.group(1)) >= 6
        assert '<option value="all" selected>전체 기간</option>' in page
        english = client.get(r.headers["location"] + "&lang=en").text
        assert "resolved ticket(s) are older than the window" in english
        everything = client.post("/drafts/generate", data={"since": "all"}, follow_redirects=False)
        assert everything.status_code == 303 and "outside=" not in everything.headers["location"]
        assert 'data-testid="outside-window"' not in client.get(everything.headers["location"]).text
        bad = client.post("/drafts/generate", data={"since": "3y"})  # the page language is English now
        assert bad.status_code == 400 and "Unknown window: 3y" in bad.text
        bad = client.post("/drafts/generate?lang=ko", data={"since": "3y"})
        assert bad.status_code == 400 and "알 수 없는 기간입니다: 3y" in bad.text
