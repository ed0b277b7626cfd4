"""The manifest records the tokenizer (id and library versions) and the BM25 and chunker values the
index was built with; a load reports any difference with this process's tokenizer or settings."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from core.types import Chunk
from indexes import deltalog, store
from indexes.embedder import HashEmbedder
from indexes.lexical import TOKENIZER_ID, tokenize, tokenize_many, tokenizer_versions
from indexes.segments import DeltaOp

EMB = HashEmbedder(32)


def _chunk(key: str, text: str) -> Chunk:
    return Chunk(f"doc:{key}#body-0", f"doc:{key}", "doc", key, "body", text, text)


def _persist(tmp_path: Path, config: store.IndexConfig | None = None) -> Path:
    chunks = [
        _chunk("a", "Refunds are paid within three days"),
        _chunk("b", "배송 조회는 주문 내역에서 합니다"),
    ]
    config = config or store.IndexConfig()
    index, _ = store.build(chunks, EMB, config)
    return store.persist(index, tmp_path, config)


def _edit_manifest(folder: Path, **entries: object) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(entries)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_manifest_records_every_build_value(tmp_path: Path) -> None:
    config = store.IndexConfig(bm25_k1=1.4, bm25_b=0.7, chunk_max_chars=500, chunk_overlap_sentences=2)
    manifest = store.read_manifest(_persist(tmp_path, config))
    assert manifest["tokenizer"]["id"] == TOKENIZER_ID == "kiwi-morph-v5-en-words-as-amounts"
    assert set(manifest["tokenizer"]) == {"id", "kiwipiepy", "pystemmer"}
    assert manifest["tokenizer"]["pystemmer"] == tokenizer_versions()["pystemmer"]
    assert manifest["bm25"] == {"k1": 1.4, "b": 0.7}
    assert manifest["chunker"] == {"max_chars": 500, "overlap_sentences": 2}
    params = json.loads((tmp_path / "current" / "lexical" / "params.json").read_text())
    assert (params["tokenizer"], params["k1"], params["b"]) == (TOKENIZER_ID, 1.4, 0.7)


def test_an_unstemmed_index_is_re_tokenised_with_its_delta_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _persist(tmp_path)
    _edit_manifest(folder, tokenizer={"id": "kiwi-morph-v1"})  # written before stemming
    added = _chunk("c", "Charges are refunded to the card")
    stale = DeltaOp((), (), (added,), EMB.embed_documents([added.text]), (["charges", "refunded", "card"],))
    deltalog.append(folder, [stale], known=0)
    with caplog.at_level(logging.WARNING, logger="indexes.store"):
        index = store.load(folder, EMB, store.IndexConfig())
    assert [r.getMessage() for r in caplog.records if "re-tokenising" in r.getMessage()]
    assert index.lexical.tokens[0] == tokenize_many(["Refunds are paid within three days"])[0]
    scores = index.segments.lex_scores(tokenize("refund charge"))
    assert np.count_nonzero(scores) == 2 and scores[2] > scores[0] > 0  # the delta chunk, re-tokenised
    rewritten = store.write(index, tmp_path, store.IndexConfig())
    assert store.read_manifest(rewritten)["tokenizer"]["id"] == TOKENIZER_ID


def test_other_library_versions_warn_and_keep_the_tokens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _persist(tmp_path)
    _edit_manifest(folder, tokenizer={"id": TOKENIZER_ID, "kiwipiepy": "0.0.1", "pystemmer": "0.0.2"})
    with caplog.at_level(logging.WARNING, logger="indexes.store"):
        index = store.load(folder, EMB, store.IndexConfig())
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "0.0.1" in warning and "0.0.2" in warning and "kms reindex" in warning
    assert index.lexical.tokens[0] == ["refund", "paid", "within", "three", "day"]


def test_a_current_index_loads_without_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _persist(tmp_path)
    with caplog.at_level(logging.INFO, logger="indexes.store"):
        store.load(folder, EMB, store.IndexConfig())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_other_bm25_values_are_reported_in_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _persist(tmp_path)
    with caplog.at_level(logging.WARNING, logger="indexes.store"):
        index = store.load(folder, EMB, store.IndexConfig(bm25_k1=0.9, bm25_b=0.4))
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "k1=1.2 b=0.75" in warning and "k1=0.9 b=0.4" in warning and "\n" not in warning
    assert (index.lexical.k1, index.lexical.b) == (0.9, 0.4)


def test_an_older_tokenizers_folder_is_written_once_by_a_compaction(tmp_path: Path) -> None:
    """Re-tokenising at load is in memory: ``kms index compact`` (and the server at start-up,
    through ``compaction.due``) writes the new tokens, so later loads re-make nothing."""
    from indexes import compaction

    folder = _persist(tmp_path)
    _edit_manifest(folder, tokenizer={"id": "kiwi-morph-v1"})
    index = store.load(folder, EMB, store.IndexConfig())
    assert index.retokenised and index.pending == 0
    assert compaction.due(index, max_chunks=1000, max_share=0.5)
    done = compaction.compact_current(tmp_path, store.IndexConfig())
    assert done is not None and done[0] == 0
    written = store.current_folder(tmp_path)
    assert written != folder.resolve() and store.read_manifest(written)["tokenizer"]["id"] == TOKENIZER_ID
    again = store.load(written, EMB, store.IndexConfig())
    assert not again.retokenised and again.lexical.tokens == index.lexical.tokens
    assert compaction.compact_current(tmp_path, store.IndexConfig()) is None  # nothing left to do


def test_the_server_writes_an_older_tokenizers_folder_at_start_up(tmp_path: Path) -> None:
    from assist.knowledge import KnowledgeBase
    from tests.tinykb import build_tiny_kb

    settings = build_tiny_kb(tmp_path / "kms", warm_sentences=False)
    old = store.current_folder(settings.index_root)
    _edit_manifest(old, tokenizer={"id": "kiwi-morph-v3-en-words"})
    kb = KnowledgeBase(settings)
    kb.warm_up()
    assert kb.wait_for_compaction(60)
    written = store.current_folder(settings.index_root)
    assert written != old.resolve() and store.read_manifest(written)["tokenizer"]["id"] == TOKENIZER_ID
    assert not kb.index.retokenised and kb.search("환불", k=1)
