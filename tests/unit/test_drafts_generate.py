"""Generation runs on the tiny KB of test_drafts_data: gaps, completeness, provenance, PII, identity."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import test_drafts_data as data
from test_drafts_data import CONFIG, DARK_Q, PICKUP_A, PICKUP_Q, PICKUP_RULE, add_tickets, ticket

from assist.drafts import generate, get_draft, list_draft_summaries, reject_draft
from assist.drafts.review import edit_draft
from assist.errors import InvalidInputError
from assist.grounding import is_supported
from assist.knowledge import KnowledgeBase
from core.records import REQUIRED_SECTIONS
from ingest.sources import read_paths
from korean.pii import find_pii
from korean.sentences import split_sentences
from storage import add_feedback, save_suggestion

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures
_MARKER = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s+|[-*•]\s+|[QA]\s*:\s*|#{1,6}\s+|고객 문의 예:\s+)(?:[^:]{1,40} 경우:\s+)?"
)


def drafts_by_prefix(kb: KnowledgeBase) -> dict[str, int]:
    """Ticket id prefix ("PU", "DM", ...) -> id of the draft whose tickets have it."""
    out = {}
    for d in list_draft_summaries(kb):
        prefixes = {t.split("-")[0] for t in get_draft(kb, d.id).evidence["ticket_ids"]}
        assert len(prefixes) == 1, prefixes
        out[prefixes.pop()] = d.id
    return out


def test_drafts_are_proposed_for_the_uncovered_topics_only(drafts_kb: KnowledgeBase) -> None:
    result = generate(drafts_kb, CONFIG)
    assert (result.tickets, result.topics, result.gaps) == (19, 3, 2)
    assert len(result.created) == 2 and result.updated == []
    by = drafts_by_prefix(drafts_kb)
    assert set(by) == {"PU", "DM"}  # 비밀번호 재설정 has an article: no draft
    pickup = get_draft(drafts_kb, by["PU"])
    assert pickup.status == "pending" and pickup.size == 6 and pickup.growth == 6
    assert pickup.reasons == ["weak_coverage"] and pickup.coverage is not None and pickup.coverage < 0.5
    assert pickup.title == "편의점 픽업 안내" and pickup.tag == "고객::배송::픽업"
    assert [t.id for t in pickup.tickets] == [f"PU-{n}" for n in range(1, 7)]
    assert pickup.tickets[0].inquiry == PICKUP_Q[0]


def test_every_required_section_is_filled_and_the_markdown_reads_back(
    drafts_kb: KnowledgeBase, tmp_path: Path
) -> None:
    generate(drafts_kb, CONFIG)
    for summary in list_draft_summaries(drafts_kb):
        draft = get_draft(drafts_kb, summary.id)
        assert all(draft.sections.get(k, "").strip() for k in REQUIRED_SECTIONS if k != "title")
        path = tmp_path / f"draft-{draft.id}.md"
        path.write_text(draft.markdown, encoding="utf-8")
        result = read_paths([path])
        [rec] = result.articles
        assert rec.missing == [] and rec.title == draft.title and rec.tag == draft.tag
        assert rec.sections == {k: v for k, v in draft.sections.items() if v}
        assert "담당자: 미지정" in rec.sections["management"] and rec.owner == "미지정"


def test_policy_comes_from_resolutions_or_says_review_needed(drafts_kb: KnowledgeBase) -> None:
    generate(drafts_kb, CONFIG)
    by = drafts_by_prefix(drafts_kb)
    pickup, dark = get_draft(drafts_kb, by["PU"]), get_draft(drafts_kb, by["DM"])
    assert pickup.sections["policy"].splitlines()[0] == (
        "- 편의점 픽업 상품은 도착 후 3일 이내 수령해야 하며, 기간이 지나면 반송됩니다."
    )
    assert pickup.provenance["policy"][0].tickets == [f"PU-{n}" for n in range(1, 7)]
    assert dark.sections["policy"] == "검토 필요: 티켓에서 정책 근거를 찾지 못했습니다."
    assert dark.provenance["policy"][0].kind == "generated"
    steps = pickup.sections["steps"].splitlines()
    assert "도착 문자를 재발송하세요." in "\n".join(steps) and steps[-1].endswith(
        '상담태그 "고객::배송::픽업"을 입력하세요.'
    )
    assert [line.split(". ", 1)[0] for line in steps] == [str(n) for n in range(1, len(steps) + 1)]
    pairs = [line for line in pickup.sections["scripts"].splitlines() if line.startswith("Q: ")]
    assert 2 <= len(pairs) <= 3 and pairs[0] == f"Q: {PICKUP_Q[0]}"


def test_every_sentence_carries_its_provenance(drafts_kb: KnowledgeBase) -> None:
    generate(drafts_kb, CONFIG)
    for summary in list_draft_summaries(drafts_kb):
        draft = get_draft(drafts_kb, summary.id)
        topic = set(draft.evidence["ticket_ids"])
        texts = {t.id: f"{t.inquiry}\n{t.resolution}" for t in draft.tickets}
        bodies = {"title": draft.title, **draft.sections}
        for key, body in bodies.items():
            known = {s.text for s in draft.provenance[key]}
            for line in body.splitlines():
                for sentence in split_sentences(_MARKER.sub("", line)):
                    assert sentence in known, (key, sentence)
            for source in draft.provenance[key]:
                assert source.tickets and set(source.tickets) <= topic, (key, source)
                assert source.kind in ("extracted", "generated")
                if source.kind == "extracted":  # the ticket really says it (endings aside)
                    assert is_supported(source.text, [texts[t] for t in source.tickets], min_support=0.8)


PII = {
    "rrn": "850315-2345678",
    "phone": "010-1234-5678",
    "email": "kim.minji@example.com",
    "card": "4111 1111 1111 1111",
    "account": "국민은행 123456-01-123456",
    "biz": "123-45-67890",
}


def test_no_pii_reaches_a_draft(drafts_kb: KnowledgeBase) -> None:
    values = list(PII.values())
    planted = [  # the pickup tickets again, each with one kind of PII in its inquiry or resolution
        ticket(
            f"PU-{n + 1}",
            f"{q} {values[n]}" if n % 2 else q,
            a if n % 2 else f"{a} ({values[n]})",
            "고객::배송::픽업",
        )
        for n, (q, a) in enumerate(zip(PICKUP_Q, PICKUP_A, strict=True))
    ]
    add_tickets(drafts_kb, planted)  # stored unmasked on purpose: drafts must mask by themselves
    generate(drafts_kb, CONFIG)
    pickup = get_draft(drafts_kb, drafts_by_prefix(drafts_kb)["PU"])
    assert pickup.evidence["ticket_ids"] == [f"PU-{n}" for n in range(1, 7)]
    dumped = json.dumps(pickup.model_dump(mode="json"), ensure_ascii=False)
    for value in PII.values():
        assert value not in dumped
    for text in [pickup.markdown, pickup.title, *pickup.sections.values()] + [
        f"{t.inquiry} {t.resolution}" for t in pickup.tickets
    ]:
        assert find_pii(text) == []
    assert "[주민등록번호]" in dumped and "[카드번호]" in dumped


def test_a_rerun_refreshes_drafts_instead_of_duplicating_them(drafts_kb: KnowledgeBase) -> None:
    first = generate(drafts_kb, CONFIG)
    second = generate(drafts_kb, CONFIG)
    assert second.created == [] and sorted(second.updated) == sorted(first.created)
    assert len(list_draft_summaries(drafts_kb)) == 2
    extra = ticket(
        "PU-7", "편의점 픽업 상품 찾는 법 알려주세요", f"{PICKUP_RULE} 안내했습니다.", "고객::배송::픽업"
    )
    add_tickets(drafts_kb, [extra])
    generate(drafts_kb, CONFIG)
    pickup = get_draft(drafts_kb, drafts_by_prefix(drafts_kb)["PU"])
    assert (pickup.size, pickup.growth) == (7, 1) and "PU-7" in pickup.evidence["ticket_ids"]
    assert list_draft_summaries(drafts_kb)[0].id == pickup.id  # biggest topic first


def test_an_edited_pending_draft_keeps_its_edits_on_a_rerun(drafts_kb: KnowledgeBase) -> None:
    generate(drafts_kb, CONFIG)
    did = drafts_by_prefix(drafts_kb)["DM"]
    edit_draft(drafts_kb, did, {"policy": "다크모드는 앱 3.2 이상에서만 지원합니다."}, author="김검토")
    generate(drafts_kb, CONFIG)
    draft = get_draft(drafts_kb, did)
    assert draft.sections["policy"] == "다크모드는 앱 3.2 이상에서만 지원합니다."
    assert draft.evidence["generated_at"] and len(draft.revisions) == 1


def test_a_rejected_topic_stays_suppressed_until_it_grows_by_the_factor(drafts_kb: KnowledgeBase) -> None:
    generate(drafts_kb, CONFIG)
    did = drafts_by_prefix(drafts_kb)["DM"]
    rejected = reject_draft(drafts_kb, did, "앱 설정 문서로 충분합니다", author="이검토")
    again = generate(drafts_kb, CONFIG)
    assert again.created == [] and again.suppressed == [rejected.topic_id]
    answer = "설정 메뉴의 화면 모드에서 다크모드를 변경하는 방법을 안내드렸습니다."
    more = [
        ticket(f"DM-{n}", f"{q} 다시 문의", answer, "고객::앱::다크모드")
        for n, q in zip((6, 7), DARK_Q, strict=False)
    ]
    add_tickets(drafts_kb, more)  # 7 tickets < 1.5 × 5
    assert generate(drafts_kb, CONFIG).suppressed == [rejected.topic_id]
    add_tickets(drafts_kb, [ticket("DM-8", f"{DARK_Q[2]} 또 문의", answer, "고객::앱::다크모드")])  # 8 >= 7.5
    grown = generate(drafts_kb, CONFIG)
    [new_id] = grown.created
    new = get_draft(drafts_kb, new_id)
    assert new.topic_id == rejected.topic_id and new.status == "pending" and new.size == 8
    assert new.evidence["regrown_from"] == {"draft_id": did, "size": 5}


def test_bad_feedback_makes_a_covered_topic_a_gap(drafts_kb: KnowledgeBase) -> None:
    with drafts_kb.sessions() as session, session.begin():
        for n in range(1, 4):
            sid = save_suggestion(session, {"draft": {"text": "…"}}, ticket_id=f"PW-{n}")
            add_feedback(
                session, sid, "rejected" if n < 3 else "edited", edit_distance=0.8 if n == 3 else None
            )
    generate(drafts_kb, CONFIG)
    draft = get_draft(drafts_kb, drafts_by_prefix(drafts_kb)["PW"])
    assert draft.reasons == ["bad_feedback"]
    assert (draft.evidence["feedback_total"], draft.evidence["feedback_bad"]) == (3, 3)


def test_the_window_and_minimum_size(drafts_kb: KnowledgeBase) -> None:
    assert generate(drafts_kb, CONFIG, since="1d").tickets == 0
    assert generate(drafts_kb, CONFIG, since=timedelta(days=7), min_size=7).topics == 0
    with pytest.raises(InvalidInputError, match="since must look like"):
        generate(drafts_kb, CONFIG, since="last week")
