"""Gap detection with the real bundled model: the sample KB's planted gaps, and a small banking77 KB.

- The sample KB (ingest/sample_kb) plants five recurring ticket topics no article covers (README,
  "Knowledge gaps"): each must come out as a complete draft.
  Golden: each planted gap gets exactly one new-article draft, whose title names the topic.
- A small version of ``kms eval gaps --dataset banking77``: 12 intents, 6 with an article and 6
  without; drafts must go mostly to uncovered intents (skipped without ../shared/data).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from assist.drafts import DraftDetail, DraftSettings, generate, get_draft
from assist.knowledge import KnowledgeBase
from core.records import REQUIRED_SECTIONS
from core.settings import Settings
from eval.gaps import PUBLISH_BLOCKERS, build_corpus_kb, product_run, score_drafts
from eval.gaps_data import banking77_corpus
from ingest.sample import SAMPLE_DIR
from ingest.sources import read_paths

pytestmark = pytest.mark.model

try:
    from tests.conftest import shared_dataset
except ModuleNotFoundError:  # tests/ is not a package
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.conftest import shared_dataset


def planted_gaps() -> dict[str, set[str]]:
    """tag -> ticket ids of the README's "Knowledge gaps" list."""
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"tag `([^`]+)`, \d+ tickets: ([T0-9, -]+)", readme)
    return {tag: set(ids.replace(" ", "").split(",")) for tag, ids in found}


TITLE_WORDS = {  # a title names the topic when it has one of these words
    "고객::배송::픽업": ("픽업", "보관함"),
    "고객::통관::관부가세": ("관부가세", "관세", "통관"),
    "고객::이벤트::라이브특가": ("라이브",),
    "고객::리뷰::적립": ("리뷰",),
    "고객::구매::대량견적": ("대량", "견적"),
}
MISSED = {  # measured with the default DraftSettings; see eval/README.md (kms eval gaps)
    "고객::구매::대량견적": "its 12 varied inquiries (기업 구매, 견적서, 법인 …) form no topic of 5",
}


@pytest.fixture(scope="module")
def sample_drafts(real_sample_kb: Path, tmp_path_factory: pytest.TempPathFactory) -> list[DraftDetail]:
    """One generation run over a private copy of the real-model sample KB."""
    data = tmp_path_factory.mktemp("sample-drafts") / "kms"
    shutil.copytree(real_sample_kb, data, symlinks=True)
    kb = KnowledgeBase(Settings(data_dir=data))
    result = generate(kb, DraftSettings(), since="all")
    drafts = [get_draft(kb, i) for i in result.created]
    engine = kb.sessions.kw["bind"]
    assert isinstance(engine, Engine)
    engine.dispose()
    return drafts


def _owner(draft: DraftDetail, tag_of: dict[str, str]) -> str:
    return Counter(tag_of.get(t, "") for t in draft.evidence["ticket_ids"]).most_common(1)[0][0]


@pytest.mark.parametrize(
    "tag",
    [
        pytest.param(tag, marks=pytest.mark.xfail(reason=MISSED[tag], strict=True)) if tag in MISSED else tag
        for tag in TITLE_WORDS
    ],
)
def test_each_planted_sample_gap_gets_exactly_one_draft_named_for_it(
    sample_drafts: list[DraftDetail], tag: str
) -> None:
    gaps = planted_gaps()
    assert set(gaps) == set(TITLE_WORDS)
    tag_of = {t: g for g, ids in gaps.items() for t in ids}
    mine = [d for d in sample_drafts if d.evidence["proposal"]["kind"] == "new" and _owner(d, tag_of) == tag]
    assert len(mine) == 1, [d.title for d in mine]
    assert any(w in mine[0].title for w in TITLE_WORDS[tag]), mine[0].title


def test_sample_drafts_are_complete_and_few_are_for_covered_topics(
    sample_drafts: list[DraftDetail], tmp_path: Path
) -> None:
    tag_of = {t: g for g, ids in planted_gaps().items() for t in ids}
    assert [_owner(d, tag_of) for d in sample_drafts].count("") <= 2
    for draft in sample_drafts:
        assert all(draft.sections.get(k, "").strip() for k in REQUIRED_SECTIONS if k != "title"), draft.id
        path = tmp_path / f"{draft.id}.md"
        path.write_text(draft.markdown, encoding="utf-8")
        [rec] = read_paths([path]).articles
        assert rec.missing == [] and rec.title == draft.title
        assert all(s.tickets for sentences in draft.provenance.values() for s in sentences)
        # publishable text: no case outcome in 정책/단계별 절차, no placeholder, no generator note
        assert [f.text for f in draft.lint if f.code in PUBLISH_BLOCKERS] == [], draft.id


def test_small_banking_gap_benchmark(real_settings: Settings, tmp_path: Path) -> None:
    root = shared_dataset("banking77", "queries.jsonl").parents[1]
    corpus = banking77_corpus(root, per_intent=10, intents=12)
    kb_settings = build_corpus_kb(corpus, real_settings, tmp_path)
    drafts, topics, _ = product_run(kb_settings, DraftSettings())
    scores = score_drafts(drafts, topics, corpus)
    # measured: recall 2/6 on this 12-intent sample (77 intents: P 0.86 / R 0.62, eval/README.md);
    # banking77's intents are close in e5 space and the coverage rule is a fixed cut
    assert scores["gap_recall"] >= 0.3 and scores["gap_precision"] >= 0.5, scores
