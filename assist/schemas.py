"""Result types of the core functions (suggest, answer, tickets); the API returns them as-is."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

SpeechLevel = Literal["formal", "polite"]  # 하십시오체 | 해요체


class SectionMatch(BaseModel):
    section: str = Field(description="Template section key, e.g. 'scripts', 'policy'.")
    label: str = Field(description="Section label shown to agents, e.g. '상담 스크립트'.")
    chunk_id: str
    snippet: str
    score: float


class ArticleSuggestion(BaseModel):
    article_id: str
    title: str
    score: float
    tag: str | None = None
    updated_at: date | None = None
    valid_until: date | None = None
    stale: bool = False
    stale_reason: str | None = None
    sections: list[SectionMatch]


class TicketSuggestion(BaseModel):
    ticket_id: str
    subject: str
    inquiry: str
    resolution: str
    score: float
    tags: list[str] = Field(default_factory=list)
    resolved_at: datetime | None = None
    chunk_id: str


class TagSuggestion(BaseModel):
    value: str = Field(description="Hierarchical consultation tag, e.g. '고객::결제::오류'.")
    confidence: float = Field(ge=0, le=1)
    alternatives: list[tuple[str, float]] = Field(default_factory=list)


class Citation(BaseModel):
    n: int = Field(description="Citation number as it appears in the text: [n].")
    doc_id: str = Field(description="'article:<id>', 'ticket:<id>' or 'doc:<id>'.")
    article_id: str | None = Field(None, description="Article id when the source is an article.")
    title: str
    section: str
    snippet: str
    chunk_id: str


class ReplyDraftSentence(BaseModel):
    text: str = Field(description="The sentence as it appears in the draft.")
    kind: Literal["greeting", "body", "caveat", "closing", "slot"] = Field(
        description="'slot': a fill-in ([확인 필요: …]) shown instead of a claim about one customer's case."
    )
    citation: int | None = Field(None, description="Citation number, None for template greeting/closing.")
    source_text: str | None = Field(
        None, description="The exact source sentence (before speech-level normalisation)."
    )


class ReplyDraft(BaseModel):
    """A reply an agent may send this customer (an article draft for the KB is ``assist.drafts``)."""

    text: str
    strategy: Literal["script", "ticket", "sentences", "none"]
    speech_level: SpeechLevel
    sentences: list[ReplyDraftSentence]
    citations: list[Citation]


class Suggestion(BaseModel):
    id: str
    ticket_id: str | None = None
    articles: list[ArticleSuggestion]
    tickets: list[TicketSuggestion]
    tag: TagSuggestion | None
    draft: ReplyDraft
    confidence: float = Field(ge=0, le=1)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    created_at: datetime


class Answer(BaseModel):
    answer: str
    citations: list[Citation]
    confidence: float = Field(ge=0, le=1)
    abstained: bool
    handoff_reason: str | None = None
    lang: str
    generated_by: Literal["extractive", "llm", "handoff"] = "extractive"
    timings_ms: dict[str, float] = Field(default_factory=dict)
    log_id: str | None = None
    features: dict[str, float] = Field(
        default_factory=dict, exclude=True, description="Confidence-model inputs (evaluation only)."
    )


class TicketOut(BaseModel):
    id: str
    subject: str
    inquiry: str
    resolution: str
    status: str
    channel: str
    tags: list[str]
    customer_ref: str | None = None
    created_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None  # the signed-in user or key that resolved it here
    first_response_at: datetime | None = Field(
        default=None,
        description="첫 응답 시각 · The first agent reply (a sent suggested draft or the resolve); "
        "null when not known (e.g. an import whose source does not say).",
    )
    reopens: int | None = Field(
        default=None,
        ge=0,
        description="재오픈 횟수 · Times the ticket went back to open after a resolve; null when not known.",
    )
