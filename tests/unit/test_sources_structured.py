"""Articles stored as rows: JSON, JSONL and CSV."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from ingest.sources import read_paths

SECTIONS_KO = {
    "제목": "결제 오류 해결 가이드",
    "목적": "결제 실패 문의 대응",
    "정책": "환불은 7일 이내",
    "단계별 절차": '1. 상담태그 "고객::결제::오류" 입력',
    "상담 스크립트": "Q: 결제가 안 돼요\nA: 죄송합니다.",
    "주요 상황 및 해결책": "- 한도 초과",
    "문서 관리 및 업데이트": "최종 수정일: 2026-09-14",
}
SECTIONS_EN = {
    "id": "KB-2",
    "title": "Card payment errors",
    "purpose": "Payment failures",
    "policy": "Refunds within 7 days",
    "steps": "1. Check the code",
    "scripts": "Q: It failed",
    "situations": "- Limit exceeded",
    "management": "- 2026-09-01: created",
    "tag": "customer::payment::card",
    "owner": "Payments",
    "updated_at": "2026-09-14",
    "valid_until": "2026-12-31",
}
MARKDOWN_BODY = (
    "# 환불 요청 처리\n## 목적\n환불 문의 대응\n## 정책\n7일 이내\n## 단계별 절차\n1. 확인\n"
    "## 상담 스크립트\nQ: 환불\n## 주요 상황 및 해결책\n- 부분 환불\n"
    "## 문서 관리 및 업데이트\n- 2026-08-01: 작성\n"
)


def test_json_list_of_articles_with_korean_and_english_columns(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    path.write_text(json.dumps([SECTIONS_KO, SECTIONS_EN], ensure_ascii=False, indent=2), encoding="utf-8")
    result = read_paths([path])
    assert result.issues == []
    first, second = result.articles
    assert first.title == "결제 오류 해결 가이드"
    assert first.article_id == "kb-1"
    assert first.source == f"{path}#1"
    assert first.line == 2
    assert first.missing == []
    assert first.tag == "고객::결제::오류"
    assert first.updated_at == date(2026, 9, 14)
    assert second.article_id == "KB-2"
    assert second.source == f"{path}#2"
    assert second.line == 11
    assert second.tag == "customer::payment::card"
    assert second.owner == "Payments"
    assert second.updated_at == date(2026, 9, 14)
    assert second.valid_until == date(2026, 12, 31)
    assert second.lang == "en"
    assert second.sections["steps"] == "1. Check the code"


def test_json_object_wrapping_articles(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    path.write_text(
        json.dumps({"articles": [{"title": "환불", "content": MARKDOWN_BODY}]}, ensure_ascii=False)
    )
    [record] = read_paths([path]).articles
    assert record.title == "환불"
    assert record.missing == []
    assert record.updated_at == date(2026, 8, 1)


def test_jsonl_body_is_parsed_with_the_template_and_columns_win(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    rows = [
        {"id": "R-1", "body": MARKDOWN_BODY},
        {"id": "R-2", "본문": MARKDOWN_BODY, "정책": "14일 이내", "상담태그": "고객::환불"},
    ]
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    result = read_paths([path])
    assert result.issues == []
    first, second = result.articles
    assert first.title == "환불 요청 처리"
    assert first.sections["policy"] == "7일 이내"
    assert first.missing == []
    assert second.sections["policy"] == "14일 이내"
    assert second.tag == "고객::환불"
    assert (first.line, second.line) == (1, 2)


def test_malformed_jsonl_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    good = json.dumps(SECTIONS_KO, ensure_ascii=False)
    path.write_text(f'{good}\n\n{{"제목": broken\n[1, 2]\n{{}}\n{good}\n', encoding="utf-8")
    result = read_paths([path])
    assert [a.source for a in result.articles] == [f"{path}#1", f"{path}#5"]
    assert [a.line for a in result.articles] == [1, 6]
    assert [(i.severity, i.file, i.line) for i in result.issues] == [
        ("error", str(path), 3),
        ("error", str(path), 4),
        ("error", str(path), 5),
    ]
    assert "malformed JSON" in result.issues[0].reason
    assert "not an object" in result.issues[1].reason
    assert "no title and no content" in result.issues[2].reason


def test_csv_articles(tmp_path: Path) -> None:
    path = tmp_path / "kb.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[" Title ", "Policy", "Steps", "최종 수정일", "owner"])
        writer.writeheader()
        writer.writerow(
            {" Title ": "환불", "Policy": "7일\n이내", "Steps": "1. 확인", "최종 수정일": "2026.09.14"}
        )
        writer.writerow({" Title ": "", "Policy": "", "Steps": "", "최종 수정일": "", "owner": "CX"})
        writer.writerow({})  # a blank row is skipped silently
        writer.writerow(
            {" Title ": "배송", "Policy": "3일", "Steps": "", "최종 수정일": "언젠가", "owner": "물류팀"}
        )
    result = read_paths([path], kind="articles")
    refund, delivery = result.articles
    assert refund.sections == {"policy": "7일\n이내", "steps": "1. 확인"}
    assert refund.updated_at == date(2026, 9, 14)
    assert refund.missing == ["purpose", "scripts", "situations", "management"]
    assert (refund.line, delivery.line) == (2, 6)  # the refund row's policy cell spans lines 2-3
    assert delivery.owner == "물류팀"
    assert delivery.updated_at is None
    reasons = [(i.severity, i.line, i.field) for i in result.issues]
    assert reasons == [
        ("warning", 2, None),  # refund: missing sections
        ("error", 4, None),  # the row with neither title nor content
        ("warning", 6, "updated_at"),  # bad date value
        ("warning", 6, None),  # delivery: missing sections
    ]
    assert result.issues[2].value == "언젠가"


def test_row_with_title_only_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    path.write_text('{"title": "빈 문서", "policy": ""}\n', encoding="utf-8")
    result = read_paths([path], kind="articles")
    assert result.articles == []
    assert [(i.severity, i.line) for i in result.issues] == [("error", 1)]


def test_malformed_json_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    path.write_text('[\n{"title": "a"},\n{"title": }\n]', encoding="utf-8")
    result = read_paths([path])
    assert result.articles == []
    assert [(i.severity, i.file, i.line) for i in result.issues] == [("error", str(path), 3)]


def test_title_column_with_a_body(tmp_path: Path) -> None:
    path = tmp_path / "kb.jsonl"
    rows = [
        {"title": "환불", "body": "환불은 7일 이내입니다.\n\n## 목적\n설명"},
        {"title": "환불 (개정)", "body": "# 환불 요청 처리\n도입부\n## 목적\n설명"},
    ]
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    plain, headed = read_paths([path], kind="articles").articles
    assert plain.title == "환불"
    assert plain.sections["summary"] == "환불은 7일 이내입니다."
    assert headed.title == "환불 (개정)"
    assert headed.sections["summary"] == "도입부"


def test_json_list_without_objects_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "names.json"
    path.write_text(json.dumps(["a", "b", "c"]), encoding="utf-8")
    result = read_paths([path])
    assert [(i.severity, i.file, i.line) for i in result.issues] == [("error", str(path), None)]
    assert "no objects" in result.issues[0].reason
