from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from core.types import Chunk
from indexes import compaction, store
from indexes.dense import DenseIndex
from indexes.embedder import HashEmbedder
from indexes.hybrid import SearchParams
from indexes.lexical import tokenize_many
from indexes.segments import DeltaOp

TEXTS = {
    "a1": "환불은 카드 취소 후 3~5영업일 안에 처리됩니다",
    "a2": "배송이 지연되면 문자로 안내합니다",
    "a3": "결제가 두 번 되었을 때 이중 결제를 취소합니다",
    "a4": "비밀번호 재설정은 로그인 화면에서 합니다",
}


def _chunks(texts: dict[str, str] = TEXTS) -> list[Chunk]:
    return [
        Chunk(f"article:{k}#policy-0", f"article:{k}", "article", f"제목 {k}", "policy", v, v)
        for k, v in texts.items()
    ]


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(64)
        self.documents = 0

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.documents += len(texts)
        return super().embed_documents(texts)


def test_build_search_persist_load(tmp_path: Path) -> None:
    emb = HashEmbedder(64)
    index, stats = store.build(_chunks(), emb, store.IndexConfig())
    assert stats.embedded == 4
    folder = store.persist(index, tmp_path, store.IndexConfig())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["embedder"] == {"id": "hash-64", "dim": 64, "runtime": "hash", "precision": "fp32"}
    assert manifest["counts"]["chunks"] == 4
    assert manifest["bm25"] == {"k1": 1.2, "b": 0.75}
    loaded = store.load_current(tmp_path, emb)
    q = "환불이 언제 되나요"
    before = [(h.doc_id, round(h.score, 6)) for h in index.search(q, SearchParams(k=3))]
    after = [(h.doc_id, round(h.score, 6)) for h in loaded.search(q, SearchParams(k=3))]
    assert before == after
    assert before[0][0] == "article:a1"


def test_unchanged_chunks_are_not_re_embedded(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    first, _ = store.build(_chunks(), emb, store.IndexConfig())
    store.persist(first, tmp_path, store.IndexConfig())
    previous = store.load_current(tmp_path, emb)
    emb.documents = 0
    same, stats = store.build(_chunks(), emb, store.IndexConfig(), previous=previous)
    assert (stats.embedded, stats.reused, emb.documents) == (0, 4, 0)
    changed = dict(TEXTS, a2="배송 지연 시 쿠폰을 드립니다")
    _, stats = store.build(_chunks(changed), emb, store.IndexConfig(), previous=previous)
    assert (stats.embedded, stats.reused) == (1, 3)
    np.testing.assert_allclose(
        same.dense.vectors_for([same.chunks[0].vid]), first.dense.vectors_for([first.chunks[0].vid])
    )


def test_failed_build_leaves_serving_index(tmp_path: Path) -> None:
    emb = HashEmbedder(64)
    index, _ = store.build(_chunks(), emb, store.IndexConfig())
    serving = store.persist(index, tmp_path, store.IndexConfig())

    class Boom(HashEmbedder):
        def embed_documents(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError):
        store.build(_chunks({"x": "새 문서"}), Boom(64), store.IndexConfig())
    assert store.current_folder(tmp_path) == serving
    assert len(store.load_current(tmp_path, emb).chunks) == 4
    assert not list(tmp_path.glob(".*partial"))


def test_swap_is_atomic_and_prunes_old_versions(tmp_path: Path) -> None:
    emb = HashEmbedder(64)
    index, _ = store.build(_chunks(), emb, store.IndexConfig())
    folders = [store.persist(index, tmp_path, store.IndexConfig()) for _ in range(3)]
    assert store.current_folder(tmp_path) == folders[-1]
    remaining = sorted(p.name for p in tmp_path.glob("idx-*"))
    assert folders[-1].name in remaining and len(remaining) == 2


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="kms init --sample"):
        store.load_current(tmp_path, HashEmbedder(64))


def test_model_mismatch_fails_with_rebuild_hint(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    store.persist(index, tmp_path, store.IndexConfig())
    with pytest.raises(IndexMismatchError, match="kms reindex") as err:
        store.load_current(tmp_path, HashEmbedder(32))
    assert "hash-64" in str(err.value) and "hash-32" in str(err.value)


class Int8HashEmbedder(HashEmbedder):
    """The same model at another precision (as ONNX int8 is to fp32)."""

    precision = "int8"


def test_precision_mismatch_fails_with_rebuild_hint(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    folder = store.persist(index, tmp_path, store.IndexConfig())
    with pytest.raises(IndexMismatchError, match="KMS_EMBED_PRECISION=fp32 or rebuild") as err:
        store.load_current(tmp_path, Int8HashEmbedder(64))
    assert "int8" in str(err.value)
    # an index written before the precision was recorded was built at fp32
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["embedder"] = {"id": "hash-64", "dim": 64}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert store.load_current(tmp_path, HashEmbedder(64)).embedder.precision == "fp32"
    with pytest.raises(IndexMismatchError):
        store.load_current(tmp_path, Int8HashEmbedder(64))


class Q4HashEmbedder(HashEmbedder):
    """The same weights computed from their 4-bit blocks (as the bundled model's q4 is to fp32)."""

    precision = "q4"


def test_fp32_and_q4_indexes_serve_each_other(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), Q4HashEmbedder(64), store.IndexConfig())
    folder = store.persist(index, tmp_path / "a", store.IndexConfig())
    assert json.loads((folder / "manifest.json").read_text())["embedder"]["precision"] == "q4"
    assert store.load_current(tmp_path / "a", HashEmbedder(64)).embedder.precision == "fp32"
    with pytest.raises(IndexMismatchError, match="KMS_EMBED_PRECISION=q4 or rebuild"):
        store.load_current(tmp_path / "a", Int8HashEmbedder(64))
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    store.persist(index, tmp_path / "b", store.IndexConfig())
    assert store.load_current(tmp_path / "b", Q4HashEmbedder(64)).embedder.precision == "q4"


def test_truncated_index_is_reported(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    folder = store.persist(index, tmp_path, store.IndexConfig())
    tok_ptr = np.load(folder / "lexical" / "tok_ptr.npy")
    np.save(folder / "lexical" / "tok_ptr.npy", tok_ptr[:-1])  # the BM25 arrays: one chunk short
    with pytest.raises(IndexCorruptError, match="disagree"):
        store.load(folder, HashEmbedder(64))
    (folder / "lexical" / "rows.npy").unlink()
    with pytest.raises(IndexCorruptError, match="incomplete or unreadable"):
        store.load(folder, HashEmbedder(64))


def test_truncated_index_without_bm25_arrays_is_reported(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    folder = _as_written_before_the_bm25_arrays(store.persist(index, tmp_path, store.IndexConfig()))
    (folder / "lexical" / "tokens.jsonl").write_text("[]\n")
    with pytest.raises(IndexCorruptError, match="inconsistent"):
        store.load(folder, HashEmbedder(64))


def _as_written_before_the_bm25_arrays(folder: Path) -> Path:
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["lexical_store"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    params = json.loads((folder / "lexical" / "params.json").read_text())
    (folder / "lexical" / "params.json").write_text(
        json.dumps({k: params[k] for k in ("k1", "b", "tokenizer")})
    )
    for path in (folder / "lexical").iterdir():
        if path.name not in ("params.json", "tokens.jsonl"):
            path.unlink()
    return folder


def test_bm25_arrays_are_mapped_and_score_as_the_tokens_they_were_counted_from(tmp_path: Path) -> None:
    emb = HashEmbedder(64)
    index, _ = store.build(_chunks(), emb, store.IndexConfig())
    folder = store.persist(index, tmp_path, store.IndexConfig())
    assert store.read_manifest(folder)["lexical_store"] == {"format": "csr-npy", "version": 1}
    mapped = store.load(folder, emb).segments.main.lexical
    assert isinstance(mapped.rows.base, np.memmap) and isinstance(mapped.tf.base, np.memmap)
    assert not mapped.rows.flags.writeable
    legacy = store.load(_as_written_before_the_bm25_arrays(folder), emb).segments.main.lexical
    assert not isinstance(legacy.rows.base, np.memmap)
    assert list(mapped.tokens) == list(legacy.tokens) == list(index.lexical.tokens)
    assert mapped.vocab == legacy.vocab and mapped.total_len == legacy.total_len
    for query in (["환불"], ["배송", "조회"], ["없는말"], []):
        assert (
            mapped.scores(query).tolist()
            == legacy.scores(query).tolist()
            == index.lexical.scores(query).tolist()
        )


def test_incremental_add_and_remove_are_searchable() -> None:
    emb = HashEmbedder(64)
    index, _ = store.build(_chunks(), emb, store.IndexConfig())
    new = Chunk(
        "ticket:t1#ticket-0", "ticket:t1", "ticket", "선물 포장", "ticket", "선물 포장 요청 문의", "b"
    )
    from indexes.lexical import tokenize_many

    bigger = index.added([new], emb.embed_documents([new.text]), tokenize_many([new.text]))
    hits = bigger.search("선물 포장", SearchParams(k=1, doc_types={"ticket"}))
    assert hits and hits[0].doc_id == "ticket:t1"
    assert len(index.chunks) == 4 and len(bigger.chunks) == 5  # the old snapshot is untouched
    smaller = bigger.removed(["ticket:t1#ticket-0"])
    assert len(smaller.chunks) == 4
    assert smaller.search("선물 포장", SearchParams(k=1, doc_types={"ticket"})) == []


@pytest.mark.parametrize("fusion", ["auto", "weighted", "rrf", "dense", "bm25"])
def test_fusion_modes_rank_the_obvious_document_first(fusion: str) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    hits = index.search("비밀번호 재설정", SearchParams(k=2, fusion=fusion))
    assert hits[0].doc_id == "article:a4"
    if fusion in ("weighted", "auto"):
        assert set(hits[0].legs) == {"dense", "bm25"}


def test_hnsw_index_type() -> None:
    cfg = store.IndexConfig(dense_index="hnsw")
    index, _ = store.build(_chunks(), HashEmbedder(64), cfg)
    assert index.search("이중 결제", SearchParams(k=1))[0].doc_id == "article:a3"


def test_write_and_swap_fsync_every_file_and_folder_before_the_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    text = "환불은 3일 걸립니다"
    chunk = Chunk("article:A#1", "article:A", "article", "제목", "summary", text, text)
    index, _ = store.build([chunk], HashEmbedder(), store.IndexConfig())
    root = tmp_path / "indexes"
    folder = store.write(index, root, store.IndexConfig())
    partial = root / f".{folder.name}.partial"
    assert {f"{partial}/chunks.jsonl", f"{partial}/dense.faiss", f"{partial}/{store.MANIFEST}",
            str(partial), str(root)} <= set(synced)  # fmt: skip
    synced.clear()
    store.swap(root, folder)
    assert synced == [str(root)]


def test_a_manifest_without_dense_or_a_wrong_id_map_is_corrupt(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    folder = store.persist(index, tmp_path, store.IndexConfig())
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["dense"]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="'dense'"):
        store.load(folder, HashEmbedder(64))
    other = store.persist(index, tmp_path, store.IndexConfig())
    ids = np.array([c.vid + 1 for c in index.chunks], dtype=np.int64)
    vectors = index.dense.vectors_for([c.vid for c in index.chunks])
    DenseIndex.build(vectors, ids, 64).save(other / "dense.faiss")
    with pytest.raises(IndexCorruptError, match="id map"):
        store.load(other, HashEmbedder(64))


def test_load_fallback_finds_the_newest_retained_index_that_loads(tmp_path: Path) -> None:
    index, _ = store.build(_chunks(), HashEmbedder(64), store.IndexConfig())
    good = store.persist(index, tmp_path, store.IndexConfig())
    broken = store.persist(index, tmp_path, store.IndexConfig())
    (broken / "dense.faiss").write_bytes(b"not faiss")
    assert store.previous_folders(tmp_path, exclude=broken) == [good]
    found = store.load_fallback(tmp_path, HashEmbedder(64), exclude=broken)
    assert found is not None and found[1] == good and len(found[0].chunks) == len(TEXTS)
    (good / "manifest.json").unlink()
    assert store.load_fallback(tmp_path, HashEmbedder(64), exclude=broken) is None


def test_the_folder_records_its_storage_and_a_float32_folder_keeps_serving(tmp_path: Path) -> None:
    half_cfg, full_cfg = store.IndexConfig(), store.IndexConfig(dense_vectors="float32")
    assert half_cfg.dense_vectors == "float16"  # the default
    index, _ = store.build(_chunks(), HashEmbedder(64), full_cfg)  # as every folder was written before
    folder = store.persist(index, tmp_path, full_cfg)
    assert json.loads((folder / "manifest.json").read_text())["dense"]["vectors"] == "float32"
    loaded = store.load(folder, HashEmbedder(64), half_cfg)  # configured float16: the folder serves as built
    assert loaded.dense.vectors == "float32"
    q = "환불이 언제 되나요"
    assert loaded.search(q, SearchParams(k=1))[0].doc_id == "article:a1"
    op = DeltaOp(
        chunks=tuple(_chunks({"a5": "환불 계좌가 바뀌면 새 계좌로 환불합니다"})),
        vectors=HashEmbedder(64).embed_documents(["환불 계좌가 바뀌면 새 계좌로 환불합니다"]),
        tokens=tuple(tokenize_many(["환불 계좌가 바뀌면 새 계좌로 환불합니다"])),
    )
    edited = compaction.write_ops(loaded, folder, tmp_path, [op])
    done = compaction.compact(edited, folder, tmp_path, half_cfg)
    assert done is not None
    compacted, new_folder = done
    assert compacted.dense.vectors == "float32"  # a compaction moves vectors, it does not re-store them
    assert json.loads((new_folder / "manifest.json").read_text())["dense"]["vectors"] == "float32"
    rebuilt, _ = store.build(list(compacted.chunks), HashEmbedder(64), half_cfg, previous=compacted)
    again = store.persist(rebuilt, tmp_path, half_cfg)  # a reindex takes the configured storage
    assert json.loads((again / "manifest.json").read_text())["dense"]["vectors"] == "float16"
    assert store.load(again, HashEmbedder(64)).dense.vectors == "float16"
