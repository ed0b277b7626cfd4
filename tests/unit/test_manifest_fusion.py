"""The manifest records the fusion searches use (and a fitted one's fit-data fingerprint); a load
with another one notes it and never fails."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from core.types import Chunk
from indexes import fusion_weight, ranker, store
from indexes.embedder import HashEmbedder


def _persist(root: Path, config: store.IndexConfig) -> Path:
    texts = {"a": "Refunds are paid within three days", "b": "배송 조회는 주문 내역에서 합니다"}
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in texts.items()]
    index, _ = store.build(chunks, HashEmbedder(32), config)
    return store.persist(index, root, config)


def _bundled_fit(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))["fit"]


@pytest.mark.parametrize(("mode", "bundled"), [("auto", fusion_weight.BUNDLED), ("adaptive", ranker.BUNDLED)])
def test_a_fitted_fusion_is_recorded_with_its_fit_data_fingerprint(
    tmp_path: Path, mode: str, bundled: Path
) -> None:
    manifest = store.read_manifest(
        _persist(tmp_path / "i", store.IndexConfig(fusion=mode, data_dir=tmp_path))
    )
    fit = _bundled_fit(bundled)
    assert manifest["fusion"] == {
        "mode": mode,
        "model": "bundled",
        "fingerprint": fit["fingerprint"],
        "embedder": fit["embedder"],
    }
    assert len(manifest["fusion"]["fingerprint"]) == 16


def test_a_model_of_your_own_in_the_data_dir_is_recorded_as_such(tmp_path: Path) -> None:
    own = json.loads(fusion_weight.BUNDLED.read_text(encoding="utf-8"))
    own["fit"] = {**own["fit"], "fingerprint": "0123456789abcdef"}
    (tmp_path / fusion_weight.MODEL_FILE).write_text(json.dumps(own), encoding="utf-8")
    manifest = store.read_manifest(_persist(tmp_path / "i", store.IndexConfig(data_dir=tmp_path)))
    assert manifest["fusion"]["model"] == "data_dir"
    assert manifest["fusion"]["fingerprint"] == "0123456789abcdef"


def test_fixed_fusions_record_their_weights(tmp_path: Path) -> None:
    weighted = store.IndexConfig(fusion="weighted", weight_dense=0.6, weight_lexical=0.4)
    assert store.read_manifest(_persist(tmp_path / "w", weighted))["fusion"] == {
        "mode": "weighted",
        "w_dense": 0.6,
        "w_lexical": 0.4,
    }
    rrf = store.read_manifest(_persist(tmp_path / "r", store.IndexConfig(fusion="rrf", rrf_k=30)))
    assert rrf["fusion"] == {"mode": "rrf", "w_dense": 0.7, "w_lexical": 0.3, "rrf_k": 30}


def test_another_fusion_at_load_is_noted_never_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = store.IndexConfig(fusion="weighted")
    folder = _persist(tmp_path / "i", config)
    with caplog.at_level(logging.INFO, logger="indexes.store"):
        store.load(folder, HashEmbedder(32), config)
        assert not caplog.records  # the same fusion: nothing to say
        index = store.load(folder, HashEmbedder(32), replace(config, fusion="rrf"))
    assert index.lexical.size == 2
    [note] = caplog.records
    assert note.levelno == logging.INFO and "'mode': 'rrf'" in note.getMessage()
    rewritten = store.write(index, tmp_path / "i", replace(config, fusion="rrf"))
    assert store.read_manifest(rewritten)["fusion"]["mode"] == "rrf"


def test_a_fusion_fitted_with_another_embedder_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _persist(tmp_path / "i", store.IndexConfig(fusion="weighted"))
    with caplog.at_level(logging.INFO, logger="indexes.store"):
        store.load(folder, HashEmbedder(32), store.IndexConfig(fusion="auto"))
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert (
        "bundled:multilingual-e5-small" in warning.getMessage() and "--save-weights" in warning.getMessage()
    )


def test_a_folder_written_before_fusion_was_recorded_loads_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _persist(tmp_path / "i", store.IndexConfig())
    manifest = store.read_manifest(folder)
    del manifest["fusion"]
    (folder / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="indexes.store"):
        store.load(folder, HashEmbedder(32), store.IndexConfig(fusion="rrf"))
    assert not caplog.records
    shutil.rmtree(folder)
