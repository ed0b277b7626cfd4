"""Small dataset files written for tests: JSONL rows and the shared-data folder layout that
`kms eval answerability` reads (``welfare_qa_ko``, ``chatbot_data_ko``, ``banking77``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path


def write_jsonl(path: Path, rows: Sequence[Mapping[str, object]]) -> Path:
    """``rows`` as UTF-8 JSON lines at ``path`` (parent folders made); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def answerability_root(
    root: Path,
    *,
    welfare_docs: Sequence[Mapping[str, object]],
    welfare_queries: Sequence[Mapping[str, object]],
    chat: Sequence[Mapping[str, object]],
    banking: Sequence[Mapping[str, object]],
) -> Path:
    """A ``--data-root`` folder with the files of the answerability datasets."""
    write_jsonl(root / "welfare_qa_ko" / "corpus.jsonl", welfare_docs)
    write_jsonl(root / "welfare_qa_ko" / "queries.jsonl", welfare_queries)
    write_jsonl(root / "chatbot_data_ko" / "qa.jsonl", chat)
    write_jsonl(root / "banking77" / "queries.jsonl", banking)
    return root
