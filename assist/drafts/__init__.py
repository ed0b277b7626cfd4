"""Recurring-topic detection and auto-drafted KMS articles, with a review workflow.

    generate(kb, DraftSettings(), since="90d")      mine topics, detect gaps, write drafts
    list_draft_summaries(kb, status="pending")       biggest / fastest-growing topics first
    get_draft(kb, id)                                sections, per-sentence provenance, tickets
    edit_draft / approve_draft / reject_draft / merge_draft

Modules, one concept each: ``config`` (DraftSettings), ``mining`` (window, vectors, clusters),
``gaps`` (coverage + feedback), ``topics`` (identity across runs), ``keywords``, ``phrasing``
(resolution clauses as statements), ``policy`` (rules and steps), ``examples`` (scripts and
situations), ``lines`` (provenance unit), ``compose`` (the nine sections), ``render`` (Markdown),
``rewrite`` (optional grounded LLM polish), ``store`` (rows), ``generate`` (a run), ``review``
(state machine). Benchmarks: ``bench_clustering``, ``bench_gaps``.
"""

from assist.drafts.config import DraftSettings
from assist.drafts.generate import generate
from assist.drafts.review import (
    approve_draft,
    edit_draft,
    get_draft,
    list_draft_summaries,
    merge_draft,
    reject_draft,
)
from assist.drafts.schemas import DraftDetail, DraftSummary, GenerateResult

__all__ = [
    "DraftDetail",
    "DraftSettings",
    "DraftSummary",
    "GenerateResult",
    "approve_draft",
    "edit_draft",
    "generate",
    "get_draft",
    "list_draft_summaries",
    "merge_draft",
    "reject_draft",
]
