"""English query words one slip from an index word are read as that word (indexes.spelling)."""

from __future__ import annotations

import pytest

from core.types import Chunk
from indexes import store
from indexes.embedder import HashEmbedder
from indexes.hybrid import SearchParams, SearchTrace
from indexes.lexical import tokenize
from indexes.spelling import Spelling, corrected
from korean.lexicon import load_lexicon

TEXTS = {
    "membership": "You can transfer your membership to a family member once a year.",
    "debt": "Debt collection letters are sent after three missed payments.",
    "card": "Your new card arrives within five working days.",
}


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("membrship", "membership"),  # a letter left out
        ("tranfer", "transfer"),
        ("membership", "membership"),  # known: unchanged
        ("debit", "debit"),  # "debt" is 88.9 near: another word, not a slip
        ("xyzzyplugh", "xyzzyplugh"),  # nothing near
        ("arrvie", "arrvie"),  # transposed and short: below the cut, left alone
        ("card", "card"),  # under five letters: never corrected
    ],
)
def test_a_misspelt_stem_becomes_the_index_stem_it_is_one_slip_from(typed: str, read: str) -> None:
    vocab = {t for text in TEXTS.values() for t in tokenize(text)}
    spelling = Spelling(vocab)
    (stem,) = tokenize(typed) or [typed]
    want = tokenize(read)[0] if tokenize(read) else read
    assert corrected([stem], vocab.__contains__, spelling.nearest) == [want]


def test_the_delta_segments_words_are_candidates_too() -> None:
    spelling = Spelling(["transfer"])
    assert spelling.nearest("membrship") is None
    assert spelling.nearest("membrship", {"membership": ()}) == "membership"


def test_product_searches_read_the_misspelling_and_plain_searches_do_not() -> None:
    chunks = [Chunk(f"doc:{k}#body-0", f"doc:{k}", "doc", k, "body", v, v) for k, v in TEXTS.items()]
    index, _ = store.build(chunks, HashEmbedder(64), store.IndexConfig())
    trace = SearchTrace()
    hits = index.search_chunks(
        "can i give my membrship to my brother?",
        SearchParams(fusion="bm25", lexicon=load_lexicon()),
        trace=trace,
    )
    assert hits[0].chunk.doc_id == "doc:membership" and "membership" in trace.query_tokens
    assert "membrship" not in (trace.unknown_terms or [])  # no hand-off for a word it knows
    plain = SearchTrace()
    index.search_chunks("can i give my membrship to my brother?", SearchParams(fusion="bm25"), trace=plain)
    assert "membrship" in plain.query_tokens
