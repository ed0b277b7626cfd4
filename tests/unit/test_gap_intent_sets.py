"""The Korean intent sets written by helpers who never saw the code (eval/data/gaps_intents_ko,
`kms eval gaps --items …`) are complete and load as gap corpora: half the intents covered by an
article written from three of their inquiries, the rest uncovered."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.gaps_data import items_corpus

SETS = Path(__file__).resolve().parents[2] / "eval" / "data" / "gaps_intents_ko"
NAMES = sorted(p.stem for p in SETS.glob("*.jsonl"))


def test_every_set_is_listed() -> None:
    assert NAMES == [
        "car_sharing",
        "card_company",
        "clinic_checkup",
        "delivery_bank",
        "edu_subs",
        "fashion_shop",
        "furniture_home",
        "game_mobile",
        "telco_ins",
        "travel_air",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_a_set_is_twenty_or_more_intents_of_distinct_inquiries(name: str) -> None:
    rows = [json.loads(line) for line in (SETS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(set(row) == {"text", "label"} for row in rows)
    per_label = Counter(row["label"] for row in rows)
    assert len(per_label) == (40 if name in ("card_company", "car_sharing") else 20)
    assert min(per_label.values()) >= 15  # 15 a label in the first four sets, 20 or 25 since
    texts = [row["text"].strip() for row in rows]
    assert all(texts) and len(set(texts)) == len(texts)


@pytest.mark.parametrize("name", NAMES)
def test_a_set_loads_as_a_gap_corpus(name: str) -> None:
    corpus = items_corpus(SETS / f"{name}.jsonl", name=name, seed=7)
    half = len({row.label for row in corpus.tickets}) // 2
    assert len(corpus.covered) == len(corpus.uncovered) == half
    assert len(corpus.articles) == half  # one article per covered intent
    labels = {t.label for t in corpus.tickets}
    assert labels == set(corpus.covered) | set(corpus.uncovered)
