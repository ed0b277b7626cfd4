"""The datasets of `kms eval answerability` as KMS articles and labelled questions.

- ``welfare_qa_ko``: one 9-section article per programme document (정책 = its text, the other
  required sections "해당 없음"); answerable: sampled welfare questions; unanswerable: as many
  ``chatbot_data_ko`` daily-life questions.
- ``banking77`` (English): every second intent held out (no article); the others get one article
  whose Consultation scripts are up to 15 *train* utterances, answered by one generic sentence
  from the intent name; questions: sampled *test* utterances.

With ``tickets`` > 0 each article also carries a front-matter ``tag:`` (its id) and the set holds
resolved tickets of labelled utterances tagged with it (:mod:`eval.answerability_tickets`).

See :mod:`eval.answerability` for how they are measured.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.answerability_tickets import (
    HELD_TAG_PREFIX,
    TICKET_SEED,
    Ticket,
    banking_tickets,
    tagged_markdown,
    welfare_tickets,
)
from eval.datasets import FileInfo, file_info, read_jsonl
from eval.errors import DatasetError, EvalConfigError
from eval.sampling import sample

__all__ = [
    "DATASETS",
    "AnswerabilitySet",
    "Article",
    "Question",
    "Ticket",
    "banking_article",
    "humanise_intent",
    "load_answerability_set",
    "tagged",
    "welfare_article",
]

DATASETS = ("welfare_qa_ko", "banking77")
SCRIPT_PAIRS = 15  # train utterances per banking77 article
UPDATED = "2026-01-01"  # fixed, so the articles (and their cached embeddings) never change
PLACEHOLDER_KO = "해당 없음"
PLACEHOLDER_EN = "Not applicable."
WELFARE_SOURCE = "https://github.com/ssisOneTeam/Ask-for-Welfare"
BANKING_SOURCE = "https://github.com/PolyAI-LDN/task-specific-datasets"
_ACRONYMS = {"atm": "ATM", "pin": "PIN", "apple": "Apple", "google": "Google", "visa": "Visa"}


@dataclass(frozen=True)
class Article:
    """One KMS article to ingest: ``markdown`` is written to ``<article_id>.md``; ``tag`` is its
    front-matter consultation tag (only with tickets: the default articles have none)."""

    article_id: str
    title: str
    markdown: str
    tag: str | None = None


@dataclass(frozen=True)
class Question:
    """A question; ``gold`` = article ids that answer it (empty: the bot should abstain)."""

    qid: str
    text: str
    gold: frozenset[str]
    source: str
    label: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


@dataclass
class AnswerabilitySet:
    name: str
    articles: list[Article]
    questions: list[Question]
    files: list[FileInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    tickets: list[Ticket] = field(default_factory=list)


# ----------------------------------------------------------------------------- articles
def _safe_lines(text: str) -> str:
    """Body text whose lines cannot be taken for a template heading (such a line becomes a bullet)."""
    from ingest.sources.labels import parse_heading

    return "\n".join(
        f"- {line.strip()}" if parse_heading(line) else line.rstrip() for line in text.split("\n")
    )


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def welfare_article(article_id: str, title: str, text: str, *, source: str = WELFARE_SOURCE) -> Article:
    """A programme document as a 9-section article: 요약 = first sentence, 정책 = the text."""
    from korean.sentences import split_sentences

    text = text.replace("\r\n", "\n").strip()
    head, sep, rest = text.partition("\n\n")
    # a first paragraph of one short line is the document's heading (it repeats the title)
    body = rest.strip() if sep and "\n" not in head and len(head) <= 120 and rest.strip() else text
    title = _one_line(title or head)
    sentences = split_sentences(body)
    summary = _one_line(sentences[0]) if sentences else PLACEHOLDER_KO
    markdown = "\n".join(
        [
            f"# {title}",
            "",
            "## 요약",
            summary,
            "",
            "## 목적",
            PLACEHOLDER_KO,
            "",
            "## 정책",
            _safe_lines(body),
            "",
            "## 단계별 절차",
            PLACEHOLDER_KO,
            "",
            "## 상담 스크립트",
            PLACEHOLDER_KO,
            "",
            "## 주요 상황 및 해결책",
            PLACEHOLDER_KO,
            "",
            "## 참고 자료",
            f"- {source}",
            "",
            "## 문서 관리 및 업데이트",
            f"최종 수정일: {UPDATED}",
            "담당자: 평가 데이터 (welfare_qa_ko)",
            "",
        ]
    )
    return Article(article_id, title, markdown)


def humanise_intent(intent: str) -> str:
    """``card_arrival`` → ``card arrival``; ``atm_support`` → ``ATM support`` (lower case otherwise)."""
    words = [w for w in re.split(r"[_\s]+", intent.strip().strip("?").lower()) if w]
    return " ".join(_ACRONYMS.get(w, w) for w in words)


def banking_article(
    article_id: str, intent: str, utterances: Sequence[str], *, source: str = BANKING_SOURCE
) -> Article:
    """An intent as a 9-section English article whose scripts are its utterances as Q/A pairs."""
    words = humanise_intent(intent)
    title = words[:1].upper() + words[1:]
    answer = f"For {words}, please see the steps in the app or contact support."
    pairs: list[str] = []
    for utterance in utterances:
        question = _one_line(utterance)
        if question:
            pairs += [f"Q: {question}", f"A: {answer}", ""]
    markdown = "\n".join(
        [
            f"# {title}",
            "",
            "## Summary",
            PLACEHOLDER_EN,
            "",
            "## Purpose",
            PLACEHOLDER_EN,
            "",
            "## Policy",
            f"This article covers customer questions about {words}.",
            "",
            "## Step-by-step procedure",
            PLACEHOLDER_EN,
            "",
            "## Consultation scripts",
            *(pairs or [PLACEHOLDER_EN, ""]),
            "## Main situations and solutions",
            PLACEHOLDER_EN,
            "",
            "## References",
            f"- {source}",
            "",
            "## Document management and updates",
            f"Last updated: {UPDATED}",
            "Owner: evaluation data (banking77)",
            "",
        ]
    )
    return Article(article_id, title, markdown)


def tagged(article: Article, tag: str | None = None) -> Article:
    """The article with a front-matter ``tag:`` (default: its id); same file name, so same id."""
    tag = tag or article.article_id
    return Article(article.article_id, article.title, tagged_markdown(article.markdown, tag), tag)


# ----------------------------------------------------------------------------- datasets
def _require(root: Path, name: str, *parts: str) -> Path:
    path = root.joinpath(name, *parts)
    if not path.is_file():
        raise DatasetError(path, f"dataset {name!r} not found", hint=f"is --data-root {root} right?")
    return path


def _welfare(root: Path, limit: int | None, seed: int, tickets: int = 0) -> AnswerabilitySet:
    corpus_path = _require(root, "welfare_qa_ko", "corpus.jsonl")
    queries_path = _require(root, "welfare_qa_ko", "queries.jsonl")
    chat_path = _require(root, "chatbot_data_ko", "qa.jsonl")
    articles: list[Article] = []
    ids: dict[str, str] = {}
    for n, row in read_jsonl(corpus_path, "corpus"):
        doc_id, text = str(row.get("doc_id") or "").strip(), str(row.get("text") or "").strip()
        if not doc_id or not text:
            raise DatasetError(corpus_path, "row needs doc_id and text", line=n)
        ids[doc_id] = f"WQ-{len(ids) + 1:03d}"
        articles.append(welfare_article(ids[doc_id], str(row.get("title") or ""), text))
    pool: list[Question] = []
    rows = 0
    for n, row in read_jsonl(queries_path, "queries"):
        rows += 1
        question = str(row.get("question") or "").strip()
        gold = frozenset(ids[str(d)] for d in (row.get("doc_ids") or []) if str(d) in ids)
        if question and gold:  # a few questions have no matched document: not usable here
            pool.append(Question(str(row.get("qid", n)), question, gold, "welfare_qa_ko"))
    chat: list[Question] = []
    for n, row in read_jsonl(chat_path, "qa"):
        question = str(row.get("question") or "").strip()
        if question:
            chat.append(Question(f"chat-{row.get('id', n)}", question, frozenset(), "chatbot_data_ko"))
    answerable = [pool[i] for i in sample(len(pool), limit, seed)]
    outside = [chat[i] for i in sample(len(chat), len(answerable), seed)]
    made: list[Ticket] = []
    if tickets > 0:
        articles = [tagged(a) for a in articles]
        evaluated = {q.qid for q in answerable}
        made = welfare_tickets(
            [(q.qid, q.text, min(q.gold)) for q in pool if q.qid not in evaluated and len(q.gold) == 1],
            [a.article_id for a in articles],
            [q.text for q in answerable + outside],
            per_doc=tickets,
        )
    notes = [
        f"{len(articles)} articles, one per welfare programme document (정책 = the document's text; "
        f"목적/단계별 절차/상담 스크립트/주요 상황 및 해결책 = '{PLACEHOLDER_KO}')",
        f"answerable: {len(answerable)} of {len(pool)} welfare questions with a gold document "
        "(two gold ids: either counts); unanswerable: as many chatbot_data_ko daily-life questions",
    ]
    if tickets > 0:
        docs = len({t.tag for t in made})
        notes.append(
            f"tickets: {len(made)} resolved tickets, up to {tickets} per document ({docs} of "
            f"{len(articles)} documents have any): welfare questions with one gold document that are "
            f"not evaluated in this run, drawn with the fixed seed {TICKET_SEED}; tag = the "
            "document's article id (front matter tag:), resolution = one fixed neutral sentence"
        )
    return AnswerabilitySet(
        "welfare_qa_ko",
        articles,
        answerable + outside,
        [
            file_info(corpus_path, len(articles)),
            file_info(queries_path, rows),
            file_info(chat_path, len(chat)),
        ],
        notes,
        tickets=made,
    )


def _banking(root: Path, limit: int | None, seed: int, tickets: int = 0) -> AnswerabilitySet:
    path = _require(root, "banking77", "queries.jsonl")
    train: dict[str, list[str]] = defaultdict(list)
    test: list[tuple[str, str, str]] = []
    for n, row in read_jsonl(path, "queries"):
        text, label, split = (str(row.get(k) or "").strip() for k in ("text", "label", "split"))
        if not text or not label:
            raise DatasetError(path, "row needs text and label", line=n)
        if split == "train":
            train[label].append(text)
        elif split == "test":
            test.append((str(row.get("id", n)), text, label))
    intents = sorted(set(train) | {label for _, _, label in test})
    if not intents or not test:
        raise DatasetError(path, "no labelled train and test utterances")
    held_out = set(intents[1::2])
    articles: list[Article] = []
    article_of: dict[str, str] = {}
    for i, intent in enumerate(intents):
        if intent in held_out or not train.get(intent):
            continue
        article_of[intent] = f"B77-{i:02d}"
        articles.append(banking_article(article_of[intent], intent, train[intent][:SCRIPT_PAIRS]))
    questions = [
        Question(
            qid,
            text,
            frozenset([article_of[label]]) if label in article_of else frozenset(),
            "banking77",
            label,
        )
        for qid, text, label in (test[i] for i in sample(len(test), limit, seed))
    ]
    covered = sum(q.answerable for q in questions)
    made: list[Ticket] = []
    if tickets > 0:
        articles = [tagged(a) for a in articles]
        made = banking_tickets(
            intents, train, article_of, [q.text for q in questions], per_intent=tickets, skip=SCRIPT_PAIRS
        )
    notes = [
        f"{len(articles)} articles, one per covered intent (scripts: up to {SCRIPT_PAIRS} train utterances, "
        "each answered by a generic sentence from the intent name); "
        f"{len(held_out)} intents held out (every second in sorted order), no article",
        f"questions: {len(questions)} test utterances ({covered} of covered intents, "
        f"{len(questions) - covered} of held-out intents: should abstain)",
    ]
    if tickets > 0:
        held = sum(t.tag.startswith(HELD_TAG_PREFIX) for t in made)
        notes.append(
            f"tickets: {len(made)} resolved tickets, up to {tickets} train utterances per intent after "
            f"the first {SCRIPT_PAIRS} (those in the scripts), in file order, none equal to an evaluated "
            f"question; {len(made) - held} tagged with their intent's article id (front matter tag:), "
            f"{held} of held-out intents tagged '{HELD_TAG_PREFIX}<intent>' (no article has it); "
            "resolution = one fixed neutral sentence"
        )
    return AnswerabilitySet(
        "banking77",
        articles,
        questions,
        [file_info(path, sum(len(v) for v in train.values()) + len(test))],
        notes,
        {"held_out_intents": sorted(held_out)},
        tickets=made,
    )


def load_answerability_set(
    name: str, data_root: Path, *, limit: int | None = 300, seed: int = 0, tickets: int = 0
) -> AnswerabilitySet:
    """The articles and questions of a named dataset under ``data_root``; with ``tickets`` > 0
    also that many resolved tickets per gold document (the articles then carry a ``tag:``)."""
    loaders = {"welfare_qa_ko": _welfare, "banking77": _banking}
    if name not in loaders:
        raise EvalConfigError(f"unknown answerability dataset {name!r}; known: {', '.join(DATASETS)}")
    if tickets < 0:
        raise EvalConfigError(f"--tickets must be 0 or more, got {tickets}")
    return loaders[name](data_root, limit, seed, tickets)
