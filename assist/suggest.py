"""Suggestions for agents: ranked articles with matching sections, similar resolved
tickets, a suggested consultation tag and a cited draft reply."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from assist.answer import assess
from assist.consistency import log_writer
from assist.evidence import Evidence, clean_query, gather
from assist.knowledge import KnowledgeBase
from assist.reply_draft import build_reply_draft
from assist.schemas import ArticleSuggestion, SectionMatch, Suggestion, TicketSuggestion
from assist.sentence_rank import POOL, by_best_sentence
from assist.tags import suggest_tag
from core.types import DocHit
from storage import log_query, save_suggestion


def _date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def staleness(meta: dict[str, object], *, today: date, max_age_days: int) -> tuple[bool, str | None]:
    """(stale, reason): past its validity end date, or not updated for ``max_age_days``."""
    until = _date(meta.get("valid_until"))
    if until is not None and until < today:
        return True, f"유효기간 만료 ({until.isoformat()})"
    updated = _date(meta.get("updated_at"))
    if updated is not None and today - updated > timedelta(days=max_age_days):
        return True, f"최종 수정 후 {(today - updated).days}일 경과 ({updated.isoformat()})"
    return False, None


def _article(doc: DocHit, *, today: date, max_age_days: int) -> ArticleSuggestion:
    stale, reason = staleness(doc.meta, today=today, max_age_days=max_age_days)
    return ArticleSuggestion(
        article_id=doc.doc_id.split(":", 1)[1],
        title=doc.title,
        score=round(doc.score, 4),
        tag=doc.meta.get("tag"),
        updated_at=_date(doc.meta.get("updated_at")),
        valid_until=_date(doc.meta.get("valid_until")),
        stale=stale,
        stale_reason=reason,
        sections=[
            SectionMatch(
                section=h.chunk.section,
                label=str(h.chunk.meta.get("section_label", h.chunk.section)),
                chunk_id=h.chunk.chunk_id,
                snippet=h.chunk.body[:300],
                score=round(h.score, 4),
            )
            for h in doc.chunks
        ],
    )


def _ticket(doc: DocHit) -> TicketSuggestion:
    meta = doc.best.chunk.meta
    resolved = meta.get("resolved_at")
    return TicketSuggestion(
        ticket_id=doc.doc_id.split(":", 1)[1],
        subject=doc.title,
        inquiry=str(meta.get("inquiry", "")),
        resolution=str(meta.get("resolution", "")),
        score=round(doc.score, 4),
        tags=list(meta.get("tags") or []),
        resolved_at=datetime.fromisoformat(str(resolved)) if resolved else None,
        chunk_id=doc.best.chunk.chunk_id,
    )


def suggest(
    kb: KnowledgeBase,
    inquiry: str,
    *,
    subject: str | None = None,
    k: int = 5,
    ticket_id: str | None = None,
    log: bool = True,
    today: date | None = None,
) -> Suggestion:
    """Everything an agent needs beside a ticket; stored and logged unless ``log=False``."""
    t0 = time.perf_counter()
    text = clean_query(inquiry, kb.settings, field_name="inquiry")
    subj = clean_query(subject, kb.settings, field_name="subject") if subject and subject.strip() else ""
    query = f"{subj}\n{text}" if subj else text
    own = (f"ticket:{ticket_id}",) if ticket_id else ()  # a stored ticket is no evidence about itself
    # more articles for the list: the best-sentence re-rank may lift one from below the first k
    evidence: Evidence = gather(kb, query, k=k, exclude=own, article_pool=POOL * k)
    t_draft = time.perf_counter()
    # the same composition and calibrated confidence as /v1/answer for the same text
    comp, confidence, _ = assess(kb, evidence, text, {"article", "doc"})
    confident = confidence >= kb.settings.answer_threshold
    draft = build_reply_draft(evidence, text, kb.settings, composition=comp, confident=confident)
    tag = suggest_tag(sorted(evidence.articles + evidence.tickets, key=lambda d: -d.score)[:8])
    if tag is not None and (not confident or tag.confidence < kb.settings.tag_min_confidence):
        tag = None  # no pre-filled tag the agent would have to notice and undo
    timings = dict(evidence.trace.timings_ms)
    timings["draft"] = (time.perf_counter() - t_draft) * 1000
    today = today or datetime.now(UTC).date()
    suggestion = Suggestion(
        id=uuid.uuid4().hex,
        ticket_id=ticket_id,
        articles=[
            _article(d, today=today, max_age_days=kb.settings.stale_after_days)
            for d in by_best_sentence(
                evidence.article_pool or evidence.articles,
                kb.index,
                evidence.trace.query_vector,
                kb.settings.sentence_rank,
            )[:k]
        ],
        tickets=[_ticket(d) for d in evidence.tickets],
        tag=tag,
        draft=draft,
        confidence=confidence,
        timings_ms={},
        created_at=datetime.now(UTC),
    )
    timings["total"] = (time.perf_counter() - t0) * 1000
    suggestion.timings_ms = {key: round(v, 3) for key, v in timings.items()}
    if log:  # never fails the request: a locked database defers the write (assist/logwriter.py)
        log_writer(kb).write(lambda session: record_suggestion(session, suggestion, query))
    return suggestion


def record_suggestion(session: Session, suggestion: Suggestion, query: str) -> None:
    """Log the query (hash only) and store the suggestion as returned, in the caller's transaction."""
    log_id = log_query(
        session,
        kind="suggest",
        query=query,
        hit_ids=[f"article:{a.article_id}" for a in suggestion.articles]
        + [f"ticket:{t.ticket_id}" for t in suggestion.tickets],
        timings_ms=suggestion.timings_ms,
        confidence=suggestion.confidence,
    )
    save_suggestion(
        session,
        suggestion.model_dump(mode="json"),
        ticket_id=suggestion.ticket_id,
        query_log_id=log_id,
        suggestion_id=suggestion.id,
    )
