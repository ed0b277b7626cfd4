"""Review rules for article drafts: reviewer and owner required, lint blocks approval unless
overridden with a reason, the article id can be chosen, draft -> draft merge, Korean messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import test_drafts_data as data
from fastapi.testclient import TestClient

from assist.drafts import approve_draft, get_draft, merge_into_draft, reject_draft
from assist.drafts.render import render_markdown
from assist.errors import ConflictError, InvalidInputError
from assist.knowledge import KnowledgeBase
from storage import DraftRow, TopicRow, get_article
from tests.auth import api_client
from tests.browser.webapp import make_app, page_client

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures

CLEAN = {
    "summary": "편의점 픽업에 관한 고객 문의를 처리하는 기준과 절차를 정리한 문서입니다.",
    "purpose": "고객이 편의점 픽업 관련 문의를 할 때 확인할 기준과 안내 방법을 정리합니다.",
    "policy": "- 픽업 상품은 도착 후 3일 이내 수령해야 합니다.",
    "steps": "1. 주문 상태를 확인하세요.\n2. 도착 문자를 재발송하세요.",
    "scripts": "Q: 픽업 기간이 얼마나 되나요?\nA: 픽업 상품은 도착 후 3일 이내 수령해야 합니다.",
    "situations": "- 도착 문자를 받지 못한 경우: 도착 문자를 재발송해 드립니다.",
    "management": "최종 수정일: 2026-11-30\n담당자: 미지정\n상태: 초안 (자동 생성, 검토 대기)",
}


def add_draft(kb: KnowledgeBase, sections: dict[str, str], *, title: str, tickets: list[str]) -> int:
    """A pending draft stored as generate would store it (no clustering needed)."""
    with kb.sessions() as session, session.begin():
        topic = TopicRow(key=f"test-{title}", size=len(tickets), status="active", member_ids=tickets)
        session.add(topic)
        session.flush()
        provenance = {
            key: [{"text": line.split(": ", 1)[-1], "tickets": tickets[:1], "kind": "extracted"}]
            for key, line in ((k, v.splitlines()[0]) for k, v in sections.items())
        }
        row = DraftRow(
            topic_id=topic.id,
            status="pending",
            title=title,
            sections=dict(sections),
            provenance=provenance,
            evidence={
                "ticket_ids": tickets,
                "review_notes": ["기존 문서와의 유사도(중앙값 0.50)가 낮습니다."],
            },
            markdown=render_markdown(title, sections),
            size=len(tickets),
            growth=float(len(tickets)),
        )
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def clean_id(drafts_kb: KnowledgeBase) -> int:
    return add_draft(drafts_kb, CLEAN, title="편의점 픽업 안내", tickets=["PU-1", "PU-2"])


@pytest.fixture
def case_id(drafts_kb: KnowledgeBase) -> int:
    sections = {**CLEAN, "policy": "- 고객님은 50만 원까지 상향 가능하여 한도를 변경해 드립니다."}
    return add_draft(drafts_kb, sections, title="한도 상향 안내", tickets=["PU-3", "PU-4"])


def test_approval_needs_a_reviewer_and_an_owner(drafts_kb: KnowledgeBase, clean_id: int) -> None:
    with pytest.raises(InvalidInputError) as owner:
        approve_draft(drafts_kb, clean_id, owner="  ", author="이검토")
    assert owner.value.details["field"] == "owner"
    with pytest.raises(InvalidInputError) as author:
        approve_draft(drafts_kb, clean_id, owner="물류CX팀", author="")
    assert author.value.details["field"] == "author"
    with pytest.raises(InvalidInputError):
        reject_draft(drafts_kb, clean_id, "중복", author=" ")
    draft = approve_draft(drafts_kb, clean_id, owner="물류CX팀", author="이검토", article_id="KB-050-pickup")
    assert draft.status == "approved" and draft.article_id == "KB-050-pickup" and draft.lint == []
    assert "담당자: 물류CX팀" in draft.sections["management"] and "미지정" not in draft.sections["management"]
    with drafts_kb.sessions() as session:
        row = get_article(session, "KB-050-pickup")
        assert row is not None and row.owner == "물류CX팀"


def test_the_article_id_is_checked(drafts_kb: KnowledgeBase, clean_id: int, case_id: int) -> None:
    with pytest.raises(InvalidInputError) as bad:
        approve_draft(drafts_kb, clean_id, owner="팀", author="검토", article_id="../etc/passwd")
    assert bad.value.details["field"] == "article_id"
    approve_draft(drafts_kb, clean_id, owner="팀", author="검토", article_id="KB-077")
    with pytest.raises(ConflictError) as taken:
        approve_draft(drafts_kb, case_id, owner="팀", author="검토", article_id="KB-077", override="확인함")
    assert taken.value.details["field"] == "article_id"


def test_lint_blocks_approval_unless_overridden(drafts_kb: KnowledgeBase, case_id: int) -> None:
    draft = get_draft(drafts_kb, case_id)
    assert [(f.code, f.section) for f in draft.lint] == [("case_specific", "policy")]
    assert draft.review_notes and "유사도" not in draft.markdown
    with pytest.raises(InvalidInputError) as blocked:
        approve_draft(drafts_kb, case_id, owner="결제팀", author="이검토")
    assert blocked.value.details == {"field": "override", "value": 1}
    done = approve_draft(drafts_kb, case_id, owner="결제팀", author="이검토", override="VIP 정책으로 확인함")
    assert "검토 경고 1건 확인 후 게시: VIP 정책으로 확인함" in done.sections["management"]
    assert done.evidence["lint_override"]["findings"][0]["code"] == "case_specific"


def test_a_draft_merges_into_another_draft(drafts_kb: KnowledgeBase, clean_id: int) -> None:
    other = {**CLEAN, "scripts": "Q: 픽업 문자가 안 와요\nA: 도착 문자를 다시 보내 드립니다."}
    source = add_draft(drafts_kb, other, title="픽업 문자 안내", tickets=["PU-5", "PU-2"])
    with pytest.raises(InvalidInputError):
        merge_into_draft(drafts_kb, source, source, author="최검토")
    target = merge_into_draft(drafts_kb, source, clean_id, author="최검토")
    assert target.id == clean_id and target.status == "pending"
    assert target.evidence["ticket_ids"] == ["PU-1", "PU-2", "PU-5"] and target.size == 3
    assert "Q: 픽업 기간이 얼마나 되나요?" in target.sections["scripts"]
    assert "Q: 픽업 문자가 안 와요" in target.sections["scripts"]
    assert target.revisions[-1].author == "최검토" and target.revisions[-1].changed == ["scripts"]
    merged = get_draft(drafts_kb, source)
    assert merged.status == "merged" and merged.merged_into == f"draft:{clean_id}"
    with pytest.raises(ConflictError):
        merge_into_draft(drafts_kb, clean_id, source, author="최검토")


@pytest.fixture
def client(drafts_kb: KnowledgeBase) -> Iterator[TestClient]:
    with page_client(drafts_kb.settings) as c:
        yield c


def _csrf(client: TestClient, did: int) -> dict[str, str]:
    page = client.get(f"/drafts/{did}")
    assert page.status_code == 200
    marker = 'name="csrf_token" value="'
    at = page.text.find(marker)
    return (
        {"csrf_token": page.text[at + len(marker) : page.text.find('"', at + len(marker))]} if at >= 0 else {}
    )


def test_review_page_shows_lint_and_speaks_korean(client: TestClient, case_id: int, tmp_path: Path) -> None:
    page = client.get(f"/drafts/{case_id}")
    assert 'data-testid="draft-lint"' in page.text and "한 고객의 사례로 보이는 문장입니다" in page.text
    assert "생성 메모" in page.text and "유사도(중앙값 0.50)" in page.text
    token = _csrf(client, case_id)
    rejected = client.post(f"/drafts/{case_id}/reject", data={"reason": " ", **token})
    assert rejected.status_code == 400 and "반려 사유를 입력해 주세요." in rejected.text
    no_owner = client.post(f"/drafts/{case_id}/approve", data={"owner": "", **token})
    assert no_owner.status_code == 400 and "담당자를 입력해 주세요." in no_owner.text
    blocked = client.post(f"/drafts/{case_id}/approve", data={"owner": "결제팀", **token})
    assert blocked.status_code == 400 and "초안 점검에서 1건이 발견되었습니다" in blocked.text
    assert 'value="결제팀"' in blocked.text  # the form keeps what was typed
    done = client.post(
        f"/drafts/{case_id}/approve",
        data={"owner": "결제팀", "override": "확인함", "new_article_id": "KB-090-limit", **token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(f"/drafts/{case_id}").text.count("KB-090-limit") >= 1


def test_edit_errors_name_the_section_in_korean(client: TestClient, clean_id: int) -> None:
    data = {"title": "편의점 픽업 안내", **CLEAN, "policy": " ", "note": ""}
    bad = client.post(f"/drafts/{clean_id}/edit", data=data)
    assert bad.status_code == 400 and "정책 섹션은 비워 둘 수 없습니다." in bad.text
    assert "must be non-empty" not in bad.text


def test_unknown_drafts_and_statuses_are_reported_in_korean(client: TestClient) -> None:
    missing = client.get("/drafts/999")
    assert missing.status_code == 404 and "초안을 찾을 수 없습니다." in missing.text
    assert "does not exist" not in missing.text
    bogus = client.get("/drafts", params={"status": "bogus"})
    assert bogus.status_code == 400 and "알 수 없는 상태입니다: bogus" in bogus.text


def test_the_api_merges_drafts_and_requires_an_owner(drafts_kb: KnowledgeBase, clean_id: int) -> None:
    source = add_draft(drafts_kb, CLEAN, title="픽업 기간 안내", tickets=["PU-6"])
    with api_client(make_app(drafts_kb.settings)) as api:
        no_owner = api.post(f"/v1/drafts/{clean_id}/approve", json={})
        assert no_owner.status_code in (400, 422) and no_owner.json()["error"]["code"] == "invalid_input"
        merged = api.post(f"/v1/drafts/{source}/merge", json={"draft_id": clean_id})
        assert merged.status_code == 200 and merged.json()["id"] == clean_id
        assert api.get(f"/v1/drafts/{source}").json()["merged_into"] == f"draft:{clean_id}"
        body = {"owner": "물류팀", "article_id": "KB-PU-1"}
        approved = api.post(f"/v1/drafts/{clean_id}/approve", json=body)
        assert approved.status_code == 200 and approved.json()["article_id"] == "KB-PU-1"
        assert approved.json()["lint"] == []
