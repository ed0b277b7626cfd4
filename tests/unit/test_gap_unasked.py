"""assist.drafts.script_fit: customers who ask what an article's script already asks are covered.

The tiny drafts KB (test_drafts_data): KB-PW's scripts ask the password questions; the pickup and
dark-mode tickets ask what no script does. With the hash embedder the order of the values is
what is checked (the default margin is measured on e5: eval/README.md)."""

from __future__ import annotations

import numpy as np
import test_drafts_data as data

from assist.drafts.config import DraftSettings
from assist.drafts.gaps import Coverage, assess
from assist.drafts.mining import inquiry_vectors, ticket_inquiries
from assist.drafts.script_fit import ScriptQuestionFit, article_questions, fellow_nearest
from assist.knowledge import KnowledgeBase

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures


def test_a_topic_is_covered_when_its_customers_ask_what_a_script_asks(drafts_kb: KnowledgeBase) -> None:
    tickets = data.base_tickets()
    vectors = inquiry_vectors(drafts_kb, ticket_inquiries(drafts_kb, tickets))
    rows = {p: [i for i, t in enumerate(tickets) if t.ticket_id.startswith(p)] for p in ("PW", "PU", "DM")}
    assert article_questions(drafts_kb, "KB-PW") and article_questions(drafts_kb, "KB-NONE") == []
    fit = ScriptQuestionFit(drafts_kb, vectors)
    unasked = {p: fit.unasked(r, ["KB-PW"]) for p, r in rows.items()}
    assert all(v is not None for v in unasked.values())
    assert unasked["PW"] < unasked["PU"] and unasked["PW"] < unasked["DM"]  # type: ignore[operator]
    assert fit.median("KB-PW", rows["PW"]) > fit.median("KB-PW", rows["PU"])  # type: ignore[operator]
    assert fit.unasked(rows["PU"], ["KB-NONE"]) is None  # no script to compare with: the cosine rules
    assert fit.median("KB-NONE", rows["PU"]) is None
    assert fit.unasked(rows["PU"][:1], ["KB-PW"]) is None  # one ticket has no fellow


def test_fellow_nearest_is_each_rows_best_other_row() -> None:
    v = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    assert np.allclose(fellow_nearest(v), [0.8, 0.8, 0.6])


def test_a_gap_is_covered_after_all_when_a_script_asks_what_its_customers_ask() -> None:
    cfg = DraftSettings()
    rows, ids = [0, 1, 2], ["a", "b", "c"]
    low = Coverage(best=np.full(3, 0.85, dtype=np.float32), articles=["KB-1"] * 3)  # cosine: a gap
    high = Coverage(best=np.full(3, 0.93, dtype=np.float32), articles=["KB-1"] * 3)  # cosine: covered
    assert assess(rows, ids, low, {}, cfg).is_gap and not assess(rows, ids, high, {}, cfg).is_gap
    margin = cfg.unasked_margin
    assert not assess(rows, ids, low, {}, cfg, unasked=lambda: margin - 0.005).is_gap  # a script asks it
    assert not assess(rows, ids, low, {}, cfg, unasked=lambda: margin).is_gap
    assert assess(
        rows, ids, low, {}, cfg, unasked=lambda: margin + 0.005
    ).is_gap  # no script does: cosine stands
    assert not assess(rows, ids, high, {}, cfg, unasked=lambda: margin + 0.005).is_gap  # only a veto
    assert assess(rows, ids, low, {}, cfg, unasked=lambda: margin + 0.005).as_json()["unasked"] == round(
        margin + 0.005, 4
    )
    off = cfg.model_copy(update={"unasked_margin": 0.0})
    assert assess(rows, ids, low, {}, off, unasked=lambda: -1.0).is_gap  # 0: not checked


def test_nearest_articles_are_each_tickets_top_articles_together() -> None:
    sims = np.array([[0.9, 0.8, 0.7, 0.1], [0.1, 0.2, 0.3, 0.95]], dtype=np.float32)
    cov = Coverage(
        best=sims.max(axis=1),
        articles=["KB-1", "KB-3"],
        sims=sims,
        chunk_articles=["KB-1", "KB-1", "KB-2", "KB-3"],
    )
    assert cov.nearest_articles([0], 2) == ["KB-1", "KB-2"]
    assert cov.nearest_articles([0, 1], 1) == ["KB-1", "KB-3"]
    assert Coverage(best=np.ones(1), articles=["KB-9"]).nearest_articles([0]) == ["KB-9"]
