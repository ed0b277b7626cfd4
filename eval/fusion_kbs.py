"""The support KBs of `kms eval fusion`, beside the public datasets: more of the product's own kind of data.

The sample KB's ``sample_kb_eval.jsonl`` has 60 in-scope questions, so one question decides about
0.006 nDCG@10 there. Two larger hand-labelled sets of support KBs are scored too, never fitted on:

- ``sample_kb_safety``: the same sample KB index, the answer-safety set's answerable single-turn
  questions (``eval/data/sample_kb_safety.jsonl``, :data:`eval.safety.SAFETY_EVAL`), gold = the
  expected article and its alternatives;
- ``fresh_kbs``: the KBs of ``eval/data/fresh_kbs`` (gas, telecom, insurance, … fifteen), each
  ingested by the product pipeline into its own index, as each company has its own KB; their
  answerable single-turn questions are scored in their own KB and pooled into one row.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval.datasets import Query, file_info
from eval.fusion_split import Split
from eval.progress import Progress, report
from eval.safety import load_safety
from eval.sample import ingested_kb
from indexes.hybrid import SearchParams

__all__ = ["FRESH_KBS", "fresh_kb_names", "fresh_splits", "safety_queries"]

FRESH_KBS = Path(__file__).parent / "data" / "fresh_kbs"


def safety_queries(path: Path) -> list[Query]:
    """The answerable single-turn rows of a safety set, gold = their expected articles."""
    return [
        Query(r.qid, r.question, {d: 1.0 for d in r.doc_ids})
        for r in load_safety(path)
        if r.answerable and not r.history
    ]


def fresh_kb_names(root: Path = FRESH_KBS) -> list[str]:
    """The KBs under ``root``: folders with ``articles/`` and ``questions.jsonl``."""
    return sorted(
        p.name for p in root.iterdir() if (p / "articles").is_dir() and (p / "questions.jsonl").is_file()
    )


def article_params(kb: KnowledgeBase, **overrides: object) -> SearchParams:
    return kb.params(doc_types={"article"}, **overrides)


@contextlib.contextmanager
def fresh_splits(
    settings: Settings, cache: Path | None, progress: Progress | None, root: Path = FRESH_KBS
) -> Iterator[list[Split]]:
    """One test-only split per fresh KB (``fresh_kbs/<name>``), each KB in its own index."""
    with contextlib.ExitStack() as stack:
        splits = []
        names = fresh_kb_names(root)
        for i, name in enumerate(names):
            report(progress, f"index fresh KB {name}", i, len(names))
            folder = root / name
            kb = stack.enter_context(
                ingested_kb(
                    settings,
                    [folder / "articles"],
                    name=f"fresh KB {name}",
                    index_cache=cache / f"fresh-kb-{name}-index" if cache is not None else None,
                )
            )
            queries = safety_queries(folder / "questions.jsonl")
            info = file_info(folder / "questions.jsonl", len(queries))
            fp = {"files": [info.sha256[:16]], "documents": len({c.doc_id for c in kb.index.chunks})}
            params = functools.partial(article_params, kb)
            splits.append(Split(f"fresh_kbs/{name}", kb.index, params, queries, [], fp))
        yield splits
