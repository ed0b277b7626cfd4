"""Reply drafts for agents (what to send this customer), without an LLM; article drafts for the KB
are :mod:`assist.drafts`.

1. Follow the chatbot's answer to the same text (the composition the suggestion's confidence
   was computed for): the 상담 스크립트 Q/A it answers with, else its composed sentences. Without
   a composition (called directly): the best-fitting Q/A among the top articles (retrieval score
   of the Q/A chunk plus rapidfuzz similarity of its question to the inquiry), else the
   resolution of the closest resolved ticket. Every source sentence goes through its role
   (:func:`safe_body`).
2. Add up to two policy caveats: policy lines of the same article that share terms with
   the inquiry (never a line that points back at the one before it).
3. Keep one speech level, the one of the main source (하십시오체 or 해요체): every other
   sentence is normalised to it; greeting and closing come from the template in that level.
4. Render with ``prompts/reply_draft.j2``. Every body/caveat sentence is cited [n] and
   keeps its exact ``source_text``, which the cited chunk contains.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from assist.answer import citation_for
from assist.answer_sentences import (
    answer_texts,
    points_back,
    script_answer_text,
    without_article_ids,
)
from assist.compose import Composition
from assist.evidence import Evidence
from assist.prompts import render
from assist.schemas import Citation, ReplyDraft, ReplyDraftSentence, SpeechLevel
from assist.script_case import echo_label, echoed, values_of
from assist.speech import dominant_level, to_level
from core.records import REVIEW_MARKER
from core.settings import Settings
from core.types import Chunk, ChunkHit, DocHit
from indexes.lexical import tokenize
from korean.lang import detect_lang
from korean.names import names_another
from korean.roles import classify
from korean.sentences import split_sentences

_MAX_CAVEATS = 2
_SCRIPT_MARGIN = 0.15  # how much better a ticket must fit than the best script to be used


def _resolution_part(chunk: Chunk) -> str:
    for label in ("답변:", "Answer:"):
        at = chunk.body.find(label)
        if at >= 0:
            return chunk.body[at + len(label) :].strip()
    return str(chunk.meta.get("resolution", "")).strip()


def fit(hit: ChunkHit, inquiry: str, question: str, best_score: float) -> float:
    """How well a Q/A (script or past ticket) answers the inquiry: relative retrieval score of
    its chunk (dense + BM25, question and answer) and rapidfuzz similarity of its question."""
    rel = hit.score / best_score if best_score > 0 else 0.0
    sim = fuzz.token_set_ratio(inquiry, question) / 100 if question else 0.0
    return 0.65 * rel + 0.35 * sim


def best_script(evidence: Evidence, inquiry: str, *, top_articles: int = 2) -> tuple[ChunkHit, float] | None:
    allowed = {d.doc_id for d in evidence.articles[:top_articles]}
    scripts = [
        h
        for h in evidence.chunk_hits
        if h.chunk.doc_id in allowed and h.chunk.section == "scripts" and h.chunk.meta.get("question")
    ]
    if not scripts:
        return None
    best_score = evidence.chunk_hits[0].score
    scored = [(h, fit(h, inquiry, str(h.chunk.meta.get("question", "")), best_score)) for h in scripts]
    return max(scored, key=lambda hs: (hs[1], hs[0].score))


def best_ticket(evidence: Evidence, inquiry: str) -> tuple[ChunkHit, float] | None:
    tickets = [h for h in evidence.chunk_hits if h.chunk.doc_type == "ticket" and _resolution_part(h.chunk)]
    if not tickets:
        return None
    best_score = evidence.chunk_hits[0].score
    scored = [(h, fit(h, inquiry, str(h.chunk.meta.get("inquiry", "")), best_score)) for h in tickets[:5]]
    return max(scored, key=lambda hs: (hs[1], hs[0].score))


@lru_cache(maxsize=20_000)
def _policy_lines(body: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A policy chunk's sendable sentences with their BM25 terms, once per chunk text (Kiwi's
    sentence split, role analysis and tokenizer took a quarter of a suggestion's CPU when they
    ran on every request)."""
    out = []
    for line in split_sentences(body):
        text = line.strip().lstrip("-*• ").strip()
        # a caveat stands alone: not a sentence that points back ("이때 반품 배송비는 …")
        if len(text) >= 6 and classify(text).sendable and not points_back(text):
            out.append((text, frozenset(tokenize(text))))
    return tuple(out)


def _caveats(
    evidence: Evidence, doc: DocHit | None, inquiry: str, used: set[str]
) -> list[tuple[ChunkHit, str]]:
    if doc is None:
        return []
    terms = set(tokenize(inquiry))
    policy = [h for h in evidence.chunk_hits if h.chunk.doc_id == doc.doc_id and h.chunk.section == "policy"]
    scored: list[tuple[int, int, ChunkHit, str]] = []
    for rank, hit in enumerate(policy):
        for text, line_terms in _policy_lines(hit.chunk.body):
            if text in used:
                continue
            overlap = len(terms & line_terms)
            if overlap:
                scored.append((overlap, -rank, hit, text))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    out: list[tuple[ChunkHit, str]] = []
    for _, _, hit, text in scored:
        if text not in {t for _, t in out}:
            out.append((hit, text))
        if len(out) == _MAX_CAVEATS:
            break
    return out


_SLOT_TOPICS = (
    ("환불", "환불 진행 상태"),
    ("적립금", "적립금 내역"),
    ("쿠폰", "쿠폰 내역"),
    ("배송", "배송 상태"),
    ("출고", "배송 상태"),
    ("결제", "결제 내역"),
    ("취소", "주문 상태"),
    ("반품", "반품 진행 상태"),
    ("교환", "교환 진행 상태"),
    ("계정", "계정 상태"),
    ("refund", "refund status"),
    ("order", "order status"),
    ("deliver", "delivery status"),
)


def slot_for(sentence: str, lang: str) -> str:
    """The fill-in slot shown instead of a claim about one customer's case."""
    low = sentence.lower()
    topic = next((label for key, label in _SLOT_TOPICS if key in low), None)
    if lang == "en":
        return f"[To check: {topic or 'this customer’s case'}]"
    return f"[확인 필요: {topic or '고객 건 확인 결과'}]"


def safe_body(
    sentences: Sequence[str], lang: str, *, question: str = "", inquiry: str = ""
) -> list[tuple[str, str, str]]:
    """(kind, text, source) per sentence an agent may send: general ones as written, agent notes
    through their safe rewrite, case reports as one fill-in slot; internal notes and "검토 필요"
    (not written yet) are left out. ``question``: the Q/A's own question (a script's, a past
    ticket's inquiry); a sentence repeating one of its values ("4주") that ``inquiry`` does not hold,
    or a name of it ("카카오") where ``inquiry`` names another ("네이버"), states that other
    customer's case."""
    asked = values_of(inquiry)
    out: list[tuple[str, str, str]] = []
    for source in sentences:
        if REVIEW_MARKER in source:
            continue  # a rule or situation nobody has written yet
        label = classify(source)
        told_to_another = (echoed(source, question) - asked) | names_another(source, question, inquiry)
        if (label.sendable or label.rewrite) and told_to_another:
            label = echo_label(told_to_another)
        if label.sendable:
            out.append(("body", source, source))
        elif label.rewrite:
            out.append(("body", label.rewrite, source))
        elif label.role == "case_report" and not any(kind == "slot" for kind, _, _ in out):
            out.append(("slot", slot_for(source, lang), source))
    return out


def build_reply_draft(
    evidence: Evidence,
    inquiry: str,
    settings: Settings,
    *,
    composition: Composition | None = None,
    confident: bool = True,
) -> ReplyDraft:
    """A reply draft in one speech level whose every body sentence is cited and safe to send.

    ``confident=False`` (the suggestion's confidence is below ``KMS_ANSWER_THRESHOLD``) gives an
    empty draft: the agent writes the reply, with the closest articles still listed beside it.
    """
    lang = detect_lang(inquiry)
    if not confident:
        return ReplyDraft(text="", strategy="none", speech_level="formal", sentences=[], citations=[])
    main: ChunkHit | None = None
    strategy = "none"
    body_text = ""
    if composition is not None and any(c.sendable for c in composition.sentences):
        # the chatbot's answer to the same text, what the suggestion's confidence was computed
        # for: its script when it answers with one (the script whose question fits the inquiry's
        # point, not only its words), else its sentences (below)
        if composition.strategy == "script":
            chunk = composition.sentences[0].chunk
            main = next((h for h in evidence.chunk_hits if h.chunk.chunk_id == chunk.chunk_id), None)
            main = main or ChunkHit(chunk=chunk, score=0.0)
            strategy, body_text = "script", script_answer_text(chunk)
    else:
        # no composed answer: the best-fitting script, unless a past ticket (one other customer's
        # case) fits clearly better
        script = best_script(evidence, inquiry)
        ticket = best_ticket(evidence, inquiry)
        script_ok = script is not None and script[1] >= settings.draft_min_script_fit
        if script is not None and script_ok and (ticket is None or script[1] >= ticket[1] - _SCRIPT_MARGIN):
            main, strategy = script[0], "script"
            body_text = script_answer_text(main.chunk)
        elif ticket is not None:
            main, strategy = ticket[0], "ticket"
            body_text = _resolution_part(main.chunk)

    body: list[tuple[str, str, str, Chunk]] = []
    if main is not None:
        sources = [s.strip() for s in split_sentences(body_text) if s.strip()]
        # the Q/A's own question: a script's, or the past ticket's inquiry
        question = str(main.chunk.meta.get("question" if strategy == "script" else "inquiry") or "")
        safe = safe_body(sources, lang, question=question, inquiry=inquiry)
        body = [(k, t, src, main.chunk) for k, t, src in safe]
    if not any(kind == "body" for kind, *_ in body) and composition is not None and composition.sentences:
        # nothing sendable in the best Q/A: the general sentences that answer the question
        strategy = "sentences"
        sendable = [c for c in composition.sentences if c.sendable]
        body = [("body", t, c.text, c.chunk) for c, t in zip(sendable, answer_texts(sendable), strict=True)]
    if not any(kind == "body" for kind, *_ in body):
        return ReplyDraft(text="", strategy="none", speech_level="formal", sentences=[], citations=[])

    level: SpeechLevel = dominant_level([src for kind, _, src, _ in body if kind == "body"])
    citations: list[Citation] = []
    sentences: list[ReplyDraftSentence] = []

    def cite(chunk: Chunk, snippet: str) -> int:
        existing = next((c for c in citations if c.chunk_id == chunk.chunk_id), None)
        if existing is None:
            existing = citation_for(len(citations) + 1, chunk, snippet)
            citations.append(existing)
        return existing.n

    for kind, text, source, chunk in body:
        if kind == "slot":
            sentences.append(ReplyDraftSentence(text=text, kind="slot", source_text=source))
            continue
        n = cite(chunk, body_text if chunk is (main.chunk if main else None) else chunk.body)
        sentences.append(
            ReplyDraftSentence(text=to_level(text, level), kind="body", citation=n, source_text=source)
        )
    doc_id = body[0][3].doc_id
    doc = next((d for d in evidence.articles if d.doc_id == doc_id), None)
    used = {src for _, _, src, _ in body}
    caveats = _caveats(evidence, doc, inquiry, used) if strategy in ("script", "sentences") else []
    for hit, source in caveats:
        n = cite(hit.chunk, hit.chunk.body)
        sentences.append(
            ReplyDraftSentence(
                text=to_level(without_article_ids(source), level),
                kind="caveat",
                citation=n,
                source_text=source,
            )
        )
    rendered = render(
        "reply_draft.j2",
        lang=lang,
        level=level,
        brand=settings.brand_name,
        # an English greeting names a brand written in Latin letters, else "us" (not "고객센터")
        brand_en=None if re.search(r"[가-힣]", settings.brand_name) else settings.brand_name,
        body=[s for s in sentences if s.kind in ("body", "slot")],
        caveats=[s for s in sentences if s.kind == "caveat"],
    )
    full = (
        [ReplyDraftSentence(text=g, kind="greeting") for g in rendered.greeting]
        + sentences
        + [ReplyDraftSentence(text=c, kind="closing") for c in rendered.closing]
    )
    return ReplyDraft(
        text=rendered.text, strategy=strategy, speech_level=level, sentences=full, citations=citations
    )


def citation_sources(draft: ReplyDraft) -> Sequence[tuple[str, int]]:
    """(source_text, citation n) of every cited sentence (used by tests and the eval)."""
    return [(s.source_text or "", s.citation) for s in draft.sentences if s.citation is not None]
