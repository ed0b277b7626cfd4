"""Named datasets under ``--data-root`` (default ``../shared/data`` beside the repository).

Retrieval (``--dataset NAME`` for ``kms eval retrieval|answers|abstention``):

- ``welfare_qa_ko``: question → welfare-programme document; reference answers included. Queries
  with two gold ids (one programme under two categories) count a hit on either.
- ``stackfaq``: English rephrasing → FAQ thread. The reference answer of a query is the first
  (top) answer of its gold thread.
- ``parakqc``: paraphrase retrieval. The corpus is the *first* utterance of each of the 1,000
  paraphrase sets (``doc_id = set<N>``); the queries are the other nine utterances of every set, gold
  = their set. (The alternative, every utterance a document and the other nine gold, would let a
  query retrieve itself.)
- ``abcd_kb``: English customer question → ABCD agent-guideline article (one per ``flow::subflow``,
  title = subflow, text = instructions + action texts). The corpus is read from the data root; the
  questions are the project's own hand-written set, ``eval/data/abcd_kb/queries.jsonl`` (see its
  README), since ABCD ships no query set.
- ``chatbot_data_ko``: smoke test only. Documents are the distinct answers; a question's gold is
  the answer it was written with (many questions share one answer).

Topics (``kms eval topics --dataset NAME``): ``banking77`` (``label`` = intent), ``parakqc``
(``label`` = ``paraphrase_set`` by default, or ``topic``/``act``), ``korean_petitions`` (text =
title + body, ``label`` = category), ``chatbot_data_ko`` (``label`` 0/1/2: daily/negative/positive).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from eval.datasets import (
    Doc,
    ItemSet,
    Query,
    RetrievalSet,
    file_info,
    load_items,
    load_queries,
    load_retrieval_set,
    read_jsonl,
)
from eval.errors import DatasetError, EvalConfigError

__all__ = [
    "ABCD_QUERIES",
    "DEFAULT_DATA_ROOT",
    "RETRIEVAL_DATASETS",
    "TOPIC_DATASETS",
    "retrieval_dataset",
    "topic_dataset",
]

DEFAULT_DATA_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data"
ABCD_QUERIES = Path(__file__).resolve().parent / "data" / "abcd_kb" / "queries.jsonl"


def _path(root: Path, name: str, *parts: str) -> Path:
    path = root.joinpath(name, *parts)
    if not path.is_file():
        raise DatasetError(path, f"dataset {name!r} not found", hint=f"is --data-root {root} right?")
    return path


def _welfare(root: Path) -> RetrievalSet:
    d = "welfare_qa_ko"
    return load_retrieval_set(_path(root, d, "corpus.jsonl"), _path(root, d, "queries.jsonl"), name=d)


def _stackfaq(root: Path) -> RetrievalSet:
    d = "stackfaq"
    corpus_path = _path(root, d, "corpus.jsonl")
    rset = load_retrieval_set(corpus_path, _path(root, d, "queries.jsonl"), name=d)
    first_answer: dict[str, str] = {}
    for _, row in read_jsonl(corpus_path, "corpus"):
        answers = row.get("answers") or []
        if answers:
            first_answer[str(row["doc_id"])] = str(answers[0]).strip()
    rset.queries = [
        Query(
            q.qid,
            q.text,
            q.gold,
            q.reference or next((first_answer[g] for g in q.gold if g in first_answer), None),
            q.in_scope,
        )
        for q in rset.queries
    ]
    rset.notes.append("reference answer = first answer of the gold FAQ thread")
    return rset


def _parakqc(root: Path) -> RetrievalSet:
    d = "parakqc"
    path = _path(root, d, "utterances.jsonl")
    corpus: dict[str, Doc] = {}
    queries: list[Query] = []
    rows = 0
    for n, row in read_jsonl(path, "utterances"):
        rows += 1
        try:
            set_id, text, uid = f"set{int(row['paraphrase_set'])}", str(row["text"]).strip(), str(row["id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(
                path, f"row needs id, text and an integer paraphrase_set ({exc})", line=n
            ) from exc
        if set_id not in corpus:
            corpus[set_id] = Doc(set_id, "", text)
        else:
            queries.append(Query(uid, text, {set_id: 1.0}))
    notes = ["corpus = first utterance of each paraphrase set; queries = the other utterances"]
    return RetrievalSet(d, corpus, queries, [file_info(path, rows)], notes)


def _abcd_kb(root: Path) -> RetrievalSet:
    d = "abcd_kb"
    path = _path(root, d, "kb_articles.jsonl")
    corpus: dict[str, Doc] = {}
    for n, row in read_jsonl(path, "kb articles"):
        doc_id, subflow = str(row.get("doc_id") or "").strip(), str(row.get("subflow") or "").strip()
        parts = [str(t).strip() for key in ("instructions", "action_texts") for t in row.get(key) or []]
        if not doc_id or not subflow or not any(parts):
            raise DatasetError(path, "row needs doc_id, subflow and instructions or action_texts", line=n)
        corpus[doc_id] = Doc(doc_id, subflow, "\n\n".join(p for p in parts if p))
    queries, qinfo = load_queries(ABCD_QUERIES)
    for q in queries:
        unknown = sorted(set(q.gold) - set(corpus))
        if unknown or not q.gold:
            raise DatasetError(ABCD_QUERIES, f"query {q.qid!r}: gold {unknown or 'missing'} not in {path}")
    notes = ["questions hand-written for KMS Assist (eval/data/abcd_kb); corpus = ABCD guidelines"]
    return RetrievalSet(d, corpus, queries, [file_info(path, len(corpus)), qinfo], notes)


def _chatbot(root: Path) -> RetrievalSet:
    d = "chatbot_data_ko"
    path = _path(root, d, "qa.jsonl")
    corpus: dict[str, Doc] = {}
    queries: list[Query] = []
    for n, row in read_jsonl(path, "qa"):
        question, answer = str(row.get("question") or "").strip(), str(row.get("answer") or "").strip()
        if not question or not answer:
            raise DatasetError(path, "row needs question and answer", line=n)
        doc_id = "a" + hashlib.sha256(answer.encode("utf-8")).hexdigest()[:12]
        corpus.setdefault(doc_id, Doc(doc_id, "", answer))
        queries.append(Query(str(row.get("id", n)), question, {doc_id: 1.0}, answer))
    notes = ["smoke set: documents are the distinct answers; gold = the question's own answer"]
    return RetrievalSet(d, corpus, queries, [file_info(path, len(queries))], notes)


RETRIEVAL_DATASETS: dict[str, Callable[[Path], RetrievalSet]] = {
    "welfare_qa_ko": _welfare,
    "stackfaq": _stackfaq,
    "parakqc": _parakqc,
    "chatbot_data_ko": _chatbot,
    "abcd_kb": _abcd_kb,
}

# name -> (file, text field, default label field)
TOPIC_DATASETS: dict[str, tuple[str, str, str]] = {
    "banking77": ("banking77/queries.jsonl", "text", "label"),
    "parakqc": ("parakqc/utterances.jsonl", "text", "paraphrase_set"),
    "korean_petitions": ("korean_petitions/petitions.jsonl", "title+text", "label"),
    "chatbot_data_ko": ("chatbot_data_ko/qa.jsonl", "question", "label"),
}


def _unknown(kind: str, name: str, known: Iterable[str]) -> EvalConfigError:
    return EvalConfigError(f"unknown {kind} dataset {name!r}; known: {', '.join(sorted(known))}")


def retrieval_dataset(name: str, data_root: Path = DEFAULT_DATA_ROOT) -> RetrievalSet:
    if name not in RETRIEVAL_DATASETS:
        raise _unknown("retrieval", name, RETRIEVAL_DATASETS)
    return RETRIEVAL_DATASETS[name](data_root)


def topic_dataset(
    name: str,
    data_root: Path = DEFAULT_DATA_ROOT,
    *,
    label_field: str | None = None,
    text_field: str | None = None,
) -> ItemSet:
    if name not in TOPIC_DATASETS:
        raise _unknown("topic", name, TOPIC_DATASETS)
    rel, default_text, default_label = TOPIC_DATASETS[name]
    path = _path(data_root, *rel.split("/"))
    text_field = text_field or default_text
    label_field = label_field or default_label
    if text_field == "title+text":
        items = _title_text_items(path, label_field)
    else:
        items = load_items(path, text_field=text_field, label_field=label_field)
    items.name = name
    items.notes.append(f"text = {text_field}, label = {label_field}")
    return items


def _title_text_items(path: Path, label_field: str) -> ItemSet:
    texts: list[str] = []
    labels: list[str] = []
    for n, row in read_jsonl(path, "items"):
        text = "\n".join(str(row.get(f) or "").strip() for f in ("title", "text")).strip()
        label = row.get(label_field)
        if not text or label is None:
            raise DatasetError(path, f"row needs title/text and {label_field!r}", line=n)
        texts.append(text)
        labels.append(str(label))
    return ItemSet(path.stem, texts, labels, [file_info(path, len(texts))])
