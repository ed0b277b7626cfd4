"""Lexical leg: BM25 (bm25s) over Korean morphemes from kiwipiepy.

Kept: nouns, verb/adjective stems, roots, foreign words, numbers and Chinese characters.
Dropped: particles, endings, suffixes, punctuation, so 환불은 / 환불이 / 환불 all become
``환불``. Latin words are lowercased, common English stopwords dropped, and the rest stemmed with
the English Snowball stemmer (PyStemmer), so refunds / refunded / refund all become ``refund``.

Stemming is per token, not per chunk language: a Latin word gets the same stem in a Korean chunk,
an English chunk and a query (SMS, refund inside Korean text included), and Korean morphemes are
never stemmed. Chunks and queries go through the same ``_keep``, so their stems always agree.
A Latin word Kiwi cuts in two at a sentence end ("refund." -> r + efund.) is joined back first
(:mod:`korean.latin`). A/S, a/s, and AS/as next to Hangul are read as the one Korean word 에이에스
(:mod:`korean.abbrev`): as an English stopword and as one-letter pieces they were dropped.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import overload

import numpy as np

from korean.abbrev import after_service
from korean.amounts import merge_amounts
from korean.colloquial import typo_tokens
from korean.kiwi import KIWI_LOCK, kiwi
from korean.latin import latin_words

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

# v2: Latin words are stemmed (English Snowball); v3: a sentence-final Latin word is one word;
# v4: A/S and AS in Korean text are 에이에스; v5: "6천원" and "6,000원" are one token, 6000
# (korean.amounts). An index of another id is re-tokenised on load.
TOKENIZER_ID = "kiwi-morph-v5-en-words-as-amounts"
KEEP_TAGS: tuple[str, ...] = ("NNG", "NNP", "NR", "XR", "SL", "SN", "SH", "VV", "VA", "MAG")
# bm25s.stopwords.STOPWORDS_EN, spelled out: importing bm25s cost every CLI command ~0.3 s
# (tests/unit/test_lexical.py checks the copy against bm25s).
STOPWORDS_EN = (
    "a an and are as at be but by for if in into is it no not of on or such that the their then there "
    "these they this to was will with"
).split()
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
_STEMMERS = threading.local()  # a PyStemmer object is not safe to share between threads


@lru_cache(maxsize=1 << 16)
def stem_en(word: str) -> str:
    """The English Snowball stem of a lowercased Latin word: refunds, refunded -> refund."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import Stemmer  # PyStemmer

        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(word))


def tokenizer_versions() -> dict[str, str]:
    """The versions of the libraries that decide the BM25 tokens (recorded in the index manifest)."""
    from importlib.metadata import version

    return {"kiwipiepy": version("kiwipiepy"), "pystemmer": version("PyStemmer")}


def _keep(form: str, tag: str) -> str | None:
    base = tag.split("-", 1)[0]
    if base not in KEEP_TAGS:
        return None
    if base == "MAG":
        return form if form in _KEEP_ADVERBS else None
    if base in ("VV", "VA") and form in _STOP_STEMS:
        return None
    if base == "SL":
        word = form.lower()
        return None if word in _EN_STOP or len(word) < 2 else stem_en(word)
    return form


def _from_tokens(tokens: Sequence[object]) -> list[str]:
    out: list[str] = []
    for tok in merge_amounts(latin_words(tokens)):
        kept = _keep(tok.form, tok.tag)
        if kept:
            out.append(kept)
    return out


def tokenize(text: str, *, typos: bool = False) -> list[str]:
    """Morpheme tokens of one text (queries); ``typos`` uses Kiwi's typo-tolerant analysis."""
    if not text.strip():
        return []
    text = after_service(text)
    if typos:
        return _from_tokens(typo_tokens(text))
    with _KIWI_LOCK:
        return _from_tokens(_kiwi().tokenize(text))


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """Morpheme tokens of many texts (chunks), batched through Kiwi."""
    if not texts:
        return []
    with _KIWI_LOCK:
        return [_from_tokens(toks) for toks in _kiwi().tokenize([after_service(t) for t in texts])]


@dataclass(frozen=True)
class Bm25Stats:
    """Corpus statistics BM25 scores with: live documents, their total length, and per-token
    document frequency. A segment scored with another corpus's statistics (main + delta −
    removed) gets exactly the scores a build over that whole corpus would give."""

    n_docs: int
    total_len: int
    df: Callable[[str], int]

    @property
    def avgdl(self) -> float:
        return self.total_len / self.n_docs if self.n_docs else 1.0

    def idf(self, token: str) -> float:
        """Lucene idf (bm25s' default): ln(1 + (N − df + 0.5) / (df + 0.5)); 0 for unseen tokens."""
        df = self.df(token)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)) if df > 0 else 0.0


def doc_terms(tokens: Sequence[str]) -> list[str]:
    """A chunk's terms as BM25 counts them: an empty chunk has one placeholder term (as in bm25s)."""
    return list(tokens) if tokens else [""]


LEXICAL_STORE = {"format": "csr-npy", "version": 1}  # recorded in the index manifest
# The arrays a built BM25 leg is stored as (memory-mapped on load, never recomputed):
#   terms.json     the vocabulary, term id -> term (JSON list)
#   indptr.npy     int64 [V+1]: term id -> its postings, rows[indptr[t]:indptr[t+1]]
#   rows.npy       int32 [P]: the chunk rows holding each term (ascending per term)
#   tf.npy         float32 [P]: the term's frequency in that row
#   tok_ptr.npy    int64 [N+1]: chunk row -> its terms, tok_ids[tok_ptr[r]:tok_ptr[r+1]]
#   tok_ids.npy    int32 [T]: every chunk's terms in order (an empty chunk: the placeholder term "")
# Document lengths are tok_ptr's differences and df is indptr's.
_DTYPES = {"indptr": np.int64, "rows": np.int32, "tf": np.float32, "tok_ptr": np.int64, "tok_ids": np.int32}
_ARRAYS = tuple(_DTYPES)


class TokenLists(Sequence[list[str]]):
    """The chunks' BM25 tokens, read from the index's term-id arrays on demand (no per-chunk
    lists of strings are held: a string object per token occurrence, millions at 100k chunks)."""

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return self._index.size

    @overload
    def __getitem__(self, pos: int) -> list[str]: ...

    @overload
    def __getitem__(self, pos: slice) -> list[list[str]]: ...

    def __getitem__(self, pos: int | slice) -> list[str] | list[list[str]]:
        if isinstance(pos, slice):
            return [self[i] for i in range(*pos.indices(len(self)))]
        ix = self._index
        if pos < 0:
            pos += ix.size
        if not 0 <= pos < ix.size:
            raise IndexError(pos)
        lo, hi = int(ix.tok_ptr[pos]), int(ix.tok_ptr[pos + 1])
        terms = ix.terms
        out = [terms[t] for t in ix.tok_ids[lo:hi].tolist()]
        return [] if out == [""] else out  # the placeholder of an empty chunk

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == list(b) for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


class LexicalIndex:
    """BM25 over pre-tokenised chunks; rows align with the chunk list.

    Scores are bm25s' Lucene variant (idf ln(1 + (N − df + 0.5)/(df + 0.5)), tf / (tf + k1 (1 − b +
    b·dl/avgdl)); tests/unit/test_index_delta.py checks equality with bm25s to 1e-5). The postings
    keep term frequencies instead of precomputed scores, so the statistics come in per query:
    the serving index scores this (main) segment with the statistics of main + delta − removed.

    Everything is numpy arrays plus the vocabulary (see ``_ARRAYS``); ``save`` writes them and
    ``load`` memory-maps them, so loading does no counting (100k chunks: seconds -> milliseconds).
    """

    def __init__(self, tokens: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        docs = [doc_terms(t) for t in tokens]
        vocab: dict[str, int] = {}
        setdefault = vocab.setdefault
        flat = np.fromiter((setdefault(tok, len(vocab)) for doc in docs for tok in doc), dtype=np.int64)
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        n = max(1, len(docs))
        keys, tf = np.unique(flat * n + np.repeat(np.arange(len(docs)), lengths), return_counts=True)
        terms = keys // n
        tok_ptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=tok_ptr[1:])
        self._set(
            list(vocab),
            vocab,
            indptr=np.searchsorted(terms, np.arange(len(vocab) + 1)).astype(np.int64),
            rows=(keys % n).astype(np.int32),
            tf=tf.astype(np.float32),  # counts: exact in float32; scored in float64
            tok_ptr=tok_ptr,
            tok_ids=flat.astype(np.int32),
            k1=k1,
            b=b,
        )

    def _set(
        self,
        terms: list[str],
        vocab: dict[str, int],
        *,
        indptr: np.ndarray,
        rows: np.ndarray,
        tf: np.ndarray,
        tok_ptr: np.ndarray,
        tok_ids: np.ndarray,
        k1: float,
        b: float,
    ) -> None:
        self.k1, self.b = k1, b
        self.terms, self.vocab = terms, vocab
        self.indptr, self.rows, self.tf = indptr, rows, tf
        self.tok_ptr, self.tok_ids = tok_ptr, tok_ids
        self.size = len(tok_ptr) - 1
        self.total_len = int(tok_ptr[-1])
        self.tokens = TokenLists(self)
        self._norm: tuple[float, np.ndarray] | None = None

    def with_params(self, *, k1: float, b: float) -> LexicalIndex:
        """The same postings scored with other BM25 parameters (nothing is recounted)."""
        out = LexicalIndex.__new__(LexicalIndex)
        out._set(self.terms, self.vocab, indptr=self.indptr, rows=self.rows, tf=self.tf,
                 tok_ptr=self.tok_ptr, tok_ids=self.tok_ids, k1=k1, b=b)  # fmt: skip
        return out

    @property
    def doc_len(self) -> np.ndarray:
        """Each chunk's term count (float64, what the length normalisation divides)."""
        return np.diff(self.tok_ptr).astype(np.float64)

    def doc_freq(self, token: str) -> int:
        tid = self.vocab.get(token)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def stats(self) -> Bm25Stats:
        return Bm25Stats(self.size, self.total_len, self.doc_freq)

    def knows(self, token: str) -> bool:
        """Whether ``token`` occurs in any chunk (unknown query tokens score nothing)."""
        return bool(token) and token in self.vocab

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding ``token`` and its term frequency there."""
        tid = self.vocab.get(token)
        if tid is None:
            return self.rows[:0], self.tf[:0]
        lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
        return self.rows[lo:hi], self.tf[lo:hi]

    def _length_norm(self, avgdl: float) -> np.ndarray:
        cached = self._norm
        if cached is None or cached[0] != avgdl:
            cached = self._norm = (avgdl, self.k1 * ((1 - self.b) + self.b * self.doc_len / avgdl))
        return cached[1]

    def scores(self, query_tokens: Sequence[str], stats: Bm25Stats | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known), with this
        index's own statistics or the given ones (a segment of a larger corpus)."""
        out = np.zeros(self.size, dtype=np.float32)
        stats = stats if stats is not None else self.stats()
        if self.size == 0 or stats.n_docs == 0:
            return out
        norm = self._length_norm(stats.avgdl)
        for token in query_tokens:
            rows, tf = self.postings(token) if token else (self.rows[:0], self.tf[:0])
            if len(rows):
                out[rows] += (stats.idf(token) * (tf / (norm[rows] + tf))).astype(np.float32)
        return out

    def save(self, folder: Path) -> None:
        """The arrays (memory-mappable ``.npy``), the vocabulary, the parameters, and the tokens
        as JSON lines (what index folders held before the arrays: older versions read them)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", np.ascontiguousarray(getattr(self, name)), allow_pickle=False)
        (folder / "terms.json").write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")
        with (folder / "tokens.jsonl").open("w", encoding="utf-8") as fh:
            for toks in self.tokens:
                fh.write(json.dumps(toks, ensure_ascii=False) + "\n")
        from importlib.metadata import version

        params = {"k1": self.k1, "b": self.b, "tokenizer": TOKENIZER_ID, "bm25s": version("bm25s"),
                  "store": LEXICAL_STORE, "size": self.size, "postings": len(self.rows)}  # fmt: skip
        (folder / "params.json").write_text(json.dumps(params), encoding="utf-8")

    @staticmethod
    def has_arrays(folder: Path) -> bool:
        """Whether ``folder`` holds the stored arrays (folders written before them do not)."""
        try:
            params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(params.get("store") == LEXICAL_STORE)

    @classmethod
    def load(cls, folder: Path, *, arrays: bool | None = None, mmap: bool = True) -> LexicalIndex:
        """The stored BM25 leg: its arrays memory-mapped (read-only) when the folder has them
        (``arrays``: True requires them, False ignores them, None: as params.json says), else
        counted from ``tokens.jsonl`` as before they were stored. Raises ValueError when the
        stored arrays are missing or disagree with each other (a damaged folder)."""
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        stored = params.get("store") == LEXICAL_STORE
        if arrays and not stored:
            raise ValueError(f"{folder / 'params.json'} does not describe the BM25 arrays {LEXICAL_STORE}")
        if not (stored if arrays is None else arrays):
            with (folder / "tokens.jsonl").open(encoding="utf-8") as fh:
                tokens = [json.loads(line) for line in fh]
            return cls(tokens, k1=params["k1"], b=params["b"])
        mapped = {  # plain ndarray views of the maps: slicing an np.memmap costs ~1 ms a query
            name: np.asarray(
                np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
            )
            for name in _ARRAYS
        }
        terms = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        indptr, tok_ptr = mapped["indptr"], mapped["tok_ptr"]
        if not (
            all(mapped[name].ndim == 1 and mapped[name].dtype == dtype for name, dtype in _DTYPES.items())
            and len(indptr) == len(terms) + 1
            and len(tok_ptr) == int(params.get("size", -1)) + 1
            and int(indptr[-1]) == len(mapped["rows"]) == len(mapped["tf"]) == int(params.get("postings", -1))
            and int(tok_ptr[-1]) == len(mapped["tok_ids"])
        ):
            raise ValueError(f"the BM25 arrays in {folder} disagree with each other or with params.json")
        out = cls.__new__(cls)
        out._set(terms, {t: i for i, t in enumerate(terms)}, k1=params["k1"], b=params["b"], **mapped)
        return out
