"""Compose an article draft (a KMS article to review, not a reply draft) for one gap topic.

No LLM: every line is either taken from a ticket (``extracted``, with that ticket's id) or a
structural sentence about the topic (``generated``, with the topic's ticket ids). Resolutions are
read clause by clause with sentence roles (:func:`assist.drafts.phrasing.read_resolution`): general
rules feed 정책, handling actions 단계별 절차, general sentences the script answers, case outcomes
주요 상황 및 해결책. Sections with nothing to take from the tickets say "검토 필요: …" instead of
inventing anything. How the draft came about (coverage, feedback, single-ticket rule candidates)
goes into ``DraftContent.notes`` for the review page, never into a section.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from assist.drafts.clusters import unify_synonyms
from assist.drafts.examples import script_lines, script_question, situation_lines
from assist.drafts.gaps import GapAssessment
from assist.drafts.keywords import DocFreq, keywords
from assist.drafts.lines import Line, make_line, provenance, section_markdown
from assist.drafts.phrasing import Said, read_resolution
from assist.drafts.policy import policy_lines, step_lines
from assist.drafts.references import relevant_articles
from assist.drafts.render import render_markdown
from assist.drafts.titles import topic_title
from assist.grounding import is_supported
from assist.knowledge import KnowledgeBase
from core.records import SECTION_KEYS, TicketRecord
from korean.colloquial import normalize_query
from korean.lexicon import Lexicon

__all__ = ["DraftContent", "TopicDocs", "common_tag", "compose", "management_lines"]

OWNER_UNASSIGNED = "미지정"
ARTICLE_SUPPORT = 0.9  # share of a rule's content morphemes an existing article must contain
_REP_CHARS = 160


@dataclass
class TopicDocs:
    """A topic's member tickets with what composing needs about them."""

    tickets: list[TicketRecord]
    vectors: np.ndarray
    nouns: list[list[str]]  # subject + inquiry nouns per ticket
    medoid: int  # row of the representative ticket
    background: DocFreq  # noun document frequencies over every ticket of the run

    @property
    def ids(self) -> list[str]:
        return [t.ticket_id for t in self.tickets]


@dataclass
class DraftContent:
    """A composed draft: its lines per section (title included) and what they render to."""

    title: str
    tag: str | None
    keywords: list[str]
    lines: dict[str, list[Line]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # for reviewers (draft evidence), never sections

    def sections(self) -> dict[str, str]:
        """Markdown body per section (title excluded), in template order."""
        return {k: section_markdown(self.lines[k]) for k in SECTION_KEYS if k != "title" and k in self.lines}

    def provenance(self) -> dict[str, list[dict[str, Any]]]:
        return {key: provenance(lines) for key, lines in self.lines.items()}

    def markdown(self) -> str:
        return render_markdown(self.title, self.sections())


def common_tag(tickets: Sequence[TicketRecord]) -> tuple[str | None, list[str]]:
    """The most common consultation tag of the tickets and the ids of tickets that carry it.

    A ticket's tag is its first hierarchical tag (``고객::배송::지연``), else its tags joined by ``::``.
    """
    per_ticket: dict[str, str] = {}
    for t in tickets:
        tags = [x.strip() for x in t.tags if x.strip()]
        if tags:
            per_ticket[t.ticket_id] = next((x for x in tags if "::" in x), "::".join(tags))
    if not per_ticket:
        return None, []
    tag, _ = Counter(per_ticket.values()).most_common(1)[0]
    return tag, [tid for tid, value in per_ticket.items() if value == tag]


def management_lines(
    ids: Sequence[str],
    today: date,
    *,
    note: str,
    owner: str = OWNER_UNASSIGNED,
    status: str = "초안 (자동 생성, 검토 대기)",
) -> list[Line]:
    """문서 관리 및 업데이트: last updated, owner, status, source tickets, change log."""
    day = today.isoformat()
    return [
        make_line(f"최종 수정일: {day}", ids, "generated"),
        make_line(f"담당자: {owner}", ids, "generated"),
        make_line(f"상태: {status}", ids, "generated"),
        make_line(f"출처 티켓: {', '.join(ids)}", ids, "generated"),
        make_line(f"{day}: {note}", ids, "generated", "- "),
    ]


def _reference_lines(kb: KnowledgeBase, docs: TopicDocs, words: Sequence[str]) -> list[Line]:
    """Existing articles above the measured relevance (:mod:`assist.drafts.references`), or none."""
    return [
        make_line(f"{article_id} ({title})", docs.ids, "generated", "- ")
        for article_id, title, _score in relevant_articles(kb, docs.vectors, words[:3])
    ]


def _article_texts(kb: KnowledgeBase) -> list[str]:
    texts: dict[str, list[str]] = {}
    for chunk in kb.index.chunks:
        if chunk.doc_type == "article":
            texts.setdefault(chunk.doc_id, []).append(chunk.text)
    return ["\n".join(parts) for parts in texts.values()]


def _why_uncovered(gap: GapAssessment) -> str:
    """The gap verdict in words, as it was reached: the fitted verdict overruling the cosine rules,
    or the rules (a low median cosine, top keywords no article uses)."""
    chance = f" (미포함 확률 {gap.probability:.2f})" if gap.probability is not None else ""
    if gap.probability is not None and gap.rules_gap is False:
        spread = f"{gap.unasked:.3f}" if gap.unasked is not None else "-"
        return (
            f"기존 문서와의 유사도(중앙값 {gap.coverage:.2f})로는 다루는 문서가 있어 보이지만, "
            f"고객 문의끼리가 가까운 문서의 상담 스크립트 질문보다 더 가까워(차이 {spread}) "
            f"이 주제를 다루는 문서가 없을 가능성이 높습니다{chance}."
        )
    alone = [w for w in gap.missing_keywords if "+" not in w]
    pairs = [w.replace("+", ", ") for w in gap.missing_keywords if "+" in w]
    missing = f" 어느 문서에도 없는 핵심어: {', '.join(alone)}." if alone else ""
    missing += f" 한 문서에 함께 쓰이지 않는 핵심어: {'; '.join(pairs)}." if pairs else ""
    low = f"기존 문서와의 유사도(중앙값 {gap.coverage:.2f})가 낮아 이 주제를 다루는 문서가 없습니다"
    return f"{low}{chance}.{missing}"


def review_notes(gap: GapAssessment, candidates: Sequence[str]) -> list[str]:
    """Why the draft exists and what was left out: for reviewers (draft evidence), never sections."""
    notes: list[str] = []
    if gap.weak_coverage:
        notes.append(_why_uncovered(gap))
    if gap.bad_feedback:
        notes.append(
            f"이 주제의 추천 답변 피드백 {gap.feedback_total}건 중 {gap.feedback_bad}건이 거절되거나 "
            "크게 수정되었습니다."
        )
    notes.extend(f"티켓 한 건에서만 확인된 정책 후보: {c}" for c in candidates)
    return notes


def _subject(title: str) -> str:
    for head in (" 안내", " 처리"):
        if title.endswith(head):
            return title[: -len(head)]
    return title


def _summary(subject: str, docs: TopicDocs, said: dict[str, list[Said]]) -> list[Line]:
    ids = docs.ids
    lines = [
        make_line(
            f"{subject}에 관한 고객 문의를 처리하는 기준과 절차, 상담 스크립트를 정리한 문서입니다.",
            ids,
            "generated",
        )
    ]
    order = [docs.medoid, *[r for r in range(len(docs.tickets)) if r != docs.medoid]]
    for row in order:
        t = docs.tickets[row]
        question = script_question(t.inquiry)
        if question and len(question) <= _REP_CHARS and said.get(t.ticket_id):
            lines.append(make_line(f"“{question}”", [t.ticket_id], "extracted", "고객 문의 예: "))
            break
    return lines


def title_texts(tickets: Sequence[TicketRecord], lexicon: Lexicon) -> list[str]:
    """Subject and inquiry of each ticket (two lines: no title phrase crosses from one to the
    other) in the KB's wording, as the topic was clustered: colloquial Korean normalised (비번 ->
    비밀번호) and each dictionary synonym group written as one word. Two held-out sets' drafts were
    titled "비번·비밀번호 안내" and "부모님 메일 주소·이메일 안내"."""
    lines = [normalize_query(f"{t.subject}\n{t.inquiry}", lexicon) for t in tickets]
    return unify_synonyms(lines, lexicon)


def compose(kb: KnowledgeBase, docs: TopicDocs, gap: GapAssessment, *, today: date) -> DraftContent:
    """All nine sections of the draft for one gap topic, and its review notes."""
    ids = docs.ids
    words = keywords(docs.nouns, docs.background, k=5)
    rep = docs.tickets[docs.medoid]
    title = topic_title(title_texts(docs.tickets, kb.lexicon), docs.background, fallback=rep.subject)
    subject = _subject(title)
    tag, tag_ids = common_tag(docs.tickets)
    said = {t.ticket_id: read_resolution(t.resolution) for t in docs.tickets if t.resolution.strip()}
    articles = _article_texts(kb)
    policy, candidates = policy_lines(
        said, ids, lambda text: is_supported(text, articles, min_support=ARTICLE_SUPPORT)
    )
    lines: dict[str, list[Line]] = {
        "title": [make_line(title, ids, "generated")],
        "summary": _summary(subject, docs, said),
        "purpose": [
            make_line(
                f"고객이 {subject} 관련 문의를 할 때 확인할 기준과 안내 방법을 정리해, 상담원이 같은 "
                "답변을 일관되게 드리기 위해 사용합니다.",
                ids,
                "generated",
            )
        ],
        "policy": policy,
        "steps": step_lines(said, ids, tag, tag_ids),
        "scripts": script_lines(docs.tickets, docs.vectors, said),
        "situations": situation_lines(docs.tickets, docs.vectors, said, docs.background),
        "references": _reference_lines(kb, docs, words),
        "management": management_lines(ids, today, note=f"해결 티켓 {len(ids)}건에서 자동 초안 생성"),
    }
    return DraftContent(
        title=lines["title"][0].text,
        tag=tag,
        keywords=words,
        lines=lines,
        notes=review_notes(gap, candidates),
    )
