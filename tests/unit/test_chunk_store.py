"""Serving memory (indexes/chunk_store.py): a loaded index reads its chunks from the folder's
chunks.jsonl on demand and memory-maps its BM25 arrays, holding no list of chunk objects, and
searches exactly as the index it was built from; so does an index with a delta, a compacted one
and one a KnowledgeBase adopts after a build."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from core.types import Chunk
from indexes import compaction, store
from indexes.chunk_store import CACHE_SIZE, ChunkFile, ChunkKey, LiveChunks, StoredChunk
from indexes.dense import DenseIndex
from indexes.embedder import HashEmbedder
from indexes.hybrid import HybridIndex, SearchParams
from indexes.lexical import LexicalIndex, tokenize_many
from indexes.segments import DeltaOp

WORDS = "환불 배송 결제 쿠폰 취소 교환 반품 주문 카드 포인트 회원 비밀번호 택배 지연 오류 refund card".split()
QUERIES = ["환불 언제 되나요", "배송 지연 문의", "쿠폰 할인 오류", "카드 결제 취소", "refund card", "택배"]
EMB = HashEmbedder(64)
CONFIG = store.IndexConfig()


def _corpus(seed: int, docs: int, start: int = 0) -> list[Chunk]:
    rng = random.Random(seed)
    out = []
    for d in range(start, start + docs):
        kind = "article" if d % 3 == 0 else "ticket"
        doc_id = f"{kind}:D{d}"
        for n in range(rng.randint(1, 3)):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))) + " 안내"
            meta = {"tag": rng.choice(["환불", "배송", None]), "inquiry": body, "n": n}
            out.append(
                Chunk(
                    f"{doc_id}#body-{n}", doc_id, kind, f"제목 {d}", "body", f"제목 {d}\n{body}", body, meta
                )
            )
    return out


def _build(chunks: list[Chunk]) -> HybridIndex:
    vectors = EMB.embed_documents([c.text for c in chunks])
    dense = DenseIndex.build(vectors, np.array([c.vid for c in chunks], dtype=np.int64), EMB.dim)
    return HybridIndex(list(chunks), dense, LexicalIndex(tokenize_many([c.text for c in chunks])), EMB)


def _op(chunks: list[Chunk], docs: tuple[str, ...] = ()) -> DeltaOp:
    texts = [c.text for c in chunks]
    return DeltaOp(docs, (), tuple(chunks), EMB.embed_documents(texts), tuple(tokenize_many(texts)))


def _results(index: HybridIndex) -> list[object]:
    out: list[object] = []
    for fusion in ("weighted", "rrf", "dense", "bm25"):
        for q in QUERIES:
            for types in (None, ("ticket",)):
                hits = index.search_chunks(q, SearchParams(fusion=fusion, doc_types=types))
                out.append(
                    [(h.chunk, h.score, h.dense, h.lexical, h.dense_rank, h.lexical_rank) for h in hits]
                )
                docs = index.search(q, SearchParams(fusion=fusion, doc_types=types))
                out.append([(d.doc_id, d.score, [h.chunk.chunk_id for h in d.chunks], d.meta) for d in docs])
    return out


@pytest.fixture
def built(tmp_path: Path) -> tuple[HybridIndex, Path]:
    index = _build(_corpus(0, 60))
    return index, store.persist(index, tmp_path / "indexes", CONFIG)


def test_a_load_holds_no_chunk_list_and_maps_the_bm25_arrays(built: tuple[HybridIndex, Path]) -> None:
    index, folder = built
    loaded = store.load(folder, EMB, CONFIG)
    main = loaded.segments.main
    assert isinstance(main.chunks, ChunkFile) and isinstance(loaded.chunks, ChunkFile)
    assert not main.chunks._cache  # nothing read yet: only ids, documents, types and hashes
    for name in ("indptr", "rows", "tf", "tok_ptr", "tok_ids"):
        array = getattr(main.lexical, name)
        assert isinstance(array.base, np.memmap) and not array.flags.writeable, name
    assert loaded.chunks == index.chunks and index.chunks == list(loaded.chunks)
    assert list(loaded.chunk_keys()) == [
        ChunkKey(c.chunk_id, c.doc_id, c.doc_type, c.hash) for c in index.chunks
    ]
    assert loaded.pos_by_id == index.pos_by_id and loaded.pos_by_vid == index.pos_by_vid


def test_search_results_are_identical_after_a_reload(built: tuple[HybridIndex, Path]) -> None:
    index, folder = built
    assert _results(store.load(folder, EMB, CONFIG)) == _results(index)


def test_chunk_file_reads(built: tuple[HybridIndex, Path], tmp_path: Path) -> None:
    index, folder = built
    chunks = ChunkFile(folder / "chunks.jsonl")
    want = list(index.chunks)
    assert len(chunks) == len(want) and chunks[-1] == want[-1] and chunks[3:7] == want[3:7]
    assert chunks[5] is chunks[5]  # the same object while it is kept, as a list gives
    assert [chunks.hash_at(i) for i in range(len(want))] == [c.hash for c in want]
    with pytest.raises(IndexError):
        chunks[len(want)]
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    kept = ChunkFile(copy / "chunks.jsonl")
    shutil.rmtree(copy)  # a folder pruned while its index still serves stays readable
    assert list(kept) == want and kept[len(want) // 2] == want[len(want) // 2]


def test_the_cache_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("indexes.chunk_store.CACHE_SIZE", 8)
    assert CACHE_SIZE > 8
    index = _build(_corpus(1, 30))
    folder = store.persist(index, tmp_path / "indexes", CONFIG)
    chunks = ChunkFile(folder / "chunks.jsonl")
    assert [chunks[i] for i in range(len(chunks))] == list(index.chunks)
    assert len(chunks._cache) == 8


def test_a_delta_over_a_loaded_index_reads_its_chunks_on_demand(built: tuple[HybridIndex, Path]) -> None:
    index, folder = built
    ops = [_op(_corpus(2, 4, start=500)), _op(_corpus(3, 1, start=7), docs=("ticket:D7",))]
    edited, loaded = index.applied(ops), store.load(folder, EMB, CONFIG).applied(ops)
    assert isinstance(loaded.chunks, LiveChunks)
    assert loaded.chunks == edited.chunks and list(loaded.chunks) == list(edited.chunks)
    assert list(loaded.chunk_keys()) == [
        ChunkKey(c.chunk_id, c.doc_id, c.doc_type, c.hash) for c in edited.chunks
    ]
    assert [loaded.key_at(i) for i in range(len(loaded.chunks))] == list(loaded.chunk_keys())
    assert loaded.pos_by_id == edited.pos_by_id and loaded.pos_by_vid == edited.pos_by_vid
    assert _results(loaded) == _results(edited)


def test_compaction_and_adopt_serve_from_the_written_folder(
    built: tuple[HybridIndex, Path], tmp_path: Path
) -> None:
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    index, folder = built
    loaded = store.load(folder, EMB, CONFIG).applied([_op(_corpus(4, 5, start=900))])
    fresh, new = compaction.build_aside(loaded, tmp_path / "indexes", CONFIG)
    assert isinstance(fresh.segments.main.chunks, ChunkFile) and fresh.segments.main.chunks.path.parent == new
    assert isinstance(fresh.segments.main.lexical.rows.base, np.memmap)
    assert _results(fresh) == _results(loaded) == _results(store.load(new, EMB, CONFIG))
    kb = KnowledgeBase(Settings(data_dir=tmp_path / "kb"))
    kb.adopt(index, folder)
    assert isinstance(kb._index.segments.main.chunks, ChunkFile)  # type: ignore[union-attr]
    assert _results(kb._index) == _results(index)  # type: ignore[arg-type]


def test_stored_chunks_are_read_when_used_and_equal_plain_ones(built: tuple[HybridIndex, Path]) -> None:
    import copy
    import dataclasses
    import pickle

    index, folder = built
    chunks = ChunkFile(folder / "chunks.jsonl")
    want = index.chunks[4]
    got = chunks[4]
    assert isinstance(got, StoredChunk) and "text" not in got.__dict__
    assert (got.chunk_id, got.doc_id, got.doc_type, got.hash, got.vid) == (
        want.chunk_id, want.doc_id, want.doc_type, want.hash, want.vid)  # fmt: skip
    assert got.section == want.section and "text" not in got.__dict__  # nor does the section
    assert got == want and want == got and got.text == want.text and got.meta == want.meta
    assert {"title", "text", "body", "meta"} <= set(got.__dict__)  # read once, then kept
    for twin in (pickle.loads(pickle.dumps(chunks[7])), copy.copy(chunks[7])):
        assert type(twin) is Chunk and twin == index.chunks[7]
    changed, plain = (dataclasses.replace(c, text="다른 본문") for c in (chunks[9], index.chunks[9]))
    assert changed.text == "다른 본문" and changed.hash == plain.hash and changed == plain
    assert dataclasses.asdict(chunks[11]) == dataclasses.asdict(index.chunks[11])
    reads = 0
    real_row = ChunkFile.row

    def counted(self: ChunkFile, pos: int) -> dict[str, object]:
        nonlocal reads
        reads += 1
        return real_row(self, pos)

    loaded = store.load(folder, EMB, CONFIG)
    ChunkFile.row = counted  # type: ignore[method-assign]
    try:
        hits = loaded.search_chunks("환불 배송 결제", SearchParams())
    finally:
        ChunkFile.row = real_row  # type: ignore[method-assign]
    assert len(hits) > 5 and reads == 0  # fusing candidates reads no line


def test_an_unkept_chunk_reads_its_text_each_time_and_keeps_none_of_it(
    built: tuple[HybridIndex, Path],
) -> None:
    import pickle

    from indexes.chunk_store import UnkeptChunk, unkept

    index, folder = built
    chunks = ChunkFile(folder / "chunks.jsonl")
    want = index.chunks[6]
    kept = chunks[6]
    assert kept.text == want.text  # a kept chunk read already: its unkept twin still reads the file
    light = unkept(kept)
    assert isinstance(light, UnkeptChunk) and light == want and light.hash == want.hash
    assert (light.title, light.section, light.body, light.meta) == (
        want.title,
        want.section,
        want.body,
        want.meta,
    )
    assert not {"title", "text", "body", "meta"} & set(light.__dict__)
    assert type(pickle.loads(pickle.dumps(light))) is Chunk and light.plain() == want
    assert len(chunks._cache) == 1  # not put in the file's cache either
    plain = index.chunks[6]
    assert unkept(plain) is plain  # a chunk held in memory is its own


def test_the_answer_sentence_cache_keeps_the_sentences_not_the_chunk_text(
    built: tuple[HybridIndex, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assist import answer_sentences
    from assist.kept_lru import KeptLRU
    from indexes.chunk_store import UnkeptChunk

    monkeypatch.setattr(answer_sentences, "_CANDIDATES", KeptLRU(100))
    index, folder = built
    chunks = ChunkFile(folder / "chunks.jsonl")
    cands = answer_sentences.chunk_candidates(chunks[8])
    assert "text" not in chunks[8].__dict__  # read through: the file's cache keeps it unread too
    assert cands and all(isinstance(c.chunk, UnkeptChunk) for c in cands)
    assert not any({"text", "body", "meta"} & set(c.chunk.__dict__) for c in cands)
    assert cands[0].chunk == index.chunks[8] and answer_sentences.chunk_candidates(chunks[8]) is cands
