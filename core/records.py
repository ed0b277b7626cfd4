"""Plain records that readers produce and the pipeline consumes.

Readers turn files into these; nothing here knows about databases or indexes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# The 9 sections of the KMS template, in order (see ../shared/KMS_TEMPLATE.md).
SECTION_KEYS: tuple[str, ...] = (
    "title",
    "summary",
    "purpose",
    "policy",
    "steps",
    "scripts",
    "situations",
    "references",
    "management",
)
# A part of an article nobody has written yet ("검토 필요: …", a draft's placeholder rule, an
# update proposal's new situation): lint flags it, and answers never send it.
REVIEW_MARKER = "검토 필요"
REQUIRED_SECTIONS: tuple[str, ...] = (
    "title",
    "purpose",
    "policy",
    "steps",
    "scripts",
    "situations",
    "management",
)
SECTION_LABELS_KO: dict[str, str] = {
    "title": "제목",
    "summary": "요약",
    "purpose": "목적",
    "policy": "정책",
    "steps": "단계별 절차",
    "scripts": "상담 스크립트",
    "situations": "주요 상황 및 해결책",
    "references": "참고 자료",
    "management": "문서 관리 및 업데이트",
}
SECTION_LABELS_EN: dict[str, str] = {
    "title": "Title",
    "summary": "Summary",
    "purpose": "Purpose",
    "policy": "Policy",
    "steps": "Step-by-step procedure",
    "scripts": "Consultation scripts",
    "situations": "Main situations and solutions",
    "references": "References",
    "management": "Document management and updates",
}


@dataclass
class ArticleRecord:
    """One KMS article as read from a file (before PII masking)."""

    article_id: str
    title: str
    sections: dict[str, str]  # section key -> body text (without its heading); title not included
    source: str  # file path (and #n for multi-record files)
    line: int | None = None  # first line of the record in its file, where known
    tag: str | None = None  # consultation tag, e.g. "고객::결제::오류"
    updated_at: date | None = None  # last updated date from the management section
    valid_from: date | None = None
    valid_until: date | None = None
    owner: str | None = None
    lang: str = "ko"
    missing: list[str] = field(default_factory=list)  # required section keys absent/empty

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def doc_id(self) -> str:
        """The id its chunks carry in the index."""
        return f"article:{self.article_id}"


@dataclass
class TicketRecord:
    """One support ticket as read from a file (before PII masking)."""

    ticket_id: str
    inquiry: str
    source: str
    line: int | None = None
    subject: str = ""
    resolution: str = ""
    status: str = "resolved"
    tags: list[str] = field(default_factory=list)
    channel: str = ""
    created_at: datetime | None = None
    resolved_at: datetime | None = None
    csat: float | None = None
    customer_ref: str | None = None
    first_response_at: datetime | None = None  # the first agent reply (None: not known)
    reopens: int | None = None  # times reopened after a resolve (None: the source does not say)

    @property
    def doc_id(self) -> str:
        """The id its chunks carry in the index."""
        return f"ticket:{self.ticket_id}"


@dataclass(frozen=True)
class IngestIssue:
    """A problem found while reading input: names the file, line, field and reason."""

    file: str
    reason: str
    line: int | None = None
    field: str | None = None
    value: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        what = f" [{self.field}]" if self.field else ""
        val = f" (value: {self.value!r})" if self.value is not None else ""
        return f"{self.severity}: {where}{what}: {self.reason}{val}"


@dataclass
class ReadResult:
    """What a reader returns: the records it could read, and the issues it found."""

    articles: list[ArticleRecord] = field(default_factory=list)
    tickets: list[TicketRecord] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.articles.extend(other.articles)
        self.tickets.extend(other.tickets)
        self.issues.extend(other.issues)
