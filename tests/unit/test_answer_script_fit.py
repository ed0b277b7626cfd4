"""A 상담 스크립트 Q/A used whole: its question compared in the inquiry's searched wording, and
never over a better-fitting sentence when it asks about a thing the inquiry does not name."""

from __future__ import annotations

import pytest

from assist.term_fit import as_searched, asks_more, term_set
from korean.lexicon import load_lexicon, parse_lexicon


@pytest.mark.parametrize(
    ("asked", "inquiry", "more"),
    [
        # the penalty, not how to cancel
        ("정기배송 해지하면 위약금 있어요?", "정기배송 해지하고 싶어요", True),
        ("정기배송 해지하면 위약금 있어요?", "정기배송 해지하면 위약금 내요?", False),
        # the phone's location, not suspending a lost one
        ("제 폰 위치를 찾아 주실 수 있나요?", "폰 잃어버렸어요 빨리 정지 좀 해 주세요", True),
        # the lexicon's variants count as the word: 비번 is 비밀번호
        ("비밀번호를 까먹었어요.", "비번 까먹었어요", False),
    ],
)
def test_a_script_question_that_names_more_than_the_inquiry(asked: str, inquiry: str, more: bool) -> None:
    lexicon = load_lexicon(None)
    searched = as_searched(inquiry, lexicon)
    assert asks_more(as_searched(asked, lexicon), searched, term_set(searched), lexicon) is more


def test_a_synonym_of_the_script_questions_word_names_it() -> None:
    lexicon = parse_lexicon("=\t박스,상자\n")
    inquiry = "상자가 찌그러져서 왔어요"
    assert not asks_more("박스가 찌그러져 왔어요.", inquiry, term_set(inquiry), lexicon)
    assert asks_more("박스가 찌그러져 왔어요.", inquiry, term_set(inquiry), None)
