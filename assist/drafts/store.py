"""Plain functions over a ``Session`` for topics, drafts and draft revisions (nothing commits)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assist.drafts.config import DraftSettings
from assist.drafts.lint import LintFinding, lint_draft
from assist.drafts.schemas import (
    DraftDetail,
    DraftSummary,
    LintOut,
    RevisionOut,
    SentenceSource,
    SourceTicket,
)
from assist.errors import InvalidInputError, NotFoundError
from korean.pii import mask_pii
from storage import DRAFT_STATUSES, DraftRevisionRow, DraftRow, TicketCoverageRow, TicketRow, TopicRow

__all__ = [
    "detail",
    "draft_lint",
    "latest_draft",
    "list_drafts",
    "load_topics",
    "require_draft",
    "revisions",
    "save_coverage",
    "summary",
    "tickets_by_id",
]


def require_draft(session: Session, draft_id: int) -> DraftRow:
    row = session.get(DraftRow, draft_id)
    if row is None:
        raise NotFoundError(
            f"draft {draft_id} does not exist; `kms drafts list` shows the drafts",
            details={"draft_id": draft_id},
        )
    return row


def load_topics(session: Session) -> list[TopicRow]:
    return list(session.scalars(select(TopicRow).order_by(TopicRow.id)))


def latest_draft(session: Session, topic_id: int) -> DraftRow | None:
    stmt = select(DraftRow).where(DraftRow.topic_id == topic_id).order_by(DraftRow.id.desc()).limit(1)
    return session.scalars(stmt).first()


def list_drafts(
    session: Session, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[DraftRow]:
    """Drafts, most demand first (the topic's tickets + its unanswered chatbot questions), then
    fastest growing, then oldest."""
    stmt = select(DraftRow)
    if status is not None:
        if status not in DRAFT_STATUSES:
            raise InvalidInputError(
                f"status must be one of {', '.join(DRAFT_STATUSES)}, not {status!r}",
                field="status",
                value=status,
            )
        stmt = stmt.where(DraftRow.status == status)
    stmt = (
        stmt.order_by((DraftRow.size + DraftRow.unanswered).desc(), DraftRow.growth.desc(), DraftRow.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def revisions(session: Session, draft_id: int) -> list[DraftRevisionRow]:
    stmt = select(DraftRevisionRow).where(DraftRevisionRow.draft_id == draft_id)
    return list(session.scalars(stmt.order_by(DraftRevisionRow.id)))


def tickets_by_id(session: Session, ids: Sequence[str]) -> list[TicketRow]:
    """Stored tickets with the given ids, in that order (missing ones skipped)."""
    found: dict[str, TicketRow] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), 500):
        for row in session.scalars(select(TicketRow).where(TicketRow.id.in_(wanted[start : start + 500]))):
            found[row.id] = row
    return [found[i] for i in wanted if i in found]


def summary(row: DraftRow) -> DraftSummary:
    evidence = row.evidence or {}
    coverage = evidence.get("coverage")
    return DraftSummary(
        id=row.id,
        topic_id=row.topic_id,
        topic_key=row.topic.key,
        status=row.status,
        title=row.title,
        tag=row.tag,
        size=row.size,
        growth=row.growth,
        unanswered=row.unanswered or 0,
        coverage=float(coverage) if coverage is not None else None,
        gap_probability=float(p) if (p := evidence.get("gap_probability")) is not None else None,
        reasons=list(evidence.get("reasons", [])),
        article_id=row.article_id,
        merged_into=row.merged_into,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def detail(session: Session, row: DraftRow) -> DraftDetail:
    """A draft with its evidence: source tickets (texts, PII-masked once more), per-sentence
    provenance, revisions."""
    tickets = tickets_by_id(session, (row.evidence or {}).get("ticket_ids", []))
    return DraftDetail(
        **summary(row).model_dump(),
        sections=dict(row.sections or {}),
        provenance={k: [SentenceSource(**s) for s in v] for k, v in (row.provenance or {}).items()},
        markdown=row.markdown,
        evidence=dict(row.evidence or {}),
        tickets=[
            SourceTicket(
                id=t.id,
                subject=mask_pii(t.subject),
                inquiry=mask_pii(t.inquiry),
                resolution=mask_pii(t.resolution),
                tags=list(t.tags or []),
                resolved_at=t.resolved_at,
            )
            for t in tickets
        ],
        revisions=[
            RevisionOut(
                id=r.id, changed=list(r.changed or []), author=r.author, note=r.note, created_at=r.created_at
            )
            for r in revisions(session, row.id)
        ],
        reject_reason=row.reject_reason,
        lint=[LintOut(**f.as_json()) for f in draft_lint(row)],
        review_notes=list((row.evidence or {}).get("review_notes", [])),
        unanswered_examples=[
            mask_pii(str(q)) for q in ((row.evidence or {}).get("unanswered") or {}).get("examples", [])
        ],
    )


def draft_lint(row: DraftRow) -> list[LintFinding]:
    """The lint of a stored draft (its sections, title and evidence)."""
    threshold = _coverage_threshold(tuple(sorted(_drafts_env())))
    sections = dict(row.sections or {})
    return lint_draft(row.title, sections, evidence=row.evidence, coverage_threshold=threshold)


def _drafts_env() -> Iterator[tuple[str, str]]:
    return ((k, v) for k, v in os.environ.items() if k.upper().startswith("KMS_DRAFTS_"))


@functools.lru_cache(maxsize=16)
def _coverage_threshold(env: tuple[tuple[str, str], ...]) -> float:
    """The gap finder's coverage cut (``DraftSettings`` read once per environment, not per lint:
    reading the settings took ~5 ms, twice per approval)."""
    return DraftSettings().coverage_threshold


def save_coverage(
    session: Session,
    ticket_ids: Sequence[str],
    best: Sequence[float],
    articles: Sequence[str | None],
    computed_at: datetime,
    *,
    batch: int = 500,
) -> int:
    """Store each ticket's coverage of this run (``ticket_coverage``), replacing the one an earlier
    run stored: per batch one DELETE and one multi-row INSERT. Returns the rows written."""
    for start in range(0, len(ticket_ids), batch):
        ids = list(ticket_ids[start : start + batch])
        session.execute(delete(TicketCoverageRow).where(TicketCoverageRow.ticket_id.in_(ids)))
        rows = [
            {"ticket_id": t, "best": round(float(b), 6), "article_id": a, "computed_at": computed_at}
            for t, b, a in zip(ids, best[start : start + batch], articles[start : start + batch], strict=True)
        ]
        session.execute(insert(TicketCoverageRow), rows)
    return len(ticket_ids)
