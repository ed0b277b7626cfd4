"""BEIR-like evaluation inputs: corpus, queries, qrels and labelled items (JSONL), read strictly.

Shapes (one JSON object per line; blank lines are skipped):

- corpus: ``doc_id`` and text in ``text`` | ``body`` | ``content`` (or ``answers``/``answer``, as in
  FAQ dumps), optional ``title`` (or ``question``, the FAQ question, used as the title).
- queries: ``qid`` (or ``id``), ``question`` | ``query`` | ``text``, gold ``doc_id`` or ``doc_ids``,
  optional ``reference_answer`` | ``answer`` | ``answers`` (first one used) and ``in_scope``
  (default true; out-of-scope rows need no gold).
- qrels (optional, overrides the queries' gold): ``qid``/``query-id``, ``doc_id``/``corpus-id``,
  optional ``score`` (graded relevance, default 1); JSONL, or TSV/CSV with a header row.
- items (topics): a text field and a label field, names chosen by the caller.

A bad row raises :class:`eval.errors.DatasetError` naming the file and the 1-based line.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.errors import DatasetError
from eval.sampling import sample, stratified_sample  # re-exported

__all__ = [
    "Doc",
    "FileInfo",
    "ItemSet",
    "Query",
    "RetrievalSet",
    "add_out_of_scope",
    "file_info",
    "load_corpus",
    "load_items",
    "load_qrels",
    "load_queries",
    "load_retrieval_set",
    "read_jsonl",
    "sample",
    "stratified_sample",
]

TEXT_FIELDS = ("text", "body", "content")
TITLE_FIELDS = ("title", "question")
QUERY_FIELDS = ("question", "query", "text")
REFERENCE_FIELDS = ("reference_answer", "answer", "answers")


@dataclass(frozen=True)
class Doc:
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True)
class Query:
    """One evaluation question; ``gold`` maps relevant doc ids to graded relevance (> 0)."""

    qid: str
    text: str
    gold: Mapping[str, float] = field(default_factory=dict)
    reference: str | None = None
    in_scope: bool = True


@dataclass(frozen=True)
class FileInfo:
    """Fingerprint of one input file: where, content hash, rows used."""

    path: str
    sha256: str
    rows: int


@dataclass
class RetrievalSet:
    """A corpus and its questions, with the fingerprints of the files they came from."""

    name: str
    corpus: dict[str, Doc]
    queries: list[Query]
    files: list[FileInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ItemSet:
    """Labelled texts for clustering."""

    name: str
    texts: list[str]
    labels: list[str]
    files: list[FileInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------- low level
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_info(path: Path, rows: int) -> FileInfo:
    return FileInfo(str(path), sha256_file(path), rows)


def _require_file(path: Path, what: str) -> None:
    if not path.is_file():
        raise DatasetError(
            path, f"{what} file not found", hint="check the path, or --data-root for --dataset"
        )


def read_jsonl(path: Path, what: str = "input") -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; bad JSON or a non-object is an error."""
    _require_file(path, what)
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DatasetError(
                        path, f"invalid JSON ({exc.msg} at column {exc.colno})", line=n
                    ) from exc
                if not isinstance(row, dict):
                    raise DatasetError(path, f"expected a JSON object, got {type(row).__name__}", line=n)
                yield n, row
    except UnicodeDecodeError as exc:
        raise DatasetError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n\n".join(str(v).strip() for v in value if v is not None and str(v).strip())
    return str(value).strip()


def _first(row: Mapping[str, Any], names: Sequence[str]) -> str:
    for name in names:
        text = _text(row.get(name))
        if text:
            return text
    return ""


def _id(row: Mapping[str, Any], names: Sequence[str], path: Path, line: int) -> str:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    raise DatasetError(path, f"row has no {' / '.join(repr(n) for n in names)}", line=line)


# --------------------------------------------------------------------------------- corpus
def load_corpus(path: Path) -> tuple[dict[str, Doc], FileInfo]:
    corpus: dict[str, Doc] = {}
    first_line: dict[str, int] = {}
    for n, row in read_jsonl(path, "corpus"):
        doc_id = _id(row, ("doc_id", "_id", "id"), path, n)
        if doc_id in corpus:
            raise DatasetError(
                path, f"duplicate doc_id {doc_id!r} (first on line {first_line[doc_id]})", line=n
            )
        title = _first(row, TITLE_FIELDS)
        text = _first(row, (*TEXT_FIELDS, "answers", "answer"))
        if not text and not title:
            raise DatasetError(
                path,
                f"document {doc_id!r} has no text",
                line=n,
                hint=f"put it in one of {', '.join(TEXT_FIELDS)} (and optionally 'title')",
            )
        corpus[doc_id] = Doc(doc_id, title, text or title)
        first_line[doc_id] = n
    if not corpus:
        raise DatasetError(path, "corpus is empty")
    return corpus, file_info(path, len(corpus))


# --------------------------------------------------------------------------------- queries
def _gold(row: Mapping[str, Any], path: Path, line: int) -> dict[str, float]:
    value = row.get("doc_ids", row.get("doc_id"))
    if value is None:
        return {}
    if isinstance(value, str | int):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise DatasetError(
            path, f"gold doc_ids must be a string or a list of strings, got {value!r}", line=line
        )
    return {str(v).strip(): 1.0 for v in value if str(v).strip()}


def _in_scope(row: Mapping[str, Any], path: Path, line: int) -> bool:
    value = row.get("in_scope", True)
    if not isinstance(value, bool):
        raise DatasetError(path, f"'in_scope' must be true or false, got {value!r}", line=line)
    return value


def load_queries(path: Path, *, in_scope: bool | None = None) -> tuple[list[Query], FileInfo]:
    """Queries of a file; ``in_scope=False`` marks every row out of scope (a second query file)."""
    queries: list[Query] = []
    seen: dict[str, int] = {}
    for n, row in read_jsonl(path, "queries"):
        qid = _id(row, ("qid", "_id", "id"), path, n)
        if qid in seen:
            raise DatasetError(path, f"duplicate qid {qid!r} (first on line {seen[qid]})", line=n)
        seen[qid] = n
        text = _first(row, QUERY_FIELDS)
        if not text:
            raise DatasetError(
                path, f"query {qid!r} has no text", line=n, hint=f"put it in one of {', '.join(QUERY_FIELDS)}"
            )
        refs = row.get("answers")
        reference = _text(row.get("reference_answer") or row.get("answer")) or (
            _text(refs[0]) if isinstance(refs, list) and refs else _text(refs)
        )
        scope = _in_scope(row, path, n) if in_scope is None else in_scope
        queries.append(Query(qid, text, _gold(row, path, n), reference or None, scope))
    if not queries:
        raise DatasetError(path, "query file is empty")
    return queries, file_info(path, len(queries))


def load_qrels(path: Path) -> tuple[dict[str, dict[str, float]], FileInfo]:
    """``{qid: {doc_id: relevance}}`` from JSONL or a TSV/CSV with a header (BEIR style)."""
    rows: list[tuple[int, Mapping[str, Any]]]
    if path.suffix.lower() in (".tsv", ".csv"):
        _require_file(path, "qrels")
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
            rows = [(n, r) for n, r in enumerate(reader, start=2)]
    else:
        rows = list(read_jsonl(path, "qrels"))
    qrels: dict[str, dict[str, float]] = defaultdict(dict)
    for n, row in rows:
        qid = _id(row, ("qid", "query-id", "query_id"), path, n)
        doc_id = _id(row, ("doc_id", "corpus-id", "corpus_id"), path, n)
        raw = row.get("score", 1)
        try:
            score = float(raw)
        except (TypeError, ValueError) as exc:
            raise DatasetError(path, f"score must be a number, got {raw!r}", line=n) from exc
        if score > 0:
            qrels[qid][doc_id] = score
    return dict(qrels), file_info(path, len(rows))


def load_retrieval_set(
    corpus_path: Path,
    queries_path: Path,
    *,
    qrels_path: Path | None = None,
    out_of_scope_path: Path | None = None,
    name: str | None = None,
) -> RetrievalSet:
    """Read and cross-check a corpus with its questions (gold ids must name corpus documents)."""
    corpus, cinfo = load_corpus(corpus_path)
    queries, qinfo = load_queries(queries_path)
    files = [cinfo, qinfo]
    notes: list[str] = []
    if qrels_path is not None:
        qrels, rinfo = load_qrels(qrels_path)
        files.append(rinfo)
        queries = [Query(q.qid, q.text, qrels.get(q.qid, {}), q.reference, q.in_scope) for q in queries]
    unknown = 0
    cleaned: list[Query] = []
    for q in queries:
        gold = {d: r for d, r in q.gold.items() if d in corpus}
        unknown += len(q.gold) - len(gold)
        cleaned.append(Query(q.qid, q.text, gold, q.reference, q.in_scope))
    if unknown:
        notes.append(f"{unknown} gold doc id(s) not in the corpus were ignored")
    if any(q.gold for q in queries) and not any(q.gold for q in cleaned):
        raise DatasetError(
            queries_path,
            "no gold doc id of any query is in the corpus",
            hint=f"do {queries_path.name} and {corpus_path.name} belong together?",
        )
    default = corpus_path.stem if corpus_path.stem != "corpus" else corpus_path.resolve().parent.name
    rset = RetrievalSet(name or default, corpus, cleaned, files, notes)
    if out_of_scope_path is not None:
        add_out_of_scope(rset, out_of_scope_path)
    return rset


def add_out_of_scope(rset: RetrievalSet, path: Path) -> None:
    """Append the questions of ``path`` as out-of-scope (no gold); clashing qids get ``oos:``."""
    extra, info = load_queries(path, in_scope=False)
    taken = {q.qid for q in rset.queries}
    rset.queries += [
        Query(q.qid if q.qid not in taken else f"oos:{q.qid}", q.text, {}, None, False) for q in extra
    ]
    rset.files.append(info)


# --------------------------------------------------------------------------------- items
def load_items(path: Path, *, text_field: str = "text", label_field: str = "label") -> ItemSet:
    texts: list[str] = []
    labels: list[str] = []
    for n, row in read_jsonl(path, "items"):
        text = _text(row.get(text_field))
        if not text:
            raise DatasetError(path, f"row has no text in {text_field!r}", line=n, hint="set --text-field")
        label = row.get(label_field)
        if label is None or str(label).strip() == "":
            raise DatasetError(path, f"row has no label in {label_field!r}", line=n, hint="set --label-field")
        texts.append(text)
        labels.append(str(label))
    if not texts:
        raise DatasetError(path, "items file is empty")
    return ItemSet(path.stem, texts, labels, [file_info(path, len(texts))])
