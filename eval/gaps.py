"""``kms eval gaps``: does gap detection propose one draft per uncovered topic, and only those?

The product path end to end: the corpus (:mod:`eval.gaps_data`) is written as article Markdown and
a ticket CSV, ingested by ``ingest.pipeline.ingest_paths`` (real readers, chunker, embedder), and
``assist.drafts.generate`` runs with ``DraftSettings()`` over every ticket (``since="all"``). Then,
with each ticket's gold intent:

- a *new-article* draft counts for the intent that most of its tickets have; **gap precision** =
  share of those intents that are uncovered, **gap recall** = share of uncovered intents that got
  one. ``draft_precision`` is the same per draft.
- **duplicate-draft rate**: drafts of an uncovered intent beyond its first, over all drafts of
  uncovered intents.
- **tickets attached**: per uncovered intent with a draft, the share of its tickets in its biggest
  draft (mean over those intents, and the share of intents at ≥ 90 %).
- *update* proposals (a topic an article already covers: add its questions to article X) are
  counted apart; one for a covered intent is right, one for an uncovered intent is a miss.
- **NMI / ARI** of the product's topics (every stored topic's members; tickets in no topic count
  as singletons) against the gold intents.
- **draft lint** over every generated draft (:func:`assist.drafts.store.draft_lint`, what the
  review page and ``kms drafts show`` display): findings per code (``lint_case_specific``,
  ``lint_placeholder``, ``lint_generator_note`` … ; the first three must be 0: a case outcome in
  정책/단계별 절차, a placeholder in a script, a generator note in a section) and the share of
  drafts with no finding except the expected ``duplicate`` / ``review_marker`` ones.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assist.drafts import DraftSettings, generate
from assist.drafts.lint import LINT_CODES
from assist.drafts.store import draft_lint
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from eval import plots
from eval.gaps_data import GapCorpus
from eval.metrics import adjusted_rand_index, normalized_mutual_info
from eval.progress import Progress, report
from eval.result import EvalRun, Figure, Table, dataset_fingerprint
from ingest.pipeline import ingest_paths
from storage import DraftRow, TopicRow

__all__ = [
    "PUBLISH_BLOCKERS",
    "build_corpus_kb",
    "labelled_verdicts",
    "lint_counts",
    "run_gaps",
    "score_drafts",
]

ATTACHED_TARGET = 0.9
# lint codes a generated draft must never carry (issue targets: 0 each); ``duplicate`` and
# ``review_marker`` are the generator telling the reviewer something, not a defect of the text
PUBLISH_BLOCKERS = ("case_specific", "placeholder", "generator_note")


def build_corpus_kb(
    corpus: GapCorpus, settings: Settings, folder: Path, *, cache: Path | None = None
) -> Settings:
    """Settings of a KB in ``folder`` holding the ingested corpus (copied from ``cache`` when built)."""
    data = folder / "kms"
    if cache is not None and (cache / "indexes" / "current").exists():
        shutil.copytree(cache, data, symlinks=True, ignore=shutil.ignore_patterns("models"))
    else:
        data.mkdir(parents=True, exist_ok=True)
    models = settings.models_dir
    if models.exists() and not (data / "models").exists():
        (data / "models").symlink_to(models.resolve(), target_is_directory=True)
    kb_settings = settings.model_copy(update={"data_dir": data})
    if not (data / "indexes" / "current").exists():
        result = ingest_paths(corpus.write(folder / "corpus"), kb_settings)
        if not result.ok:
            raise RuntimeError(f"ingest failed: {[str(i) for i in result.errors][:3]}")
        if cache is not None:
            shutil.copytree(
                data, cache, symlinks=True, ignore=shutil.ignore_patterns("models"), dirs_exist_ok=True
            )
    return kb_settings


def _majority(ids: Sequence[str], label_of: Mapping[str, str]) -> str:
    return Counter(label_of[i] for i in ids if i in label_of).most_common(1)[0][0]


def score_drafts(
    drafts: Sequence[tuple[str, list[str]]],
    topics: Sequence[list[str]],
    corpus: GapCorpus,
) -> dict[str, Any]:
    """Gap figures from the run's drafts ((kind, ticket ids)) and topics (member ids)."""
    label_of = corpus.label_of
    uncovered = set(corpus.uncovered)
    size = Counter(label_of.values())
    new = [(ids, _majority(ids, label_of)) for kind, ids in drafts if kind != "update" and ids]
    updates = [(ids, _majority(ids, label_of)) for kind, ids in drafts if kind == "update" and ids]
    predicted = {lab for _, lab in new}
    hit = predicted & uncovered
    of_uncovered = [lab for _, lab in new if lab in uncovered]
    attached: dict[str, float] = {}
    for lab in hit:
        best = max(sum(1 for i in ids if label_of.get(i) == lab) for ids, own in new if own == lab)
        attached[lab] = best / size[lab]
    gold = [label_of[t.ticket_id] for t in corpus.tickets]
    member: dict[str, int] = {}
    for n, ids in enumerate(topics):
        for i in ids:
            member.setdefault(i, n)
    pred = [
        f"t{member[t.ticket_id]}" if t.ticket_id in member else f"s{k}" for k, t in enumerate(corpus.tickets)
    ]
    precision = len(hit) / len(predicted) if predicted else 0.0
    recall = len(hit) / len(uncovered) if uncovered else 0.0
    return {
        "tickets": len(corpus.tickets),
        "intents": len(size),
        "uncovered_intents": len(uncovered),
        "topics": len(topics),
        "new_drafts": len(new),
        "update_proposals": len(updates),
        "update_proposals_covered": sum(1 for _, lab in updates if lab not in uncovered),
        "gap_precision": precision,
        "gap_recall": recall,
        "gap_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "draft_precision": len(of_uncovered) / len(new) if new else 0.0,
        "duplicate_draft_rate": (len(of_uncovered) - len(hit)) / len(of_uncovered) if of_uncovered else 0.0,
        "tickets_attached": sum(attached.values()) / len(attached) if attached else 0.0,
        "intents_attached_90": sum(1 for v in attached.values() if v >= ATTACHED_TARGET) / len(uncovered)
        if uncovered
        else 0.0,
        "nmi": normalized_mutual_info(gold, pred),
        "ari": float(adjusted_rand_index(gold, pred)),
        "clustered_share": sum(1 for t in corpus.tickets if t.ticket_id in member)
        / max(1, len(corpus.tickets)),
        "missed": sorted(uncovered - predicted),
        "false_drafts": sorted(predicted - uncovered),
        # per uncovered intent: (its tickets, those in its biggest draft; 0 without a draft)
        "attached_by_intent": {
            lab: (size[lab], round(attached.get(lab, 0.0) * size[lab])) for lab in sorted(uncovered)
        },
    }


def product_run(
    kb_settings: Settings, config: DraftSettings
) -> tuple[list[tuple[str, list[str]]], list[list[str]], list[dict[str, Any]]]:
    """One ``generate`` over every ticket: (proposal kind, ticket ids) per draft, members per topic,
    and per topic what decided its gap verdict (``GenerateResult.verdicts``)."""
    kb = KnowledgeBase(kb_settings)
    verdicts = [{**v, "embedder": kb.embedder.model_id} for v in generate(kb, config, since="all").verdicts]
    with kb.sessions() as session:
        drafts = [
            (
                str((row.evidence or {}).get("proposal", {}).get("kind", "new")),
                list(row.evidence["ticket_ids"]),
            )
            for row in session.scalars(select(DraftRow).order_by(DraftRow.id))
        ]
        topics = [list(t.member_ids or []) for t in session.scalars(select(TopicRow).order_by(TopicRow.id))]
    return drafts, topics, verdicts


def labelled_verdicts(verdicts: Sequence[dict[str, Any]], corpus: GapCorpus) -> list[dict[str, Any]]:
    """Each topic's verdict with its gold: the intent most of its tickets have, whether no article
    covers it (``uncovered``: the label ``kms eval gaps-fit`` fits on) and that intent's share."""
    uncovered = set(corpus.uncovered)
    out = []
    for v in verdicts:
        ids = list(v["ticket_ids"])
        label = _majority(ids, corpus.label_of)
        share = sum(1 for i in ids if corpus.label_of.get(i) == label) / len(ids) if ids else 0.0
        rest = {k: val for k, val in v.items() if k != "ticket_ids"}
        out.append(
            {**rest, "tickets": len(ids), "intent": label, "uncovered": label in uncovered, "purity": share}
        )
    return out


def lint_counts(kb_settings: Settings) -> dict[str, float | int]:
    """Lint of every stored draft: findings per code (``lint_<code>``), drafts, and the share of
    drafts whose findings are at most the generator's own ``duplicate`` / ``review_marker``."""
    kb = KnowledgeBase(kb_settings)
    counts: Counter[str] = Counter()
    drafts = clean = 0
    with kb.sessions() as session:
        for row in session.scalars(select(DraftRow).order_by(DraftRow.id)):
            codes = [f.code for f in draft_lint(row)]
            counts.update(codes)
            drafts += 1
            clean += all(c in ("duplicate", "review_marker") for c in codes)
    out: dict[str, float | int] = {f"lint_{code}": counts[code] for code in LINT_CODES}
    out["lint_drafts"] = drafts
    out["lint_clean_share"] = clean / drafts if drafts else 1.0
    return out


_COLS = (
    "gap_precision",
    "gap_recall",
    "duplicate_draft_rate",
    "tickets_attached",
    "intents_attached_90",
    "nmi",
    "ari",
    "topics",
    "new_drafts",
    "update_proposals",
)


def run_gaps(
    corpus: GapCorpus,
    settings: Settings,
    workdir: Path,
    *,
    config: DraftSettings | None = None,
    cache: Path | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    """Ingest the corpus, run the product's draft generation, score it (see the module docstring)."""
    config = config or DraftSettings()
    timings: dict[str, float] = {}
    report(progress, "ingest", 0, 1)
    t0 = time.perf_counter()
    kb_settings = build_corpus_kb(corpus, settings, workdir, cache=cache)
    timings["ingest"] = time.perf_counter() - t0
    report(progress, "ingest", 1)
    report(progress, "generate", 0, 1)
    t0 = time.perf_counter()
    drafts, topics, verdicts = product_run(kb_settings, config)
    timings["generate"] = time.perf_counter() - t0
    report(progress, "generate", 1)
    scores = score_drafts(drafts, topics, corpus)
    metrics: dict[str, float | int | None] = {k: v for k, v in scores.items() if isinstance(v, int | float)}
    lint = lint_counts(kb_settings)
    metrics.update(lint)
    notes = [
        *corpus.notes,
        "product path: ingest_paths + assist.drafts.generate(DraftSettings(), since='all')",
    ]
    if scores["missed"]:
        notes.append(f"uncovered intents without a draft: {', '.join(scores['missed'][:20])}")
    if scores["false_drafts"]:
        notes.append(
            f"covered intents that got a new-article draft: {', '.join(scores['false_drafts'][:20])}"
        )
    return EvalRun(
        kind="gaps",
        primary_metric="gap_f1",
        details={
            "verdicts": labelled_verdicts(verdicts, corpus),
            "attached_by_intent": {
                lab: {"tickets": n, "attached": got} for lab, (n, got) in scores["attached_by_intent"].items()
            },
        },
        metrics=metrics,
        config={"drafts": config.model_dump(mode="json"), "embedder": kb_settings.embedder},
        dataset=dataset_fingerprint(
            corpus.name, corpus.files, items=len(corpus.tickets), labels=scores["intents"]
        ),
        timings_s=timings,
        notes=notes,
        tables=[
            Table(
                "갭 탐지 (Gap detection, product path)",
                ["지표 (metric)", "값 (value)"],
                [[c, metrics.get(c)] for c in _COLS],
                note=f"목표 (targets): precision/recall ≥ 0.85, duplicate 0, attached ≥ {ATTACHED_TARGET}",
            ),
            Table(
                "주제별 티켓 연결 (Tickets attached per uncovered topic)",
                ["주제 (intent)", "티켓 (tickets)", "초안에 연결 (in its draft)", "비율 (share)"],
                [
                    [lab, n, got, round(got / n, 4) if n else None]
                    for lab, (n, got) in scores["attached_by_intent"].items()
                ],
                note=f"목표 (target): ≥ {ATTACHED_TARGET} of each uncovered topic's tickets in its one draft",
            ),
            Table(
                "초안 검사 (Draft lint over every generated draft)",
                ["검사 항목 (lint code)", "건수 (findings)", "목표 (target)"],
                [[code, lint[f"lint_{code}"], 0 if code in PUBLISH_BLOCKERS else "–"] for code in LINT_CODES]
                + [["drafts", lint["lint_drafts"], "–"], ["clean share", lint["lint_clean_share"], "–"]],
                note="duplicate / review_marker: the generator flags an existing article or an empty rule "
                "for the reviewer; the other codes are defects of the draft text",
            ),
        ],
        figures=[
            Figure(
                "갭 탐지 지표 (Gap metrics)",
                plots.bars(
                    {"product": {c: metrics.get(c) for c in _COLS[:7]}},  # type: ignore[misc]
                    "Gap detection and clustering (product path)",
                ),
            )
        ],
    )
