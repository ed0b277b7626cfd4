"""Incremental index updates: the delta segment, its log, and compaction (indexes/segments.py,
indexes/deltalog.py, indexes/compaction.py). A corpus edited through the delta must search exactly
like a from-scratch build over the same live chunks; the log must survive a crash at any point."""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

import bm25s
import numpy as np
import pytest

from core.types import Chunk
from indexes import compaction, deltalog, store
from indexes.dense import VECTOR_TYPES, DenseIndex
from indexes.embedder import HashEmbedder
from indexes.hybrid import HybridIndex, SearchParams
from indexes.lexical import LexicalIndex, tokenize_many
from indexes.segments import DeltaOp

WORDS = (
    "환불 배송 결제 쿠폰 취소 교환 반품 주문 카드 포인트 회원 비밀번호 주소 택배 지연 "
    "오류 영수증 적립 할인 상품 재고 문의 계좌 입금 확인 변경 등록 해지 앱 로그인"
).split()
QUERIES = ["환불 언제 되나요", "배송 지연 문의", "쿠폰 할인 오류", "카드 결제 취소", "비밀번호 변경", "택배"]
EMB = HashEmbedder(64)


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))) + " 안내"


def _chunk(doc: int, n: int, text: str, kind: str = "ticket") -> Chunk:
    doc_id = f"{kind}:D{doc}"
    return Chunk(f"{doc_id}#body-{n}", doc_id, kind, f"D{doc}", "body", text, text)  # type: ignore[arg-type]


def _corpus(rng: random.Random, docs: int, start: int = 0) -> list[Chunk]:
    return [
        _chunk(d, n, _text(rng), "article" if d % 3 == 0 else "ticket")
        for d in range(start, start + docs)
        for n in range(rng.randint(1, 3))
    ]


def _build(chunks: list[Chunk], vectors_type: str = "float32") -> HybridIndex:
    vectors = EMB.embed_documents([c.text for c in chunks])
    ids = np.array([c.vid for c in chunks], dtype=np.int64)
    dense = DenseIndex.build(vectors, ids, EMB.dim, vectors_type=vectors_type)
    return HybridIndex(list(chunks), dense, LexicalIndex(tokenize_many([c.text for c in chunks])), EMB)


def _op(chunks: list[Chunk], docs: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> DeltaOp:
    texts = [c.text for c in chunks]
    vectors = EMB.embed_documents(texts) if chunks else np.zeros((0, EMB.dim), np.float32)
    return DeltaOp(docs, ids, tuple(chunks), vectors, tuple(tokenize_many(texts)))


def _edits(index: HybridIndex, rng: random.Random) -> list[DeltaOp]:
    """Resolve-like adds, article-edit-like doc replacements, chunk removals, re-edits of delta docs."""
    docs = sorted({c.doc_id for c in index.chunks})
    ops = [_op(_corpus(rng, 1, start=1000 + i)) for i in range(12)]  # new tickets/articles
    for i, doc in enumerate(rng.sample(docs, 8)):  # new revisions of existing documents
        number = int(doc.split(":D")[1])
        ops.append(_op([_chunk(number, n, _text(rng), doc.split(":")[0]) for n in range(i % 3 + 1)], (doc,)))
    ops.append(_op([], ids=tuple(c.chunk_id for c in rng.sample(index.chunks, 5))))  # removals
    ops.append(_op([_chunk(1003, 0, _text(rng))], ("ticket:D1003",)))  # a delta doc edited again
    ops.append(_op([], docs=("ticket:D1005", "article:D1006")))  # delta docs removed
    return ops


def _ranked(index: HybridIndex, **kw: object) -> list[list[tuple[str, float]]]:
    out = []
    for q in QUERIES:
        hits = index.search_chunks(q, SearchParams(**kw))  # type: ignore[arg-type]
        out.append([(h.chunk.chunk_id, round(h.score, 5)) for h in hits[:10]])
    return out


@pytest.fixture(scope="module", params=VECTOR_TYPES)
def edited(request: pytest.FixtureRequest) -> tuple[HybridIndex, HybridIndex]:
    """(base + edits through the delta, a from-scratch build over the same live chunks), with the
    vectors stored as float16 and as float32."""
    rng = random.Random(7)
    base = _build(_corpus(rng, 120), request.param)
    index = base
    for op in _edits(base, rng):  # one at a time, as writes arrive
        index = index.applied([op])
    return index, _build(list(index.chunks), request.param)


def test_bm25_equals_bm25s() -> None:
    rng = random.Random(1)
    docs = [[rng.choice(WORDS) for _ in range(rng.randint(0, 12))] for _ in range(300)]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([d or [""] for d in docs], show_progress=False)
    ours = LexicalIndex(docs, k1=1.2, b=0.75)
    for query in (["환불", "배송"], ["쿠폰", "쿠폰", "오류"], ["없는말", "카드"]):
        ids = reference.get_tokens_ids(query)
        np.testing.assert_allclose(ours.scores(query), reference.get_scores_from_ids(ids), atol=1e-5)


def test_incremental_edits_rank_exactly_as_a_full_rebuild(edited: tuple[HybridIndex, HybridIndex]) -> None:
    index, rebuilt = edited
    assert index.pending > 0 and len(index.chunks) == len(rebuilt.chunks)
    seg = index.segments
    for q in QUERIES:  # BM25 with the live corpus's statistics: bit-for-bit what a build computes
        tokens = tokenize_many([q])[0]
        live = seg.lex_scores(tokens)[seg.live_rows()]
        assert np.array_equal(live, rebuilt.lexical.scores(tokens)), q
    vids = [c.vid for c in rebuilt.chunks]  # the vectors a rebuild hands back, bit for bit
    assert np.array_equal(index.dense.vectors_for(vids), rebuilt.dense.vectors_for(vids))
    for fusion in ("auto", "weighted", "rrf", "bm25", "dense", "adaptive"):
        assert _ranked(index, fusion=fusion) == _ranked(rebuilt, fusion=fusion), fusion
    assert _ranked(index, doc_types=["article"]) == _ranked(rebuilt, doc_types=["article"])
    assert [d.doc_id for d in index.search("환불 배송", SearchParams(k=5))] == [
        d.doc_id for d in rebuilt.search("환불 배송", SearchParams(k=5))
    ]


def test_tombstoned_chunks_are_never_returned(edited: tuple[HybridIndex, HybridIndex]) -> None:
    index, _ = edited
    live = {c.chunk_id for c in index.chunks}
    dead = [index.segments.row(p) for p in index.segments.dead]
    assert dead
    for chunk in dead[:10]:  # searching for a removed chunk's own text
        for fusion in ("weighted", "dense", "bm25"):
            hits = index.search_chunks(chunk.text, SearchParams(fusion=fusion, candidates=500))
            assert {h.chunk.chunk_id for h in hits} <= live
    assert index.removed(["no-such-id"]) is index
    gone = index.chunks[0]
    after = index.removed([gone.chunk_id])
    assert gone.chunk_id not in after.pos_by_id and gone.chunk_id in index.pos_by_id  # old one intact


def _persisted(tmp_path: Path) -> tuple[HybridIndex, Path, list[DeltaOp]]:
    rng = random.Random(3)
    base = _build(_corpus(rng, 60))
    folder = store.persist(base, tmp_path, store.IndexConfig())
    return store.load(folder, EMB), folder, _edits(base, rng)


def test_delta_is_appended_persisted_and_reloaded(tmp_path: Path) -> None:
    index, folder, ops = _persisted(tmp_path)
    files = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    for op in ops:
        index = compaction.write_ops(index, folder, tmp_path, [op])
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name != deltalog.LOG} == files
    assert sorted(p.name for p in tmp_path.glob("idx-*")) == [folder.name]  # no new folder
    reloaded = store.load(store.current_folder(tmp_path), EMB)
    assert reloaded.delta_offset == index.delta_offset == deltalog.size(folder)
    assert [c.chunk_id for c in reloaded.chunks] == [c.chunk_id for c in index.chunks]
    assert _ranked(reloaded) == _ranked(index)
    # another process appended meanwhile: a writer applies those lines first, a reader refreshes
    other = store.load(folder, EMB)
    extra = _op([_chunk(5000, 0, "배송 지연 보상 쿠폰 안내")])
    other = compaction.write_ops(other, folder, tmp_path, [extra])
    assert "ticket:D5000" in {c.doc_id for c in compaction.refreshed(index, folder).chunks}


def test_a_crash_mid_append_leaves_the_old_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index, folder, ops = _persisted(tmp_path)
    index = compaction.write_ops(index, folder, tmp_path, ops[:3])
    before = _ranked(index)
    real = os.pwrite

    def torn(fd: int, data: bytes, offset: int) -> int:
        real(fd, data[: len(data) // 2], offset)  # half the line reaches the disk, then the crash
        raise OSError("killed")

    monkeypatch.setattr(os, "pwrite", torn)
    with pytest.raises(OSError):
        compaction.write_ops(index, folder, tmp_path, ops[3:6])
    monkeypatch.undo()
    assert deltalog.size(folder) > index.delta_offset  # the torn bytes are there...
    reloaded = store.load(folder, EMB)  # ...and ignored: the old state
    assert reloaded.delta_offset == index.delta_offset and _ranked(reloaded) == before
    after = compaction.write_ops(reloaded, folder, tmp_path, ops[3:6])  # the next write cuts them off
    assert deltalog.size(folder) == after.delta_offset
    assert _ranked(store.load(folder, EMB)) == _ranked(after) != before


def test_compaction_equals_a_full_rebuild_and_survives_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, folder, ops = _persisted(tmp_path)
    for op in ops:
        index = compaction.write_ops(index, folder, tmp_path, [op])
    expected = _ranked(_build(list(index.chunks)))

    def crash(*_a: object, **_k: object) -> None:
        raise OSError("killed before the swap")

    monkeypatch.setattr(store, "swap", crash)
    with pytest.raises(OSError):
        compaction.compact(index, folder, tmp_path, store.IndexConfig())
    monkeypatch.undo()
    assert store.current_folder(tmp_path) == folder.resolve()
    assert sorted(p.name for p in tmp_path.glob("idx-*")) == [folder.name]  # the half-built one is gone
    assert _ranked(store.load(folder, EMB)) == expected

    fresh, new = compaction.build_aside(index, tmp_path, store.IndexConfig())
    late = _op([_chunk(6000, 0, "포인트 적립 오류 문의")])  # a resolve while the build ran
    compaction.write_ops(index, folder, tmp_path, [late])
    done = compaction.finish(fresh, new, index, folder, tmp_path)
    assert done is not None and done[1] == new and store.current_folder(tmp_path) == new.resolve()
    compacted, _ = done
    assert compacted.pending == 1 and "ticket:D6000" in {c.doc_id for c in compacted.chunks}
    loaded = store.load(new, EMB)
    assert _ranked(loaded) == _ranked(compacted)
    assert _ranked(loaded.removed(["ticket:D6000#body-0"])) == expected
    assert _ranked(compaction.compact(compacted, new, tmp_path, store.IndexConfig())[0]) == _ranked(loaded)  # type: ignore[index]
    late_fresh, late_new = compaction.build_aside(index, tmp_path, store.IndexConfig())
    assert compaction.finish(late_fresh, late_new, index, folder, tmp_path) is None  # not current now
    assert not late_new.exists()


def test_searches_run_while_a_compaction_builds(tmp_path: Path) -> None:
    index, folder, ops = _persisted(tmp_path)
    for op in ops:
        index = compaction.write_ops(index, folder, tmp_path, [op])
    expected = _ranked(index)
    serving = [index]
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                assert _ranked(serving[0]) == expected
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=search) for _ in range(2)]
    for t in threads:
        t.start()
    done = compaction.compact(index, folder, tmp_path, store.IndexConfig())
    assert done is not None
    serving[0] = done[0]  # the swap: searches move to the compacted index
    stop.set()
    for t in threads:
        t.join()
    assert not errors and done[0].pending == 0 and _ranked(done[0]) == expected


def test_due_follows_the_settings(edited: tuple[HybridIndex, HybridIndex]) -> None:
    index, rebuilt = edited
    assert compaction.due(index, max_chunks=index.pending, max_share=1.0)
    assert not compaction.due(index, max_chunks=10**6, max_share=1.0)
    assert compaction.due(index, max_chunks=10**6, max_share=0.01)
    assert not compaction.due(rebuilt, max_chunks=1, max_share=0.01)


def test_knowledge_base_writes_go_to_the_delta_and_compact_in_the_background(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assist.cli.app import _register, app
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings
    from ingest.pipeline import ingest_paths
    from tests.tinykb import TINY

    settings = Settings(data_dir=tmp_path / "kms", embedder="hash", index_delta_max_chunks=10**6)
    assert ingest_paths([TINY], settings).ok
    kb, other = KnowledgeBase(settings), KnowledgeBase(settings)  # `other`: another process
    folder = kb.index_folder or store.current_folder(settings.index_root)
    other_before = len(other.index.chunks)
    text = "새벽 배송 누락 문의: 누락된 상품은 다음날 새벽에 다시 보내 드립니다"
    kb.index_documents([_chunk(7000, 0, text)], replace_docs=["ticket:D7000"])
    assert kb.search(text, k=1)[0].doc_id == "ticket:D7000"  # searchable as soon as it returns
    assert sorted(settings.index_root.glob("idx-*")) == [folder] and kb.index.pending == 1
    assert len(other.index.chunks) == other_before + 1  # read from the delta log, no reload
    kb.settings = settings.model_copy(update={"index_delta_max_chunks": 1})
    kb.index_documents([_chunk(7000, 0, text + " (수정)")], replace_docs=["ticket:D7000"])
    assert kb._compacting is not None
    kb._compacting.join(60)
    assert kb.index.pending == 0 and store.current_folder(settings.index_root) != folder
    assert [c.text for c in kb.index.chunks if c.doc_id == "ticket:D7000"] == [text + " (수정)"]
    assert [c.chunk_id for c in other.index.chunks] == [c.chunk_id for c in kb.index.chunks]

    other.index_documents([], replace_docs=["ticket:D7000"])  # a removal, then the CLI compacts
    _register()
    env = {"KMS_DATA_DIR": str(settings.data_dir), "KMS_EMBEDDER": "hash"}
    result = CliRunner().invoke(app, ["index", "compact", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert '"compacted": true' in result.output and '"pending": 1' in result.output
    assert "ticket:D7000" not in {c.doc_id for c in kb.index.chunks}
    again = CliRunner().invoke(app, ["index", "compact"], env=env)
    assert again.exit_code == 0 and "nothing to compact" in again.output


def test_a_resolve_killed_mid_append_is_indexed_after_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select

    from assist.consistency import indexed, reconcile
    from assist.knowledge import KnowledgeBase
    from assist.tickets import create_ticket, resolve_ticket
    from core.settings import Settings
    from ingest.pipeline import ingest_paths
    from ingest.reconcile import chunk_rows_differ
    from storage import TicketRow
    from tests.tinykb import TINY

    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    assert ingest_paths([TINY], settings).ok
    kb = KnowledgeBase(settings)
    ticket, _ = create_ticket(kb, body="선물 포장이 빠져서 왔어요")
    real = os.pwrite

    def torn(fd: int, data: bytes, offset: int) -> int:
        real(fd, data[: len(data) // 3], offset)
        raise OSError("killed")

    monkeypatch.setattr(os, "pwrite", torn)
    with pytest.raises(OSError):  # the database says resolved; the log has a torn line
        resolve_ticket(kb, ticket.id, resolution="포장 누락은 포장비를 환불해 드립니다.")
    monkeypatch.undo()
    restarted = KnowledgeBase(settings)  # a new process: the torn line is ignored...
    assert not indexed(restarted, f"ticket:{ticket.id}")
    assert reconcile(restarted) == 1  # ...and start-up's reconcile indexes the ticket
    assert indexed(restarted, f"ticket:{ticket.id}")
    with restarted.sessions() as session:
        assert session.get(TicketRow, ticket.id).is_knowledge  # type: ignore[union-attr]
        assert not chunk_rows_differ(session, restarted.index)
        assert session.scalars(select(TicketRow.id)).all()
    assert restarted.search("포장 누락 환불", k=1)[0].doc_id == f"ticket:{ticket.id}"
    assert indexed(KnowledgeBase(settings), f"ticket:{ticket.id}")  # durable: read from the log


@pytest.mark.parametrize("candidates", [1, 5, 40, 500])
def test_bm25_leg_keeps_the_best_scores_and_breaks_ties_by_row(candidates: int) -> None:
    """The BM25 leg returns the ``candidates`` best rows among those that score at all, highest
    first, a tie (at the cut too) going to the earlier row: what a sort of every row gives. The
    tiny vocabulary makes many chunks score alike."""
    index = _build(_corpus(random.Random(11), 300))
    params = SearchParams(fusion="bm25", candidates=candidates)
    for query in QUERIES:
        scores = index.segments.lex_scores(tokenize_many([query])[0])
        expected = sorted((i for i in range(len(scores)) if scores[i] > 0), key=lambda i: (-scores[i], i))
        hits = index.search_chunks(query, params)
        got = [h.chunk.chunk_id for h in hits]
        assert got == [index.chunks[i].chunk_id for i in expected[:candidates]]
