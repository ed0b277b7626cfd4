"""Grounded answers for chatbot front ends, or an honest abstention with a handoff.

Extractive by default (:mod:`assist.compose`): a 상담 스크립트 Q/A whose question is the
inquiry's, or the general sentences of the top articles that answer the question's focus, each
cited [n]; case reports and agent notes are never sent. Confidence is the calibrated probability
that the answer is right (:mod:`assist.confidence`). With an
OpenAI-compatible LLM configured, the evidence is sent through ``prompts/answer_llm.j2``
and every generated sentence must be supported by its cited evidence (``assist.grounding``)
or it is dropped; if nothing supported remains, the extractive answer is used.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Collection, Sequence
from typing import Literal

from sqlalchemy.orm import Session

from assist.answer_sentences import answer_texts
from assist.compose import Composition, compose
from assist.confidence import answer_confidence
from assist.consistency import log_writer
from assist.evidence import Evidence, clean_query, gather
from assist.knowledge import KnowledgeBase
from assist.said import said_sentences
from assist.schemas import Answer, Citation
from assist.speech import dominant_level, to_level
from core.types import Chunk
from indexes.chunk_store import read_through
from korean.followup import reports_no_fix
from korean.lang import detect_lang
from storage import log_query, record_unanswered
from storage.logs import HandoffReason

log = logging.getLogger(__name__)
_SENTENCE_END = re.compile(r"[.!?。…)\]]\s*$|[다요죠까]\s*$")


def retrieval_query(question: str, history: Sequence[dict[str, str]] | None) -> str:
    """The question, refined by the last user turns (follow-ups like "그럼 언제 돼요?")."""
    previous = [
        str(m.get("content", "")).strip()
        for m in (history or [])
        if m.get("role") == "user" and str(m.get("content", "")).strip()
    ]
    context = [p for p in previous[-2:] if p != question.strip()]
    return "\n".join([*context, question]) if context else question


def citation_for(n: int, chunk: Chunk, snippet: str | None = None) -> Citation:
    """Citation [n] of one chunk; the snippet is the chunk body unless a part is given."""
    chunk = read_through(chunk)  # an answer sentence's chunk is read from its file once, not per field
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        article_id=chunk.doc_id.split(":", 1)[1] if chunk.doc_type == "article" else None,
        title=chunk.title,
        section=str(chunk.meta.get("section_label", chunk.section)),
        snippet=(chunk.body if snippet is None else snippet)[:300],
        chunk_id=chunk.chunk_id,
    )


def render_answer(comp: Composition, lang: str) -> tuple[str, list[Citation]]:
    """The composed sentences in one speech level, each cited [n] (one number per chunk)."""
    if not comp.sentences:
        return "", []
    citations: list[Citation] = []
    by_chunk: dict[str, int] = {}
    texts = answer_texts(comp.sentences, whole_script=comp.strategy == "script")
    level = dominant_level(texts, default="polite")
    parts: list[str] = []
    for cand, sent in zip(comp.sentences, texts, strict=True):
        n = by_chunk.get(cand.chunk.chunk_id)
        if n is None:
            n = by_chunk[cand.chunk.chunk_id] = len(citations) + 1
            citations.append(citation_for(n, cand.chunk))
        text = to_level(sent, level) if lang == "ko" else sent
        # a bullet line without a sentence end ("등급 산정: 매월 1일 …") stays on its own line
        parts.append(f"{text} [{n}]" + (" " if _SENTENCE_END.search(text) else "\n"))
    return "".join(parts).strip(), citations


def assess(
    kb: KnowledgeBase,
    evidence: Evidence,
    question: str,
    allowed: set[str],
    *,
    history: Sequence[dict[str, str]] | None = None,
) -> tuple[Composition, float, dict[str, float]]:
    """Compose the best general-sentence answer and its calibrated confidence (answers and
    suggestions both call this, so the same text gets the same number). A conversation's earlier
    assistant turns are not sent again (``history``)."""
    index = kb.index
    docs = [
        d
        for d in sorted(evidence.articles + evidence.docs + evidence.tickets, key=lambda d: -d.score)
        if d.doc_type in allowed
    ]
    said = said_sentences(
        [str(m.get("content", "")) for m in (history or []) if m.get("role") == "assistant"]
    )
    comp = compose(evidence, question, index, docs=docs, said=said, lexicon=kb.lexicon)
    confidence, values = answer_confidence(evidence, comp, index, kb.settings.data_dir)
    return comp, confidence, values


def _answered_before(history: Sequence[dict[str, str]] | None) -> bool:
    return any(m.get("role") == "assistant" and str(m.get("content", "")).strip() for m in history or ())


def _handoff_sentence(reason: HandoffReason, confidence: float, threshold: float, why: str = "") -> str:
    """The API's hand-off reason: the code the query log keeps, and why in words (for no_answer,
    what composition found missing where it knows: "no article mentions 신선식품")."""
    if reason == "low_confidence":
        return f"low_confidence: {confidence:.2f} < threshold {threshold:.2f}"
    if reason == "no_answer" and why:
        return f"no_answer: {why}"
    return {
        "no_answer": "no_answer: no sentence of the closest articles answers this question",
        "no_evidence": "no_evidence: nothing in the knowledge base matches",
        "fix_failed": "fix_failed: the customer did what the last answer said and it did not help; "
        "the next step is an agent's",
    }[reason]


def answer_question(
    kb: KnowledgeBase,
    question: str,
    *,
    history: Sequence[dict[str, str]] | None = None,
    locale: str | None = None,
    threshold: float | None = None,
    log: bool = True,
    kind: Literal["answer", "chat"] = "answer",
    exclude: Collection[str] = (),
) -> Answer:
    """A cited answer, or ``abstained=True`` with the handoff message when evidence is weak.

    ``kind`` is what the query log records: "answer" (``/v1/answer``) or "chat" (chat completions).
    ``exclude``: document ids retrieval leaves out (calibrating on a stored ticket's own inquiry).
    """
    t0 = time.perf_counter()
    s = kb.settings
    text = clean_query(question, s, field_name="question")
    lang = (locale or "").split("-")[0].lower() or detect_lang(text)
    lang = lang if lang in ("ko", "en") else detect_lang(text)
    allowed = {"article", "doc"} | ({"ticket"} if s.answer_use_tickets else set())
    evidence = gather(kb, retrieval_query(text, history), k=5, exclude=exclude)
    timings = dict(evidence.trace.timings_ms)
    limit = s.answer_threshold if threshold is None else threshold
    t_assess = time.perf_counter()
    comp, conf, values = assess(kb, evidence, text, allowed, history=history)
    timings["assess"] = (time.perf_counter() - t_assess) * 1000
    reason: HandoffReason | None = None  # what the query log keeps; the API gets the sentence
    # "시키신 대로 해 봤는데 그래도 똑같아요" after an answer: the next step is the agent's
    no_fix = _answered_before(history) and reports_no_fix(text)
    if conf < limit or not comp.sentences or no_fix:
        if no_fix:
            reason = "fix_failed"
        elif comp.sentences:
            reason = "low_confidence"
        else:
            reason = "no_answer" if evidence.chunk_hits else "no_evidence"
        result = Answer(
            answer=s.handoff_message_en if lang == "en" else s.handoff_message_ko,
            citations=[],
            confidence=conf,
            abstained=True,
            handoff_reason=_handoff_sentence(reason, conf, limit, comp.why_none),
            lang=lang,
            generated_by="handoff",
        )
    else:
        t1 = time.perf_counter()
        answer, citations = render_answer(comp, lang)
        generated_by = "extractive"
        if s.llm_base_url:
            from assist.llm import llm_answer

            generated = llm_answer(kb, text, evidence, allowed, lang=lang, history=history)
            if generated is not None:
                answer, citations = generated
                generated_by = "llm"
        timings["compose"] = (time.perf_counter() - t1) * 1000
        result = Answer(
            answer=answer,
            citations=citations,
            confidence=conf,
            abstained=False,
            lang=lang,
            generated_by=generated_by,  # type: ignore[arg-type]
        )
    timings["total"] = (time.perf_counter() - t0) * 1000
    result.timings_ms = {k: round(v, 3) for k, v in timings.items()}
    result.features = values
    if log:  # never fails the request: a locked database defers the write (assist/logwriter.py)
        log_id = uuid.uuid4().hex
        hit_ids = [c.doc_id for c in result.citations] or [h.chunk.doc_id for h in evidence.chunk_hits[:5]]
        final = result

        def write(session: Session) -> None:
            log_query(
                session,
                kind=kind,
                query=text,
                hit_ids=hit_ids,
                timings_ms=final.timings_ms,
                confidence=final.confidence,
                abstained=final.abstained,
                log_id=log_id,
                handoff_reason=reason,
            )
            # handed off: its masked text feeds the report's unanswered topics (not a failed fix's
            # "그래도 똑같아요": it is about the last answer, not a question the KB lacks)
            if final.abstained and reason != "fix_failed":
                record_unanswered(session, log_id, text, keep_days=s.unanswered_text_days)

        log_writer(kb).write(write)
        result.log_id = log_id
    return result
