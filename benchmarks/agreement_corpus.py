"""The corpora of ``milvus_agreement.py``: a shared dataset as an articles JSONL that ``kms ingest``
reads (``id``, ``title``, ``body``) and a questions JSONL (``question``, gold ``doc_ids`` or
``doc_title``).

- ``welfare_qa_ko``: one article per programme document (its title and text; ``/`` in the
  document id becomes ``__``); questions are ``queries.jsonl`` as it is (gold by title).
- ``parakqc``: one article per paraphrase set (its first utterance); questions are the other
  utterances, gold ``set<N>``.

    python benchmarks/agreement_corpus.py --dataset welfare_qa_ko --out /tmp/welfare
    export KMS_DATA_DIR=/tmp/welfare/kms
    kms init && kms ingest /tmp/welfare/articles.jsonl --kind articles
    python benchmarks/milvus_agreement.py --index /tmp/welfare/kms/indexes/current \\
        --questions /tmp/welfare/questions.jsonl --models /tmp/welfare/kms/models --limit 1000
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def welfare(data: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    folder = data / "welfare_qa_ko"
    articles = [
        {"id": str(d["doc_id"]).replace("/", "__"), "title": d["title"], "body": d["text"]}
        for d in _rows(folder / "corpus.jsonl")
    ]
    questions = [
        {"question": q["question"], "doc_title": q["doc_title"]}
        for q in _rows(folder / "queries.jsonl")
        if q.get("doc_title")
    ]
    return articles, questions


def parakqc(data: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    articles: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for u in _rows(data / "parakqc" / "utterances.jsonl"):
        set_id = f"set{int(u['paraphrase_set'])}"
        if set_id in seen:
            questions.append({"question": u["text"], "doc_ids": [set_id]})
        else:
            seen.add(set_id)
            articles.append({"id": set_id, "title": u["text"], "body": u["text"]})
    return articles, questions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=("welfare_qa_ko", "parakqc"), required=True)
    ap.add_argument("--data-root", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    articles, questions = (welfare if args.dataset == "welfare_qa_ko" else parakqc)(args.data_root)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("articles.jsonl", articles), ("questions.jsonl", questions)):
        (args.out / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    print(f"{len(articles)} articles, {len(questions)} questions in {args.out}")


if __name__ == "__main__":
    main()
