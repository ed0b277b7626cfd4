"""Grounded answers for chatbot front ends, or an honest abstention with a handoff.

Extractive by default: the answer of the best-matching 상담 스크립트 Q/A, or the sentences
of the best section that share the most terms with the question, each cited [n]. With an
OpenAI-compatible LLM configured, the evidence is sent through ``prompts/answer_llm.j2``
and every generated sentence must be supported by its cited evidence (``assist.grounding``)
or it is dropped; if nothing supported remains, the extractive answer is used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Literal

from assist.evidence import Evidence, clean_query, detect_lang, gather
from assist.knowledge import KnowledgeBase
from assist.schemas import Answer, Citation
from assist.speech import dominant_level, to_level
from indexes.db import log_query
from indexes.lexical import tokenize
from indexes.types import ChunkHit
from ingest.sentences import split_sentences

log = logging.getLogger(__name__)

_MAX_SENTENCES = 3


def retrieval_query(question: str, history: Sequence[dict[str, str]] | None) -> str:
    """The question, refined by the last user turns (follow-ups like "그럼 언제 돼요?")."""
    previous = [
        str(m.get("content", "")).strip()
        for m in (history or [])
        if m.get("role") == "user" and str(m.get("content", "")).strip()
    ]
    context = [p for p in previous[-2:] if p != question.strip()]
    return "\n".join([*context, question]) if context else question


def _answer_text(chunk: ChunkHit) -> str:
    body = chunk.chunk.body
    if chunk.chunk.section == "scripts" and "A: " in body:
        return body[body.index("A: ") + 3 :].strip()
    if chunk.chunk.doc_type == "ticket":
        for label in ("답변:", "Answer:"):
            if label in body:
                return body[body.index(label) + len(label) :].strip()
    return body


def select_sentences(hit: ChunkHit, question: str, limit: int = _MAX_SENTENCES) -> list[str]:
    """Script answers whole; other sections: the sentences sharing most terms, in source order."""
    sentences = [s.strip() for s in split_sentences(_answer_text(hit)) if s.strip()]
    if hit.chunk.section == "scripts" or len(sentences) <= limit:
        return sentences[: max(limit, 4)] if hit.chunk.section == "scripts" else sentences
    terms = set(tokenize(question))
    scored = [(len(terms & set(tokenize(s))), -i, i) for i, s in enumerate(sentences)]
    keep = sorted(i for _, _, i in sorted(scored, reverse=True)[:limit])
    return [sentences[i] for i in keep]


def _pick(evidence: Evidence, lang: str, allowed: set[str]) -> ChunkHit | None:
    hits = [h for h in evidence.chunk_hits if h.chunk.doc_type in allowed]
    if not hits:
        return None
    top = hits[0]
    same_lang = [h for h in hits[:10] if h.chunk.meta.get("lang", detect_lang(h.chunk.body)) == lang]
    if same_lang and same_lang[0] is not top and same_lang[0].score >= 0.8 * top.score:
        top = same_lang[0]
    # prefer a script Q/A of the same document when it is nearly as good
    scripts = [h for h in hits[:10] if h.chunk.doc_id == top.chunk.doc_id and h.chunk.section == "scripts"]
    if scripts and top.chunk.section != "scripts" and scripts[0].score >= 0.85 * top.score:
        return scripts[0]
    return top


def citation_for(n: int, hit: ChunkHit) -> Citation:
    chunk = hit.chunk
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        article_id=chunk.doc_id.split(":", 1)[1] if chunk.doc_type == "article" else None,
        title=chunk.title,
        section=str(chunk.meta.get("section_label", chunk.section)),
        snippet=chunk.body[:300],
        chunk_id=chunk.chunk_id,
    )


def extractive(evidence: Evidence, question: str, allowed: set[str]) -> tuple[str, list[Citation]]:
    hit = _pick(evidence, detect_lang(question), allowed)
    if hit is None:
        return "", []
    sentences = select_sentences(hit, question)
    level = dominant_level(sentences, default="polite")
    text = " ".join(to_level(s, level) for s in sentences)
    return f"{text} [1]", [citation_for(1, hit)]


def answer_question(
    kb: KnowledgeBase,
    question: str,
    *,
    history: Sequence[dict[str, str]] | None = None,
    locale: str | None = None,
    threshold: float | None = None,
    log: bool = True,
    kind: Literal["answer", "chat"] = "answer",
) -> Answer:
    """A cited answer, or ``abstained=True`` with the handoff message when evidence is weak.

    ``kind`` is what the query log records: "answer" (``/v1/answer``) or "chat" (chat completions).
    """
    t0 = time.perf_counter()
    s = kb.settings
    text = clean_query(question, s, field_name="question")
    lang = (locale or "").split("-")[0].lower() or detect_lang(text)
    lang = lang if lang in ("ko", "en") else detect_lang(text)
    allowed = {"article", "doc"} | ({"ticket"} if s.answer_use_tickets else set())
    evidence = gather(kb, retrieval_query(text, history), k=5, confidence_types=allowed)
    timings = dict(evidence.trace.timings_ms)
    limit = s.answer_threshold if threshold is None else threshold
    if evidence.confidence < limit or not any(h.chunk.doc_type in allowed for h in evidence.chunk_hits):
        result = Answer(
            answer=s.handoff_message_en if lang == "en" else s.handoff_message_ko,
            citations=[],
            confidence=evidence.confidence,
            abstained=True,
            handoff_reason=(
                f"low_confidence: {evidence.confidence:.2f} < threshold {limit:.2f}"
                if evidence.chunk_hits
                else "no_evidence: nothing in the knowledge base matches"
            ),
            lang=lang,
            generated_by="handoff",
        )
    else:
        t1 = time.perf_counter()
        answer, citations = extractive(evidence, text, allowed)
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
            confidence=evidence.confidence,
            abstained=False,
            lang=lang,
            generated_by=generated_by,  # type: ignore[arg-type]
        )
    timings["total"] = (time.perf_counter() - t0) * 1000
    result.timings_ms = {k: round(v, 3) for k, v in timings.items()}
    if log:
        with kb.sessions() as session, session.begin():
            result.log_id = log_query(
                session,
                kind=kind,
                query=text,
                hit_ids=[c.doc_id for c in result.citations]
                or [h.chunk.doc_id for h in evidence.chunk_hits[:5]],
                timings_ms=result.timings_ms,
                confidence=result.confidence,
                abstained=result.abstained,
            )
    return result
