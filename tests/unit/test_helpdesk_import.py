"""Helpdesk imports (`kms ingest --from zendesk|freshdesk|chatwoot|channeltalk PATH`).

The fixtures in tests/data/helpdesk are exports written from each product's public API
documentation: six conversations each (mostly Korean) with internal notes, bot/activity messages,
HTML, quoted replies and PII, plus an ``*_updated`` re-export holding one conversation updated
later and one older copy of another. Stored through the hash embedder on a fresh data dir.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from core.settings import Settings
from ingest.sources.helpdesk import PRODUCTS, HelpdeskRead, import_helpdesk, read_export, strip_quoted
from ingest.sources.helpdesk.conversation import clean_text, stored_updated_at, substantive
from ingest.sources.helpdesk.freshdesk import rating_to_csat
from storage import TicketRow, open_db

DATA = Path(__file__).resolve().parents[1] / "data" / "helpdesk"
FIXTURES = {
    "zendesk": ("zendesk_tickets.json", "zendesk_tickets_updated.json"),
    "freshdesk": ("freshdesk_tickets.json", "freshdesk_tickets_updated.json"),
    "chatwoot": ("chatwoot_conversations.json", "chatwoot_conversations_updated.jsonl"),
    "channeltalk": ("channeltalk_userchats.json", "channeltalk_userchats_updated.json"),
}
# (ticket id, inquiry contains, resolution contains, status, tags, channel, csat)
Case = tuple[str, str, str, str, list[str] | None, str, float | None]
EXPECTED: dict[str, list[Case]] = {
    "zendesk": [
        ("zendesk-1001", "환불이 언제 되는지", "3~5영업일", "resolved", ["환불", "카드결제"], "email", 5.0),
        ("zendesk-1003", "재설정 메일이 안 와요", "스팸함", "closed", ["계정", "비밀번호"], "chat", 1.0),
        ("zendesk-1004", "change the delivery address", "Change address", "resolved", None, "email", None),
        ("zendesk-1006", "쿠폰", "", "open", ["쿠폰"], "web", None),
    ],
    "freshdesk": [
        ("freshdesk-2001", "두 번 승인", "자동 취소", "resolved", ["중복결제", "환불"], "email", 5.0),
        ("freshdesk-2002", "적립금이 갑자기", "1년이 지나면", "closed", ["적립금"], "portal", 1.0),
        ("freshdesk-2004", "재가입", "", "pending", ["상담요청"], "phone", None),
        (
            "freshdesk-2006",
            "참고로 출고 전입니다",
            "배송지 변경",
            "resolved",
            ["배송지변경"],
            "feedback_widget",
            3.0,
        ),
    ],
    "chatwoot": [
        (
            "chatwoot-301",
            "환불이 안 들어왔어요",
            "3~5일 후",
            "resolved",
            ["환불", "결제취소"],
            "web_widget",
            5.0,
        ),
        ("chatwoot-302", "운송장 번호는", "택배사에 확인", "open", ["배송"], "whatsapp", None),
        ("chatwoot-303", "이메일 주소를 바꾸고", "회원정보 수정", "resolved", ["회원정보"], "email", 4.0),
        ("chatwoot-305", "영업시간", "", "pending", ["봇응대"], "api", None),
    ],
    "channeltalk": [
        (
            "channeltalk-uc-5e65fa8b01",
            "카카오페이로 결제한",
            "카카오페이 머니",
            "closed",
            ["환불", "카카오페이"],
            "app",
            None,
        ),
        (
            "channeltalk-uc-5e65fa8b03",
            "메일은",
            "- 회원 탈퇴 > 본인 인증",
            "closed",
            ["회원", "탈퇴"],
            "app",
            None,
        ),
        (
            "channeltalk-uc-5e65fa8b05",
            "재입고",
            "확인 후 알려드리겠습니다",
            "pending",
            ["재입고"],
            "app",
            None,
        ),
        (
            "channeltalk-uc-5e65fa8b06",
            "한도 초과",
            "정상 완료된 것 확인",
            "closed",
            ["결제오류"],
            "app",
            None,
        ),
    ],
}
# text of internal notes, bot and activity messages: never in an inquiry or a resolution
NEVER = ["카드사 매입 취소", "회수 기사 배정", "[자동 안내]", "도움이 될 수 있습니다", "PG사 확인", "법무팀",
         "Sent the PDF", "전표 번호", "customer seemed", "바로봇", "Conversation was", "만족도 조사",
         "카카오페이 취소 건", "VIP customer", "상담원을 연결", "평가를 남겨"]  # fmt: skip
QUOTES = ["님이 작성", "Original Message", "wrote:", "From:", "<p>", "<div", "<b>", "**", "&gt;"]


def _read(product: str, which: int = 0) -> HelpdeskRead:
    return read_export(product, [DATA / FIXTURES[product][which]])


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_record_of_each_fixture_becomes_a_ticket(product: str) -> None:
    for which in (0, 1):
        result = _read(product, which)
        assert result.issues == []
        assert len(result.items) == result.records and result.failed == 0
    assert _read(product).records >= 6


@pytest.mark.parametrize("product", PRODUCTS)
def test_inquiry_resolution_status_tags_channel_csat(product: str) -> None:
    tickets = {item.ticket.ticket_id: item.ticket for item in _read(product).items}
    for ticket_id, inquiry, resolution, status, tags, channel, csat in EXPECTED[product]:
        ticket = tickets[ticket_id]
        assert inquiry in ticket.inquiry, ticket_id
        assert resolution in ticket.resolution if resolution else ticket.resolution == "", ticket_id
        assert (ticket.status, ticket.channel, ticket.csat) == (status, channel, csat), ticket_id
        assert tags is None or ticket.tags == tags
        assert ticket.created_at is not None and ticket.created_at.tzinfo is not None
        assert (ticket.resolved_at is not None) == (status in ("resolved", "closed") and bool(resolution))


@pytest.mark.parametrize("product", PRODUCTS)
def test_notes_bots_html_and_quotes_never_reach_the_ticket(product: str) -> None:
    for which in (0, 1):
        for item in _read(product, which).items:
            text = item.ticket.inquiry + "\n" + item.ticket.resolution
            assert not [s for s in NEVER if s in text], item.ticket.ticket_id
            assert not [s for s in QUOTES if s in text], (item.ticket.ticket_id, text)


def test_the_agents_last_public_reply_is_the_resolution_even_before_a_later_note() -> None:
    tickets = {i.ticket.ticket_id: i.ticket for i in _read("zendesk").items}
    assert tickets["zendesk-1005"].resolution.startswith("오세훈 고객님, 교환 신청이 접수")
    assert "테헤란로" not in tickets["zendesk-1005"].resolution  # the internal note that came after it


def test_a_closing_courtesy_reply_does_not_replace_the_answer() -> None:
    tickets = {i.ticket.ticket_id: i.ticket for i in _read("channeltalk").items}
    resolution = tickets["channeltalk-uc-5e65fa8b06"].resolution
    assert "카드사 한도 문제로 보입니다" in resolution  # the answer, then "다행입니다! … 좋은 하루 보내세요."
    assert resolution.endswith("좋은 하루 보내세요.")
    assert substantive("카드사 한도 문제로 보입니다.") and not substantive("다행입니다! 좋은 하루 보내세요.")


def test_quoted_tails_are_cut() -> None:
    assert (
        strip_quoted("네 감사합니다.\n\nOn Mon, Mar 2, 2026 at 9:00 AM Kim <a@b.com> wrote:\n> 이전")
        == "네 감사합니다.\n"
    )
    assert (
        strip_quoted("확인했어요\n2026년 3월 2일 (월) 오전 10:12, 김민수 <x@y.com>님이 작성:\n이전 내용")
        == "확인했어요"
    )
    assert strip_quoted("좋아요\n-----Original Message-----\nFrom: a") == "좋아요"
    assert strip_quoted("좋아요\n----- 원본 메시지 -----\n보낸 사람: a") == "좋아요"
    assert strip_quoted("답장\n> 인용된 줄") == "답장"
    assert clean_text("<p>본문 <b>강조</b></p><blockquote>인용</blockquote>", html=True) == "본문 강조"


def test_scores_and_source_times() -> None:
    assert [rating_to_csat(v) for v in (103, 102, 101, 100, -101, -103, 5, None)] == [
        5.0, 4.33, 3.67, 3.0, 2.33, 1.0, None, None,
    ]  # fmt: skip
    item = _read("zendesk").items[0]
    assert stored_updated_at(item.ticket.source) == item.updated_at
    assert stored_updated_at("tickets.csv#3") is None


def _rows(settings: Settings) -> dict[str, TicketRow]:
    factory = open_db(settings)
    try:
        with factory() as session:
            return {row.id: row for row in session.scalars(select(TicketRow))}
    finally:
        factory.kw["bind"].dispose()


PII = re.compile(r"01[016789][- ]?\d{3,4}[- ]?\d{4}|\+8210\d{8}|[\w.]+@example\.(com|net|org|co\.kr)")


@pytest.mark.parametrize("product", PRODUCTS)
def test_import_masks_pii_and_is_incremental(product: str, settings: Settings) -> None:
    first, updated = DATA / FIXTURES[product][0], DATA / FIXTURES[product][1]
    report = import_helpdesk([first], product, settings)
    assert report.ok and report.tickets["created"] == 6 and report.index_folder
    assert sum(report.masked.values()) > 0
    rows = _rows(settings)
    assert len(rows) == 6
    for row in rows.values():
        stored = " ".join([row.inquiry, row.resolution, row.subject, row.customer_ref or "", *row.tags])
        assert not PII.search(stored), stored
    assert any(row.is_knowledge for row in rows.values())

    again = import_helpdesk([first], product, settings)  # the same export: nothing changes
    assert dict(again.tickets) == {"unchanged": 6} and again.index_folder is None
    assert {r.id: (r.content_hash, r.ingested_at) for r in _rows(settings).values()} == {
        r.id: (r.content_hash, r.ingested_at) for r in rows.values()
    }

    newer = import_helpdesk([updated], product, settings)  # one conversation updated, one older copy
    assert dict(newer.tickets) == {"updated": 1, "skipped": 1} and newer.index_folder
    after = _rows(settings)
    changed = [tid for tid in after if after[tid].content_hash != rows[tid].content_hash]
    assert len(changed) == 1
    assert after[changed[0]].resolution and after[changed[0]].resolution != rows[changed[0]].resolution
    assert after[changed[0]].status in ("resolved", "closed") and after[changed[0]].is_knowledge
    for tid in set(after) - set(changed):  # the older copy left the newer ticket as it was
        assert after[tid].content_hash == rows[tid].content_hash

    both = import_helpdesk([first, updated], product, settings)
    assert dict(both.tickets) == {"unchanged": 6, "skipped": 2}


def _malformed(tmp_path: Path) -> Path:
    data = json.loads((DATA / FIXTURES["zendesk"][0]).read_text(encoding="utf-8"))
    good = data["tickets"]
    broken_status = dict(good[1], status="archived")
    no_id = {k: v for k, v in good[2].items() if k != "id"}
    bad_comments = dict(good[3], comments="not a list")
    bad_time = dict(good[4], updated_at="어제")
    no_customer = dict(good[5], comments=[dict(good[5]["comments"][0], body="", html_body="", plain_body="")])
    data["tickets"] = [good[0], broken_status, no_id, "oops", bad_comments, bad_time, no_customer]
    path = tmp_path / "zendesk_broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_malformed_record_is_reported_and_the_rest_imported(tmp_path: Path, settings: Settings) -> None:
    path = _malformed(tmp_path)
    report = import_helpdesk([path], "zendesk", settings)
    assert report.tickets["created"] == 1 and report.tickets["failed"] == 6
    lines = [str(issue) for issue in report.errors]
    assert len(lines) == 6 and all(str(path) in line and "\n" not in line for line in lines)
    assert "record #2 (id 1002)" in lines[0] and "[status]" in lines[0] and "archived" in lines[0]
    assert "record #3" in lines[1] and "[id]" in lines[1]
    assert "record #4" in lines[2] and "expected a JSON object" in lines[2]
    assert "[comments]" in lines[3] and "[updated_at]" in lines[4] and "'어제'" in lines[4]
    assert "no customer message" in lines[5]
    assert set(_rows(settings)) == {"zendesk-1001"}


def test_a_file_that_is_not_the_products_export_is_one_error(settings: Settings) -> None:
    report = import_helpdesk([DATA / FIXTURES["freshdesk"][0]], "channeltalk", settings)
    assert not report.ok and not report.tickets and report.index_folder is None
    assert len(report.errors) == 1 and "not a channeltalk export" in str(report.errors[0])


# --- the CLI ------------------------------------------------------------------------------------
cli_app = importlib.import_module("assist.cli.app")


def _kms(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["kms", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli_app.main()
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    monkeypatch.delenv("KMS_AUTH", raising=False)
    return tmp_path / "kms"


def test_cli_imports_each_product_end_to_end(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for product, (first, _) in FIXTURES.items():
        code, out, err = _kms(monkeypatch, capsys, "ingest", "--from", product, str(DATA / first))
        assert code == 0, err
        assert "티켓 (tickets): 6 new" in out and "Traceback" not in out + err
    code, out, _ = _kms(
        monkeypatch, capsys, "ingest", "--from", "zendesk", str(DATA / FIXTURES["zendesk"][1])
    )
    assert code == 0 and "티켓 (tickets): 1 updated, 1 skipped" in out
    code, out, _ = _kms(monkeypatch, capsys, "stats", "--json")
    assert json.loads(out)["database"]["tickets"] == 24
    code, out, _ = _kms(monkeypatch, capsys, "search", "카카오페이 환불", "--type", "ticket", "--json")
    assert code == 0 and json.loads(out)[0]["doc_id"] == "ticket:channeltalk-uc-5e65fa8b01"

    code, out, err = _kms(monkeypatch, capsys, "ingest", "--from", "zendesk", str(_malformed(tmp_path)))
    assert code == 1 and "Traceback" not in out + err
    assert "record #2 (id 1002)" in err and "6 error(s), listed above; the rest was ingested" in err
    assert "1 unchanged, 6 failed" in out


def test_cli_rejects_an_unknown_product_and_mixed_options(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(DATA / FIXTURES["zendesk"][0])

    def flat(text: str) -> str:  # the usage error is drawn in a box
        return " ".join(text.replace("│", " ").split())

    code, _, err = _kms(monkeypatch, capsys, "ingest", "--from", "intercom", path)
    assert (
        code == 2
        and "--from must be one of zendesk, freshdesk, chatwoot, channeltalk, not 'intercom'" in flat(err)
    )
    code, _, err = _kms(monkeypatch, capsys, "ingest", "--from", "zendesk", "--column", "inquiry=q", path)
    assert code == 2 and "--kind and --column do not apply" in flat(err)
    code, out, err = _kms(monkeypatch, capsys, "ingest", "--from", "ZenDesk", "--json", path)
    assert code == 0 and json.loads(out)["tickets"] == {"created": 6}
    code, out, err = _kms(monkeypatch, capsys, "ingest", "--from", "zendesk", str(data_dir / "nope.json"))
    assert code == 2 and "no such file or folder" in err and "Traceback" not in err
