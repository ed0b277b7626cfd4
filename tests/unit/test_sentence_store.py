"""Answer-sentence vectors persist across starts: a second warm-up (a restart, another worker)
embeds nothing it has stored, only new sentences; a warm-up cut short keeps what it did; a damaged
file costs an embedding, never serving."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assist import answer_sentences, term_fit
from assist import sentence_vectors as sentence_vectors_module
from assist.kept_lru import KeptLRU
from assist.sentence_store import load_vectors, model_key, store_path, stored_dtype, text_key, write_vectors
from assist.sentence_vectors import held_texts, sentence_vectors
from assist.sentence_warmup import answer_sentence_texts, warm
from core.settings import Settings
from indexes import store
from indexes.embedder import HashEmbedder, load_embedder
from indexes.hybrid import HybridIndex
from ingest.pipeline import ingest_paths
from tests.tinykb import TINY


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    src = tmp_path / "src"
    shutil.copytree(TINY, src)
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")  # type: ignore[call-arg]
    assert ingest_paths([src], settings).ok
    return settings


def _fresh_index(settings: Settings) -> tuple[HybridIndex, list[int]]:
    """The index as a new process loads it (a new embedder: an empty in-memory cache), counting
    how many texts it embeds as passages."""
    shared = load_embedder(settings)
    assert isinstance(shared, HashEmbedder)
    index = store.load_current(settings.index_root, HashEmbedder(shared.dim))
    calls: list[int] = []
    embed = index.embedder.embed_documents

    def counting(texts: Sequence[str]) -> np.ndarray:
        calls.append(len(texts))
        return embed(texts)

    index.embedder.embed_documents = counting  # type: ignore[method-assign]
    return index, calls


def test_a_restart_embeds_none_of_the_stored_sentences(settings: Settings) -> None:
    index, calls = _fresh_index(settings)
    path = store_path(settings.data_dir, index.embedder)
    first = warm(index, store=path)
    assert first.sentences > 10 and first.embedded == first.sentences and first.stored == 0
    assert sum(calls) == first.sentences and path.exists()

    again, calls = _fresh_index(settings)
    second = warm(again, store=path)
    assert (second.stored, second.embedded, calls) == (first.sentences, 0, [])
    texts = answer_sentence_texts(again)
    before = sentence_vectors(index.embedder, texts)
    np.testing.assert_allclose(sentence_vectors(again.embedder, texts), before, atol=1e-6)
    assert calls == []  # the first question needs no embedding either


def test_only_new_sentences_are_embedded_and_removed_ones_leave_the_file(
    settings: Settings, tmp_path: Path
) -> None:
    index, _ = _fresh_index(settings)
    path = store_path(settings.data_dir, index.embedder)
    warm(index, store=path)
    article = tmp_path / "src" / "password.md"
    text = article.read_text(encoding="utf-8")
    old = "- 비밀번호 재설정 링크는 30분 동안만 유효합니다."
    new = "- 비밀번호 재설정 링크는 1시간 동안 유효합니다."
    assert old in text
    article.write_text(text.replace(old, new), encoding="utf-8")
    assert ingest_paths([tmp_path / "src"], settings).ok

    changed, calls = _fresh_index(settings)
    done = warm(changed, store=path)
    assert 0 < done.embedded < done.sentences and sum(calls) == done.embedded
    current = {text_key(t) for t in answer_sentence_texts(changed)}
    assert set(load_vectors(path, changed.embedder.dim)) == current


def test_a_warm_up_of_more_sentences_than_the_caches_hold_keeps_and_stores_every_one(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k chunks the index had 85,839 answer sentences and 26,676 answer chunks for caches of
    50k vectors and 20k chunks: the warm-up dropped its first vectors while embedding the last,
    stored only what was left, and the next start embedded the rest again."""
    monkeypatch.setattr(answer_sentences, "_CANDIDATES", KeptLRU(2))
    index, calls = _fresh_index(settings)
    small = sentence_vectors_module._cache(index.embedder)
    small.size = 5
    path = store_path(settings.data_dir, index.embedder)
    done = warm(index, store=path)
    assert done.sentences > 10 and done.embedded == done.sentences
    assert small.size >= done.sentences and answer_sentences._CANDIDATES.size > 2
    texts = answer_sentence_texts(index)
    assert len(held_texts(index.embedder, texts)) == len(texts)  # none dropped
    assert set(load_vectors(path, index.embedder.dim)) == {text_key(t) for t in texts}
    calls.clear()
    sentence_vectors(index.embedder, texts)  # a question touching any of them embeds nothing
    assert calls == []

    again, calls = _fresh_index(settings)  # the next start: read back, none embedded again
    sentence_vectors_module._cache(again.embedder).size = 5
    second = warm(again, store=path)
    assert (second.stored, second.embedded, calls) == (done.sentences, 0, [])


def test_the_warm_up_tokenises_every_candidate_sentence_and_keeps_them_all(
    settings: Settings, tokenised: list[str]
) -> None:
    """At 100k chunks, after a warm-up that embedded every sentence, the first question about an
    article still waited ~1 ms a sentence for Kiwi (p95 ~100 ms): the warm-up tokenises them too,
    with a term cache (two texts here) raised to hold them all."""
    index, _ = _fresh_index(settings)
    done = warm(index)
    cands = answer_sentences.candidates_of(
        [c for k in index.chunk_keys() if k.doc_type != "ticket" for c in index.doc_chunks(k.doc_id)]
    )
    texts = {t for c in cands for t in (c.pool_text, c.fit_text)}
    texts |= {str(c.chunk.meta["question"]) for c in cands if c.chunk.meta.get("question")}
    assert any(c.chunk.meta.get("question") for c in cands)  # script questions among them
    assert done.terms >= len(texts) > 10 and term_fit._TERMS.size >= done.terms
    tokenised.clear()
    assert all(term_fit.term_set(t) for t in texts if t.strip())
    assert tokenised == []  # every one was still held
    term_fit.term_set("처음 보는 문의입니다")
    assert tokenised == ["처음 보는 문의입니다"]


def test_a_warm_up_cut_short_keeps_what_it_embedded(settings: Settings) -> None:
    index, _ = _fresh_index(settings)
    path = store_path(settings.data_dir, index.embedder)
    embed = index.embedder.embed_documents
    batches: list[int] = []

    def dies_on_the_third_batch(texts: Sequence[str]) -> np.ndarray:
        if len(batches) == 2:
            raise RuntimeError("killed")
        batches.append(len(texts))
        return embed(texts)

    index.embedder.embed_documents = dies_on_the_third_batch  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        warm(index, store=path, batch=4, save_every_s=0.0)
    assert len(load_vectors(path, index.embedder.dim)) == sum(batches) == 8

    again, calls = _fresh_index(settings)
    done = warm(again, store=path, batch=4)
    assert done.stored == 8 and sum(calls) == done.embedded == done.sentences - 8


def test_a_damaged_file_is_ignored_with_one_warning_and_rewritten(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    index, _ = _fresh_index(settings)
    path = store_path(settings.data_dir, index.embedder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a numpy file")
    with caplog.at_level(logging.WARNING, logger="assist.sentence_store"):
        done = warm(index, store=path)
    assert done.embedded == done.sentences
    assert next(r.getMessage() for r in caplog.records if "ignored" in r.getMessage()).startswith(
        f"stored answer-sentence vectors {path} ignored"
    )
    assert len(load_vectors(path, index.embedder.dim)) == done.sentences


@pytest.mark.parametrize("cut", [10, 200])
def test_a_cut_file_is_ignored(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "v.npz"
    write_vectors(path, {text_key(str(i)): np.ones(8, dtype=np.float32) for i in range(20)}, 8)
    path.write_bytes(path.read_bytes()[:cut])  # a zip cut short
    assert load_vectors(path, 8) == {}


def test_the_warm_up_stores_float16_and_reads_a_float32_file_written_before(settings: Settings) -> None:
    index, _ = _fresh_index(settings)
    path = store_path(settings.data_dir, index.embedder)
    first = warm(index, store=path)
    with np.load(path) as data:
        assert data["vectors"].dtype == np.float16 and len(data["vectors"]) == first.sentences
    old = load_vectors(path, index.embedder.dim)  # float32 by default (the drafts' chunk vectors)
    assert next(iter(old.values())).dtype == np.float32
    write_vectors(path, old, index.embedder.dim)  # the file as the code before wrote it
    assert stored_dtype(path) == np.float32
    again, calls = _fresh_index(settings)
    second = warm(again, store=path)
    assert (second.stored, second.embedded, calls) == (first.sentences, 0, [])
    assert stored_dtype(path) == np.float16  # written again once, at half the size
    assert len(load_vectors(path, index.embedder.dim)) == first.sentences
    assert stored_dtype(path.with_name("none.npz")) is None  # no file


def test_vectors_of_another_dimension_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "v.npz"
    write_vectors(path, {text_key("가"): np.ones(8, dtype=np.float32)}, 8)
    assert len(load_vectors(path, 8)) == 1 and load_vectors(path, 16) == {}


def test_the_file_belongs_to_one_model_and_its_file(tmp_path: Path) -> None:
    a, b = HashEmbedder(dim=64), HashEmbedder(dim=128)
    assert model_key(a) != model_key(b) and model_key(a) == model_key(HashEmbedder(dim=64))
    model_file = tmp_path / "model.onnx"
    model_file.write_bytes(b"1")
    a.model_file = model_file  # type: ignore[attr-defined]
    key = model_key(a)
    model_file.write_bytes(b"22")  # a re-converted model
    assert model_key(a) != key
