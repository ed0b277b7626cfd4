"""Recurring-topic detection and auto-drafted KMS articles, with a review workflow.

    generate(kb, DraftSettings(), since="90d")      mine topics, detect gaps, write drafts
    list_draft_summaries(kb, status="pending")       biggest / fastest-growing topics first
    get_draft(kb, id)                                sections, per-sentence provenance, tickets
    edit_draft / approve_draft / reject_draft / merge_draft / merge_into_draft

Modules, one concept each: ``config`` (DraftSettings), ``mining`` (window, vectors, clusters),
``gaps`` (coverage + feedback), ``topics`` (identity across runs), ``keywords``, ``titles`` (natural
titles from noun phrases), ``phrasing`` (resolution clauses with sentence roles, as statements and
steps), ``policy`` (rules and steps), ``examples`` (scripts and situations), ``references``
(relevant articles), ``lines`` (provenance unit), ``compose`` (the nine sections), ``lint``
(what keeps a draft from publication), ``render`` (Markdown),
``rewrite`` (optional grounded LLM polish), ``store`` (rows), ``generate`` (a run), ``review``
(state machine). Topic clustering: ``clusters`` (the one used by drafts and ``kms eval topics`` /
``kms eval gaps``); ``proposals`` (new article or update article X). Benchmark: ``bench_clustering``.
"""

from assist.drafts.config import DraftSettings
from assist.drafts.generate import generate
from assist.drafts.review import (
    approve_draft,
    edit_draft,
    get_draft,
    list_draft_summaries,
    merge_draft,
    merge_into_draft,
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
    "merge_into_draft",
    "reject_draft",
]
