"""Splitting templated articles into sections, titles, missing sections, empty documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.records import REQUIRED_SECTIONS, ArticleRecord, IngestIssue
from ingest.sources import parse_article, read_paths, split_sections

FULL_KO = """\
# 제목
결제 오류 해결 가이드

## 요약
카드 결제 오류 문의를 처리하는 방법.

## 목적
결제 실패 문의를 받았을 때 사용합니다.

## 정책
- 환불은 결제일로부터 7일 이내

## 단계별 절차
1. 오류 코드를 확인합니다.
2. 상담태그 "고객::결제::오류"를 입력합니다.

### 결제 실패 시
- 다른 카드로 재시도를 안내합니다.

## 상담 스크립트
Q: 결제가 안 돼요
A: 불편을 드려 죄송합니다.

## 주요 상황 및 해결책
- 한도 초과: 다른 결제 수단 안내

## 참고 자료
- 환불 정책 문서

## 문서 관리 및 업데이트
- 최종 수정일: 2026-09-14
- 담당자: 결제CX팀
"""


def parse(text: str, default_id: str = "doc") -> tuple[ArticleRecord | None, list[IngestIssue]]:
    return parse_article(text, file="doc.md", default_id=default_id, line=1)


def test_full_article_has_every_section_and_no_issue() -> None:
    record, issues = parse(FULL_KO)
    assert issues == []
    assert record is not None
    assert record.title == "결제 오류 해결 가이드"
    assert list(record.sections) == [
        "summary", "purpose", "policy", "steps", "scripts", "situations", "references", "management",
    ]  # fmt: skip
    assert record.missing == []
    assert record.complete
    assert record.article_id == "doc"
    assert record.line == 1


def test_section_bodies_keep_inner_text_without_heading_or_outer_blank_lines() -> None:
    record, _ = parse(FULL_KO)
    assert record is not None
    assert record.sections["steps"] == (
        "1. 오류 코드를 확인합니다.\n"
        '2. 상담태그 "고객::결제::오류"를 입력합니다.\n'
        "\n"
        "### 결제 실패 시\n"
        "- 다른 카드로 재시도를 안내합니다."
    )
    assert record.sections["scripts"] == "Q: 결제가 안 돼요\nA: 불편을 드려 죄송합니다."
    assert "title" not in record.sections


MIXED_STYLES = """\
결제 오류 해결 가이드

**요약**
카드 결제 오류 안내.

1. 목적
결제 실패 문의 대응.

## 4. 정책 요약
환불은 7일 이내.

단계별절차:
1. 오류 코드 확인

__상담 스크립트 (커뮤니케이션 가이드)__
Q: 결제가 안 돼요

4) 주요 상황 및 해결 방법
- 한도 초과

참고 자료 및 연관 문서
- 환불 정책

#### 문서관리 및 업데이트
- 2026-09-14: 최초 작성
"""


def test_mixed_heading_styles_in_one_article() -> None:
    record, issues = parse(MIXED_STYLES)
    assert record is not None
    assert issues == []
    assert record.title == "결제 오류 해결 가이드"
    assert record.sections == {
        "summary": "카드 결제 오류 안내.",
        "purpose": "결제 실패 문의 대응.",
        "policy": "환불은 7일 이내.",
        "steps": "1. 오류 코드 확인",
        "scripts": "Q: 결제가 안 돼요",
        "situations": "- 한도 초과",
        "references": "- 환불 정책",
        "management": "- 2026-09-14: 최초 작성",
    }


ENGLISH = """\
Title: Card payment errors

Summary
What to do when a card payment fails.

Purpose
Use it for payment failure inquiries.

Policy
Refunds within 7 days.

Step-by-step procedure
1. Check the error code.

Consultation scripts
Q: My payment failed.

Main situations and solutions
- Limit exceeded: suggest another card.

References
- Refund policy

Document management and updates
- Last updated: 2026-09-14
"""


def test_english_labels() -> None:
    record, issues = parse(ENGLISH)
    assert record is not None
    assert issues == []
    assert record.title == "Card payment errors"
    assert record.sections["steps"] == "1. Check the error code."
    assert record.lang == "en"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# 제목\n결제 오류 가이드\n\n## 목적\n설명", "결제 오류 가이드"),
        ("# 제목: 결제 오류 가이드\n\n## 목적\n설명", "결제 오류 가이드"),
        ("제목: 결제 오류 가이드\n목적\n설명", "결제 오류 가이드"),
        ("**제목**\n\n결제 오류 가이드\n\n**목적**\n설명", "결제 오류 가이드"),
        ("# 결제 오류 가이드\n\n## 목적\n설명", "결제 오류 가이드"),
        ("결제 오류 가이드\n\n목적\n설명", "결제 오류 가이드"),
        ("\n\n  결제 오류 가이드  \n목적\n설명", "결제 오류 가이드"),
        ("# KMS\n## 제목\n결제 오류 가이드\n## 목적\n설명", "결제 오류 가이드"),
        ("Title\nCard payment errors\n\nPurpose\ntext", "Card payment errors"),
    ],
)
def test_title_variants(text: str, title: str) -> None:
    record, _ = parse(text)
    assert record is not None
    assert record.title == title
    assert "title" not in record.missing


def test_text_before_the_first_section_becomes_the_summary() -> None:
    draft = split_sections("# 결제 가이드\n\n이 문서는 결제 오류를 다룹니다.\n\n## 목적\n설명")
    assert draft.title == "결제 가이드"
    assert draft.sections["summary"] == "이 문서는 결제 오류를 다룹니다."


def test_untemplated_document_is_kept_whole() -> None:
    record, issues = parse("희귀질환자 의료비 지원\n\n지원 대상은 다음과 같다.\n\n신청은 보건소에서 한다.")
    assert record is not None
    assert record.title == "희귀질환자 의료비 지원"
    assert record.sections == {"summary": "지원 대상은 다음과 같다.\n\n신청은 보건소에서 한다."}
    assert record.missing == [key for key in REQUIRED_SECTIONS if key != "title"]
    assert [issue.severity for issue in issues] == ["warning"]


def test_missing_sections_give_a_warning_and_the_article_is_still_returned() -> None:
    text = "# 결제 가이드\n\n## 목적\n설명\n\n## 정책\n\n## 단계별 절차\n1. 확인\n"
    record, issues = parse(text)
    assert record is not None
    assert record.missing == ["policy", "scripts", "situations", "management"]
    assert not record.complete
    assert len(issues) == 1
    issue = issues[0]
    assert issue.severity == "warning"
    assert issue.file == "doc.md"
    assert (
        issue.reason
        == "missing required section(s): 정책, 상담 스크립트, 주요 상황 및 해결책, 문서 관리 및 업데이트"
    )


def test_no_title_anywhere_uses_the_id_and_reports_title_missing() -> None:
    record, issues = parse("## 목적\n설명", default_id="pay-001")
    assert record is not None
    assert record.title == "pay-001"
    assert record.missing[0] == "title"
    assert "제목" in issues[0].reason


@pytest.mark.parametrize(
    "text", ["", "   \n\n  \n", "---\nid: x\n---\n", "# 결제 가이드\n", "# 제목\n\n## 목적\n\n"]
)
def test_document_without_content_is_an_error_and_no_record(text: str) -> None:
    record, issues = parse(text)
    assert record is None
    assert len(issues) == 1
    assert issues[0].severity == "error"
    assert issues[0].file == "doc.md"


def test_repeated_label_is_merged_and_same_label_subheading_stays_content() -> None:
    text = "# 가이드\n## 목적\n하나\n## 정책\n규칙\n## 목적\n둘\n"
    record, _ = parse(text)
    assert record is not None
    assert record.sections["purpose"] == "하나\n\n둘"
    record, _ = parse("# 가이드\n## 상담 스크립트\n### 상담 스크립트 예시\nQ: 안녕\n")
    assert record is not None
    assert record.sections["scripts"] == "### 상담 스크립트 예시\nQ: 안녕"


def test_labels_inside_code_fences_are_content() -> None:
    record, _ = parse("# 가이드\n## 단계별 절차\n```\n## 정책\n```\n")
    assert record is not None
    assert "policy" not in record.sections
    assert record.sections["steps"] == "```\n## 정책\n```"


def test_horizontal_rules_between_sections_are_dropped() -> None:
    record, _ = parse("# 가이드\n## 목적\n설명\n\n---\n\n## 정책\n규칙\n")
    assert record is not None
    assert record.sections["purpose"] == "설명"


def test_front_matter_gives_id_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "payment-guide.md"
    path.write_text(
        "---\nid: KB-17\ntag: 고객::결제::오류\nowner: 결제팀\nlang: ko\n"
        "valid_from: 2026-01-01\nvalid_until: 2026-12-31\n---\n" + FULL_KO,
        encoding="utf-8",
    )
    result = read_paths([path])
    [record] = result.articles
    assert record.article_id == "KB-17"
    assert record.tag == "고객::결제::오류"
    assert record.owner == "결제팀"
    assert str(record.valid_from) == "2026-01-01"
    assert str(record.valid_until) == "2026-12-31"
    assert record.title == "결제 오류 해결 가이드"
    assert record.source == str(path)


def test_bad_front_matter_date_is_a_warning() -> None:
    record, issues = parse("---\nvalid_until: someday\n---\n" + FULL_KO)
    assert record is not None
    assert record.valid_until is None
    assert [(i.severity, i.field, i.value) for i in issues] == [("warning", "valid_until", "someday")]


def test_article_id_defaults_to_the_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "refund-guide.md"
    path.write_text(FULL_KO, encoding="utf-8")
    [record] = read_paths([path]).articles
    assert record.article_id == "refund-guide"


def test_windows_line_endings() -> None:
    record, issues = parse(FULL_KO.replace("\n", "\r\n"))
    assert record is not None
    assert issues == []
    assert record.title == "결제 오류 해결 가이드"
