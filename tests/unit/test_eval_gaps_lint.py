"""``kms eval gaps``: every generated draft linted as the review page does (eval.gaps.lint_counts),
and the tickets attached to each uncovered topic's draft."""

from __future__ import annotations

import test_drafts_data as data
from test_drafts_data import CONFIG

from assist.drafts import edit_draft, generate, get_draft
from assist.knowledge import KnowledgeBase
from eval.gaps import PUBLISH_BLOCKERS, lint_counts, score_drafts
from eval.gaps_data import GapCorpus, Ticket

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures


def test_generated_drafts_carry_no_blocking_finding(drafts_kb: KnowledgeBase) -> None:
    result = generate(drafts_kb, CONFIG)
    counts = lint_counts(drafts_kb.settings)
    assert counts["lint_drafts"] == len(result.created) > 0
    assert all(counts[f"lint_{code}"] == 0 for code in PUBLISH_BLOCKERS), counts
    assert counts["lint_clean_share"] == 1.0
    # the same findings the review page shows, counted per code
    shown = [f.code for d in result.created for f in get_draft(drafts_kb, d).lint]
    assert sum(v for k, v in counts.items() if k.startswith("lint_") and k[5:] in set(shown)) == len(shown)


def test_a_case_outcome_and_a_placeholder_are_counted(drafts_kb: KnowledgeBase) -> None:
    draft_id = generate(drafts_kb, CONFIG).created[0]
    edit_draft(
        drafts_kb,
        draft_id,
        {
            "policy": "고객님은 50만 원까지 상향 가능하여 한도를 변경해 드렸습니다.",
            "scripts": "Q: 제 이메일은 [이메일] 입니다. 확인해 주세요.\nA: 확인 후 안내드리겠습니다.",
        },
    )
    counts = lint_counts(drafts_kb.settings)
    assert counts["lint_case_specific"] >= 1 and counts["lint_placeholder"] >= 1, counts
    assert counts["lint_clean_share"] < 1.0


def test_tickets_attached_are_reported_per_uncovered_topic() -> None:
    tickets = [Ticket(f"A{i}", "wrap", "포장", "") for i in range(5)]
    tickets += [Ticket(f"B{i}", "rental", "렌탈", "") for i in range(4)]
    tickets += [Ticket(f"C{i}", "refund", "환불", "") for i in range(3)]
    corpus = GapCorpus("tiny", tickets, covered=["refund"], uncovered=["rental", "wrap"])
    drafts = [("new", ["A0", "A1", "A2", "A3", "B0"]), ("new", ["B1", "B2", "B3", "A4"])]
    scores = score_drafts(drafts, [ids for _, ids in drafts], corpus)
    # wrap: 4 of its 5 in its draft; rental: 3 of 4 (the draft that holds B0 is wrap's)
    assert scores["attached_by_intent"] == {"rental": (4, 3), "wrap": (5, 4)}
    assert scores["intents_attached_90"] == 0.0 and abs(scores["tickets_attached"] - (0.8 + 0.75) / 2) < 1e-9
