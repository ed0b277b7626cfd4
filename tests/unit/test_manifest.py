"""The manifest records what an index was built with, and loading checks it against the settings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.errors import IndexMismatchError
from core.types import Chunk
from indexes import store
from indexes.embedder import HashEmbedder
from indexes.lexical import TOKENIZER_ID, tokenizer_versions


def _persist(tmp_path: Path, config: store.IndexConfig) -> Path:
    texts = {"a": "Refunds are paid within three days", "b": "배송 조회는 주문 내역에서 합니다"}
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in texts.items()]
    index, _ = store.build(chunks, HashEmbedder(32), config)
    return store.persist(index, tmp_path, config)


def test_manifest_records_chunker_and_bm25_values(tmp_path: Path) -> None:
    config = store.IndexConfig(bm25_k1=1.5, bm25_b=0.6, chunk_max_chars=400, chunk_overlap_sentences=0)
    manifest = store.read_manifest(_persist(tmp_path, config))
    assert manifest["bm25"] == {"k1": 1.5, "b": 0.6}
    assert manifest["chunker"] == {"max_chars": 400, "overlap_sentences": 0}
    assert manifest["tokenizer"] == {"id": TOKENIZER_ID, **tokenizer_versions()}


def test_other_chunker_parameters_fail_the_load(tmp_path: Path) -> None:
    folder = _persist(tmp_path, store.IndexConfig())
    assert store.load(folder, HashEmbedder(32), store.IndexConfig()).lexical.size == 2
    with pytest.raises(IndexMismatchError, match="KMS_CHUNK_MAX_CHARS=500") as err:
        store.load(folder, HashEmbedder(32), store.IndexConfig(chunk_max_chars=500))
    assert err.value.details["index_chunker"]["max_chars"] == 700
    assert store.load(folder, HashEmbedder(32)).lexical.size == 2  # no config given: not checked


def test_other_bm25_parameters_rebuild_the_lexical_leg_and_are_recorded(tmp_path: Path) -> None:
    folder = _persist(tmp_path, store.IndexConfig())
    config = replace(store.IndexConfig(), bm25_k1=2.0, bm25_b=0.3)
    index = store.load(folder, HashEmbedder(32), config)
    assert (index.lexical.k1, index.lexical.b) == (2.0, 0.3)
    rewritten = store.write(index, tmp_path, store.IndexConfig())  # settings say otherwise: the index wins
    assert store.read_manifest(rewritten)["bm25"] == {"k1": 2.0, "b": 0.3}


def test_an_index_of_an_older_tokenizer_is_re_tokenised_not_refused(tmp_path: Path) -> None:
    folder = _persist(tmp_path, store.IndexConfig())
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["tokenizer"] = {"id": "kiwi-morph-v0"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "lexical" / "tokens.jsonl").write_text('["stale"]\n["배송"]\n')
    index = store.load(folder, HashEmbedder(32), store.IndexConfig())
    assert "refund" in index.lexical.tokens[0] and not index.lexical.knows("stale")
