"""Does a change to the shared Kiwi analyser (``korean.kiwi``) change what the product derives
from Korean text? Run this checkout's code and another checkout's (``--baseline PATH``, on
PYTHONPATH) over the same texts and count the texts whose output differs:

- ``bm25``: BM25 tokens (``indexes.lexical.tokenize_many``) of every passage (chunk) and question;
- ``bm25 typos``: the query tokens (``tokenize(q, typos=True)``, what a search with the colloquial
  lexicon uses) of every question;
- ``morphemes``: Kiwi's full analysis (form, tag, start, length) of every text;
- ``chunks``: the chunk texts ``split_text`` (Kiwi's sentence splitter) cuts each document into.

Texts: the sample KB's chunks and the safety questions (``eval/data/sample_kb_safety.jsonl``), and,
where ``../shared/data`` holds them, welfare_qa_ko (document chunks as the eval harness cuts them,
questions, reference answers) and parakqc (utterances). Each checkout runs in its own process::

    git worktree add /tmp/old HEAD~1
    python benchmarks/kiwi_tokens.py --baseline /tmp/old
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _morphemes(kiwi: Any, texts: list[str]) -> list[list[tuple[str, str, int, int]]]:
    return [[(t.form, t.tag, t.start, t.len) for t in toks] for toks in kiwi.tokenize(texts)]


def dump(data: Path) -> dict[str, Any]:
    """What this checkout's code derives from the texts: {set: {kind: [one value per text]}}."""
    from core.settings import Settings
    from eval.kb import corpus_chunks
    from indexes.lexical import tokenize, tokenize_many
    from ingest.sample import SAMPLE_DIR
    from ingest.sources import read_paths
    from ingest.split import chunk_article, chunk_ticket
    from korean.kiwi import KIWI_LOCK, kiwi

    settings = Settings()
    t0 = time.perf_counter()
    kiwi()
    build_s = time.perf_counter() - t0
    out: dict[str, Any] = {"_build_s": build_s, "_options": repr(getattr(kiwi(), "_load_multi_dict", None))}

    def passages(name: str, chunks: list[str]) -> None:
        with KIWI_LOCK:
            morph = _morphemes(kiwi(), chunks)
        out[f"{name} passages"] = {"chunks": chunks, "bm25": tokenize_many(chunks), "morphemes": morph}

    def questions(name: str, texts: list[str]) -> None:
        with KIWI_LOCK:
            morph = _morphemes(kiwi(), texts)
        out[f"{name} questions"] = {
            "bm25": tokenize_many(texts),
            "bm25 typos": [tokenize(q, typos=True) for q in texts],
            "morphemes": morph,
        }

    sample = read_paths([SAMPLE_DIR / "articles", SAMPLE_DIR / "tickets.csv"])
    chunks = [c for a in sample.articles for c in chunk_article(a)]
    chunks += [c for t in sample.tickets for c in chunk_ticket(t)]
    passages("sample KB", [c.text for c in chunks])
    safety = ROOT / "eval" / "data" / "sample_kb_safety.jsonl"
    questions("sample KB safety", [r["question"] for r in _jsonl(safety)])
    welfare = data / "welfare_qa_ko"
    if welfare.is_dir():
        from eval.datasets import load_corpus

        corpus, _ = load_corpus(welfare / "corpus.jsonl")
        cut = corpus_chunks(
            corpus, max_chars=settings.chunk_max_chars, overlap=settings.chunk_overlap_sentences
        )
        passages("welfare_qa_ko", [c.text for c in cut])
        rows = _jsonl(welfare / "queries.jsonl")
        questions("welfare_qa_ko", [r["question"] for r in rows])
        passages("welfare_qa_ko answers", [r["reference_answer"] for r in rows])
    parakqc = data / "parakqc" / "utterances.jsonl"
    if parakqc.is_file():
        questions("parakqc", [r["text"] for r in _jsonl(parakqc)])
    return out


def _changes(old: Any, new: Any) -> str:
    """Where two outputs for one text differ (the differing runs only, not the whole text)."""
    if isinstance(old, str) or isinstance(new, str):
        old, new = [old], [new]
    parts = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            parts.append(f"{old[a0:a1]!r} -> {new[b0:b1]!r}")
    return "; ".join(parts)[:600]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline", type=Path, required=False, help="the other checkout")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # one checkout's side
    parser.add_argument("--examples", type=int, default=3, help="differing texts to print per kind")
    args = parser.parse_args()
    if args.dump:
        args.dump.write_bytes(pickle.dumps(dump(args.data)))
        return
    if args.baseline is None:
        parser.error("--baseline PATH is required")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, code in (("baseline", args.baseline), ("now", ROOT)):
            target = Path(tmp) / f"{name}.pkl"
            env = {**os.environ, "PYTHONPATH": str(code)}
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--data",
                str(args.data),
                "--dump",
                str(target),
            ]
            subprocess.run(cmd, env=env, check=True, cwd=code)
            results[name] = pickle.loads(target.read_bytes())
    old, new = results["baseline"], results["now"]
    print(f"Kiwi build: baseline {old['_build_s']:.2f} s, now {new['_build_s']:.2f} s (one process each)")
    print(f"load_multi_dict: baseline {old['_options']}, now {new['_options']}")
    for text_set, kinds in old.items():
        if text_set.startswith("_"):
            continue
        for kind, values in kinds.items():
            other = new[text_set][kind]
            if len(other) != len(values):
                print(f"  {text_set:<30} {kind:<10} different lengths: {len(values)} vs {len(other)}")
                continue
            diff = [i for i, (a, b) in enumerate(zip(values, other, strict=True)) if a != b]
            print(f"  {text_set:<30} {kind:<10} {len(diff):>6} of {len(values):>6} texts differ")
            for i in diff[: args.examples]:
                print(f"      #{i}: {_changes(values[i], other[i])}")


if __name__ == "__main__":
    main()
