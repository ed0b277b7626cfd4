"""The review state machine: edit, approve (published + indexed), reject, merge, and its errors."""

from __future__ import annotations

import pytest
import test_drafts_data as data
from test_drafts_data import CONFIG, PICKUP_Q

from assist.drafts import approve_draft, edit_draft, generate, get_draft, merge_draft, reject_draft
from assist.drafts.review import draft_article_id
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from storage import get_article, list_revisions

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures
OVERRIDE = "시험용 KB: 점검 결과 확인함"


@pytest.fixture
def pickup_id(drafts_kb: KnowledgeBase) -> int:
    generate(drafts_kb, CONFIG)
    for draft_id in generate(drafts_kb, CONFIG).updated:
        if get_draft(drafts_kb, draft_id).evidence["ticket_ids"][0].startswith("PU"):
            return draft_id
    raise AssertionError("no pickup draft")


def test_approval_publishes_version_1_and_agents_get_it_at_once(
    drafts_kb: KnowledgeBase, pickup_id: int
) -> None:
    draft = approve_draft(drafts_kb, pickup_id, owner="물류CX팀", author="이검토", override=OVERRIDE)
    article_id = draft_article_id(pickup_id)
    assert draft.status == "approved" and draft.article_id == article_id
    with drafts_kb.sessions() as session:
        row = get_article(session, article_id)
        assert row is not None and row.status == "published" and row.version == 1
        assert row.owner == "물류CX팀" and row.tag == "고객::배송::픽업" and row.complete
        assert "담당자: 물류CX팀" in row.management and "승인·게시 (검토: 이검토)" in row.management
        [revision] = list_revisions(session, article_id)
        assert revision.author == "이검토" and revision.change_note == f"초안 #{pickup_id} 승인"
    hits = drafts_kb.search(PICKUP_Q[1], doc_types={"article"})
    assert hits[0].doc_id == f"article:{article_id}"
    assert "상태: 게시" in draft.sections["management"]


def test_a_decided_draft_cannot_be_decided_again(drafts_kb: KnowledgeBase, pickup_id: int) -> None:
    approve_draft(drafts_kb, pickup_id, owner="물류CX팀", author="이검토", override=OVERRIDE)
    with pytest.raises(ConflictError, match=f"draft {pickup_id} is approved"):
        approve_draft(drafts_kb, pickup_id, owner="물류CX팀", author="이검토", override=OVERRIDE)
    with pytest.raises(ConflictError):
        reject_draft(drafts_kb, pickup_id, "늦었음", author="이검토")
    with pytest.raises(ConflictError):
        edit_draft(drafts_kb, pickup_id, {"summary": "수정"})
    rerun = generate(drafts_kb, CONFIG)  # the new article covers the topic now: no gap, no new draft
    assert rerun.created == [] and rerun.gaps == 1


def test_unknown_ids_and_bad_input(drafts_kb: KnowledgeBase, pickup_id: int) -> None:
    with pytest.raises(NotFoundError, match="draft 999 does not exist"):
        approve_draft(drafts_kb, 999, owner="물류CX팀", author="이검토")
    with pytest.raises(NotFoundError):
        get_draft(drafts_kb, 999)
    with pytest.raises(InvalidInputError, match="needs a reason"):
        reject_draft(drafts_kb, pickup_id, "  ", author="이검토")
    with pytest.raises(NotFoundError, match="article 'KB-NOPE' does not exist"):
        merge_draft(drafts_kb, pickup_id, "KB-NOPE", author="이검토")
    with pytest.raises(InvalidInputError, match="sections to edit"):
        edit_draft(drafts_kb, pickup_id, {"appendix": "x"})
    with pytest.raises(InvalidInputError, match="section 'policy' must be non-empty"):
        edit_draft(drafts_kb, pickup_id, {"policy": " "})
    assert get_draft(drafts_kb, pickup_id).status == "pending"


def test_rejection_keeps_the_reason_and_suppresses_the_topic(
    drafts_kb: KnowledgeBase, pickup_id: int
) -> None:
    draft = reject_draft(drafts_kb, pickup_id, "물류 매뉴얼에 있음, 연락처 010-9999-8888", author="박검토")
    assert draft.status == "rejected" and draft.reject_reason is not None
    assert "010-9999-8888" not in draft.reject_reason and "박검토" in draft.reject_reason
    assert generate(drafts_kb, CONFIG).suppressed == [draft.topic_id]


def test_merge_appends_scripts_and_situations_as_a_new_revision(
    drafts_kb: KnowledgeBase, pickup_id: int
) -> None:
    draft = merge_draft(drafts_kb, pickup_id, "KB-PW", author="최검토")
    assert draft.status == "merged" and draft.merged_into == "KB-PW"
    with drafts_kb.sessions() as session:
        row = get_article(session, "KB-PW")
        assert row is not None and row.version == 2
        assert "추가 사례" not in row.scripts and PICKUP_Q[0] in row.scripts
        assert row.scripts.startswith("Q: 비밀번호 재설정 메일이 안 와요")
        assert "편의점 픽업" in row.situations and "메일 미수신" in row.situations
        assert f"초안 #{pickup_id} 병합" in row.management and row.owner == "계정팀"
        assert [r.change_note for r in list_revisions(session, "KB-PW")] == [
            "created",
            f"초안 #{pickup_id} 병합",
        ]
    hits = drafts_kb.search(PICKUP_Q[0], doc_types={"article"})
    assert hits[0].doc_id == "article:KB-PW"  # re-indexed with the merged scripts


def test_edits_write_revisions_and_keep_provenance_of_unchanged_sentences(
    drafts_kb: KnowledgeBase, pickup_id: int
) -> None:
    before = get_draft(drafts_kb, pickup_id)
    kept = before.sections["policy"].splitlines()[0]
    edited = edit_draft(
        drafts_kb,
        pickup_id,
        {"policy": f"{kept}\n- 보관함 이용은 무료입니다.", "title": "편의점 픽업 수령 안내"},
        author="김검토",
        note="보관함 규정 추가",
    )
    assert edited.title == "편의점 픽업 수령 안내" and "## 제목\n편의점 픽업 수령 안내" in edited.markdown
    first, added = edited.provenance["policy"]
    assert first.tickets == before.provenance["policy"][0].tickets and first.kind == "extracted"
    assert added.text == "보관함 이용은 무료입니다." and added.kind == "edited" and added.tickets == []
    [revision] = edited.revisions
    assert (revision.author, revision.note, sorted(revision.changed)) == (
        "김검토",
        "보관함 규정 추가",
        ["policy", "title"],
    )
    unchanged = edit_draft(drafts_kb, pickup_id, {"policy": edited.sections["policy"]})
    assert len(unchanged.revisions) == 1  # nothing changed, no revision
