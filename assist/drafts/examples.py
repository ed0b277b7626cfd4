"""상담 스크립트 and 주요 상황 from a topic's own tickets.

- Scripts: 2-3 real Q/A pairs (the inquiry as Q, its resolution as A, phrased as statements),
  picked by maximal marginal relevance: the medoid first, then tickets close to the centroid and
  unlike those already picked.
- Situations: the topic's tickets grouped by resolution type (tf-idf of resolution morphemes,
  average-linkage clustering); each group is a sub-heading named by its distinctive inquiry
  keywords, with the statements of its most typical resolution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from assist.clustering import agglomerative
from assist.drafts.keywords import DocFreq, keywords
from assist.drafts.lines import BLANK, Line, make_line
from assist.drafts.phrasing import one_line
from indexes.lexical import tokenize_many
from indexes.records import TicketRecord

__all__ = ["pick_examples", "script_lines", "situation_groups", "situation_lines"]

NO_SCRIPTS = "검토 필요: 상담 스크립트로 쓸 티켓 답변을 찾지 못했습니다."
NO_SITUATIONS = "검토 필요: 티켓에서 주요 상황을 찾지 못했습니다."
SITUATION_DISTANCE = 0.85
MAX_SITUATIONS = 4
MAX_SITUATION_STATEMENTS = 3


def pick_examples(vectors: np.ndarray, eligible: Sequence[int], k: int, *, weight: float = 0.7) -> list[int]:
    """Rows of ``eligible`` by maximal marginal relevance to the centroid of all ``vectors``."""
    if not eligible or k <= 0:
        return []
    center = vectors.mean(axis=0)
    center = center / (np.linalg.norm(center) or 1.0)
    relevance = vectors @ center
    picked = [max(eligible, key=lambda r: (relevance[r], -r))]
    while len(picked) < min(k, len(eligible)):
        rest = [r for r in eligible if r not in picked]
        scores = {
            r: weight * relevance[r] - (1 - weight) * max(float(vectors[r] @ vectors[p]) for p in picked)
            for r in rest
        }
        picked.append(max(rest, key=lambda r: (scores[r], -r)))
    return picked


def script_lines(
    tickets: Sequence[TicketRecord], vectors: np.ndarray, statements: Mapping[str, Sequence[str]]
) -> list[Line]:
    """2-3 Q/A pairs (3 when the topic has 6+ answered tickets), a blank line between pairs."""
    seen: set[str] = set()
    eligible: list[int] = []
    for row, t in enumerate(tickets):
        key = one_line(t.inquiry)
        if t.resolution.strip() and key and key not in seen:
            seen.add(key)
            eligible.append(row)
    if not eligible:
        return [make_line(NO_SCRIPTS, [t.ticket_id for t in tickets], "generated")]
    lines: list[Line] = []
    for row in pick_examples(vectors, eligible, 3 if len(eligible) >= 6 else 2):
        t = tickets[row]
        answer = " ".join(statements.get(t.ticket_id) or []) or t.resolution
        if lines:
            lines.append(BLANK)
        lines.append(make_line(t.inquiry, [t.ticket_id], "extracted", "Q: "))
        lines.append(make_line(answer, [t.ticket_id], "extracted", "A: "))
    return lines


def situation_groups(tickets: Sequence[TicketRecord]) -> list[list[int]]:
    """Rows of answered tickets grouped by resolution type, largest first."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = [r for r, t in enumerate(tickets) if t.resolution.strip()]
    if len(rows) < 3:
        return [rows] if rows else []
    tokens = tokenize_many([tickets[r].resolution for r in rows])
    if not any(tokens):
        return [rows]
    matrix = TfidfVectorizer(analyzer=lambda doc: doc).fit_transform(tokens).toarray()
    labels = agglomerative(matrix, threshold=SITUATION_DISTANCE, min_size=1)
    groups = [[rows[i] for i in np.flatnonzero(labels == lab)] for lab in range(int(labels.max()) + 1)]
    groups = [g for g in groups if g]
    shared = [g for g in groups if len(g) >= 2]
    return shared[:MAX_SITUATIONS] if shared else groups[: MAX_SITUATIONS - 1]


def situation_lines(
    tickets: Sequence[TicketRecord],
    vectors: np.ndarray,
    nouns: Sequence[Sequence[str]],
    statements: Mapping[str, Sequence[str]],
) -> list[Line]:
    """A ``### <keywords> (n건)`` sub-heading per resolution type, then that type's statements."""
    groups = situation_groups(tickets)
    if not groups:
        return [make_line(NO_SITUATIONS, [t.ticket_id for t in tickets], "generated")]
    topic_freq = DocFreq(nouns)
    lines: list[Line] = []
    for n, group in enumerate(groups, start=1):
        ids = [tickets[r].ticket_id for r in group]
        words = keywords([nouns[r] for r in group], topic_freq, k=2) if len(groups) > 1 else []
        label = " ".join(words) if words else f"사례 {n}"
        rep = group[pick_examples(vectors[group], list(range(len(group))), 1)[0]]
        said = list(statements.get(tickets[rep].ticket_id) or [tickets[rep].resolution])
        if lines:
            lines.append(BLANK)
        lines.append(make_line(f"{label} ({len(group)}건)", ids, "generated", "### "))
        lines.extend(
            make_line(s, [tickets[rep].ticket_id], "extracted", "- ") for s in said[:MAX_SITUATION_STATEMENTS]
        )
    return lines
