"""`kms eval answerability --tickets N` on tiny made-up datasets (hash embedder): which labelled
utterances become resolved tickets (never an evaluated question), how many per intent/document,
their tags (= the article's front-matter tag), the unchanged default articles, and the ingest."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assist.cli.app import app
from core.settings import Settings
from eval.answerability import answerability_kb
from eval.answerability_data import (
    SCRIPT_PAIRS,
    banking_article,
    load_answerability_set,
    welfare_article,
)
from eval.answerability_tickets import RESOLUTION_EN, tagged_markdown, text_key, tickets_json
from eval.cli import answerability_commands  # noqa: F401  (registers the command)
from ingest.sources.reader import read_paths
from ingest.split import chunk_article
from tests.datafiles import answerability_root

EXTRA = 4  # train utterances per intent beyond the scripts
INTENTS = ("atm_support", "card_arrival", "change_pin")  # sorted: card_arrival is held out
BANKING: list[dict[str, str]] = [
    {"id": f"train-{intent}-{k}", "split": "train", "text": f"{intent} question {k}?", "label": intent}
    for intent in INTENTS
    for k in range(SCRIPT_PAIRS + EXTRA)
]
BANKING += [
    # the same text as a train utterance past the scripts: it must not become a ticket
    {
        "id": "test-0",
        "split": "test",
        "text": f"  ATM_SUPPORT question {SCRIPT_PAIRS}? ",
        "label": "atm_support",
    },
    {"id": "test-1", "split": "test", "text": "Where is my card?", "label": "card_arrival"},
    {"id": "test-2", "split": "test", "text": "New PIN please", "label": "change_pin"},
]
WELFARE_DOCS = [
    {
        "doc_id": "d1",
        "title": "난방비 지원",
        "text": "난방비 지원\n\n기초생활수급 가구에 난방비를 지원합니다.",
    },
    {"doc_id": "d2", "title": "전세자금 대출", "text": "전세자금 대출\n\n무주택 세대주에게 대출합니다."},
    {"doc_id": "d3", "title": "교육급여", "text": "교육급여\n\n학생의 학용품비를 지원합니다."},
]
WELFARE_QUERIES: list[dict[str, Any]] = [
    *({"qid": i, "question": f"난방비 질문 {i}", "doc_ids": ["d1"]} for i in range(6)),
    *({"qid": 10 + i, "question": f"대출 질문 {i}", "doc_ids": ["d2"]} for i in range(6)),
    {"qid": 20, "question": "학용품비 질문", "doc_ids": ["d3", "d1"]},  # two gold ids: never a ticket
    {"qid": 21, "question": "난방비 질문 0", "doc_ids": ["d1"]},  # the text of qid 0 again
]
CHAT = [{"id": i, "question": f"잡담 {i}"} for i in range(20)]


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    return answerability_root(
        tmp_path / "shared-data",
        welfare_docs=WELFARE_DOCS,
        welfare_queries=WELFARE_QUERIES,
        chat=CHAT,
        banking=BANKING,
    )


def test_banking_tickets_per_intent_tags_and_no_evaluated_question(data_root: Path) -> None:
    plain = load_answerability_set("banking77", data_root, limit=None, tickets=0)
    aset = load_answerability_set("banking77", data_root, limit=None, tickets=3)
    assert plain.tickets == [] and [a.tag for a in plain.articles] == [None, None]
    # tickets 0: the articles exactly as the builder makes them (no front matter: same cached index)
    train = {i: [r["text"] for r in BANKING if r["label"] == i and r["split"] == "train"] for i in INTENTS}
    assert [a.markdown for a in plain.articles] == [
        banking_article("B77-00", "atm_support", train["atm_support"][:SCRIPT_PAIRS]).markdown,
        banking_article("B77-02", "change_pin", train["change_pin"][:SCRIPT_PAIRS]).markdown,
    ]
    assert not any(a.markdown.startswith("---") for a in plain.articles)
    # tickets > 0: the same article with a tag line; questions unchanged
    assert [a.tag for a in aset.articles] == ["B77-00", "B77-02"]
    assert [a.markdown for a in aset.articles] == [
        tagged_markdown(a.markdown, a.article_id) for a in plain.articles
    ]
    assert aset.questions == plain.questions
    asked = {text_key(q.text) for q in aset.questions}
    assert not asked & {text_key(t.inquiry) for t in aset.tickets}
    # past the scripts only, file order; atm_support's first one is asked, so it is skipped
    by_tag = Counter(t.tag for t in aset.tickets)
    assert by_tag == {"B77-00": 3, "held-card_arrival": 3, "B77-02": 3}
    atm = [t.inquiry for t in aset.tickets if t.tag == "B77-00"]
    assert atm == [
        f"atm_support question {k}?" for k in (SCRIPT_PAIRS + 1, SCRIPT_PAIRS + 2, SCRIPT_PAIRS + 3)
    ]
    scripts = {text_key(t) for i in INTENTS for t in train[i][:SCRIPT_PAIRS]}
    assert not scripts & {text_key(t.inquiry) for t in aset.tickets}
    assert {t.resolution for t in aset.tickets} == {RESOLUTION_EN} and len(
        {t.ticket_id for t in aset.tickets}
    ) == 9
    assert any(n.startswith("tickets: 9 resolved tickets") for n in aset.notes)
    # more asked than there are: what there is (EXTRA, one fewer where a question took one)
    most = Counter(
        t.tag for t in load_answerability_set("banking77", data_root, limit=None, tickets=50).tickets
    )
    assert most == {"B77-00": EXTRA - 1, "held-card_arrival": EXTRA, "B77-02": EXTRA}


def test_welfare_tickets_are_never_evaluated_and_tagged_with_their_article(data_root: Path) -> None:
    for seed in range(6):
        plain = load_answerability_set("welfare_qa_ko", data_root, limit=5, seed=seed)
        aset = load_answerability_set("welfare_qa_ko", data_root, limit=5, seed=seed, tickets=2)
        assert aset.questions == plain.questions and plain.tickets == []
        assert [a.markdown for a in plain.articles] == [
            welfare_article(f"WQ-00{n + 1}", d["title"], d["text"]).markdown
            for n, d in enumerate(WELFARE_DOCS)
        ]
        assert [a.tag for a in aset.articles] == ["WQ-001", "WQ-002", "WQ-003"]
        evaluated = {q.qid for q in aset.questions}
        asked = {text_key(q.text) for q in aset.questions}
        assert not evaluated & {t.origin for t in aset.tickets}
        assert not asked & {text_key(t.inquiry) for t in aset.tickets}
        gold = {str(q["qid"]): q["doc_ids"] for q in WELFARE_QUERIES}
        ids = {"d1": "WQ-001", "d2": "WQ-002", "d3": "WQ-003"}
        assert all([ids[d] for d in gold[t.origin]] == [t.tag] for t in aset.tickets)  # one gold, its tag
        by_tag = Counter(t.tag for t in aset.tickets)
        assert by_tag["WQ-001"] == by_tag["WQ-002"] == 2 and "WQ-003" not in by_tag  # d3: only a 2-gold one
        again = load_answerability_set("welfare_qa_ko", data_root, limit=5, seed=seed, tickets=2)
        assert again.tickets == aset.tickets  # the fixed seed: the same draw every run
    with pytest.raises(Exception, match="--tickets must be 0 or more"):
        load_answerability_set("banking77", data_root, tickets=-1)


def test_tagged_articles_keep_their_id_and_carry_the_tag(tmp_path: Path, data_root: Path) -> None:
    aset = load_answerability_set("banking77", data_root, limit=None, tickets=1)
    art = aset.articles[0]
    path = tmp_path / f"{art.article_id}.md"
    path.write_text(art.markdown, encoding="utf-8")
    result = read_paths([path])
    assert not result.issues, [str(i) for i in result.issues]
    (rec,) = result.articles
    assert rec.article_id == "B77-00" and rec.tag == "B77-00" and rec.title == "ATM support"
    assert {c.meta["tag"] for c in chunk_article(rec)} == {"B77-00"}
    rows = json.loads(tickets_json(aset.tickets))["tickets"]
    assert {tuple(r) for r in rows} == {("id", "inquiry", "resolution", "status", "tags")}
    assert {r["status"] for r in rows} == {"resolved"}


def test_tickets_ingest_after_the_articles(data_root: Path, settings: Settings) -> None:
    aset = load_answerability_set("banking77", data_root, limit=None, tickets=2)
    cache = settings.data_dir / "eval-cache" / "answerability-banking77-tickets-index"
    for _ in range(2):  # the second run is seeded from the cache twice (articles, then tickets)
        with answerability_kb(settings, aset.articles, tickets=aset.tickets, index_cache=cache) as (kb, _):
            chunks = kb.index.chunks
            articles = [c for c in chunks if c.doc_type == "article"]
            tickets = [c for c in chunks if c.doc_type == "ticket"]
            assert {c.doc_id for c in articles} == {"article:B77-00", "article:B77-02"}
            assert {c.meta["tag"] for c in articles if c.doc_id == "article:B77-00"} == {"B77-00"}
            assert len({c.doc_id for c in tickets}) == len(aset.tickets) == 6
            assert Counter(tuple(c.meta["tags"]) for c in tickets) == {
                ("B77-00",): 2,
                ("held-card_arrival",): 2,
                ("B77-02",): 2,
            }
    assert cache.is_dir()


def test_cli_records_the_tickets(data_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    out = tmp_path / "report"
    args = ["eval", "answerability", "--dataset", "banking77", "--data-root", str(data_root)]
    result = CliRunner().invoke(app, [*args, "--tickets", "2", "--threshold", "0.3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["config"]["tickets"] == 2 and report["config"]["ticket_chunks"] == 6
    assert any(n.startswith("tickets: 6 resolved tickets") for n in report["notes"])
    assert (tmp_path / "kms" / "eval-cache" / "answerability-banking77-tickets-index").is_dir()
    assert not (tmp_path / "kms" / "eval-cache" / "answerability-banking77-index").exists()
