"""New article or 'update article X'? What a gap topic proposes, as data the review side renders.

A gap topic whose tickets mostly land on one existing article, with a median best cosine of at
least ``DraftSettings.update_floor``, is that article's topic asked in ways the article does not
answer yet: it becomes an **update** proposal for that article -- the topic's questions (with the
resolutions agents gave) and situations (top keywords the article never uses) to add -- instead
of a second article on the same subject. Any other gap topic proposes a **new** article, and so
does one whose nearest article fits another topic of the run better by ``owner_margin``
(``GapAssessment.rival_fit``): that article was written for the other topic, this one is a subject
of its own that only sits near it (paraKQC: 음료 추천 next to another set's article).

The proposal is stored in the draft's evidence under ``"proposal"``::

    {"kind": "update", "article_id": "KB-010-coupon", "article_share": 0.8,
     "add_scripts": [{"question": ..., "answer": ..., "ticket": ...}, ...],
     "add_situations": ["쿠폰함", ...]}

Texts are PII-masked here (tickets are stored unmasked).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assist.drafts.config import DraftSettings
from assist.drafts.gaps import Coverage, GapAssessment
from core.records import TicketRecord
from korean.pii import mask_pii

__all__ = ["Proposal", "propose"]

_MAX_SCRIPTS = 5


@dataclass
class Proposal:
    kind: str  # "new" | "update" ("none": not a gap)
    article_id: str | None = None
    article_share: float = 0.0
    add_scripts: list[dict[str, str]] = field(default_factory=list)
    add_situations: list[str] = field(default_factory=list)
    question_fit: float | None = None  # median best cosine of its tickets to the article's script questions

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "article_id": self.article_id,
            "article_share": round(self.article_share, 4),
            "add_scripts": self.add_scripts,
            "add_situations": self.add_situations,
            "question_fit": None if self.question_fit is None else round(self.question_fit, 4),
        }


def _scripts(tickets: Sequence[TicketRecord], best: np.ndarray) -> list[dict[str, str]]:
    """The least-covered distinct questions first, each with the resolution that answered it."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for i in np.argsort(best, kind="stable").tolist():
        t = tickets[i]
        question = " ".join(t.inquiry.split())
        if not question or question in seen or not t.resolution.strip():
            continue
        seen.add(question)
        out.append(
            {
                "question": mask_pii(question),
                "answer": mask_pii(" ".join(t.resolution.split())),
                "ticket": t.ticket_id,
            }
        )
        if len(out) >= _MAX_SCRIPTS:
            break
    return out


def propose(
    gap: GapAssessment,
    rows: Sequence[int],
    tickets: Sequence[TicketRecord],
    coverage: Coverage,
    config: DraftSettings,
    question_fit: Callable[[str, Sequence[int]], float | None] | None = None,
) -> Proposal:
    """The proposal of one gap topic (``rows`` into the run's coverage; ``tickets`` the topic's).

    ``question_fit(article_id, rows)``: the median best cosine of the tickets to the article's
    script questions (:class:`assist.drafts.script_fit.ScriptQuestionFit`); below
    ``update_question_floor`` the topic asks what the article was not written to answer and
    proposes a new article. None (no scripts, or not given): not checked."""
    if not gap.is_gap:
        return Proposal("none")
    if not gap.nearest or not rows:
        return Proposal("new")
    article, count = gap.nearest[0]
    share = count / len(rows)
    if gap.coverage < config.update_floor or share < config.update_share:
        return Proposal("new", article_share=share)
    fit, rival = gap.article_fit, gap.rival_fit
    if fit is not None and rival is not None and rival - fit >= config.owner_margin:
        return Proposal("new", article_share=share)  # the article is another topic's
    asked = question_fit(article, rows) if question_fit is not None else None
    if asked is not None and asked < config.update_question_floor:
        return Proposal("new", article_share=share, question_fit=asked)
    return Proposal(
        "update",
        article_id=article,
        article_share=share,
        add_scripts=_scripts(tickets, coverage.best[list(rows)]),
        add_situations=list(gap.missing_keywords),
        question_fit=asked,
    )
