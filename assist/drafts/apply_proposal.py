"""Apply an "update article X" proposal (:mod:`assist.drafts.proposals`) to article X.

    pending --apply--> merged   X gains the safe Q/A pairs (상담 스크립트) and the situations
                                 (주요 상황 및 해결책, as "검토 필요" entries) in a new revision

The proposal's answers are agents' resolutions of single tickets ("… 환불된다고 안내드렸습니다",
"… 취소 처리했습니다"), so every answer sentence goes through the sentence roles
(:func:`korean.roles.classify`): a general sentence is kept, an agent note with a customer-facing
``rewrite`` is replaced by it, any other case report or note is dropped. A kept sentence is also
dropped when it still holds a placeholder (masked PII, "○○") or reads as one case (the draft lint's
:func:`~assist.drafts.lint.case_problem`: a one-off concession, "고객님은 …"). A pair whose answer
ends up empty, whose question is not a customer's own (placeholder, agent memo) or that the article
already asks (same text after whitespace normalisation) is left out, with the reason.

The article is written as ``merge_draft`` does (``upsert_article``: new version + revision with the
reviewer as author, 문서 관리 log line, incremental re-index) and the draft becomes ``merged`` into
X in the same transaction; what was added and left out is kept in the draft's evidence
(``"applied"``). :func:`plan_update` is the same decision without writing, for the review page.
Errors: ``NotFoundError`` (draft, article), ``ConflictError`` (not pending, already applied, article
not published), ``InvalidInputError`` (no reviewer, not an update proposal, nothing to add).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from assist.drafts.lint import case_problem, has_placeholder, question_problem
from assist.drafts.review import (
    pending_draft,
    published_article,
    reindex_article,
    required_text,
    updated_management,
)
from assist.drafts.schemas import DraftDetail
from assist.drafts.store import detail, require_draft
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from core.records import ArticleRecord
from korean.pii import mask_pii
from korean.roles import classify
from korean.sentences import split_sentences
from storage import get_article, upsert_article

__all__ = [
    "REASONS",
    "ApplyResult",
    "DroppedSentence",
    "PlannedPair",
    "ProposalPlan",
    "apply_proposal",
    "plan_update",
    "preview_proposal",
    "safe_answer",
    "update_proposal",
]

# why a pair or a sentence is left out: the codes (their words, Korean and English, are the
# ``drafts.leftout.<code>`` labels of assist.drafts.messages, shared by the page and the CLI)
REASONS: tuple[str, ...] = (
    "duplicate",
    "question",
    "unsafe",
    "case_report",
    "agent_note",
    "placeholder",
    "concession",
    "one_customer",
)
SITUATION_NOTE = "검토 필요: 티켓에서 반복된 상황으로, 담당자가 해결책을 확인해 채울 항목입니다."
_Q_LINE = re.compile(r"^\s*(?:[-*•]\s*)?Q\d*\s*[:：]\s*(.*)$")


@dataclass(frozen=True)
class DroppedSentence:
    text: str
    reason: str  # a key of REASONS


@dataclass
class PlannedPair:
    question: str
    answer: str  # what goes into the article ("" when nothing safe is left)
    ticket: str
    skip: str | None = None  # None: added; else "duplicate" | "question" | "unsafe"
    dropped: list[DroppedSentence] = field(default_factory=list)
    rewritten: list[tuple[str, str]] = field(default_factory=list)  # (agent note, customer rewrite)


@dataclass
class ProposalPlan:
    article_id: str
    article_title: str
    article_share: float
    pairs: list[PlannedPair]
    situations: list[str]  # to add as "검토 필요" entries
    situations_present: list[str]  # already in the article's situations: left out

    @property
    def added(self) -> list[PlannedPair]:
        return [p for p in self.pairs if p.skip is None]

    @property
    def skipped(self) -> list[PlannedPair]:
        return [p for p in self.pairs if p.skip is not None]

    @property
    def empty(self) -> bool:
        return not self.added and not self.situations

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ApplyResult:
    draft: DraftDetail
    plan: ProposalPlan
    version: int


def _norm(text: str) -> str:
    return " ".join(text.split())


def update_proposal(draft_id: int, evidence: Mapping[str, Any]) -> dict[str, Any]:
    """The draft's "update article X" proposal; ``InvalidInputError`` for any other."""
    proposal = evidence.get("proposal") or {}
    if proposal.get("kind") != "update" or not proposal.get("article_id"):
        kind = proposal.get("kind") or "none"
        raise InvalidInputError(
            f"draft {draft_id} proposes no update of an existing article (proposal: {kind}); "
            "approve it as a new article or merge it instead",
            field="proposal",
            value=str(kind),
        )
    return dict(proposal)


def safe_answer(answer: str) -> tuple[str, list[DroppedSentence], list[tuple[str, str]]]:
    """``answer`` as customer-facing sentences only: (kept text, dropped sentences, rewrites)."""
    kept: list[str] = []
    dropped: list[DroppedSentence] = []
    rewritten: list[tuple[str, str]] = []
    for sentence in split_sentences(mask_pii(_norm(answer))):
        label = classify(sentence)
        if label.role == "general":
            text = sentence
        elif label.rewrite:
            text = label.rewrite
        else:
            dropped.append(DroppedSentence(sentence, label.role))
            continue
        why = "placeholder" if has_placeholder(text) else case_problem(text, "scripts")
        if why:
            dropped.append(DroppedSentence(sentence, why))
            continue
        if text != sentence:
            rewritten.append((sentence, text))
        kept.append(text)
    return " ".join(kept), dropped, rewritten


def _questions(scripts: str) -> set[str]:
    return {_norm(m.group(1)) for line in scripts.splitlines() if (m := _Q_LINE.match(line))}


def plan_update(proposal: Mapping[str, Any], article: ArticleRecord) -> ProposalPlan:
    """What applying ``proposal`` to ``article`` adds and leaves out (nothing is written)."""
    have = _questions(article.sections.get("scripts", ""))
    pairs: list[PlannedPair] = []
    for raw in proposal.get("add_scripts") or []:
        question = mask_pii(_norm(str(raw.get("question", ""))))
        pair = PlannedPair(question, "", str(raw.get("ticket", "")))
        if not question or question in have:
            pair.skip = "duplicate"
        elif question_problem(question):
            pair.skip = "question"
        else:
            pair.answer, pair.dropped, pair.rewritten = safe_answer(str(raw.get("answer", "")))
            pair.skip = None if pair.answer else "unsafe"
        if pair.skip is None:
            have.add(question)
        pairs.append(pair)
    body = article.sections.get("situations", "")
    situations: list[str] = []
    present: list[str] = []
    for raw_kw in proposal.get("add_situations") or []:
        keyword = mask_pii(_norm(str(raw_kw)))
        if not keyword or keyword in situations or keyword in present:
            continue
        (present if keyword in body else situations).append(keyword)
    return ProposalPlan(
        article_id=article.article_id,
        article_title=article.title,
        article_share=float(proposal.get("article_share") or 0.0),
        pairs=pairs,
        situations=situations,
        situations_present=present,
    )


def _article(session: Session, article_id: str) -> ArticleRecord:
    return published_article(
        session, article_id, which=" of the proposal", fix="only a published article is updated"
    )


def preview_proposal(kb: KnowledgeBase, evidence: Mapping[str, Any]) -> ProposalPlan | None:
    """The plan of a draft's update proposal against its article as stored now; None when the
    draft proposes no update or the article is gone or unpublished."""
    proposal = evidence.get("proposal") or {}
    if proposal.get("kind") != "update" or not proposal.get("article_id"):
        return None
    try:
        with kb.sessions() as session:
            article = _article(session, str(proposal["article_id"]))
    except (NotFoundError, ConflictError):
        return None
    return plan_update(proposal, article)


def _append(body: str, extra: list[str]) -> str:
    text = "\n\n".join(extra)
    return f"{body.strip()}\n\n{text}".strip() if text else body.strip()


def _situation(keyword: str) -> str:
    return f"### {keyword} 관련 문의 (검토 필요)\n{SITUATION_NOTE}"


def apply_proposal(kb: KnowledgeBase, draft_id: int, *, author: str | None) -> ApplyResult:
    """Add the safe part of a pending draft's update proposal to its article; the draft is merged."""
    today = datetime.now(UTC).date()
    with kb.sessions() as session, session.begin():
        row = require_draft(session, draft_id)
        applied = (row.evidence or {}).get("applied")
        if applied:
            raise ConflictError(
                f"draft {draft_id} was already applied to article {applied.get('article_id')} "
                f"by {applied.get('author')}; it cannot be applied again",
                details={"draft_id": draft_id, "field": "applied", "article_id": applied.get("article_id")},
            )
        row = pending_draft(session, draft_id, "applied")
        author = required_text(author, "author", "the reviewer")
        proposal = update_proposal(draft_id, row.evidence or {})
        rec = _article(session, str(proposal["article_id"]))
        plan = plan_update(proposal, rec)
        if plan.empty:
            raise InvalidInputError(
                f"nothing of draft {draft_id}'s proposal can be added to article {rec.article_id} "
                f"({len(plan.skipped)} pair(s) left out, no new situation); reject the draft or edit "
                "the article by hand",
                field="proposal_empty",
                value=rec.article_id,
            )
        scripts = [f"Q: {p.question}\nA: {p.answer}" for p in plan.added]
        rec.sections["scripts"] = _append(rec.sections.get("scripts", ""), scripts)
        situations = [_situation(k) for k in plan.situations]
        rec.sections["situations"] = _append(rec.sections.get("situations", ""), situations)
        change = (
            f"초안 #{row.id} 보완 제안 적용: 상담 스크립트 {len(plan.added)}건·주요 상황 "
            f"{len(plan.situations)}건 추가 (검토: {author})"
        )
        rec.sections["management"] = updated_management(rec.sections.get("management", ""), today, change)
        rec.updated_at = today
        upsert_article(session, rec, author=author, change_note=f"초안 #{row.id} 보완 제안 적용")
        session.flush()
        saved = get_article(session, rec.article_id)
        version = saved.version if saved is not None else 0
        record = {"article_id": rec.article_id, "version": version, "author": author}
        record |= {"at": datetime.now(UTC).isoformat(timespec="seconds"), "plan": plan.as_json()}
        row.evidence = {**(row.evidence or {}), "applied": record}
        row.status, row.merged_into, row.updated_at = "merged", rec.article_id, datetime.now(UTC)
        session.flush()
        out = detail(session, row)
    reindex_article(kb, rec)
    return ApplyResult(out, plan, version)
