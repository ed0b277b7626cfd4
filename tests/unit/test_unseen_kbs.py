"""The KBs written by helpers who never saw the code (eval/data/unseen_kbs, README: kms eval
safety-kbs --root eval/data/unseen_kbs) load as safety sets, and every answer they expect names an
article of their own KB."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from eval.fusion_kbs import fresh_kb_names
from eval.safety import load_safety
from ingest.pipeline import read_paths

UNSEEN = Path(__file__).resolve().parents[2] / "eval" / "data" / "unseen_kbs"
CLASSES = {"direct", "paraphrase", "colloquial", "neighbour", "uncovered", "off_domain"}


def test_the_unseen_kbs_are_complete() -> None:
    names = fresh_kb_names(UNSEEN)
    assert names == [
        "appliance",
        "cowork",
        "ebook",
        "invoicing",
        "laundry",
        "pet",
        "pharmacy",
        "rental",
        "stay",
        "webtoon",
    ]
    for name in names:
        rows = load_safety(UNSEEN / name / "questions.jsonl")
        assert len(rows) >= 60 and set(Counter(r.cls for r in rows)) == CLASSES, name
        articles = {a.article_id for a in read_paths([UNSEEN / name / "articles"]).articles}
        assert len(articles) >= 7, name
        expected = {d for r in rows for d in r.doc_ids}
        assert expected and expected <= articles, (name, expected - articles)
        assert sum(1 for r in rows if not r.answerable) >= 20, (
            name
        )  # uncovered, off-domain, half the neighbours
