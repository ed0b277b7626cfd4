"""Labelled gap corpora for ``kms eval gaps``: tickets for every intent, articles for some.

A :class:`GapCorpus` is what the product ingests (article Markdown files and a ticket CSV, read by
the real readers and chunker) plus the gold: each ticket's intent and which intents an article
covers. Builders:

- :func:`banking77_corpus`: ``covered_share`` of the intents (chosen at random) get an article
  written from their *train* utterances; ``per_intent`` *test* utterances of every intent become
  resolved tickets.
- :func:`items_corpus`: any labelled JSONL (``text`` + ``label``, e.g. paraKQC's paraphrase sets):
  the first ``article_items`` utterances of a covered label write its article and are not tickets.
- :func:`gaps_ko_corpus`: the hand-written Korean set ``eval/data/gaps_ko/tickets.jsonl`` (8
  uncovered shop topics in colloquial Korean, ≥ 20 tickets each, mixed with tickets of 8 topics
  the bundled sample KB's articles cover) with the sample KB's 31 articles.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.datasets import FileInfo, file_info
from eval.errors import EvalConfigError
from korean.lang import detect_lang

__all__ = [
    "GAPS_KO",
    "GapCorpus",
    "Ticket",
    "banking77_corpus",
    "gaps_ko_corpus",
    "items_corpus",
    "named_corpus",
]

GAPS_KO = Path(__file__).resolve().parent / "data" / "gaps_ko" / "tickets.jsonl"
_NEUTRAL = {"ko": "확인 후 처리 결과를 안내드렸습니다.", "en": "Answered."}


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    label: str
    text: str
    resolution: str


@dataclass
class GapCorpus:
    name: str
    tickets: list[Ticket]
    covered: list[str]
    uncovered: list[str]
    articles: dict[str, str] = field(default_factory=dict)  # file stem -> Markdown
    article_dirs: list[Path] = field(default_factory=list)  # folders of ready-made articles
    files: list[FileInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label_of(self) -> dict[str, str]:
        return {t.ticket_id: t.label for t in self.tickets}

    def write(self, folder: Path) -> list[Path]:
        """The corpus as files the product's readers ingest: articles/*.md and tickets.csv."""
        folder.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = list(self.article_dirs)
        if self.articles:
            articles = folder / "articles"
            articles.mkdir(exist_ok=True)
            for stem, markdown in self.articles.items():
                (articles / f"{stem}.md").write_text(markdown, encoding="utf-8")
            paths.append(articles)
        path = folder / "tickets.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "inquiry", "resolution", "status", "created_at", "resolved_at"])
            for t in self.tickets:
                writer.writerow([t.ticket_id, t.text, t.resolution, "resolved", "2026-11-01", "2026-11-02"])
        return [*paths, path]


def _lang(texts: Sequence[str]) -> str:
    """The language of most of a label's texts."""
    korean = sum(1 for t in texts if detect_lang(t) == "ko")
    return "ko" if korean * 2 >= len(texts) else "en"


def article_markdown(title: str, examples: Sequence[str], lang: str) -> str:
    """A 9-section article whose scripts and situations are the example utterances."""
    if lang == "en":
        scripts = "\n\n".join(
            f"Q: {q}\nA: Let me check that for you and explain how {title.lower()} works."
            for q in examples[:5]
        )
        return (
            f"## 제목\n{title}\n\n## 요약\nCustomer questions about {title.lower()}.\n\n"
            f"## 목적\nUse this article when a customer asks about {title.lower()}.\n\n"
            f"## 정책\nCheck the customer's account before answering questions about {title.lower()}.\n\n"
            "## 단계별 절차\n1. Confirm the customer's identity.\n"
            f"2. Explain the {title.lower()} procedure.\n\n"
            f"## 상담 스크립트\n{scripts}\n\n## 주요 상황 및 해결책\n### {title}\n"
            + "\n".join(f"- {q}" for q in examples[5:8])
            + "\n\n## 문서 관리 및 업데이트\n최종 수정일: 2026-11-01\n담당자: CX팀\n"
        )
    scripts = "\n\n".join(f"Q: {q}\nA: 확인 후 {title} 관련 내용을 안내드리겠습니다." for q in examples[:5])
    return (
        f"## 제목\n{title}\n\n## 요약\n{title} 관련 고객 문의에 답합니다.\n\n"
        f"## 목적\n고객이 {title} 관련해 문의할 때 사용합니다.\n\n"
        f"## 정책\n{title} 문의는 고객 정보를 확인한 뒤 안내합니다.\n\n"
        f"## 단계별 절차\n1. 고객 정보를 확인합니다.\n2. {title} 절차를 안내합니다.\n\n"
        f"## 상담 스크립트\n{scripts}\n\n## 주요 상황 및 해결책\n### {title}\n"
        + "\n".join(f"- {q}" for q in examples[5:8])
        + "\n\n## 문서 관리 및 업데이트\n최종 수정일: 2026-11-01\n담당자: CX팀\n"
    )


def _read_rows(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        raise EvalConfigError(f"dataset file {path} not found (is --data-root right?)")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _split_labels(
    labels: Sequence[str], share: float, seed: int, limit: int | None
) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    order = sorted(labels)
    rng.shuffle(order)
    order = order[:limit] if limit else order
    cut = round(len(order) * share)
    return sorted(order[:cut]), sorted(order[cut:])


def banking77_corpus(
    data_root: Path,
    *,
    per_intent: int = 12,
    intents: int | None = None,
    covered_share: float = 0.5,
    seed: int = 7,
) -> GapCorpus:
    path = data_root / "banking77" / "queries.jsonl"
    rows = _read_rows(path)
    train: dict[str, list[str]] = {}
    test: dict[str, list[str]] = {}
    for row in rows:
        (train if row["split"] == "train" else test).setdefault(str(row["label"]), []).append(
            str(row["text"])
        )
    covered, uncovered = _split_labels(list(test), covered_share, seed, intents)
    rng = random.Random(seed)
    tickets = [
        Ticket(f"BT-{intent}-{i}", intent, text, _NEUTRAL["en"])
        for intent in sorted(covered + uncovered)
        for i, text in enumerate(rng.sample(test[intent], min(per_intent, len(test[intent]))))
    ]
    articles = {
        f"BK-{intent}": article_markdown(intent.replace("_", " ").capitalize(), train[intent], "en")
        for intent in covered
    }
    note = (
        f"banking77: {len(covered) + len(uncovered)} intents (seed {seed}), {len(covered)} with an article "
        f"written from train utterances, {per_intent} test utterances per intent as tickets"
    )
    return GapCorpus(
        "banking77", tickets, covered, uncovered, articles, [], [file_info(path, len(rows))], [note]
    )


def items_corpus(
    path: Path,
    *,
    name: str | None = None,
    text_field: str = "text",
    label_field: str = "label",
    labels: int | None = None,
    per_label: int | None = None,
    article_items: int = 3,
    covered_share: float = 0.5,
    seed: int = 7,
) -> GapCorpus:
    """Any labelled JSONL: a covered label's first ``article_items`` utterances write its article."""
    rows = _read_rows(path)
    by: dict[str, list[str]] = {}
    for row in rows:
        if text_field not in row or label_field not in row:
            raise EvalConfigError(f"{path}: every row needs {text_field!r} and {label_field!r}")
        by.setdefault(str(row[label_field]), []).append(str(row[text_field]))
    covered, uncovered = _split_labels(list(by), covered_share, seed, labels)
    lang = _lang([t for texts in by.values() for t in texts[:2]])
    tickets: list[Ticket] = []
    articles: dict[str, str] = {}
    for label in sorted(covered + uncovered):
        texts = by[label]
        if label in covered:
            articles[f"KB-{len(articles) + 1:03d}"] = article_markdown(texts[0], texts[:article_items], lang)
            texts = texts[article_items:]
        texts = texts[:per_label] if per_label else texts
        tickets += [Ticket(f"IT-{label}-{i}", label, t, _NEUTRAL[lang]) for i, t in enumerate(texts)]
    note = (
        f"{name or path.stem}: {len(covered) + len(uncovered)} labels (seed {seed}), {len(covered)} with an "
        f"article written from {article_items} of their utterances (not tickets); the rest are tickets"
    )
    return GapCorpus(
        name or path.stem, tickets, covered, uncovered, articles, [], [file_info(path, len(rows))], [note]
    )


def gaps_ko_corpus(path: Path = GAPS_KO, articles: Path | None = None) -> GapCorpus:
    """The hand-written Korean gap set with the sample KB's articles."""
    from ingest.sample import SAMPLE_DIR

    rows = _read_rows(path)
    tickets = [Ticket(str(r["id"]), str(r["label"]), str(r["text"]), str(r["resolution"])) for r in rows]
    covered = sorted({str(r["label"]) for r in rows if r["covered"]})
    uncovered = sorted({str(r["label"]) for r in rows if not r["covered"]})
    note = (
        f"gaps_ko: {len(tickets)} hand-written tickets, {len(uncovered)} uncovered topics and "
        f"{len(covered)} topics of the sample KB's articles"
    )
    folder = articles or SAMPLE_DIR / "articles"
    return GapCorpus(
        "gaps_ko", tickets, covered, uncovered, {}, [folder], [file_info(path, len(rows))], [note]
    )


def named_corpus(
    name: str, data_root: Path, *, limit: int | None, per_label: int | None, seed: int
) -> GapCorpus:
    """banking77 | parakqc | gaps_ko, sized by ``limit`` labels and ``per_label`` tickets."""
    if name == "banking77":
        return banking77_corpus(data_root, per_intent=per_label or 12, intents=limit, seed=seed)
    if name == "parakqc":
        return items_corpus(
            data_root / "parakqc" / "utterances.jsonl",
            name="parakqc",
            label_field="paraphrase_set",
            labels=limit or 60,
            per_label=per_label,
            seed=seed,
        )
    if name == "gaps_ko":
        return gaps_ko_corpus()
    raise EvalConfigError(f"unknown gap dataset {name!r}; use banking77, parakqc, gaps_ko or --items")
