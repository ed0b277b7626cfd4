"""benchmarks/write_latency.py on a tiny hash-embedder KB: every resolve, article edit and draft
approval it times is searchable right after the call, and its figures say so."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from indexes.lexical import tokenize
from tests.browser.webapp import web_kb_copy

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import write_latency


def test_made_up_words_are_one_token_everywhere_a_search_reads_them() -> None:
    rng = random.Random(3)
    for sentence in (write_latency.RESOLUTION, write_latency.POLICY_LINE):
        word = write_latency.made_up_word(rng, sentence)
        assert tokenize(word) == tokenize(word, typos=True) == [word]
        assert word in tokenize(sentence.format(word))


def test_every_timed_write_is_searchable_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = web_kb_copy(tmp_path / "kb")
    out = tmp_path / "figures.json"
    argv = ["write_latency.py", "--data-dir", str(settings.data_dir), "--tickets", "2", "--edits", "2"]
    monkeypatch.setattr(sys, "argv", [*argv, "--approvals", "2", "--out", str(out)])
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    monkeypatch.setenv("KMS_DATA_DIR", str(settings.data_dir))  # main() sets it; restored after
    write_latency.main()

    figures = json.loads(out.read_text(encoding="utf-8"))
    # BM25 finds each write by its made-up word at once (the hash embedder ranks nothing by meaning)
    for leg in ("resolve_searchable", "edit_searchable", "approve_searchable"):
        (bm25_found, _top5), n = figures[leg]
        assert (bm25_found, n) == (2, 2), leg
    for leg in ("resolve_ms", "edit_ms", "approve_ms"):
        assert figures[leg]["p50"] > 0
    printed = capsys.readouterr().out
    assert "resolve" in printed and "article edit" in printed and "approve" in printed
