"""Support tickets from CSV/TSV/JSONL/JSON: column mapping, overrides, bad values, encodings."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from ingest.sources import read_paths

DEFAULT_CSV = Path(__file__).parent.parent / "data" / "sources" / "tickets_default.csv"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_default_columns(tmp_path: Path) -> None:
    path = DEFAULT_CSV
    result = read_paths([path])
    assert result.issues == []
    assert result.articles == []
    first, second = result.tickets
    assert first.ticket_id == "T-1"
    assert first.subject == "결제 오류"
    assert first.inquiry == "카드 결제가 안 돼요"
    assert first.resolution == "다른 카드로 결제 안내"
    assert first.status == "closed"
    assert first.tags == ["결제", "카드", "오류"]
    assert first.channel == "chat"
    assert first.created_at == datetime(2026, 9, 1, 10, 0)
    assert first.resolved_at == datetime(2026, 9, 1, 10, 30)
    assert first.csat == 4.5
    assert first.customer_ref == "C-9"
    assert first.source == f"{path}#1"
    assert first.line == 2
    # statuses are not filtered here; empty cells stay empty
    assert second.status == "open"
    assert second.resolution == ""
    assert second.tags == []
    assert second.created_at == datetime(2026, 9, 2)
    assert second.csat == 5.0
    assert second.customer_ref is None


def test_alias_columns_question_answer_and_generated_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path / "faq.csv", "question,answer\n비밀번호를 잊었어요,재설정 링크 안내\n배송은 언제?,2일 이내\n"
    )
    result = read_paths([path])
    assert result.issues == []
    assert [(t.ticket_id, t.inquiry, t.resolution, t.status) for t in result.tickets] == [
        ("faq-1", "비밀번호를 잊었어요", "재설정 링크 안내", "resolved"),
        ("faq-2", "배송은 언제?", "2일 이내", "resolved"),
    ]


def test_korean_columns_tsv(tmp_path: Path) -> None:
    path = write(
        tmp_path / "상담.tsv",
        "번호\t문의내용\t답변\t상태\t상담태그\t만족도\n"
        "7\t배송 지연\t사과 후 안내\t처리완료\t고객::배송|지연\t5\n",
    )
    [ticket] = read_paths([path]).tickets
    assert (ticket.ticket_id, ticket.inquiry, ticket.resolution, ticket.status) == (
        "7",
        "배송 지연",
        "사과 후 안내",
        "처리완료",
    )
    assert ticket.tags == ["고객::배송", "지연"]
    assert ticket.csat == 5.0


def test_header_names_are_trimmed_and_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", " ID , QUESTION ,  Answer\nA1,질문,답\n")
    [ticket] = read_paths([path]).tickets
    assert (ticket.ticket_id, ticket.inquiry, ticket.resolution) == ("A1", "질문", "답")


def test_column_override(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv",
        "Case,Customer message,Agent reply,title\n42,앱이 꺼져요,재설치 안내,앱 오류\n",
    )
    result = read_paths(
        [path], ticket_columns={"id": "case", "inquiry": "Customer message", "resolution": "Agent reply"}
    )
    assert result.issues == []
    [ticket] = result.tickets
    assert (ticket.ticket_id, ticket.inquiry, ticket.resolution, ticket.subject) == (
        "42",
        "앱이 꺼져요",
        "재설치 안내",
        "앱 오류",
    )


def test_override_column_wins_over_the_default_name(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "question,detail\n짧은 질문,긴 설명\n")
    [ticket] = read_paths([path], ticket_columns={"inquiry": "detail"}).tickets
    assert ticket.inquiry == "긴 설명"


def test_missing_override_column_is_one_error_and_no_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "question,answer\n질문,답\n질문2,답2\n")
    result = read_paths([path], ticket_columns={"inquiry": "Customer message"})
    assert result.tickets == []
    [issue] = result.issues
    assert (issue.severity, issue.file, issue.field, issue.value) == (
        "error",
        str(path),
        "inquiry",
        "Customer message",
    )
    assert "'Customer message'" in issue.reason
    assert "question, answer" in issue.reason


def test_unknown_override_field_raises_before_reading(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown ticket field 'inqury'.*inquiry"):
        read_paths([tmp_path], ticket_columns={"inqury": "message"})


def test_row_without_inquiry_is_skipped_with_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "id,inquiry,answer\n1,질문,답\n2,  ,답만 있음\n3,질문3,답3\n")
    result = read_paths([path])
    assert [t.ticket_id for t in result.tickets] == ["1", "3"]
    [issue] = result.issues
    assert (issue.severity, issue.file, issue.line, issue.field) == ("error", str(path), 3, "inquiry")


def test_bad_date_and_csat_are_warnings_and_the_row_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "inquiry,created_at,resolved_at,csat\n질문,어제,2026-09-14,매우 좋음\n")
    result = read_paths([path])
    [ticket] = result.tickets
    assert ticket.created_at is None
    assert ticket.resolved_at == datetime(2026, 9, 14)
    assert ticket.csat is None
    assert [(i.severity, i.line, i.field, i.value) for i in result.issues] == [
        ("warning", 2, "created_at", "어제"),
        ("warning", 2, "csat", "매우 좋음"),
    ]


def test_cp949_encoded_csv(tmp_path: Path) -> None:
    text = "번호,문의,답변\n1,카드 결제가 안 돼요,다른 카드로 결제를 안내했습니다\n"
    path = write(tmp_path / "excel.csv", text, encoding="cp949")
    result = read_paths([path])
    assert result.issues == []
    [ticket] = result.tickets
    assert ticket.inquiry == "카드 결제가 안 돼요"
    assert ticket.resolution == "다른 카드로 결제를 안내했습니다"


def test_utf8_bom_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", "\ufeffid,question\n1,질문\n")
    [ticket] = read_paths([path]).tickets
    assert (ticket.ticket_id, ticket.inquiry) == ("1", "질문")


def test_jsonl_tickets_with_lists_numbers_and_mixed_keys(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "question": "질문1", "answer": "답1", "tags": ["결제", " 카드 "], "csat": 4},
        {"ticket_id": "X", "문의": "질문2", "답변": "답2", "tags": "a|b"},
        {"question": "질문3", "created_at": "2026-09-14T10:00:00+09:00"},
    ]
    path = write(tmp_path / "t.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    result = read_paths([path])
    assert result.issues == []
    one, two, three = result.tickets
    assert (one.ticket_id, one.tags, one.csat) == ("1", ["결제", "카드"], 4.0)
    assert (two.ticket_id, two.inquiry, two.resolution, two.tags) == ("X", "질문2", "답2", ["a", "b"])
    assert (three.ticket_id, three.line) == ("t-3", 3)
    assert three.created_at is not None and three.created_at.utcoffset() is not None


def test_json_wrapper_with_tickets_key(tmp_path: Path) -> None:
    data = {"tickets": [{"body": "로그인이 안 돼요", "reply": "비밀번호 재설정 안내"}]}
    path = write(tmp_path / "t.json", json.dumps(data, ensure_ascii=False, indent=1))
    [ticket] = read_paths([path]).tickets
    assert (ticket.inquiry, ticket.resolution, ticket.line) == ("로그인이 안 돼요", "비밀번호 재설정 안내", 3)


def test_file_without_an_inquiry_column(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "id,comment\n1,hello\n")
    result = read_paths([path], kind="tickets")
    assert result.tickets == []
    [issue] = result.issues
    assert (issue.severity, issue.field) == ("error", "inquiry")
    assert "ticket_columns" in issue.reason


def test_status_defaults_to_resolved_only_without_a_status_column(tmp_path: Path) -> None:
    without = write(tmp_path / "a.csv", "question,answer\n질문,답\n")
    with_blank = write(tmp_path / "b.csv", "question,answer,status\n질문,답,\n질문2,답2,open\n")
    assert [t.status for t in read_paths([without]).tickets] == ["resolved"]
    assert [t.status for t in read_paths([with_blank]).tickets] == ["", "open"]


def test_korean_date_headers_and_unmapped_columns_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv",
        "티켓번호,문의내용,답변,접수일시,처리일시,상담원,고객등급\n"
        "K-1,환불 문의,환불 안내,2026-09-01 10:00,2026-09-01 11:30,김상담,VIP\n",
    )
    result = read_paths([path])
    [ticket] = result.tickets
    assert ticket.created_at == datetime(2026, 9, 1, 10, 0)
    assert ticket.resolved_at == datetime(2026, 9, 1, 11, 30)
    [issue] = result.issues
    assert issue.severity == "warning" and issue.field == "columns"
    assert issue.value == "상담원, 고객등급"


def test_date_headers_by_stage_word(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "문의,상담접수일자,최종완료일시\n질문,2026.09.01,2026년 9월 2일\n")
    result = read_paths([path])
    [ticket] = result.tickets
    assert ticket.created_at == datetime(2026, 9, 1)
    assert ticket.resolved_at == datetime(2026, 9, 2)
    assert result.issues == []
