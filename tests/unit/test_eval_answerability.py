"""`kms eval answerability` on tiny made-up datasets (hash embedder): the articles it builds, the
rate arithmetic, the end-to-end run through the product's ingest and answer code, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.cli.app import app
from core.records import REQUIRED_SECTIONS
from core.settings import Settings
from eval.answerability import far_threshold, rates, sweep
from eval.answerability_data import banking_article, humanise_intent, load_answerability_set, welfare_article
from eval.cli import answerability_commands  # noqa: F401  (registers the command)
from ingest.sources.reader import read_paths
from ingest.split import chunk_article, parse_script_pairs
from tests.datafiles import answerability_root

WELFARE_DOCS = [
    {
        "doc_id": "01_생계/01_난방비_지원",
        "title": "난방비 지원",
        "text": "난방비 지원\n\n난방비 지원의 대상은 기초생활수급 가구입니다.\n"
        "겨울철 난방비를 월 5만 원 지원합니다.\n\n신청은 주민센터에서 하시면 됩니다.",
    },
    {
        "doc_id": "02_주거/01_전세자금_대출",
        "title": "전세자금 대출",
        "text": "전세자금 대출\n\n전세자금 대출의 대상은 무주택 세대주입니다.\n"
        "정책: 대출 한도는 1억 원입니다.\n\n신청은 은행 창구에서 합니다.",
    },
    {
        "doc_id": "03_교육/01_교육급여",
        "title": "교육급여",
        "text": "교육급여\n\n교육급여는 초중고 학생의 부교재비와 학용품비를 지원합니다.",
    },
]
WELFARE_QUERIES = [
    {"qid": 0, "question": "난방비를 지원받을 수 있나요?", "doc_ids": ["01_생계/01_난방비_지원"]},
    {"qid": 1, "question": "전세자금 대출 한도가 얼마인가요?", "doc_ids": ["02_주거/01_전세자금_대출"]},
    {
        "qid": 2,
        "question": "학용품비 지원이 있나요?",
        "doc_ids": ["03_교육/01_교육급여", "01_생계/01_난방비_지원"],
    },
    {"qid": 3, "question": "문서가 없는 질문", "doc_ids": []},
]
CHAT = [
    {"id": 0, "question": "오늘 날씨 좋다", "answer": "산책 가세요.", "label": 0},
    {"id": 1, "question": "배고파", "answer": "맛있는 거 드세요.", "label": 0},
    {"id": 2, "question": "심심해", "answer": "친구와 놀아요.", "label": 0},
]
BANKING = [
    *(
        {"id": f"train-a{i}", "split": "train", "text": f"Where is my card {i}?", "label": "card_arrival"}
        for i in range(20)
    ),
    {"id": "train-b0", "split": "train", "text": "Is there an ATM fee?", "label": "atm_support"},
    {"id": "train-c0", "split": "train", "text": "How do I change my PIN?", "label": "change_pin"},
    {"id": "test-0", "split": "test", "text": "My card has not arrived", "label": "card_arrival"},
    {"id": "test-1", "split": "test", "text": "Which ATMs can I use?", "label": "atm_support"},
    {"id": "test-2", "split": "test", "text": "I want a new PIN", "label": "change_pin"},
]


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    return answerability_root(
        tmp_path / "shared-data",
        welfare_docs=WELFARE_DOCS,
        welfare_queries=WELFARE_QUERIES,
        chat=CHAT,
        banking=BANKING,
    )


def _read(tmp_path: Path, name: str, markdown: str):
    path = tmp_path / f"{name}.md"
    path.write_text(markdown, encoding="utf-8")
    result = read_paths([path])
    assert not result.issues, [str(i) for i in result.issues]
    (record,) = result.articles
    return record


def test_welfare_article_is_a_complete_template_article(tmp_path: Path) -> None:
    doc = WELFARE_DOCS[1]
    art = welfare_article("WQ-002", doc["title"], doc["text"])
    rec = _read(tmp_path, art.article_id, art.markdown)
    assert rec.article_id == "WQ-002" and rec.title == "전세자금 대출" and rec.lang == "ko"
    assert not rec.missing and set(REQUIRED_SECTIONS) - {"title"} <= set(rec.sections)
    assert rec.sections["summary"] == "전세자금 대출의 대상은 무주택 세대주입니다."
    # the body (without its heading line) is the policy; a line that looks like a label stays content
    assert rec.sections["policy"].startswith("전세자금 대출의 대상은 무주택 세대주입니다.")
    assert "- 정책: 대출 한도는 1억 원입니다." in rec.sections["policy"]
    assert rec.sections["purpose"] == rec.sections["steps"] == "해당 없음"
    sections = {c.section for c in chunk_article(rec)}
    assert {"summary", "policy"} <= sections and "references" not in sections  # a link only: skipped


def test_banking_article_scripts_are_the_utterances(tmp_path: Path) -> None:
    assert humanise_intent("atm_support") == "ATM support"
    assert humanise_intent("reverted_card_payment?") == "reverted card payment"
    art = banking_article("B77-01", "card_arrival", ["Where is my card?", "  Card   not here  "])
    rec = _read(tmp_path, art.article_id, art.markdown)
    assert rec.title == "Card arrival" and rec.lang == "en" and not rec.missing
    assert "card arrival" in rec.sections["policy"]
    pairs = parse_script_pairs(rec.sections["scripts"])
    assert [p.question for p in pairs] == ["Where is my card?", "Card not here"]
    assert {p.answer for p in pairs} == {
        "For card arrival, please see the steps in the app or contact support."
    }


def test_datasets_questions_and_held_out_intents(data_root: Path) -> None:
    welfare = load_answerability_set("welfare_qa_ko", data_root, limit=2, seed=0)
    assert [a.article_id for a in welfare.articles] == ["WQ-001", "WQ-002", "WQ-003"]
    ins = [q for q in welfare.questions if q.answerable]
    outs = [q for q in welfare.questions if not q.answerable]
    assert len(ins) == 2 and len(outs) == 2 and {q.source for q in outs} == {"chatbot_data_ko"}
    everything = load_answerability_set("welfare_qa_ko", data_root, limit=None)
    golds = {q.qid: q.gold for q in everything.questions if q.answerable}
    assert golds == {"0": {"WQ-001"}, "1": {"WQ-002"}, "2": {"WQ-003", "WQ-001"}}  # no-doc row dropped
    banking = load_answerability_set("banking77", data_root, limit=None)
    # sorted intents: atm_support, card_arrival, change_pin -> the second is held out
    assert [a.title for a in banking.articles] == ["ATM support", "Change PIN"]
    assert banking.config["held_out_intents"] == ["card_arrival"]
    assert banking.articles[0].markdown.count("\nQ: ") == 1
    by_label = {q.label: q.gold for q in banking.questions}
    assert by_label == {"card_arrival": frozenset(), "atm_support": {"B77-00"}, "change_pin": {"B77-02"}}
    many = banking_article("X", "card_arrival", [str(r["text"]) for r in BANKING[:20]])
    assert many.markdown.count("\nQ: ") == 20  # the cap (15) is applied by the loader, not here


def _row(answerable: bool, conf: float, correct: bool, composed: bool = True) -> dict[str, object]:
    return {"answerable": answerable, "confidence": conf, "correct": correct, "composed": composed}


def test_rate_arithmetic() -> None:
    rows = [
        _row(True, 0.9, True),
        _row(True, 0.7, False),
        _row(True, 0.4, True),
        _row(True, 0.8, False, composed=False),  # nothing composed: never answered
        _row(False, 0.75, False),
        _row(False, 0.3, False),
    ]
    at = rates(rows, 0.5)
    assert at["coverage"] == 0.5  # 2 of 4 answerable
    assert at["wrong_answer_rate"] == 0.5  # 1 of those 2 cites a wrong article
    assert at["far"] == 0.5  # 1 of 2 unanswerable answered
    assert at["correct_answer_rate"] == 0.25 and at["n_answered"] == 3
    assert rates(rows, 0.95)["wrong_answer_rate"] is None and rates(rows, 0.95)["coverage"] == 0.0
    assert rates(rows, 0.7)["coverage"] == 0.5  # confidence == threshold is answered
    points = sweep(rows)
    assert len(points) == 51 and points[0]["threshold"] == 0.0 and points[-1]["threshold"] == 1.0
    assert points[0]["far"] == 1.0 and points[-1]["coverage"] == 0.0
    # the lowest observed confidence at which the target holds (as in `kms eval abstention`)
    assert far_threshold(rows, 0.5) == 0.4  # 0.75 is still answered: 1 of 2
    assert far_threshold(rows, 0.0) == 0.9  # above every unanswerable question's confidence
    assert far_threshold(rows, 1.0) == 0.0
    assert far_threshold([r for r in rows if r["answerable"]], 0.1) is None
    assert far_threshold([_row(False, 1.0, False)], 0.0) is None  # only never answering reaches it


def test_cli_end_to_end_and_friendly_errors(
    data_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    runner = CliRunner()
    out = tmp_path / "report"
    args = ["eval", "answerability", "--dataset", "welfare_qa_ko", "--data-root", str(data_root)]
    result = runner.invoke(app, [*args, "--limit", "3", "--threshold", "0.3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    metrics = report["metrics"]
    assert report["kind"] == "answerability" and report["primary_metric"] == "at_far0.1/coverage"
    assert metrics["n_answerable"] == 3 and metrics["n_unanswerable"] == 3 and metrics["threshold"] == 0.3
    for key in ("coverage", "far", "at_far0.1/coverage", "at_model/threshold"):
        assert key in metrics
    assert report["dataset"]["articles"] == 3 and len(report["details"]["sweep"]) == 51
    rows = [json.loads(line) for line in (out / "per_query.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6 and all(0.0 <= r["confidence"] <= 1.0 for r in rows)
    assert all(r["top_citation"] in (None, "WQ-001", "WQ-002", "WQ-003") for r in rows)
    cache = Settings(data_dir=tmp_path / "kms").data_dir / "eval-cache" / "answerability-welfare_qa_ko-index"
    assert cache.is_dir()  # the built index seeds the next run

    missing = runner.invoke(
        app, ["eval", "answerability", "--dataset", "banking77", "--data-root", str(tmp_path)]
    )
    assert missing.exit_code == 2
    lines = missing.output.strip().splitlines()
    assert len(lines) == 1 and "dataset 'banking77' not found" in lines[0], missing.output
    unknown = runner.invoke(app, [*args[:2], "--dataset", "nope", "--data-root", str(data_root)])
    assert unknown.exit_code == 2 and "unknown answerability dataset 'nope'" in unknown.output
