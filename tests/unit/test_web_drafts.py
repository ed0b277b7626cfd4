"""Draft review pages through TestClient: queue, draft page with provenance, edit, approve,
reject (reason required), merge; and the sentence annotation by hand."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.articles import get_article_view
from assist.drafts.review import list_draft_summaries
from assist.drafts.schemas import SentenceSource
from assist.knowledge import KnowledgeBase
from assist.web.drafts import annotate
from storage import DraftRow
from tests.browser.webapp import page_client, web_kb_copy


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeBase, int]]:
    settings = web_kb_copy(tmp_path / "kb")
    kb = KnowledgeBase(settings)
    with page_client(settings) as c:
        yield c, kb, list_draft_summaries(kb, status="pending")[0].id


def _src(text: str, *tickets: str) -> SentenceSource:
    return SentenceSource(text=text, tickets=list(tickets), kind="extracted")


def test_annotate_marks_sentences_in_order() -> None:
    body = "### 사례\nQ: 포장 되나요? 비용은요?\nA: 됩니다."
    lines = annotate(body, [_src("포장 되나요?", "T-1"), _src("비용은요?", "T-2"), _src("됩니다.", "T-1")])
    assert [line.heading for line in lines] == [True, False, False]
    assert [(s.text, s.source.tickets if s.source else None) for s in lines[1].segments] == [
        ("Q: ", None),
        ("포장 되나요?", ["T-1"]),
        (" ", None),
        ("비용은요?", ["T-2"]),
    ]
    assert lines[0].segments[0].text == "사례"
    assert [s.text for s in lines[2].segments] == ["A: ", "됩니다."]
    same = annotate("가. 가.", [_src("가.", "A"), _src("가.", "B")])  # repeated text: each once, in order
    assert [s.source.tickets[0] for s in same[0].segments if s.source] == ["A", "B"]
    assert annotate("", []) == []
    items = annotate("- 포장 가능\n2. 주문서 확인\n-1도 아님", [_src("주문서 확인", "T-3")])
    assert [(line.marker, [s.text for s in line.segments]) for line in items] == [
        ("•", ["포장 가능"]),
        ("2.", ["주문서 확인"]),
        ("", ["-1도 아님"]),
    ]


def test_queue_and_draft_page(fresh: tuple[TestClient, KnowledgeBase, int]) -> None:
    client, _kb, did = fresh
    queue = client.get("/drafts").text
    assert f'href="/drafts/{did}"' in queue and "검토 대기" in queue and "기존 문서 부족" in queue
    assert "검토할 초안이 없습니다." in client.get("/drafts", params={"status": "approved"}).text
    assert client.get("/drafts", params={"status": "bogus"}).status_code == 400

    page = client.get(f"/drafts/{did}").text
    assert re.search(r'class="sentence kind-extracted" tabindex="0" role="button" data-sources="G-\d', page)
    assert 'class="result src-ticket" data-ticket="G-1"' in page
    assert f'formaction="/drafts/{did}/reject"' in page and f'formaction="/drafts/{did}/merge"' in page
    assert '<option value="refund">' in page
    assert client.get("/drafts/abc").status_code == 404


def test_edit_a_section(fresh: tuple[TestClient, KnowledgeBase, int]) -> None:
    client, _kb, did = fresh
    form = client.get(f"/drafts/{did}/edit").text
    title = re.search(r'id="f-title" name="title" type="text" value="([^"]+)"', form)
    assert title
    fields = re.findall(r'<textarea id="f-(\w+)" name="\w+"[^>]*>(.*?)</textarea>', form, re.S)
    sections = {key: html.unescape(value) for key, value in fields}
    data = {"title": title.group(1), **sections, "author": "박검토", "note": "정책 보강"}
    bad = client.post(f"/drafts/{did}/edit", data=data | {"policy": " "})
    assert bad.status_code == 400 and 'class="form-error"' in bad.text
    assert "정책 섹션은 비워 둘 수 없습니다." in bad.text and "must be non-empty" not in bad.text
    data["policy"] += "\n- 출고 후에는 포장을 추가할 수 없습니다."
    r = client.post(f"/drafts/{did}/edit", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/drafts/{did}?msg=draft_saved"
    page = client.get(r.headers["location"]).text
    assert "초안을 저장했습니다." in page
    assert 'class="sentence kind-edited"' not in page  # an edited sentence has no source tickets
    assert "출고 후에는 포장을 추가할 수 없습니다." in page


def test_reject_needs_a_reason(fresh: tuple[TestClient, KnowledgeBase, int]) -> None:
    client, _kb, did = fresh
    r = client.post(f"/drafts/{did}/reject", data={"reason": " ", "author": "박검토"})
    assert r.status_code == 400 and "반려 사유를 입력해 주세요." in r.text and 'class="form-error"' in r.text
    assert "a rejection needs" not in r.text  # no English domain message inside the Korean page
    r = client.post(f"/drafts/{did}/reject", data={"reason": "중복 주제", "author": "박검토"})
    assert r.status_code == 200 and "반려했습니다." in r.text and "중복 주제" in r.text
    again = client.post(f"/drafts/{did}/approve", data={})
    assert again.status_code == 409 and "이미 처리된 초안" in again.text


def test_approve_publishes_an_article(fresh: tuple[TestClient, KnowledgeBase, int]) -> None:
    client, kb, did = fresh
    r = client.post(f"/drafts/{did}/approve", data={"owner": "CX운영팀", "override": "시험용 KB"})
    assert r.status_code == 200 and "승인했습니다." in r.text
    article_id = re.search(r'data-testid="draft-article">([^<]+)</a>', r.text)
    assert article_id
    view = get_article_view(kb, article_id.group(1))
    assert view.status == "published" and view.owner == "CX운영팀"
    assert kb.search("선물 포장 비용", k=1, doc_types={"article"})[0].doc_id == f"article:{view.article_id}"


def test_merge_into_an_article(fresh: tuple[TestClient, KnowledgeBase, int]) -> None:
    client, kb, did = fresh
    none = client.post(f"/drafts/{did}/merge", data={"article_id": ""})
    assert none.status_code == 400 and "병합할 문서 또는 초안을" in none.text
    unknown = client.post(f"/drafts/{did}/merge", data={"article_id": "nope"})
    assert unknown.status_code == 404
    r = client.post(f"/drafts/{did}/merge", data={"article_id": "refund", "author": "박검토"})
    assert r.status_code == 200 and "병합했습니다." in r.text and 'href="/kms/refund"' in r.text
    assert get_article_view(kb, "refund").version == 2


def test_empty_queue_offers_to_generate_and_says_what_it_does(
    fresh: tuple[TestClient, KnowledgeBase, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import delete

    from storage.draft_models import DraftRevisionRow, DraftRow, TopicRow

    client, kb, _ = fresh
    with kb.sessions.begin() as session:  # as after `make run`: no draft generated yet
        for model in (DraftRevisionRow, DraftRow, TopicRow):
            session.execute(delete(model))
    page = client.get("/drafts").text
    empty = page[page.index('data-testid="drafts-empty"') :]
    assert "검토할 초안이 없습니다." in empty
    assert "최근 90일 동안 해결된 티켓에서 5건 이상 반복되는 문의 주제" in empty  # the defaults
    assert 'action="/drafts/generate"' in empty and ">초안 생성</button>" in empty
    approved = client.get("/drafts", params={"status": "approved"}).text
    assert "검토할 초안이 없습니다." in approved and "/drafts/generate" not in approved

    # the same settings as the seeded KB (hash embedder, six gift-wrapping tickets)
    for name, value in (("CLUSTER_THRESHOLD", "0.5"), ("COVERAGE_THRESHOLD", "0.99"), ("MIN_SIZE", "3")):
        monkeypatch.setenv(f"KMS_DRAFTS_{name}", value)
    monkeypatch.setenv("KMS_DRAFTS_SINCE_DAYS", "36500")
    r = client.post("/drafts/generate", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/drafts?msg=drafts_generated")
    queue = client.get(r.headers["location"]).text
    flash = r'class="flash" role="status">해결된 티켓 \d+건에서 반복 주제 [1-9]\d*개를 찾아 초안 [1-9]\d*건을'
    assert re.search(flash, queue)
    assert 'data-testid="drafts-queue"' in queue and 'data-testid="generate-drafts"' in queue
    assert "최근 36500일" not in queue  # the explanation belongs to the empty queue


def test_the_review_page_shows_the_unanswered_chatbot_questions(
    fresh: tuple[TestClient, KnowledgeBase, int],
) -> None:
    client, kb, did = fresh
    assert "챗봇 미응답 질문" not in client.get(f"/drafts/{did}").text.split('<div class="draft-grid">')[0]
    with kb.sessions.begin() as session:  # as a generation run stores them (assist.drafts.demand)
        row = session.get(DraftRow, did)
        assert row is not None
        row.unanswered = 2
        asked = {"questions": 2, "examples": ["환불 [전화번호] 언제 돼요"]}
        row.evidence = {**row.evidence, "unanswered": asked}
    page = client.get(f"/drafts/{did}").text
    assert '<span data-testid="draft-unanswered">챗봇 미응답 질문 2건</span>' in page
    assert "<li>환불 [전화번호] 언제 돼요</li>" in page
    queue = client.get("/drafts").text
    assert '<td data-label="챗봇 미응답 질문" class="nowrap">2</td>' in queue
