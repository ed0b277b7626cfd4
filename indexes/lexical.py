"""Lexical leg: BM25 (bm25s) over Korean morphemes from kiwipiepy, English words stemmed.

The analysis is chosen per text (chunk or query): a text with Hangul goes through Kiwi; kept are
nouns, verb/adjective stems, roots, foreign words, numbers and Chinese characters, dropped are
particles, endings, suffixes and punctuation, so 환불은 / 환불이 / 환불 all become ``환불``. A text
without Hangul (an English article or question) is split into words by a regular expression,
without Kiwi. Either way Latin words are lowercased, common English stopwords dropped and the
rest reduced by the Snowball English stemmer (PyStemmer, the stemmer bm25s uses), so refunds /
refunded / refunding all become ``refund`` in English and Korean text alike.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from korean.colloquial import typo_tokens
from korean.kiwi import KIWI_LOCK, kiwi

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

TOKENIZER_ID = "kiwi-morph-v2+snowball-en"
KEEP_TAGS: tuple[str, ...] = ("NNG", "NNP", "NR", "XR", "SL", "SN", "SH", "VV", "VA", "MAG")
_EN_STOP = frozenset(STOPWORDS_EN) | frozenset(
    "i me my mine we our ours you your yours am do does did can could would should how what when why "
    "where which who please hi hello".split()
)
# Adverbs kept only when they carry meaning for support queries (negation, repetition).
_KEEP_ADVERBS = frozenset({"안", "못", "다시", "또", "두", "이중", "아직", "계속", "자꾸"})
# Light verbs and auxiliaries that match nearly every sentence.
_STOP_STEMS = frozenset({"하", "되", "있", "이", "보", "주", "않", "싶", "같", "드리", "받", "나", "가"})


_kiwi = kiwi
_KIWI_LOCK = KIWI_LOCK
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)*")
_local = threading.local()  # a PyStemmer object is not thread-safe: one per thread


def stem(word: str) -> str:
    """The Snowball English stem of a lowercased word."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(word))


def _latin(word: str) -> str | None:
    word = word.lower()
    if word in _EN_STOP or len(word) < 2:
        return None
    return stem(word)


def is_korean(text: str) -> bool:
    """Whether a text goes through Kiwi (it has Hangul) rather than the English word splitter."""
    return _HANGUL.search(text) is not None


def _english(text: str) -> list[str]:
    out: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isdigit():
            kept: str | None = word
        else:
            kept = _latin(word[:-2] if word.lower().endswith("'s") else word.replace("'", ""))
        if kept:
            out.append(kept)
    return out


def _keep(form: str, tag: str) -> str | None:
    base = tag.split("-", 1)[0]
    if base not in KEEP_TAGS:
        return None
    if base == "MAG":
        return form if form in _KEEP_ADVERBS else None
    if base in ("VV", "VA") and form in _STOP_STEMS:
        return None
    if base == "SL":
        return _latin(form)
    return form


def _from_tokens(tokens: Sequence[object]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        kept = _keep(tok.form, tok.tag)  # type: ignore[attr-defined]
        if kept:
            out.append(kept)
    return out


def tokenize(text: str, *, typos: bool = False) -> list[str]:
    """Morpheme tokens of one text (queries); ``typos`` uses Kiwi's typo-tolerant analysis."""
    if not text.strip():
        return []
    if not is_korean(text):
        return _english(text)
    if typos:
        return _from_tokens(typo_tokens(text))
    with _KIWI_LOCK:
        return _from_tokens(_kiwi().tokenize(text))


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """Morpheme tokens of many texts (chunks), batched through Kiwi."""
    if not texts:
        return []
    korean = [i for i, t in enumerate(texts) if is_korean(t)]
    out: list[list[str]] = [[] if is_korean(t) else _english(t) for t in texts]
    if korean:
        with _KIWI_LOCK:
            analysed = _kiwi().tokenize([texts[i] for i in korean])
            for i, toks in zip(korean, analysed, strict=True):
                out[i] = _from_tokens(toks)
    return out


class LexicalIndex:
    """A BM25 index over pre-tokenised chunks; rows align with the chunk list."""

    def __init__(self, tokens: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tokens = tokens
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        # bm25s needs at least one token per corpus; empty chunks get a placeholder.
        corpus = [t if t else [""] for t in tokens] or [[""]]
        self._bm25.index(corpus, show_progress=False)
        self.size = len(tokens)

    def knows(self, token: str) -> bool:
        """Whether ``token`` occurs in any chunk (unknown query tokens score nothing)."""
        return bool(token) and token in self._bm25.vocab_dict

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known)."""
        ids = self._bm25.get_tokens_ids([t for t in query_tokens if t])
        if not ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)[: self.size]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "tokens.jsonl").open("w", encoding="utf-8") as fh:
            for toks in self.tokens:
                fh.write(json.dumps(toks, ensure_ascii=False) + "\n")
        (folder / "params.json").write_text(
            json.dumps({"k1": self.k1, "b": self.b, "tokenizer": TOKENIZER_ID, "bm25s": bm25s.__version__}),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        with (folder / "tokens.jsonl").open(encoding="utf-8") as fh:
            tokens = [json.loads(line) for line in fh]
        return cls(tokens, k1=params["k1"], b=params["b"])
