"""Metadata found in article text: consultation tag, last-updated date, owner, validity, language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ingest.sources import parse_article
from ingest.sources.dates import parse_date, parse_datetime
from ingest.sources.metadata import (
    find_owner,
    find_tag,
    find_updated,
    find_validity,
    split_front_matter,
)
from korean.lang import detect_lang


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ('2. 상담태그 "고객::결제::오류"를 입력합니다.', "고객::결제::오류"),
        ("상담 태그: 고객::결제::오류", "고객::결제::오류"),
        ("상담태그는 「고객::환불::요청」 입니다", "고객::환불::요청"),
        ("태그: 고객 :: 배송 :: 지연", "고객::배송::지연"),
        ('Record the consultation tag "customer::payment::card".', "customer::payment::card"),
        ("Consultation tag: customer::refund-request::v2", "customer::refund-request::v2"),
        ("Tag `billing::card_error`", "billing::card_error"),
    ],
)
def test_tag_patterns(text: str, tag: str) -> None:
    assert find_tag(text) == tag


def test_tag_prefers_the_first_text_and_falls_back_to_a_quoted_tag() -> None:
    assert find_tag("상담태그 고객::결제::오류", "상담태그 고객::기타") == "고객::결제::오류"
    assert find_tag("no tag here", "상담태그: 고객::기타") == "고객::기타"
    assert find_tag('1. 티켓에 "고객::결제::오류" 입력') == "고객::결제::오류"
    assert find_tag("std::io is not a tag", "고객::결제") is None
    assert find_tag() is None


def test_article_tag_prefers_the_steps_section() -> None:
    text = (
        '# 가이드\n## 요약\n관련 상담태그: 고객::기타\n## 단계별 절차\n1. 상담태그 "고객::결제::오류" 입력\n'
    )
    record, _ = parse_article(text, file="a.md", default_id="a")
    assert record is not None
    assert record.tag == "고객::결제::오류"


@pytest.mark.parametrize(
    ("management", "updated"),
    [
        ("최종 수정일: 2026-09-14", date(2026, 9, 14)),
        ("- 최종 업데이트 2026.09.14", date(2026, 9, 14)),
        ("**최종 수정일**: 2026/09/14", date(2026, 9, 14)),
        ("최종수정일: 2026년 9월 14일", date(2026, 9, 14)),
        ("Last updated: 2026-09-14", date(2026, 9, 14)),
        ("- Last updated on 2026.9.4", date(2026, 9, 4)),
        (
            "변경 이력\n- 2026-03-01: 최초 작성\n- 2026-09-14: 환불 기간 변경\n- 2026-05-02: 오타",
            date(2026, 9, 14),
        ),
        ("| 2026.01.05 | 작성 |\n| 2026.02.07 | 수정 |", date(2026, 2, 7)),
        ("* **2025-12-31** 정책 반영", date(2025, 12, 31)),
        ("최종 수정일: 2026-09-14\n- 2027-01-01: 예정된 변경", date(2026, 9, 14)),
        ("담당자: 결제팀", None),
        ("유효기간: 2026-01-01 ~ 2026-06-30", None),
        ("최종 수정일: 2026-13-45", None),
    ],
)
def test_updated_date_formats(management: str, updated: date | None) -> None:
    assert find_updated(management) == updated


def test_updated_date_falls_back_to_a_labelled_date_elsewhere() -> None:
    assert find_updated("", fallback="본문\n최종 수정일: 2026-09-14") == date(2026, 9, 14)
    assert find_updated("", fallback="- 2026-09-14: 변경") is None


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("담당자: 결제CX팀 김민수", "결제CX팀 김민수"),
        ("- **담당자**: 결제팀", "결제팀"),
        ("Owner: Payments CX", "Payments CX"),
        ("document owner: billing team", "billing team"),
        ("담당자에게 문의하세요", None),
    ],
)
def test_owner(text: str, owner: str | None) -> None:
    assert find_owner(text) == owner


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("유효기간: 2026-01-01 ~ 2026-06-30", (date(2026, 1, 1), date(2026, 6, 30))),
        ("유효 기간 2026.01.01 - 2026.06.30", (date(2026, 1, 1), date(2026, 6, 30))),
        ("적용 기간: 2026년 1월 1일 ~ 2026년 6월 30일", (date(2026, 1, 1), date(2026, 6, 30))),
        ("Valid: 2026-01-01 to 2026-06-30", (date(2026, 1, 1), date(2026, 6, 30))),
        ("Valid until: 2026-06-30", (None, date(2026, 6, 30))),
        ("유효기간: ~ 2026-06-30", (None, date(2026, 6, 30))),
        ("유효기간: 2026-06-30까지", (None, date(2026, 6, 30))),
        ("유효기간: 2026-01-01 ~", (date(2026, 1, 1), None)),
        ("Valid from: 2026-01-01", (date(2026, 1, 1), None)),
        ("시행일: 2026-01-01", (date(2026, 1, 1), None)),
        ("The link is invalid: 2026-01-01", (None, None)),
        ("유효기간 없음", (None, None)),
    ],
)
def test_validity(text: str, valid: tuple[date | None, date | None]) -> None:
    assert find_validity("설명\n" + text) == valid


def test_article_metadata_from_the_text() -> None:
    text = (
        "# 결제 가이드\n## 정책\n유효기간: 2026-01-01 ~ 2026-06-30\n"
        "## 문서 관리 및 업데이트\n- 2026-03-01: 작성\n- 2026-09-14: 수정\n담당자: 결제팀\n"
    )
    record, _ = parse_article(text, file="a.md", default_id="a")
    assert record is not None
    assert record.updated_at == date(2026, 9, 14)
    assert (record.valid_from, record.valid_until) == (date(2026, 1, 1), date(2026, 6, 30))
    assert record.owner == "결제팀"
    assert record.lang == "ko"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("결제 오류가 발생하면 다음 절차를 따릅니다.", "ko"),
        ("When a card payment fails, follow these steps.", "en"),
        ("카드 결제 오류 (card declined) 안내, https://example.com/very/long/english/path", "ko"),
        ('Record the tag "고객::결제::오류" for every payment failure ticket you handle.', "en"),
        ("", "ko"),
        ("1234 ---", "ko"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_front_matter_split() -> None:
    meta, body, skipped = split_front_matter('---\nid: "KB-1"\ntag: a::b\n# comment\n---\n# 제목\n')
    assert meta == {"id": "KB-1", "tag": "a::b"}
    assert body == "# 제목\n"
    assert skipped == 5


@pytest.mark.parametrize(
    "text", ["---\n\n결제 안내입니다\n---\n", "# 제목\n---\nid: x\n---\n", "---\nid: x\n"]
)
def test_not_front_matter_is_left_alone(text: str) -> None:
    meta, body, skipped = split_front_matter(text)
    assert (meta, body, skipped) == ({}, text, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-09-14", date(2026, 9, 14)),
        ("2026.09.14", date(2026, 9, 14)),
        ("2026/9/4", date(2026, 9, 4)),
        ("2026년 9월 14일", date(2026, 9, 14)),
        ("2026-09-14T10:20:00", date(2026, 9, 14)),
        ("2026-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-09-14 10:20", datetime(2026, 9, 14, 10, 20)),
        ("2026.09.14 10:20:30", datetime(2026, 9, 14, 10, 20, 30)),
        ("2026/09/14", datetime(2026, 9, 14)),
        ("2026년 9월 14일 오후 3:05", datetime(2026, 9, 14, 15, 5)),
        ("2026-09-14 12:00 AM", datetime(2026, 9, 14, 0, 0)),
        ("2026-09-14T10:20:00Z", datetime(2026, 9, 14, 10, 20, tzinfo=UTC)),
        ("2026.09.14 10:20 +09:00", datetime(2026, 9, 14, 10, 20, tzinfo=timezone(timedelta(hours=9)))),
        ("2026-09-14 25:00", None),
        ("14/09/2026", None),
    ],
)
def test_parse_datetime(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected
