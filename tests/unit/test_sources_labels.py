"""Section heading recognition: every heading style the KMS template is written in."""

from __future__ import annotations

import pytest

from ingest.sources import match_label, parse_heading


@pytest.mark.parametrize(
    ("line", "key"),
    [
        # Markdown headings
        ("# 제목", "title"),
        ("## 정책", "policy"),
        ("### 단계별 절차", "steps"),
        ("#### 상담 스크립트", "scripts"),
        ("## 정책 ##", "policy"),
        # bold lines
        ("**정책**", "policy"),
        ("__정책__", "policy"),
        ("**목적:**", "purpose"),
        ("**요약**:", "summary"),
        # bare lines, with or without a colon
        ("목적", "purpose"),
        ("정책:", "policy"),
        ("  참고 자료  ", "references"),
        # numbered labels
        ("## 4. 정책 요약", "policy"),
        ("4) 정책", "policy"),
        ("3. 목적", "purpose"),
        ("(5) 단계별 절차", "steps"),
        ("## ① 요약", "summary"),
        # aliases and parentheses
        ("## 상담 스크립트 (커뮤니케이션 가이드)", "scripts"),
        ("커뮤니케이션 가이드", "scripts"),
        ("## 주요 상황 및 해결 방법", "situations"),
        ("주요 상황 및 해결책", "situations"),
        ("## 참고 자료 및 연관 문서", "references"),
        ("정책 요약", "policy"),
        # different spacing
        ("단계별절차", "steps"),
        ("## 문서관리 및 업데이트", "management"),
        ("문서 관리및업데이트", "management"),
        ("상담스크립트", "scripts"),
        # English labels
        ("# Title", "title"),
        ("## Summary", "summary"),
        ("Purpose", "purpose"),
        ("**Policy**", "policy"),
        ("## Step-by-step procedure", "steps"),
        ("## Procedure", "steps"),
        ("Steps:", "steps"),
        ("## Consultation scripts", "scripts"),
        ("Scripts", "scripts"),
        ("## Main situations and solutions", "situations"),
        ("Situations", "situations"),
        ("## References", "references"),
        ("## Document management and updates", "management"),
        ("Document management", "management"),
        ("## 5. STEP BY STEP PROCEDURE", "steps"),
        # a small typo in a heading is tolerated
        ("## 문서 관리 및 업데이투", "management"),
        ("## Consultaion scripts", "scripts"),
        ("## Consultation script", "scripts"),
    ],
)
def test_heading_styles_are_recognised(line: str, key: str) -> None:
    heading = parse_heading(line)
    assert heading is not None, line
    assert heading.key == key
    assert heading.rest == ""


@pytest.mark.parametrize(
    ("line", "key", "rest"),
    [
        ("# 제목: 결제 오류 가이드", "title", "결제 오류 가이드"),
        ("제목: 결제 오류 가이드", "title", "결제 오류 가이드"),
        ("**제목**: 결제 오류 가이드", "title", "결제 오류 가이드"),
        ("**정책:** 환불은 7일 이내", "policy", "환불은 7일 이내"),
        ("Title: Card payment errors", "title", "Card payment errors"),
        ("요약：카드 결제 오류", "summary", "카드 결제 오류"),
    ],
)
def test_label_with_inline_content_keeps_the_rest(line: str, key: str, rest: str) -> None:
    heading = parse_heading(line)
    assert heading is not None
    assert (heading.key, heading.rest) == (key, rest)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "### 결제 실패 시",
        "### 환불 정책 예외",
        "## 결제 오류 해결 가이드",
        "# Card payment errors",
        "환불은 결제일로부터 7일 이내에만 가능합니다.",
        "정책을 먼저 확인하세요",
        "- 정책",
        "* 목적",
        "> 요약",
        "Q: 정책이 뭔가요?",
        "A: 정책은 다음과 같습니다.",
        "1. 오류 코드를 확인합니다.",
        "**중요** 반드시 본인 확인 후 진행",
        "**참고**",
        "고객 정책: 환불은 7일 이내",
        "Refund policy",
        "Check the policy before refunding the customer.",
        "10:00 ~ 18:00 운영",
        "담당자: 김민수",
        "최종 수정일: 2026-09-14",
        "### 예외 사항 (정책)",
        "## 단계 절차: 개요",
    ],
)
def test_content_lines_are_not_headings(line: str) -> None:
    assert parse_heading(line) is None


def test_bare_line_needs_a_closer_match_than_a_heading() -> None:
    # '단계 절차' is close to '단계별 절차': fine as a heading, too loose for a bare line
    assert parse_heading("## 단계 절차") is not None
    assert parse_heading("단계 절차") is None


def test_match_label_accepts_keys_and_labels() -> None:
    assert match_label("policy") == "policy"
    assert match_label("정책") == "policy"
    assert match_label("Consultation scripts") == "scripts"
    assert match_label("상담 스크립트 (커뮤니케이션 가이드)") == "scripts"
    assert match_label("customer message") is None
    assert match_label("") is None
