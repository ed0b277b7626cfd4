"""suggest(), the draft reply and answer_question() over the tiny KB (hash embedder)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assist.answer import answer_question, assess, retrieval_query
from assist.errors import InvalidInputError
from assist.evidence import gather
from assist.knowledge import KnowledgeBase
from assist.prompts import render
from assist.reply_draft import build_reply_draft
from assist.speech import level_of
from assist.suggest import staleness, suggest
from korean.pii import PII_PLACEHOLDERS
from tests.tinykb import build_tiny_kb, copy_kb


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("tiny") / "kms"
    build_tiny_kb(data)
    return data


@pytest.fixture
def kb(built: Path, tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(copy_kb(built, tmp_path / "kms"))


def test_suggestion_ranks_articles_tickets_and_tag(kb: KnowledgeBase) -> None:
    s = suggest(kb, "환불은 언제 되나요? 카드 취소했어요", today=date(2026, 11, 1))
    assert s.articles[0].article_id == "refund"
    assert s.articles[0].sections and all(
        m.chunk_id.startswith("article:refund#") for m in s.articles[0].sections
    )
    assert any(t.ticket_id == "T-2" for t in s.tickets)
    assert all(t.ticket_id != "T-3" for t in s.tickets)  # open tickets are not knowledge
    assert s.tag is not None and s.tag.value == "고객::환불::요청"
    assert 0 <= s.confidence <= 1


def test_draft_sentences_are_cited_and_sources_exist(kb: KnowledgeBase) -> None:
    s = suggest(kb, "환불은 언제 되나요?")
    draft = s.draft
    assert draft.strategy == "script"
    index = kb.index
    by_n = {c.n: c for c in draft.citations}
    cited = [x for x in draft.sentences if x.kind in ("body", "caveat")]
    assert cited
    for sentence in cited:
        assert sentence.citation in by_n
        chunk = index.chunks[index.pos_by_id[by_n[sentence.citation].chunk_id]]
        assert sentence.source_text and sentence.source_text in chunk.text
        assert f"[{sentence.citation}]" in draft.text
    assert {x.kind for x in draft.sentences} >= {"greeting", "body", "closing"}


def test_draft_keeps_one_speech_level(kb: KnowledgeBase) -> None:
    for inquiry, expected in (("환불은 언제 되나요?", "formal"), ("비밀번호를 잊어버렸어요", "polite")):
        draft = suggest(kb, inquiry).draft
        assert draft.speech_level == expected
        levels = {level_of(x.text) for x in draft.sentences} - {None}
        assert levels == {expected}, [(x.text, level_of(x.text)) for x in draft.sentences]


def test_draft_falls_back_to_ticket_resolution(kb: KnowledgeBase) -> None:
    # no article covers gift wrapping: the suggestion's confidence (the same as /v1/answer's) is
    # low, so the agent gets no pre-filled draft, but the similar ticket is listed beside it
    inquiry = "선물 포장 가능한가요 리본"
    s = suggest(kb, inquiry)
    assert s.draft.strategy == "none" and s.draft.text == ""
    assert any(t.ticket_id == "T-1" for t in s.tickets)
    # when the draft is asked for anyway, the closest resolved ticket is what it is built from
    evidence = gather(kb, inquiry)
    draft = build_reply_draft(evidence, inquiry, kb.settings, confident=True)
    assert draft.strategy == "ticket"
    assert draft.citations[0].doc_id == "ticket:T-1"


def test_article_sentences_win_over_a_past_ticket(kb: KnowledgeBase) -> None:
    # a past ticket is one other customer's case with no confidence of its own: where the KB's
    # composed sentences answer (what the suggestion's confidence is computed for), they are used
    inquiry = "선물 포장 가능한가요 리본"
    evidence = gather(kb, inquiry)
    comp, _, _ = assess(kb, evidence, inquiry, {"article", "doc"})
    assert any(c.sendable for c in comp.sentences)
    draft = build_reply_draft(evidence, inquiry, kb.settings, composition=comp, confident=True)
    assert draft.strategy == "sentences"
    assert all(c.doc_id.startswith("article:") for c in draft.citations)


def test_english_greeting_names_no_korean_brand() -> None:
    common = {"lang": "en", "level": "formal", "body": [], "caveats": []}
    korean = render("reply_draft.j2", brand="고객센터", brand_en=None, **common)
    assert korean.greeting == ["Hello, and thank you for contacting us."]
    latin = render("reply_draft.j2", brand="BaroMarket", brand_en="BaroMarket", **common)
    assert latin.greeting == ["Hello, and thank you for contacting BaroMarket."]


def test_stale_flags() -> None:
    today = date(2026, 11, 1)
    assert staleness({"updated_at": "2023-01-10"}, today=today, max_age_days=365)[0]
    assert staleness({"valid_until": "2026-06-30"}, today=today, max_age_days=365)[0]
    assert not staleness({"updated_at": "2026-09-01"}, today=today, max_age_days=365)[0]


def test_old_article_is_flagged_stale(kb: KnowledgeBase) -> None:
    s = suggest(kb, "비밀번호를 잊어버렸어요", today=date(2026, 11, 1))
    pw = next(a for a in s.articles if a.article_id == "password")
    assert pw.stale and "2023-01-10" in (pw.stale_reason or "")


def test_no_pii_in_suggestions(kb: KnowledgeBase) -> None:
    s = suggest(kb, "환불 언제 돼요? 제 번호 010-9876-5432, 메일 kim@example.com 입니다")
    dumped = s.model_dump_json()
    assert "010-9876-5432" not in dumped and "kim@example.com" not in dumped
    assert "010-1234-5678" not in dumped  # planted in ticket T-2, masked at ingest
    assert any(p in dumped for p in PII_PLACEHOLDERS)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_invalid_inquiries(kb: KnowledgeBase, bad: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        suggest(kb, bad)
    assert err.value.details["field"] == "inquiry"


def test_suggestions_are_logged(kb: KnowledgeBase) -> None:
    from storage import counts

    suggest(kb, "배송이 너무 늦어요")
    with kb.sessions() as session:
        c = counts(session)
    assert c["suggestions"] == 1 and c["query_logs"] == 1


def test_answer_is_grounded_with_citations(kb: KnowledgeBase) -> None:
    a = answer_question(kb, "환불은 언제 되나요?", threshold=0.0)
    assert not a.abstained
    assert a.citations and a.citations[0].article_id == "refund"
    assert "[1]" in a.answer
    assert "3~5영업일" in a.answer


def test_answer_abstains_out_of_scope(kb: KnowledgeBase) -> None:
    a = answer_question(kb, "오늘 서울 날씨 어때?")
    assert a.abstained and a.citations == []
    assert a.answer == kb.settings.handoff_message_ko
    assert a.handoff_reason


def test_answer_language_follows_question(kb: KnowledgeBase) -> None:
    a = answer_question(kb, "What is the weather today?")
    assert a.abstained and a.lang == "en" and a.answer == kb.settings.handoff_message_en


def test_history_refines_retrieval() -> None:
    history = [
        {"role": "user", "content": "비밀번호를 잊어버렸어요"},
        {"role": "assistant", "content": "..."},
    ]
    assert retrieval_query("메일이 안 와요", history) == "비밀번호를 잊어버렸어요\n메일이 안 와요"
    assert retrieval_query("메일이 안 와요", None) == "메일이 안 와요"
