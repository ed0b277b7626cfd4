"""A short batch before the whole tokenizer is loaded is tokenised by a Unigram tokenizer cut to its
own pieces (indexes.onnx_embedder._UnigramPieces): the same ids and masks as the whole tokenizer,
with unknown characters, NFKC, repeated spaces, truncation and padding; the same vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexes.onnx_embedder import MAX_TOKENS, QUICK_BATCHES, QUICK_CHARS, OnnxEmbedder, _UnigramPieces
from tests.onnxhelp import save_embedding_model

SYLLABLES = "환불언제되나요배송지연결제취소쿠폰적용교환반품가나다"
TEXTS = [
    "query: 환불 언제 되나요?",
    "query: 배송  지연   ㅠㅠ",  # repeated spaces; ㅠ is not a piece: unknown
    "query: ＡＢＣ ﬁ ㈜ 😀 漢字",  # NFKC changes some, others are unknown
    "query: ",
    "",
    "passage: " + "환불 " * 700,  # past MAX_TOKENS: truncated
    "query: abc cab bca aaaa",
]


def _vocab() -> list[tuple[str, float]]:
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "?", ":"]
    pieces += ["▁query", "▁passage", "query", "a", "b", "c", "ab", "bc", "▁a", "▁ab", "▁abc", "ABC", "fi"]
    pieces += list(SYLLABLES) + ["▁" + s for s in SYLLABLES]
    pieces += ["▁" + SYLLABLES[i : i + 2] for i in range(0, len(SYLLABLES) - 1)]
    rng = np.random.default_rng(5)
    return [(p, 0.0 if n < 4 else float(-rng.uniform(1, 12))) for n, p in enumerate(dict.fromkeys(pieces))]


def _write_tokenizer(folder: Path) -> Path:
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    folder.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.Unigram(_vocab(), unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    path = folder / "tokenizer.json"
    tok.save(str(path))
    return path


def _write_model(folder: Path, rows: int) -> Path:
    table = np.random.default_rng(9).normal(size=(rows, 8)).astype(np.float32)
    return save_embedding_model(table, folder / "onnx" / "model.onnx")


def _whole(path: Path):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding(pad_id=1, pad_token="<pad>")
    return tok


@pytest.mark.parametrize("batch", [[t] for t in TEXTS] + [TEXTS[:3], TEXTS])
def test_cut_tokenizer_gives_the_whole_tokenizers_ids(tmp_path: Path, batch: list[str]) -> None:
    path = _write_tokenizer(tmp_path)
    pieces = _UnigramPieces.read(path)
    assert pieces is not None
    cut, ids = pieces.tokenizer(batch)
    got = [(ids[e.ids].tolist(), e.attention_mask) for e in cut.encode_batch(batch)]
    want = [(e.ids, e.attention_mask) for e in _whole(path).encode_batch(batch)]
    assert got == want
    assert cut.get_vocab_size() < len(_vocab())  # it was cut


def test_unknown_characters_are_priced_as_in_the_whole_vocabulary(tmp_path: Path) -> None:
    """The unknown token's score is the lowest piece score minus 10: that piece stays in."""
    path = _write_tokenizer(tmp_path)
    pieces = _UnigramPieces.read(path)
    assert pieces is not None
    lowest = min(range(len(_vocab())), key=lambda i: _vocab()[i][1])
    _, ids = pieces.tokenizer(["query: ㅠ"])
    assert lowest in ids.tolist()


def test_other_tokenizers_are_not_cut(tmp_path: Path) -> None:
    from tokenizers import Tokenizer, models

    path = _write_tokenizer(tmp_path / "added")
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["added_tokens"] = [{"id": 4, "content": "▁", "special": False}]
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert _UnigramPieces.read(path) is None  # added tokens are matched before the model
    Tokenizer(models.WordLevel({"a": 0, "<unk>": 1}, unk_token="<unk>")).save(str(tmp_path / "w.json"))
    assert _UnigramPieces.read(tmp_path / "w.json") is None
    twice = _write_tokenizer(tmp_path / "twice")
    spec = json.loads(twice.read_text(encoding="utf-8"))
    spec["model"]["vocab"].append(["▁환불", -30.0])  # the whole tokenizer's lookup keeps the last
    twice.write_text(json.dumps(spec), encoding="utf-8")
    assert _UnigramPieces.read(twice) is None
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert _UnigramPieces.read(tmp_path / "bad.json") is None


def test_embedder_uses_the_cut_tokenizer_until_it_needs_the_whole_one(tmp_path: Path) -> None:
    _write_tokenizer(tmp_path)
    model = _write_model(tmp_path, len(_vocab()))
    emb = OnnxEmbedder(tmp_path, model, model_id="t", precision="fp32", threads=1, query_prefix="query: ")
    short = emb.embed_queries(["환불 언제 되나요?", "배송 지연 ㅠㅠ", "abc"])
    assert emb._tokenizer is None  # nothing parsed the whole tokenizer.json
    emb.embed_documents(["결제 취소 " * (QUICK_CHARS // 6 + 1)])  # a long batch needs it
    assert emb._tokenizer is not None
    assert np.array_equal(emb.embed_queries(["환불 언제 되나요?", "배송 지연 ㅠㅠ", "abc"]), short)


def test_the_sorted_pieces_are_kept_beside_the_file_and_follow_it(tmp_path: Path) -> None:
    path = _write_tokenizer(tmp_path)
    batch = ["query: 환불 언제 되나요?", "query: abc ㅠ"]
    first = _UnigramPieces.read(path)
    cache = tmp_path / "tokenizer.json.pieces.npz"
    assert first is not None and cache.is_file()
    second = _UnigramPieces.read(path)  # from the cache
    assert second is not None
    want = [(e.ids, e.attention_mask) for e in _whole(path).encode_batch(batch)]
    for pieces in (first, second):
        cut, ids = pieces.tokenizer(batch)
        assert [(ids[e.ids].tolist(), e.attention_mask) for e in cut.encode_batch(batch)] == want
    # another tokenizer.json in its place: the cache is for the old one and is not used
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["model"]["vocab"] = [[p, s - 1.0 if p == "▁환불" else s] for p, s in spec["model"]["vocab"]]
    spec["model"]["vocab"].append(["▁환불언제", -0.5])
    path.write_text(json.dumps(spec), encoding="utf-8")
    third = _UnigramPieces.read(path)
    assert third is not None
    cut, ids = third.tokenizer(batch)
    want = [(e.ids, e.attention_mask) for e in _whole(path).encode_batch(batch)]
    assert [(ids[e.ids].tolist(), e.attention_mask) for e in cut.encode_batch(batch)] == want


def test_a_process_that_embeds_many_batches_loads_the_whole_tokenizer(tmp_path: Path) -> None:
    _write_tokenizer(tmp_path)
    model = _write_model(tmp_path, len(_vocab()))
    emb = OnnxEmbedder(tmp_path, model, model_id="t", precision="fp32", threads=1)
    first = emb.embed_queries(["환불 언제 되나요?"])
    for _ in range(QUICK_BATCHES - 1):
        emb.embed_queries(["배송 지연"])
    assert emb._tokenizer is None
    assert np.array_equal(emb.embed_queries(["환불 언제 되나요?"]), first)
    assert emb._tokenizer is not None
