"""The text side of drafts: resolution phrasing, policy/steps extraction, keywords, rendering."""

from __future__ import annotations

from datetime import date

import numpy as np

from assist.drafts.config import DraftSettings
from assist.drafts.keywords import DocFreq, keywords, noun_tokens, title_for
from assist.drafts.lines import make_line, provenance, section_markdown
from assist.drafts.mining import Cluster
from assist.drafts.phrasing import Said, clauses, read_resolution, statements, to_statement
from assist.drafts.policy import (
    NO_POLICY,
    NO_STEPS,
    is_action,
    object_particle,
    policy_lines,
    rule_score,
    step_lines,
)
from assist.drafts.render import guard_line, render_markdown, to_record
from assist.drafts.review import updated_management
from assist.drafts.topics import match_topics, topic_key
from core.records import REQUIRED_SECTIONS
from storage import TopicRow


def test_reported_speech_becomes_a_direct_statement() -> None:
    assert (
        to_statement("리뷰는 작성 후 7일 이내 1회 수정 가능하다고 안내드렸고")
        == "리뷰는 작성 후 7일 이내 1회 수정 가능합니다."
    )
    assert (
        to_statement("단순변심이면 왕복 배송비가 차감된다고 말씀드렸습니다.")
        == "단순변심이면 왕복 배송비가 차감됩니다."
    )
    assert to_statement("쿠폰은 중복 사용이 불가라고 안내했습니다") == "쿠폰은 중복 사용이 불가입니다."
    assert to_statement("상담원이 변경 요청을 등록했습니다.") == "상담원이 변경 요청을 등록합니다."
    assert to_statement("확인 후 안내 예정") == "확인 후 안내 예정."
    assert to_statement("We refunded the order.") == "We refunded the order."


def test_a_resolution_is_cut_at_past_tense_seams() -> None:
    text = "결제일로부터 90일 이내라 직접 신청 가능하다고 안내드렸고 발급 완료를 확인했습니다."
    assert clauses(text) == [
        "결제일로부터 90일 이내라 직접 신청 가능하다고 안내드렸고",
        "발급 완료를 확인했습니다.",
    ]
    assert statements(text) == ["결제일로부터 90일 이내라 직접 신청 가능합니다.", "발급 완료를 확인합니다."]


def test_rules_and_actions() -> None:
    assert rule_score("보관 기간은 도착 후 3일 이내입니다.") >= 2
    assert rule_score("도착 문자를 재발송합니다.") < 2
    assert is_action("도착 문자를 재발송합니다.")
    assert not is_action("불편을 드려 죄송합니다.")


def _said(resolutions: dict[str, str]) -> dict[str, list[Said]]:
    return {ticket: read_resolution(text) for ticket, text in resolutions.items()}


def test_policy_says_review_needed_when_no_resolution_states_a_rule() -> None:
    said = _said(
        {"T-1": "설정 메뉴에서 화면 모드를 변경하는 방법을 안내드렸습니다.", "T-2": "앱을 다시 설치했습니다."}
    )
    [line], left = policy_lines(said, ["T-1", "T-2"])
    assert line.text == NO_POLICY and line.kind == "generated" and line.tickets == ("T-1", "T-2")
    assert NO_POLICY.startswith("검토 필요: 티켓에서 정책 근거를 찾지 못했습니다")
    assert left == []


def test_policy_keeps_rules_two_tickets_state_and_notes_the_others() -> None:
    said = _said(
        {
            "T-1": "픽업 상품은 도착 후 3일 이내 수령해야 한다고 안내드렸습니다.",
            "T-2": "픽업 상품은 도착 후 3일 이내에 수령해야 합니다.",
            "T-3": "무료 반품은 수령 후 7일 이내만 가능하다고 안내했습니다.",
        }
    )
    lines, left = policy_lines(said, list(said))
    assert [line.tickets for line in lines] == [("T-1", "T-2")]
    assert all(line.prefix == "- " and line.kind == "extracted" for line in lines)
    assert left == ["무료 반품은 수령 후 7일 이내만 가능합니다. (T-3)"]
    # an existing article stating the rule is as good as a second ticket
    lines, _ = policy_lines(said, list(said), lambda text: "무료 반품" in text)
    assert len(lines) == 2


def test_steps_are_instructions_in_resolution_order_with_the_tag_last() -> None:
    said = _said(
        {
            "T-1": "주문 상태를 확인했고, 도착 문자를 재발송했습니다.",
            "T-2": "주문 상태를 확인했고 도착 문자를 재발송해 드렸습니다.",
        }
    )
    lines = step_lines(said, ["T-1", "T-2"], "고객::배송::픽업", ["T-2"])
    assert [line.markdown for line in lines] == [
        "1. 주문 상태를 확인하세요.",
        "2. 도착 문자를 재발송하세요.",
        '3. 상담태그 "고객::배송::픽업"을 입력하세요.',
    ]
    assert lines[-1].tickets == ("T-2",) and lines[-1].kind == "generated"
    assert step_lines({}, ["T-1"], None, [])[0].text == NO_STEPS
    assert object_particle("고객::앱::다크모드") == "를"
    assert object_particle("customer::refund") == "를"


def test_keywords_rise_when_they_set_the_topic_apart() -> None:
    background = noun_tokens(["편의점 픽업 문의", "편의점 픽업 기간", "배송 문의", "배송 지연", "환불 문의"])
    freq = DocFreq(background)
    words = keywords(background[:2], freq, k=2)
    assert set(words) == {"편의점", "픽업"}
    assert title_for(["픽업", "편의점"], ["편의점", "픽업", "기간"]) == "편의점 픽업 문의 처리 가이드"
    assert title_for([], []) == "반복 문의 처리 가이드"


def test_lines_mask_pii_and_give_provenance_per_sentence() -> None:
    line = make_line("연락처 010-1234-5678로 안내했습니다. 다시 확인합니다.", ["T-1", "T-1"], prefix="- ")
    assert "010-1234-5678" not in line.text and line.tickets == ("T-1",)
    assert section_markdown([line]) == "- 연락처 [전화번호]로 안내했습니다. 다시 확인합니다."
    assert [p["text"] for p in provenance([line])] == [
        "연락처 [전화번호]로 안내했습니다.",
        "다시 확인합니다.",
    ]


def test_content_that_looks_like_a_section_label_is_escaped() -> None:
    assert guard_line("정책") == "- 정책"
    assert guard_line("### 정책") == "### 상황: 정책"
    assert guard_line("1. 주문 상태를 확인합니다.") == "1. 주문 상태를 확인합니다."


def test_rendered_markdown_reads_back_as_a_complete_article() -> None:
    sections = {
        key: "정책" if key == "policy" else f"{key} 내용입니다."
        for key in REQUIRED_SECTIONS
        if key != "title"
    }
    rec = to_record(render_markdown("픽업 안내", sections), article_id="KB-D-9", source="drafts/9")
    assert rec.title == "픽업 안내" and rec.missing == [] and rec.article_id == "KB-D-9"
    assert rec.sections["policy"] == "- 정책"


def test_management_gets_date_owner_and_a_change_log_entry() -> None:
    body = "최종 수정일: 2026-10-06\n담당자: 결제CX팀\n- 2026-10-06: 기준 추가\n- 2025-09-02: 최초 작성"
    new = updated_management(body, date(2026, 11, 23), "초안 #3 병합", owner="정산팀")
    assert new.splitlines() == [
        "최종 수정일: 2026-11-23",
        "담당자: 정산팀",
        "- 2026-11-23: 초안 #3 병합",
        "- 2026-10-06: 기준 추가",
        "- 2025-09-02: 최초 작성",
    ]
    assert updated_management("", date(2026, 1, 2), "생성").splitlines() == [
        "최종 수정일: 2026-01-02",
        "- 2026-01-02: 생성",
    ]


def test_clusters_continue_stored_topics_by_overlap_then_centroid() -> None:
    def unit(*xs: float) -> np.ndarray:
        v = np.asarray(xs, dtype=np.float32)
        return v / np.linalg.norm(v)

    old = [
        TopicRow(key="a", member_ids=["T-1", "T-2", "T-3"], centroid=[1.0, 0.0, 0.0]),
        TopicRow(key="b", member_ids=["T-7", "T-8"], centroid=[0.0, 1.0, 0.0]),
        TopicRow(key="c", member_ids=["T-9"], centroid=[0.0, 0.0, 1.0]),
    ]
    clusters = [
        Cluster(
            rows=[0, 1], ids=["T-2", "T-3", "T-4"], centroid=unit(0.0, 0.0, 1.0), medoid=0
        ),  # overlap with a
        Cluster(rows=[2], ids=["T-20"], centroid=unit(0.01, 1.0, 0.0), medoid=2),  # centroid of b
        Cluster(rows=[3], ids=["T-30"], centroid=unit(1.0, 1.0, 0.0), medoid=3),  # neither
    ]
    matched = match_topics(clusters, old, DraftSettings())
    assert {i: t.key for i, t in matched.items()} == {0: "a", 1: "b"}
    assert topic_key(["T-2", "T-1"]) == topic_key(["T-1", "T-2"]) != topic_key(["T-1"])
