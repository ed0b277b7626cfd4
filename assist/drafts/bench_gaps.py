"""Benchmark: does gap detection propose drafts for exactly the topics the KB does not cover?

    python -m assist.drafts.bench_gaps [--covered 50] [--per-intent 20] [--no-sample] [--out gaps.json]

Two corpora with known gaps:

- **banking77** (``../shared/data``): ``--covered`` intents (chosen at random) get an article
  written from their *training* utterances (title = the intent humanised, scripts = training
  utterances as Q with a generic A, ...); the others get none. ``--per-intent`` *test*
  utterances of every intent are ingested as resolved tickets (answer: "Answered.").
- **the bundled sample KB** (``ingest/sample_kb``): its README lists five recurring ticket topics
  (by tag) that no article covers.

With the configured clustering, every (threshold, ceiling) pair of the coverage rule is scored:
a topic is a gap when its median best-article cosine is below ``threshold``, or below
``ceiling`` with a top keyword no article contains; a gap counts for the label (intent / tag)
that is the majority of its tickets. Precision and recall are over labels (positives = the
uncovered ones). Finally one full ``generate`` run per corpus checks the configured defaults
end to end. Prints figures, writes JSON, asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assist.drafts.config import DraftSettings
from assist.drafts.gaps import article_coverage, article_text, assess, inquiry_vectors
from assist.drafts.generate import generate
from assist.drafts.keywords import DocFreq, keywords, noun_tokens
from assist.drafts.mining import find_clusters, ticket_vectors, window_tickets
from assist.knowledge import KnowledgeBase
from indexes.settings import Settings
from ingest.pipeline import ingest_paths

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "banking77" / "queries.jsonl"
RESOLUTION = "Answered."  # neutral and short: banking77 has no answers, and a long shared one blurs topics
SWEEP = [round(0.88 + 0.005 * i, 3) for i in range(15)]  # 0.880 .. 0.950


def humanise(intent: str) -> str:
    return intent.replace("_", " ").capitalize()


def article_markdown(intent: str, examples: Sequence[str]) -> str:
    name = humanise(intent)
    scripts = "\n\n".join(
        f"Q: {q}\nA: Let me check that for you and explain how {name.lower()} works." for q in examples[:5]
    )
    return (
        f"## 제목\n{name}\n\n## 요약\nCustomer questions about {name.lower()}.\n\n"
        f"## 목적\nUse this article when a customer asks about {name.lower()}.\n\n"
        f"## 정책\nCheck the customer's account before answering questions about {name.lower()}.\n\n"
        f"## 단계별 절차\n1. Confirm the customer's identity.\n2. Explain the {name.lower()} procedure.\n\n"
        f"## 상담 스크립트\n{scripts}\n\n"
        f"## 주요 상황 및 해결책\n### {name}\n" + "\n".join(f"- {q}" for q in examples[5:8]) + "\n\n"
        "## 문서 관리 및 업데이트\n최종 수정일: 2026-11-01\n담당자: CX팀\n"
    )


def write_corpus(
    folder: Path,
    covered: Sequence[str],
    tickets: Sequence[tuple[str, str, str]],
    train: Mapping[str, list[str]],
) -> list[Path]:
    """Article files of the covered intents and a ticket CSV of (id, intent, text)."""
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for intent in covered:
        (articles / f"BK-{intent}.md").write_text(article_markdown(intent, train[intent]), encoding="utf-8")
    path = folder / "tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "inquiry", "resolution", "status", "created_at", "resolved_at"])
        for tid, _intent, text in tickets:
            writer.writerow([tid, text, RESOLUTION, "resolved", "2026-11-01", "2026-11-02"])
    return [articles, path]


def split_intents(
    rows: Iterable[dict[str, Any]],
    covered_n: int,
    per_intent: int,
    seed: int = 7,
    *,
    intents_n: int | None = None,
) -> tuple[list[str], list[str], list[tuple[str, str, str]], dict[str, list[str]]]:
    """(covered intents, uncovered intents, tickets (id, intent, text), training texts per intent);
    ``intents_n`` keeps only that many intents (chosen at random) for a small version."""
    rng = random.Random(seed)
    train: dict[str, list[str]] = {}
    test: dict[str, list[str]] = {}
    for row in rows:
        (train if row["split"] == "train" else test).setdefault(row["label"], []).append(row["text"])
    intents = sorted(test)
    rng.shuffle(intents)
    intents = intents[:intents_n] if intents_n else intents
    covered, uncovered = sorted(intents[:covered_n]), sorted(intents[covered_n:])
    tickets = [
        (f"BT-{intent}-{i}", intent, text)
        for intent in sorted(intents)
        for i, text in enumerate(rng.sample(test[intent], min(per_intent, len(test[intent]))))
    ]
    return covered, uncovered, tickets, train


def pr(predicted: set[str], positives: set[str]) -> dict[str, float]:
    tp = len(predicted & positives)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(positives) if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "drafts": len(predicted),
    }


def majority(ids: Sequence[str], intent_of: Mapping[str, str]) -> str:
    return Counter(intent_of[i] for i in ids).most_common(1)[0][0]


def sweep(
    kb: KnowledgeBase, config: DraftSettings, label_of: Mapping[str, str], positives: set[str]
) -> dict[str, Any]:
    """Clusters once, then precision/recall over labels for every (threshold, ceiling) pair."""
    with kb.sessions() as session:
        tickets = window_tickets(session, None)
    ids = [t.ticket_id for t in tickets]
    vectors = ticket_vectors(kb, tickets)
    clusters = find_clusters(vectors, ids, config)
    coverage = article_coverage(kb, vectors)
    query_coverage = article_coverage(kb, inquiry_vectors(kb, tickets))
    nouns = noun_tokens([f"{t.subject}\n{t.inquiry}" for t in tickets])
    background, text = DocFreq(nouns), article_text(kb)
    gaps = [
        assess(
            c.rows,
            c.ids,
            coverage,
            {},
            config,
            articles_text=text,
            keywords=keywords([nouns[r] for r in c.rows], background, k=config.gap_keywords),
        )
        for c in clusters
    ]
    query_medians = [float(np.median(query_coverage.best[c.rows])) for c in clusters]
    owners = [majority(c.ids, label_of) for c in clusters]
    purity = [Counter(label_of[i] for i in c.ids).most_common(1)[0][1] / c.size for c in clusters]

    def predicted(threshold: float, ceiling: float) -> set[str]:
        return {
            o
            for o, g in zip(owners, gaps, strict=True)
            if g.coverage < threshold or (g.coverage < ceiling and g.missing_keywords)
        }

    grid = {f"{t:.3f}/{c:.3f}": pr(predicted(t, c), positives) for t in SWEEP for c in SWEEP if c >= t}
    query_only = {
        f"{t:.3f}": pr({o for o, m in zip(owners, query_medians, strict=True) if m < t}, positives)
        for t in SWEEP
    }
    dense_only = {f"{t:.3f}": grid[f"{t:.3f}/{t:.3f}"] for t in SWEEP}
    medians = {
        lab: [round(g.coverage, 4) for o, g in zip(owners, gaps, strict=True) if (o in positives) == lab]
        for lab in (True, False)
    }
    return {
        "tickets": len(tickets),
        "topics": len(clusters),
        "labels_with_a_topic": len(set(owners)),
        "positives_with_a_topic": len(set(owners) & positives),
        "mean_purity": round(float(np.mean(purity)), 4) if purity else 0.0,
        "median_coverage_covered": float(np.median(medians[False] or [0])),
        "median_coverage_uncovered": float(np.median(medians[True] or [0])),
        "best_dense_only": _best(dense_only),
        "best_query_vectors": _best(query_only),
        "best_with_keywords": _best(grid),
        "configured": pr(predicted(config.coverage_threshold, config.coverage_ceiling), positives),
        "grid": grid,
    }


def _best(table: Mapping[str, dict[str, float]]) -> dict[str, Any]:
    key = max(table, key=lambda k: (table[k]["f1"], k))
    return {"at": key, **table[key]}


def end_to_end(
    kb: KnowledgeBase, config: DraftSettings, label_of: Mapping[str, str], positives: set[str]
) -> dict[str, Any]:
    """One real ``generate`` run; a draft counts for the majority label of its tickets."""
    from assist.drafts.review import get_draft

    t0 = time.perf_counter()
    result = generate(kb, config, since="all")
    owners = {majority(get_draft(kb, d).evidence["ticket_ids"], label_of) for d in result.created}
    return {
        **pr(owners, positives),
        "seconds": round(time.perf_counter() - t0, 1),
        "topics": result.topics,
        "found": sorted(owners & positives),
        "false_positives": sorted(owners - positives),
    }


def banking_labels(covered_n: int, per_intent: int) -> tuple[dict[str, str], set[str], list[str], Any, Any]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    covered, uncovered, tickets, train = split_intents(rows, covered_n, per_intent)
    return {tid: intent for tid, intent, _ in tickets}, set(uncovered), covered, tickets, train


def sample_labels() -> tuple[dict[str, str], set[str]]:
    """Sample KB ticket -> tag, and the five gap tags its README plants."""
    from ingest.sample import SAMPLE_DIR
    from ingest.sources import read_paths

    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    gaps = set(re.findall(r"tag `([^`]+)`, \d+ tickets:", readme))
    tickets = read_paths([SAMPLE_DIR / "tickets.csv"], kind="tickets").tickets
    return {t.ticket_id: (t.tags[0] if t.tags else "") for t in tickets}, gaps


def open_kb(root: Path, models: Path, build: Callable[[Settings], None]) -> KnowledgeBase:
    """A KB in ``root/kms`` (built by ``build`` unless an index is already there)."""
    data = root / "kms"
    data.mkdir(parents=True, exist_ok=True)
    if models.exists() and not (data / "models").exists():
        (data / "models").symlink_to(models.resolve(), target_is_directory=True)
    settings = Settings(data_dir=data)
    if not (data / "indexes" / "current").exists():
        t0 = time.perf_counter()
        build(settings)
        print(f"  built {root.name} in {time.perf_counter() - t0:.0f}s")
    return KnowledgeBase(settings)


def _ingest(paths: list[Path], settings: Settings) -> None:
    report = ingest_paths(paths, settings)
    if not report.ok:
        raise RuntimeError(f"ingest failed: {[str(i) for i in report.errors][:3]}")


def _print(name: str, swept: dict[str, Any], final: dict[str, Any], config: DraftSettings) -> None:
    print(
        f"\n== {name}: {swept['tickets']} tickets, {swept['topics']} topics, "
        f"purity {swept['mean_purity']:.2f}, {swept['positives_with_a_topic']} uncovered labels have a topic"
    )
    print(
        f"  median coverage: covered {swept['median_coverage_covered']:.3f}, "
        f"uncovered {swept['median_coverage_uncovered']:.3f}"
    )
    for key in ("best_dense_only", "best_query_vectors", "best_with_keywords", "configured"):
        print(f"  {key:20s} {swept[key]}")
    print(f"  end to end at {config.coverage_threshold}/{config.coverage_ceiling}: {final}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--covered", type=int, default=50)
    parser.add_argument("--per-intent", type=int, default=20)
    parser.add_argument("--no-sample", action="store_true", help="skip the sample KB")
    parser.add_argument("--models", type=Path, default=Path(".kms") / "models", help="materialised model dir")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="keep (and re-use) the built KBs here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    config = DraftSettings()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kms-bench-gaps-") as tmp:
        root = args.workdir or Path(tmp)
        label_of, positives, covered, tickets, train = banking_labels(args.covered, args.per_intent)
        corpus = root / "banking77"
        kb = open_kb(
            corpus,
            args.models,
            lambda s: _ingest(write_corpus(corpus / "corpus", covered, tickets, train), s),
        )
        corpora = [("banking77", kb, label_of, positives)]
        if not args.no_sample:
            from ingest.sample import sample_paths

            kb = open_kb(root / "sample_kb", args.models, lambda s: _ingest(sample_paths(), s))
            corpora.append(("sample_kb", kb, *sample_labels()))
        for name, kb, labels, pos in corpora:
            swept = sweep(kb, config, labels, pos)
            final = end_to_end(kb, config, labels, pos)
            _print(name, swept, final, config)
            out[name] = {"sweep": swept, "end_to_end": final}
    if len(out) == 2:
        grids = [out[name]["sweep"]["grid"] for name in out]
        mean = {k: round(float(np.mean([g[k]["f1"] for g in grids])), 4) for k in grids[0]}
        ranked = sorted(mean, key=lambda k: -mean[k])[:8]
        print("\nmean F1 over both corpora (threshold/ceiling):", {k: mean[k] for k in ranked})
        out["mean_f1"] = mean
    if args.out:
        args.out.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
