"""The Milvus index backend against Milvus Lite (the embedded server in the milvus-lite package):
the same top results as the local backend on the tiny KB, writes visible at once, versioned
collection names, one-line errors. Skipped (with the reason) only where Milvus Lite cannot start."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from core.types import Chunk
from indexes.backends import MutableBackend, SearchBackend
from indexes.backends.milvus_config import MilvusBackendError, MilvusConfig, collection_name, term
from indexes.hybrid import HybridIndex, SearchParams, SearchTrace
from indexes.lexical import tokenize_many
from tests.tinykb import QUESTIONS, build_tiny_kb

pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install -e '.[milvus]')")
FUSIONS = ("weighted", "rrf", "bm25", "dense", "adaptive")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny KB's data dir (built once)."""
    return build_tiny_kb(tmp_path_factory.mktemp("tiny") / "kms").data_dir


@pytest.fixture(scope="module")
def local(tiny: Path) -> HybridIndex:
    from assist.knowledge import KnowledgeBase

    return KnowledgeBase(Settings(data_dir=tiny, embedder="hash")).index


@pytest.fixture(scope="module")
def milvus(local: HybridIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from indexes.backends.milvus import MilvusBackend

    uri = str(tmp_path_factory.mktemp("milvus") / "kms.db")
    try:
        backend = MilvusBackend.open(MilvusConfig(uri=uri, index_type="FLAT"), local.embedder)
    except MilvusBackendError as exc:
        pytest.skip(f"Milvus Lite cannot start here: {exc.message}")
    chunks, vectors, tokens = local.segments.live()
    backend.bulk_load(chunks, vectors, tokens)
    yield backend
    backend.close()


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]


def test_both_backends_satisfy_the_interface(local: HybridIndex, milvus: object) -> None:
    assert isinstance(local, SearchBackend)
    assert isinstance(milvus, MutableBackend)
    assert milvus.count() == len(local.chunks)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fusion", FUSIONS)
def test_same_top_documents_as_the_local_backend(
    local: HybridIndex, milvus: SearchBackend, fusion: str
) -> None:
    params = SearchParams(k=3, fusion=fusion)
    for question in _questions():
        want = [d.doc_id for d in local.search(question, params)]
        got = [d.doc_id for d in milvus.search(question, params)]
        assert got[:1] == want[:1], (fusion, question, got, want)
        assert set(got) == set(want), (fusion, question, got, want)


def test_the_query_terms_no_chunk_holds_are_the_local_backends(
    local: HybridIndex, milvus: SearchBackend
) -> None:
    """``SearchTrace.unknown_terms`` (the answer layer hands off a yes/no question about a thing
    no article mentions) is read off the same corpus, whatever the chunk types searched."""
    from korean.lexicon import load_lexicon

    params = SearchParams(k=3, lexicon=load_lexicon(None), doc_types={"article"})
    for question in [*_questions(), "청구서를 영어로 받아볼 수 있나요?", "환불을 편의점에서 받을 수 있나요?"]:
        want, got = SearchTrace(), SearchTrace()
        local.search(question, params, trace=want)
        milvus.search(question, params, trace=got)
        assert got.unknown_terms == want.unknown_terms, question
    assert "편의점" in (want.unknown_terms or [])


def test_scores_are_on_the_local_scales(local: HybridIndex, milvus: SearchBackend) -> None:
    """Dense: the same inner product. BM25: Milvus's own corpus statistics, within 8% of bm25s'
    on the tiny KB (measured: at most 6.1%, the ranking the same)."""
    params = SearchParams(k=5, fusion="weighted")
    for question in _questions():
        want = {h.chunk.chunk_id: h for h in local.search_chunks(question, params)}
        for hit in milvus.search_chunks(question, params):
            ref = want[hit.chunk.chunk_id]
            assert hit.dense == pytest.approx(ref.dense, abs=1e-4)
            assert hit.lexical == pytest.approx(ref.lexical, rel=0.08, abs=1e-3), question
            assert hit.chunk == ref.chunk


def test_doc_type_filter(milvus: SearchBackend) -> None:
    for fusion in ("weighted", "rrf"):
        hits = milvus.search("환불은 언제 되나요?", SearchParams(k=5, fusion=fusion, doc_types=["ticket"]))
        assert hits and {h.doc_type for h in hits} == {"ticket"}


def test_milvus_rrf_fusion_runs_inside_milvus(local: HybridIndex, milvus: object) -> None:
    from indexes.backends.milvus import MilvusBackend

    assert isinstance(milvus, MilvusBackend)
    inside = MilvusBackend(milvus.client, milvus.name, milvus.embedder, MilvusConfig(fusion="milvus-rrf"))
    params = SearchParams(k=3, fusion="rrf", w_dense=1.0, w_lexical=1.0)
    for question in _questions():
        want = [d.doc_id for d in local.search(question, params)]
        assert [d.doc_id for d in inside.search(question, params)][:1] == want[:1], question


def test_upsert_and_delete_are_visible_at_once(milvus: MutableBackend, local: HybridIndex) -> None:
    text = "얼음정수기 필터 교체 주기"
    chunk = Chunk("ticket:new#ticket-0", "ticket:new", "ticket", "정수기", "ticket", text, text)
    vec = local.embedder.embed_documents([text])
    milvus.upsert([chunk], vec, tokenize_many([text]))
    params = SearchParams(k=3, fusion="bm25")
    assert milvus.search("정수기 필터", params)[0].doc_id == "ticket:new"
    changed = Chunk(chunk.chunk_id, chunk.doc_id, "ticket", "정수기", "ticket", "다른 내용", "다른 내용")
    milvus.upsert([changed], local.embedder.embed_documents(["다른 내용"]), [["다른", "내용"]])
    assert all(d.doc_id != "ticket:new" for d in milvus.search("정수기 필터", params))
    milvus.delete_docs(["ticket:new"])
    assert all(d.doc_id != "ticket:new" for d in milvus.search("다른 내용", params))
    assert milvus.count() == len(local.chunks)
    first = local.chunks[0]
    milvus.delete([first.chunk_id])
    assert milvus.count() == len(local.chunks) - 1
    chunks, vectors, tokens = local.segments.live()
    milvus.upsert(chunks[:1], vectors[:1], tokens[:1])  # restored for the other tests
    assert milvus.count() == len(local.chunks)


def test_ids_with_quotes_are_searched_fetched_and_deleted(milvus: MutableBackend, local: HybridIndex) -> None:
    """Article ids are the customer's file names or titles: 일본군'위안부' or a "quoted" word
    must not break the filters (pymilvus's own ``get`` quoted ids with bare single quotes)."""
    texts = {
        "article:일본군'위안부'_지원": "피해자 생활안정 지원금 안내",
        'article:"특별"_혜택': "특별 혜택 쿠폰 안내",
    }
    chunks = [Chunk(f"{d}#policy-0", d, "article", d, "policy", t, t) for d, t in texts.items()]
    milvus.upsert(
        chunks, local.embedder.embed_documents(list(texts.values())), tokenize_many(list(texts.values()))
    )
    for fusion in ("weighted", "bm25"):
        found = {
            d.doc_id
            for d in milvus.search("생활안정 지원금 특별 혜택 쿠폰", SearchParams(k=5, fusion=fusion))
        }
        assert set(texts) <= found, fusion
    milvus.delete([c.chunk_id for c in chunks[:1]])
    milvus.delete_docs(list(texts)[1:])
    assert milvus.count() == len(local.chunks)


def test_collection_names_are_versioned() -> None:
    cfg = MilvusConfig()
    name = collection_name(cfg, "bundled:multilingual-e5-small", 384)
    assert name.startswith("kms_bundled_multilingual_e5_small_kiwi_morph_v5_en_words_a_d384_")
    assert name.replace("_", "").isalnum() and len(name) <= 255
    others = {
        collection_name(cfg, "bundled:multilingual-e5-small", 384, "kiwi-morph-v1"),  # before stemming
        collection_name(cfg, "intfloat/multilingual-e5-base", 768),
        collection_name(MilvusConfig(k1=1.5), "bundled:multilingual-e5-small", 384),
        collection_name(MilvusConfig(prefix="shop2"), "bundled:multilingual-e5-small", 384),
    }
    assert name not in others and len(others) == 4
    assert collection_name(cfg, "9-model", 8)[0].isalpha()


def test_terms_are_single_words() -> None:
    for token in ("환불", "1.5", "e-mail", "3만원", ""):
        word = term(token)
        assert word.isalnum() and word == term(token) and len(word) == 17


def test_unreachable_milvus_is_one_line_naming_the_uri(local: HybridIndex) -> None:
    from indexes.backends.milvus import MilvusBackend

    uri = "http://127.0.0.1:9"
    with pytest.raises(MilvusBackendError) as err:
        MilvusBackend.open(MilvusConfig(uri=uri, timeout_s=2), local.embedder)
    message = err.value.message
    assert uri in message and "KMS_MILVUS_URI" in message and "\n" not in message
    assert len(message) < 400


def test_bad_settings_are_one_line() -> None:
    with pytest.raises(MilvusBackendError, match="unknown Milvus index type 'DISKANN'"):
        MilvusConfig(index_type="DISKANN")
    with pytest.raises(MilvusBackendError, match="unknown Milvus fusion"):
        MilvusConfig(fusion="magic")


def test_a_query_without_known_terms_still_ranks_by_the_dense_leg(milvus: SearchBackend) -> None:
    hits = milvus.search("zzzz qqqq", SearchParams(k=2, fusion="weighted"))
    assert hits and all(h.best.lexical in (None, 0.0) for h in hits)
    assert np.isfinite([h.score for h in hits]).all()


def test_missing_collection_is_reported(local: HybridIndex, tmp_path: Path) -> None:
    from indexes.backends.milvus import MilvusBackend

    cfg = MilvusConfig(uri=str(tmp_path / "empty.db"), prefix="nothing")
    with pytest.raises(MilvusBackendError, match="has no collection nothing_hash"):
        MilvusBackend.open(cfg, local.embedder, create=False)


def test_sync_loads_then_writes_only_the_difference(local: HybridIndex, tmp_path: Path) -> None:
    from indexes.backends.milvus import MilvusBackend
    from indexes.backends.milvus_sync import sync

    config = MilvusConfig(uri=str(tmp_path / "sync.db"), index_type="FLAT")
    backend = MilvusBackend.open(config, local.embedder)
    try:
        assert sync(backend, local).loaded == len(local.chunks)
        assert backend.hashes() == {c.chunk_id: c.hash for c in local.chunks}
        assert (sync(backend, local).upserted, sync(backend, local).deleted) == (0, 0)
        stray = Chunk("doc:stray#body-0", "doc:stray", "doc", "stray", "body", "남은 문서", "남은 문서")
        backend.upsert([stray], local.embedder.embed_documents([stray.text]), [["남다", "문서"]])
        backend.delete([local.chunks[0].chunk_id])
        report = sync(backend, local)
        assert (report.upserted, report.deleted) == (1, 1)
        assert backend.hashes() == {c.chunk_id: c.hash for c in local.chunks}
    finally:
        backend.close()


def test_the_product_searches_and_writes_through_milvus(
    local: HybridIndex, tiny: Path, tmp_path: Path
) -> None:
    """KMS_INDEX_BACKEND=milvus: kms search / suggestions / answers go to Milvus, synced from the local
    index on first use; an incremental write is visible at once, also to a second worker."""
    import shutil

    from assist.evidence import gather
    from assist.knowledge import KnowledgeBase

    data = tmp_path / "kms"
    shutil.copytree(tiny, data, symlinks=True)
    uri = str(tmp_path / "shared.db")
    settings = Settings(data_dir=data, embedder="hash", index_backend="milvus", milvus_uri=uri,
                        milvus_index_type="FLAT")  # fmt: skip
    kb, other = KnowledgeBase(settings), KnowledgeBase(settings)
    question = _questions()[0]
    want = [
        d.doc_id
        for d in KnowledgeBase(settings.model_copy(update={"index_backend": "local"})).search(question)
    ]
    assert [d.doc_id for d in kb.search(question)][:1] == want[:1]
    assert kb.searcher.count() == len(local.chunks)  # type: ignore[attr-defined]
    assert gather(kb, question).chunk_hits
    text = "얼음정수기 필터 교체 주기 문의"
    kb.index_documents(
        [Chunk("ticket:T-new#ticket-0", "ticket:T-new", "ticket", "정수기", "ticket", text, text)]
    )
    assert kb.search("정수기 필터", fusion="bm25")[0].doc_id == "ticket:T-new"
    assert other.search("정수기 필터", fusion="bm25")[0].doc_id == "ticket:T-new"
    from assist.api.readiness import health_report, readiness_checks

    assert kb.backend_problem() is None
    assert readiness_checks(kb, health_report(kb, model_loaded=True))["search_backend"] == "ok"
    gone = KnowledgeBase(settings.model_copy(update={"milvus_uri": "http://127.0.0.1:9"}))
    problem = gone.backend_problem()
    assert problem is not None and "http://127.0.0.1:9" in problem and "\n" not in problem
