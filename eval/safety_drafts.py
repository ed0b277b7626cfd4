"""The agents' reply drafts on the answer-safety set: what `/v1/suggestions` pre-fills.

The chatbot's answers are scored in :mod:`eval.safety`; an agent's draft is built by another path
(:func:`assist.suggest.suggest` → :func:`assist.reply_draft.build_reply_draft`) and used to answer
neighbouring questions the chatbot did not, so it is scored here on the same rows. Every
single-turn row goes through ``suggest`` (drafts have no conversation history), which applies
``KMS_ANSWER_THRESHOLD`` itself: below it the reply box starts empty.

- ``drafts/coverage``: answerable rows given a draft body;
- ``drafts/wrong_answer_rate``: drafted answerable rows none of whose body sentences cites the
  expected article and section (``drafts/wrong_article_rate``: the article alone, since a
  상담 스크립트 draft cites the scripts section where a row may expect the policy);
- ``drafts/fact_contained``: drafted rows whose body and caveats (※ lines) hold most content
  words of the key fact;
- ``drafts/claim_rate``: drafts with a body or caveat sentence that :mod:`korean.roles` labels a
  case report or agent note (fill-in slots are not claims);
- ``drafts/false_answer_rate``: rows to hand off (uncovered, off-domain) given a draft.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from assist.knowledge import KnowledgeBase
from assist.suggest import suggest
from korean.roles import classify

if TYPE_CHECKING:
    from eval.safety import SafetyRow

__all__ = ["draft_rows", "score_drafts", "section_key"]


def section_key(chunk_id: str) -> str:
    """The section of a chunk id ("article:KB-1#policy-0" → "policy")."""
    return chunk_id.split("#", 1)[1].rsplit("-", 1)[0] if "#" in chunk_id else ""


def draft_rows(
    kb: KnowledgeBase,
    rows: Sequence[SafetyRow],
    fact_contained: Callable[[str, str], bool | None],
) -> list[dict[str, Any]]:
    """One result per single-turn row: the draft and how it scores."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if row.history:
            continue
        draft = suggest(kb, row.question, log=False).draft
        by_n = {c.n: c for c in draft.citations}
        body = [s for s in draft.sentences if s.kind == "body"]
        cited = {
            (by_n[s.citation].doc_id.split(":", 1)[1], section_key(by_n[s.citation].chunk_id))
            for s in body
            if s.citation in by_n
        }
        sent = [s.text for s in draft.sentences if s.kind in ("body", "caveat")]
        out.append(
            {
                "qid": row.qid,
                "class": row.cls,
                "answerable": row.answerable,
                "drafted": bool(body),
                "strategy": draft.strategy,
                "right": any(
                    d in row.doc_ids and (not row.sections or sec in row.sections) for d, sec in cited
                ),
                "right_doc": any(d in row.doc_ids for d, _ in cited),
                "fact_contained": fact_contained(" ".join(sent), row.fact) if body else None,
                "claims": [t for t in sent if not classify(t).sendable],
                "draft": draft.text,
            }
        )
    return out


def score_drafts(results: Sequence[dict[str, Any]]) -> dict[str, float | int | None]:
    def rate(num: int, den: int) -> float | None:
        return round(num / den, 4) if den else None

    ans = [r for r in results if r["answerable"]]
    got = [r for r in ans if r["drafted"]]
    facts = [r for r in got if r["fact_contained"] is not None]
    drafted = [r for r in results if r["drafted"]]
    handoff = [r for r in results if not r["answerable"]]
    return {
        "drafts/n_rows": len(results),
        "drafts/coverage": rate(len(got), len(ans)),
        "drafts/wrong_answer_rate": rate(sum(1 for r in got if not r["right"]), len(got)),
        "drafts/wrong_article_rate": rate(sum(1 for r in got if not r["right_doc"]), len(got)),
        "drafts/fact_contained": rate(sum(1 for r in facts if r["fact_contained"]), len(facts)),
        "drafts/claim_rate": rate(sum(1 for r in drafted if r["claims"]), len(drafted)),
        "drafts/false_answer_rate": rate(sum(1 for r in handoff if r["drafted"]), len(handoff)),
    }
