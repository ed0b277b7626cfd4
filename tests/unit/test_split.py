"""Sentence splitting and chunking of articles and tickets."""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import pairwise

import pytest

from core.masking import mask_record_article, mask_record_ticket
from core.records import SECTION_LABELS_EN, SECTION_LABELS_KO, ArticleRecord, TicketRecord
from core.types import Chunk
from ingest.split import ScriptPair, chunk_article, chunk_ticket, parse_script_pairs, split_text
from korean.pii import find_pii
from korean.sentences import get_kiwi, sentence_spans, split_sentences

SCRIPTS = """다음 문구를 상황에 맞게 사용하세요.
### 환불 문의
Q: 환불은 언제 되나요?
A: 영업일 기준 3~5일 이내 환불됩니다.
카드사 사정에 따라 지연될 수 있습니다.
- Q. 부분 환불도 되나요?
- A. 네, 가능합니다.
### 배송 문의
고객: 배송이 안 와요
상담사: 불편을 드려 죄송합니다. 바로 확인하겠습니다.
질문: 주소 변경이 가능한가요?
답변: 출고 전에는 가능합니다.
"""


def article(**overrides: object) -> ArticleRecord:
    fields: dict[str, object] = {
        "article_id": "KB-001",
        "title": "환불 처리 가이드",
        "sections": {
            "summary": "환불 요청을 처리하는 방법을 설명합니다.",
            "purpose": "고객이 환불을 요청했을 때 사용합니다.",
            "policy": "구매 후 7일 이내 환불 가능합니다.",
            "steps": "1. 주문번호 확인\n2. 결제 수단 확인\n3. 환불 접수",
            "scripts": SCRIPTS,
            "situations": "   ",
            "references": "KB-003, KB-004",
            "management": "2026-01-05: 최초 작성 (담당: 고객지원팀)",
        },
        "source": "kb/KB-001.md",
        "tag": "고객::환불::요청",
        "updated_at": date(2026, 1, 5),
        "valid_until": date(2026, 12, 31),
        "missing": ["situations"],
    }
    fields.update(overrides)
    return ArticleRecord(**fields)  # type: ignore[arg-type]


# --- sentences -----------------------------------------------------------------------------
def test_split_sentences_korean() -> None:
    text = "환불은 7일 이내 가능합니다. 단, 사용한 상품은 제외됩니다! 문의는 1588-1234로 하세요?"
    assert split_sentences(text) == [
        "환불은 7일 이내 가능합니다.",
        "단, 사용한 상품은 제외됩니다!",
        "문의는 1588-1234로 하세요?",
    ]


def test_split_sentences_english_and_abbreviations() -> None:
    text = "Refunds take 3 days. Mr. Kim approves them, e.g. for damaged items. Call us? Thanks."
    assert split_sentences(text) == [
        "Refunds take 3 days.",
        "Mr. Kim approves them, e.g. for damaged items.",
        "Call us?",
        "Thanks.",
    ]


def test_split_sentences_keeps_lines_and_bullets() -> None:
    text = "1. 주문번호 확인\n2. 결제 내역 확인. 실패면 재시도 안내.\n\n- 불릿 항목\n• 다른 항목"
    assert split_sentences(text) == [
        "1. 주문번호 확인",
        "2. 결제 내역 확인.",
        "실패면 재시도 안내.",
        "- 불릿 항목",
        "• 다른 항목",
    ]


def test_split_sentences_fast_path_and_empty() -> None:
    assert split_sentences("  짧은 안내 문구  ") == ["짧은 안내 문구"]
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_sentence_spans_point_into_the_text_and_kiwi_is_shared() -> None:
    text = "첫 문장입니다.  둘째 문장입니다.\n셋째"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["첫 문장입니다.", "둘째 문장입니다.", "셋째"]
    assert get_kiwi() is get_kiwi()


# --- script pairs --------------------------------------------------------------------------
def test_parse_script_pairs_all_formats_and_groups() -> None:
    assert parse_script_pairs(SCRIPTS) == [
        ScriptPair(
            "환불 문의",
            "환불은 언제 되나요?",
            "영업일 기준 3~5일 이내 환불됩니다.\n카드사 사정에 따라 지연될 수 있습니다.",
        ),
        ScriptPair("환불 문의", "부분 환불도 되나요?", "네, 가능합니다."),
        ScriptPair("배송 문의", "배송이 안 와요", "불편을 드려 죄송합니다. 바로 확인하겠습니다."),
        ScriptPair("배송 문의", "주소 변경이 가능한가요?", "출고 전에는 가능합니다."),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Q: 환불 되나요?\nA: 네.",
        "Q. 환불 되나요?\nA. 네.",
        "Q1: 환불 되나요?\nA1: 네.",
        "- Q: 환불 되나요?\n- A: 네.",
        "**Q:** 환불 되나요?\n**A:** 네.",
        "고객: 환불 되나요?\n상담사: 네.",
        "질문: 환불 되나요?\n답변: 네.",
        "Q: 환불 되나요? A: 네.",
        "Q: 환불\n되나요?\nA:\n네.",
    ],
)
def test_parse_script_pairs_each_marker_style(text: str) -> None:
    [pair] = parse_script_pairs(text)
    assert pair.question.replace("\n", " ") == "환불 되나요?"
    assert pair.answer == "네."
    assert pair.group is None


def test_parse_script_pairs_none_found() -> None:
    assert parse_script_pairs("고객에게 정중하게 안내합니다.\n사과 후 해결책을 제시합니다.") == []
    assert parse_script_pairs("고객::결제::오류\n상담사: 태그를 남깁니다.") == []
    assert parse_script_pairs("Q: 답이 없는 질문") == []


# --- articles ------------------------------------------------------------------------------
def test_one_chunk_per_section_with_title_prefix_and_labels() -> None:
    chunks = [c for c in chunk_article(article()) if c.section != "scripts"]
    assert [c.chunk_id for c in chunks] == [
        "article:KB-001#summary-0",
        "article:KB-001#purpose-0",
        "article:KB-001#policy-0",
        "article:KB-001#steps-0",
    ]
    steps = chunks[3]
    assert steps.text == "환불 처리 가이드\n단계별 절차: 1. 주문번호 확인\n2. 결제 수단 확인\n3. 환불 접수"
    assert steps.body == "1. 주문번호 확인\n2. 결제 수단 확인\n3. 환불 접수"
    assert (steps.doc_id, steps.doc_type, steps.title) == ("article:KB-001", "article", "환불 처리 가이드")
    assert steps.meta == {
        "tag": "고객::환불::요청",
        "updated_at": "2026-01-05",
        "valid_until": "2026-12-31",
        "lang": "ko",
        "section_label": SECTION_LABELS_KO["steps"],
        "complete": False,
    }


def test_skips_title_management_empty_and_id_only_references() -> None:
    sections = {c.section for c in chunk_article(article())}
    assert sections.isdisjoint({"title", "management", "situations", "references"})
    kept = article(
        sections={"references": "- 전자상거래법 제17조(청약철회)\n- https://help.example.com/refund"}
    )
    [ref] = chunk_article(kept)
    assert ref.chunk_id == "article:KB-001#references-0"
    assert ref.text.startswith("환불 처리 가이드\n참고 자료: - 전자상거래법 제17조")


def test_references_to_other_articles_are_not_this_articles_text() -> None:
    """ "- KB-003 (부분 환불 정책)" is another article's topic: searchable here, it would bring
    questions about partial refunds to this article."""
    refs = (
        "- KB-003-partial (부분 환불 정책)\n1. KB-EN-01-card (Overseas card)\n"
        "- 환불팀 내부 위키: 환불 예외 승인"
    )
    [ref] = chunk_article(article(sections={"references": refs}))
    assert ref.body == "- 환불팀 내부 위키: 환불 예외 승인"
    only_articles = article(sections={"references": "- KB-003-partial (부분 환불 정책)\n- KB-004 교환 안내"})
    assert [c for c in chunk_article(only_articles) if c.section == "references"] == []


def test_script_pairs_become_separate_chunks() -> None:
    scripts = [c for c in chunk_article(article()) if c.section == "scripts"]
    assert [c.chunk_id for c in scripts] == [f"article:KB-001#scripts-{n}" for n in range(5)]
    first = scripts[0]
    assert first.text == (
        "환불 처리 가이드\n환불 문의 Q: 환불은 언제 되나요?\n"
        "A: 영업일 기준 3~5일 이내 환불됩니다.\n카드사 사정에 따라 지연될 수 있습니다."
    )
    assert first.body.startswith("Q: 환불은 언제 되나요?\nA: 영업일")
    assert first.meta["question"] == "환불은 언제 되나요?"
    assert first.meta["answer"].endswith("지연될 수 있습니다.")
    assert first.meta["group"] == "환불 문의"
    assert scripts[2].meta["group"] == "배송 문의" and scripts[2].meta["question"] == "배송이 안 와요"
    # The intro line belongs to no pair: it is kept as an ordinary scripts chunk, after the pairs.
    assert scripts[4].text == "환불 처리 가이드\n상담 스크립트: 다음 문구를 상황에 맞게 사용하세요."
    assert "question" not in scripts[4].meta


def test_script_pair_without_group_has_no_group_prefix() -> None:
    [chunk] = chunk_article(article(sections={"scripts": "Q: 환불 되나요?\nA: 네."}))
    assert chunk.text == "환불 처리 가이드\nQ: 환불 되나요?\nA: 네."
    assert chunk.meta["group"] is None


def test_scripts_without_pairs_are_an_ordinary_section() -> None:
    body = "정중하게 사과드린 뒤 환불 절차를 안내합니다."
    [chunk] = chunk_article(article(sections={"scripts": body}))
    assert chunk.chunk_id == "article:KB-001#scripts-0"
    assert chunk.text == f"환불 처리 가이드\n상담 스크립트: {body}"
    assert "question" not in chunk.meta


def test_long_section_is_split_on_sentences_with_overlap() -> None:
    sentences = [f"{i}번째 문장은 환불 정책의 세부 조건을 설명합니다." for i in range(30)]
    rec = article(sections={"policy": " ".join(sentences)})
    chunks = chunk_article(rec, max_chars=200, overlap=1)
    assert len(chunks) > 3
    assert [c.chunk_id for c in chunks] == [f"article:KB-001#policy-{n}" for n in range(len(chunks))]
    for chunk in chunks:
        assert 0 < len(chunk.body) <= 200
        assert chunk.text == f"환불 처리 가이드\n정책: {chunk.body}"
    for prev, nxt in pairwise(chunks):
        last = split_sentences(prev.body)[-1]
        assert split_sentences(nxt.body)[0] == last  # one sentence repeated
    covered = {s for c in chunks for s in split_sentences(c.body)}
    assert covered == set(sentences)


def test_no_overlap_when_zero() -> None:
    sentences = [f"{i}번째 문장은 환불 정책의 세부 조건을 설명합니다." for i in range(30)]
    pieces = split_text(" ".join(sentences), 200, 0)
    assert [s for p in pieces for s in split_sentences(p)] == sentences


def test_huge_sentence_is_hard_split() -> None:
    huge = "가" * 1000 + " 환불 안내 " + "나" * 600
    chunks = chunk_article(article(sections={"purpose": huge}), max_chars=300)
    assert len(chunks) >= 6
    assert all(0 < len(c.body) <= 300 for c in chunks)
    assert "".join(c.body.replace(" ", "") for c in chunks).count("가") == 1000


def test_bad_sizes_are_rejected_with_the_values() -> None:
    with pytest.raises(ValueError, match="max_chars=5"):
        chunk_article(article(), max_chars=5)
    with pytest.raises(ValueError, match="overlap=-1"):
        split_text("본문", 100, -1)


def test_rechunking_gives_identical_ids_and_hashes() -> None:
    first = chunk_article(article(), max_chars=120)
    second = chunk_article(article(), max_chars=120)
    assert first == second
    assert [(c.chunk_id, c.hash, c.vid) for c in first] == [(c.chunk_id, c.hash, c.vid) for c in second]
    assert len({c.chunk_id for c in first}) == len(first)


def test_meta_is_json_serialisable() -> None:
    for chunk in chunk_article(article()) + chunk_ticket(ticket()):
        json.dumps(chunk.meta, ensure_ascii=False)


def test_english_article_uses_english_labels() -> None:
    rec = article(
        title="Refund guide",
        lang="en",
        missing=[],
        sections={
            "purpose": "Use it when a customer asks for a refund.",
            "scripts": "Q: When?\nA: In 3 days.",
        },
    )
    purpose, script = chunk_article(rec)
    assert purpose.text == "Refund guide\nPurpose: Use it when a customer asks for a refund."
    assert purpose.meta["section_label"] == SECTION_LABELS_EN["purpose"]
    assert purpose.meta["complete"] is True and purpose.meta["lang"] == "en"
    assert script.text == "Refund guide\nQ: When?\nA: In 3 days."


# --- tickets -------------------------------------------------------------------------------
def ticket(**overrides: object) -> TicketRecord:
    fields: dict[str, object] = {
        "ticket_id": "T-10001",
        "inquiry": "결제가 두 번 됐어요. 하나 취소해 주세요.",
        "source": "tickets.csv",
        "subject": "중복 결제",
        "resolution": "중복 결제 건을 취소했습니다. 3~5영업일 내 환불됩니다.",
        "tags": ["결제", "환불"],
        "channel": "chat",
        "resolved_at": datetime(2026, 11, 5, 14, 30),
    }
    fields.update(overrides)
    return TicketRecord(**fields)  # type: ignore[arg-type]


def test_ticket_is_one_chunk() -> None:
    [chunk] = chunk_ticket(ticket())
    assert chunk == Chunk(
        chunk_id="ticket:T-10001#ticket-0",
        doc_id="ticket:T-10001",
        doc_type="ticket",
        title="중복 결제",
        section="ticket",
        text="중복 결제\n문의: 결제가 두 번 됐어요. 하나 취소해 주세요.\n"
        "답변: 중복 결제 건을 취소했습니다. 3~5영업일 내 환불됩니다.",
        body="문의: 결제가 두 번 됐어요. 하나 취소해 주세요.\n"
        "답변: 중복 결제 건을 취소했습니다. 3~5영업일 내 환불됩니다.",
        meta={
            "tags": ["결제", "환불"],
            "channel": "chat",
            "resolved_at": "2026-11-05T14:30:00",
            "inquiry": "결제가 두 번 됐어요. 하나 취소해 주세요.",
            "resolution": "중복 결제 건을 취소했습니다. 3~5영업일 내 환불됩니다.",
        },
    )


def test_english_ticket_without_subject() -> None:
    inquiry = "I was charged twice for order 2026110512345, please cancel one of the payments."
    [chunk] = chunk_ticket(ticket(subject="", inquiry=inquiry, resolution="Cancelled the duplicate."))
    assert chunk.title == inquiry[:40]
    assert chunk.text == f"Inquiry: {inquiry}\nAnswer: Cancelled the duplicate."
    assert chunk.body == chunk.text


def test_long_ticket_is_split_only_past_three_times_max() -> None:
    sentence = "고객이 결제 오류를 여러 번 겪었다고 설명했습니다. "
    assert len(chunk_ticket(ticket(inquiry=sentence * 20), max_chars=300)) == 1
    pieces = chunk_ticket(ticket(inquiry=sentence * 40), max_chars=300)
    assert len(pieces) > 3
    assert [c.chunk_id for c in pieces] == [f"ticket:T-10001#ticket-{n}" for n in range(len(pieces))]
    assert all(c.text.startswith("중복 결제\n") and len(c.body) <= 300 for c in pieces)


def test_empty_ticket_gives_no_chunk() -> None:
    assert chunk_ticket(ticket(inquiry=" ", resolution="")) == []


# --- PII -----------------------------------------------------------------------------------
def test_chunks_of_masked_records_hold_no_pii() -> None:
    pii = ["010-1234-5678", "kim@example.com", "900101-1234567", "4111-1111-1111-1111", "110-123-456789"]
    rec = article(
        title="환불 계좌 안내 (문의 010-1234-5678)",
        sections={
            "purpose": "고객 메일 kim@example.com 으로 회신합니다.",
            "policy": "주민번호 900101-1234567 은 받지 않습니다. " * 30,
            "scripts": "Q: 카드 4111-1111-1111-1111 로 환불되나요?\nA: 카드 취소로 환불됩니다.",
        },
    )
    # a bank account is personal in a ticket; an article may print the company's own (article mode)
    tick = ticket(
        inquiry="제 번호 010-1234-5678 로 연락 주세요",
        resolution="kim@example.com, 신한 110-123-456789 로 안내",
    )
    chunks = chunk_article(mask_record_article(rec), max_chars=200) + chunk_ticket(mask_record_ticket(tick))
    assert len(chunks) > 4
    for chunk in chunks:
        dumped = json.dumps([chunk.title, chunk.text, chunk.body, chunk.meta], ensure_ascii=False)
        assert not any(value in dumped for value in pii), chunk.chunk_id
        assert find_pii(chunk.text) == [] and find_pii(chunk.body) == []


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # Kiwi starts a sentence at the particle after a bracket, a quote or inside a word; the
        # piece "로 연락하면 된다." was sent as an answer (welfare_qa_ko)
        (
            "분소는 강릉시로 한다. (033-731-3704)로 연락하면 된다. 충북의 경우 청주시로 한다.",
            ["분소는 강릉시로 한다.", "(033-731-3704)로 연락하면 된다.", "충북의 경우 청주시로 한다."],
        ),
        (
            "지원 대상은 기준중위소득 80% 이하 다자녀(2인 이상) 가구입니다. 조제분유도 지원합니다.",
            ["지원 대상은 기준중위소득 80% 이하 다자녀(2인 이상) 가구입니다.", "조제분유도 지원합니다."],
        ),
    ],
)
def test_no_sentence_starts_inside_a_word(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
