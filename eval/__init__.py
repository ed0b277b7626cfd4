"""Evaluation harness: answer-quality benchmarks with reports, for evaluators and for CI.

Modules (one concept each): ``datasets`` (BEIR-like JSONL readers) · ``adapters`` (named shared
datasets) · ``metrics`` (pure functions) · ``text`` (answer tokens/sentences) · ``kb`` (throwaway
indexes and KBs) · ``retrieval`` · ``answers`` · ``abstention`` · ``topics`` (incl. the reusable
:func:`eval.topics.cluster`) · ``bench`` + ``textpool`` · ``sample`` (the CI check on the sample KB)
· ``report`` / ``plots`` / ``compare`` (JSON + HTML reports, baselines) · ``errors``.

Import what you need as ``from eval import run_retrieval`` (never ``import eval`` bare: it reads
like the builtin). Attributes load lazily, so importing the package is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DatasetError",
    "EvalConfigError",
    "EvalError",
    "EvalRun",
    "cluster",
    "compare",
    "run_abstention",
    "run_answers",
    "run_bench",
    "run_retrieval",
    "run_sample",
    "run_topics",
    "write_report",
]

_WHERE = {
    "DatasetError": "eval.errors",
    "EvalConfigError": "eval.errors",
    "EvalError": "eval.errors",
    "EvalRun": "eval.result",
    "cluster": "eval.topics",
    "compare": "eval.compare",
    "run_abstention": "eval.abstention",
    "run_answers": "eval.answers",
    "run_bench": "eval.bench",
    "run_retrieval": "eval.retrieval",
    "run_sample": "eval.sample",
    "run_topics": "eval.topics",
    "write_report": "eval.report",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'eval' has no attribute {name!r}")
