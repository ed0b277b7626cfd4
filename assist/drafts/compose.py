"""Compose a draft article for one gap topic from its tickets: all 9 template sections.

No LLM: every line is either taken from a ticket (``extracted``, with that ticket's id) or a
structural sentence about the topic (``generated``, with the topic's ticket ids). Sections with
nothing to take from the tickets say "검토 필요: …" instead of inventing anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from assist.drafts.examples import script_lines, situation_lines
from assist.drafts.gaps import GapAssessment
from assist.drafts.keywords import DocFreq, keywords, title_for
from assist.drafts.lines import Line, make_line, provenance, section_markdown
from assist.drafts.phrasing import one_line, statements
from assist.drafts.policy import policy_lines, step_lines
from assist.drafts.render import render_markdown
from assist.knowledge import KnowledgeBase
from indexes.records import SECTION_KEYS, TicketRecord

__all__ = ["DraftContent", "TopicDocs", "common_tag", "compose", "management_lines"]

OWNER_UNASSIGNED = "미지정"
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


def _reference_lines(kb: KnowledgeBase, rep: TicketRecord, gap: GapAssessment, ids: list[str]) -> list[Line]:
    found: dict[str, str] = {}
    for hit in kb.search(f"{rep.subject}\n{rep.inquiry}".strip(), k=3, doc_types={"article"}):
        found.setdefault(hit.doc_id.split(":", 1)[1], hit.title)
    for article_id, _n in gap.nearest:
        if article_id not in found:
            pos = next((c for c in kb.index.chunks if c.doc_id == f"article:{article_id}"), None)
            found[article_id] = pos.title if pos is not None else article_id
    if not found:
        return [make_line("관련 문서를 찾지 못했습니다.", ids, "generated")]
    return [make_line(f"{a} ({title})", ids, "generated", "- ") for a, title in list(found.items())[:4]]


def compose(kb: KnowledgeBase, docs: TopicDocs, gap: GapAssessment, *, today: date) -> DraftContent:
    """All nine sections of the draft for one gap topic."""
    ids = docs.ids
    rep = docs.tickets[docs.medoid]
    words = keywords(docs.nouns, docs.background, k=5)
    title = title_for(words, docs.nouns[docs.medoid])
    tag, tag_ids = common_tag(docs.tickets)
    said = {t.ticket_id: statements(t.resolution) for t in docs.tickets if t.resolution.strip()}
    topic = ", ".join(words[:5]) or one_line(rep.inquiry)[:40]
    summary = [
        make_line(f"해결된 문의 {len(ids)}건에서 반복된 주제입니다: {topic}.", ids, "generated"),
        make_line(one_line(rep.inquiry)[:_REP_CHARS], [rep.ticket_id], "extracted", "대표 문의: "),
    ]
    if gap.weak_coverage:
        summary.append(
            make_line(
                f"기존 문서와의 유사도(중앙값 {gap.coverage:.2f})가 낮아 이 주제를 다루는 문서가 없습니다.",
                ids,
                "generated",
            )
        )
    if gap.bad_feedback:
        summary.append(
            make_line(
                f"이 주제의 추천 답변 피드백 {gap.feedback_total}건 중 {gap.feedback_bad}건이 거절되거나 "
                "크게 수정되었습니다.",
                ids,
                "generated",
            )
        )
    lines: dict[str, list[Line]] = {
        "title": [make_line(title, ids, "generated")],
        "summary": summary,
        "purpose": [
            make_line(
                f"고객이 {' · '.join(words[:3]) or '이 주제'} 관련 문의를 할 때 확인할 기준과 안내 방법을 "
                "정리해, 상담원이 같은 답변을 일관되게 드리기 위해 사용합니다.",
                ids,
                "generated",
            )
        ],
        "policy": policy_lines(said, ids),
        "steps": step_lines(said, ids, tag, tag_ids),
        "scripts": script_lines(docs.tickets, docs.vectors, said),
        "situations": situation_lines(docs.tickets, docs.vectors, docs.nouns, said),
        "references": _reference_lines(kb, rep, gap, ids),
        "management": management_lines(ids, today, note=f"해결 티켓 {len(ids)}건에서 자동 초안 생성"),
    }
    return DraftContent(title=lines["title"][0].text, tag=tag, keywords=words, lines=lines)
