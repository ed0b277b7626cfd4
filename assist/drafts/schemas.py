"""What the drafts API and CLI return (pydantic), built from the rows by ``assist.drafts.store``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "DraftDetail",
    "DraftSummary",
    "GenerateResult",
    "LintOut",
    "QuestionGap",
    "RevisionOut",
    "SentenceSource",
    "SourceTicket",
]


class SentenceSource(BaseModel):
    text: str
    tickets: list[str] = Field(description="Ids of the tickets the sentence was taken from or is about.")
    kind: str = Field(description="'extracted' (a ticket's words), 'generated' (structural) or 'edited'.")


class LintOut(BaseModel):
    code: str = Field(
        description="case_specific | placeholder | script_memo | missing_section | review_marker | "
        "generator_note | duplicate"
    )
    section: str = Field(description="Section key ('title' for the draft as a whole).")
    text: str = Field(description="The offending sentence or line.")
    message: str = Field(description="What is wrong and what to do, in Korean.")


class SourceTicket(BaseModel):
    id: str
    subject: str
    inquiry: str
    resolution: str
    tags: list[str]
    resolved_at: datetime | None = None


class RevisionOut(BaseModel):
    id: int
    changed: list[str]
    author: str
    note: str | None = None
    created_at: datetime


class DraftSummary(BaseModel):
    id: int
    topic_id: int
    topic_key: str
    status: str
    title: str
    tag: str | None = None
    size: int = Field(description="Tickets of the topic in the last run.")
    growth: float = Field(
        description="Tickets the topic gained since the run before (a new topic: its size)."
    )
    unanswered: int = Field(
        0,
        description="Handed-off chatbot questions of the last run's window whose nearest topic is "
        "this draft's (assist.drafts.demand); drafts are listed by tickets + these.",
    )
    coverage: float | None = Field(None, description="Median best article cosine of the topic's tickets.")
    gap_probability: float | None = Field(
        None,
        description="Probability that no article answers the topic (assist.drafts.gap_model), "
        "where it decided.",
    )
    reasons: list[str] = Field(default_factory=list, description="'weak_coverage' and/or 'bad_feedback'.")
    article_id: str | None = None
    merged_into: str | None = None
    created_at: datetime
    updated_at: datetime


class DraftDetail(DraftSummary):
    sections: dict[str, str]
    provenance: dict[str, list[SentenceSource]]
    markdown: str
    evidence: dict[str, Any]
    tickets: list[SourceTicket]
    revisions: list[RevisionOut]
    reject_reason: str | None = None
    lint: list[LintOut] = Field(
        default_factory=list, description="What keeps the draft from being published as written."
    )
    review_notes: list[str] = Field(
        default_factory=list, description="Generator notes for reviewers (never part of the article)."
    )
    unanswered_examples: list[str] = Field(
        default_factory=list, description="Up to 3 of those chatbot questions, PII-masked as stored."
    )


class QuestionGap(BaseModel):
    questions: int = Field(description="Handed-off chatbot questions of the topic.")
    keywords: list[str]
    examples: list[str] = Field(description="Up to 3 of its questions, PII-masked as stored.")


class GenerateResult(BaseModel):
    tickets: int = Field(description="Resolved tickets in the window.")
    outside_window: int = Field(
        0, description="Resolved tickets older than the window (since='all' or a longer one includes them)."
    )
    topics: int = Field(description="Recurring topics (clusters of at least min_size tickets).")
    gaps: int = Field(description="Topics the KB does not cover.")
    created: list[int] = Field(description="Ids of drafts created.")
    updated: list[int] = Field(description="Ids of pending drafts whose content/evidence was refreshed.")
    suppressed: list[int] = Field(description="Topic ids skipped: their draft was rejected, no regrowth.")
    skipped: list[int] = Field(description="Topic ids skipped: their draft was approved or merged.")
    update_proposals: list[int] = Field(
        default_factory=list,
        description="Ids of the created/updated drafts whose topic an existing article covers: they "
        "propose adding questions and situations to that article (evidence['proposal']).",
    )
    unanswered: int = Field(0, description="Handed-off chatbot questions of the window (masked text kept).")
    unanswered_matched: int = Field(
        0, description="... of them attached to a draft created or refreshed by this run."
    )
    unanswered_gaps: list[QuestionGap] = Field(
        default_factory=list,
        description="Topics of at least 3 such questions that match no topic and no article: gaps no "
        "ticket shows, to write by hand (no draft is made from questions alone).",
    )
    since_days: float | None = None
    min_size: int
    method: str
    verdicts: list[dict[str, Any]] = Field(
        default_factory=list,
        exclude=True,  # per topic: ticket ids and what decided its gap verdict (kms eval gaps)
    )
