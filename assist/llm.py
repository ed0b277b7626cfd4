"""Optional LLM generation through any OpenAI-compatible endpoint (settings llm_*).

Nothing here runs unless ``KMS_LLM_BASE_URL`` is set. Generated sentences are kept only
when their cited evidence supports them (``assist.grounding``); otherwise the caller
keeps its extractive answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx

from assist.errors import UpstreamError
from assist.evidence import Evidence
from assist.grounding import citation_markers, is_supported
from assist.knowledge import KnowledgeBase
from assist.prompts import render_text
from assist.schemas import Citation
from core.settings import Settings
from korean.pii import mask_pii
from korean.roles import classify
from korean.sentences import split_sentences

log = logging.getLogger(__name__)

NO_ANSWER = "NO_ANSWER"
_EVIDENCE_CHUNKS = 4


def chat_completion(settings: Settings, messages: list[dict[str, str]]) -> str:
    """One non-streaming chat completion; UpstreamError on any transport or format problem."""
    if not settings.llm_base_url:
        raise UpstreamError("no LLM endpoint configured (KMS_LLM_BASE_URL)")
    url = settings.llm_base_url.rstrip("/") + "/chat/completions"
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    payload = {"model": settings.llm_model, "messages": messages, "temperature": 0}
    try:
        response = httpx.post(url, json=payload, headers=headers, timeout=settings.llm_timeout_s)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"] or "")
    except (httpx.HTTPError, KeyError, IndexError, ValueError, TypeError) as exc:
        raise UpstreamError(f"LLM endpoint {url} failed: {exc}") from exc


def grounded_sentences(
    text: str, evidence: dict[int, str], *, min_support: float
) -> list[tuple[str, list[int]]]:
    """(sentence, cited numbers) of each generated sentence its cited evidence supports."""
    kept: list[tuple[str, list[int]]] = []
    for raw in split_sentences(text):
        sentence, cited = citation_markers(raw)
        if not sentence:
            continue
        cited = [n for n in cited if n in evidence]
        sources = [evidence[n] for n in cited] or list(evidence.values())
        if is_supported(sentence, sources, min_support=min_support):
            if not cited:  # attribute to the best-supporting evidence
                cited = [
                    max(
                        evidence, key=lambda n: is_supported(sentence, [evidence[n]], min_support=min_support)
                    )
                ]
            kept.append((sentence, cited))
        else:
            log.info("dropped unsupported LLM sentence (%d chars)", len(sentence))
    return kept


def llm_answer(
    kb: KnowledgeBase,
    question: str,
    evidence: Evidence,
    allowed: set[str],
    *,
    lang: str,
    history: Sequence[dict[str, str]] | None = None,
) -> tuple[str, list[Citation]] | None:
    """A grounded LLM answer with citations, or None to keep the extractive answer."""
    from assist.answer import citation_for
    from assist.answer_sentences import candidates_of

    # only sentences that may be sent to any customer go to the model (no case reports, no notes)
    general = {
        h.chunk.chunk_id: " ".join(c.text for c in candidates_of([h.chunk]) if c.role.sendable)
        for h in evidence.chunk_hits
        if h.chunk.doc_type in allowed
    }
    hits = [h for h in evidence.chunk_hits if general.get(h.chunk.chunk_id)][:_EVIDENCE_CHUNKS]
    if not hits:
        return None
    numbered = {n: hit for n, hit in enumerate(hits, start=1)}
    prompt = render_text(
        "answer_llm.j2",
        lang=lang,
        question=question,
        evidence=[
            {
                "n": n,
                "title": h.chunk.title,
                "section": h.chunk.meta.get("section_label", h.chunk.section),
                "text": general[h.chunk.chunk_id],
            }
            for n, h in numbered.items()
        ],
        history=[
            {"role": m.get("role", ""), "content": mask_pii(str(m.get("content", "")))} for m in history or []
        ],
    )
    try:
        text = chat_completion(kb.settings, [{"role": "user", "content": prompt}])
    except UpstreamError as exc:
        log.warning("%s; using the extractive answer", exc.message)
        return None
    if NO_ANSWER in text:
        return None
    kept = [
        (sentence, cited)
        for sentence, cited in grounded_sentences(
            text,
            {n: general[h.chunk.chunk_id] for n, h in numbered.items()},
            min_support=kb.settings.llm_min_support,
        )
        if classify(sentence).sendable
    ]
    if not kept:
        return None
    used = sorted({n for _, cited in kept for n in cited})
    answer = " ".join(f"{s} " + "".join(f"[{n}]" for n in cited) for s, cited in kept)
    return answer, [citation_for(n, numbered[n].chunk) for n in used]
