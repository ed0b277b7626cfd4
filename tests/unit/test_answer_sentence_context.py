"""What a sentence means depends on what stands around it.

A sentence that opens by pointing back ("이때 …", "이 경우 …") means what it says only after the
sentence before it: it is embedded and matched with that sentence, and an answer quotes it beside
that sentence or not at all. A script answer sentence that repeats a value of its own question
("… 4주로 바꿀 수 있나요?" → "… 4주 간격으로 결제돼요") states that customer's case."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.answer_sentences import Candidate, answer_texts, candidates_of, vector_text
from assist.compose import _said_with
from assist.knowledge import KnowledgeBase
from core.types import Chunk
from korean.roles import classify
from tests.tinykb import article_kb

ARTICLE = """# 중복 주문 취소

## 요약
같은 주문이 두 번 생성된 경우의 취소 기준입니다.

## 정책
- 중복 주문이 모두 출고되었으면 한 건을 수령 후 반품합니다. 이때 반품 배송비는 회사가 부담합니다.
- 출고 전이면 나중 주문을 취소합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 결제CX팀
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("antecedent"), "dup.md", ARTICLE))


def _policy(*sentences: str) -> Chunk:
    body = " ".join(sentences)
    return Chunk("article:KB-1#policy-0", "article:KB-1", "article", "t", "policy", body, body)


def test_a_sentence_pointing_back_carries_the_one_before_it() -> None:
    rule, cost = "두 건 모두 출고되었으면 한 건을 반품합니다.", "이때 반품 배송비는 회사가 부담합니다."
    cands = candidates_of([_policy(rule, cost)])
    first, second = cands
    assert first.antecedent == "" and vector_text(first) == first.text
    assert second.antecedent == first.text
    assert vector_text(second) == f"{first.text} {second.text}"


@pytest.mark.parametrize("opening", ["이 경우 ", "이런 경우에는 ", "그때는 ", "단, ", "다만 ", "이는 "])
def test_other_ways_of_pointing_back(opening: str) -> None:
    # an exception ("단, …") is the rule before it's: alone it reads as the whole rule
    cands = candidates_of([_policy("출고 전이면 취소합니다.", f"{opening}환불은 바로 됩니다.")])
    assert cands[1].antecedent == "출고 전이면 취소합니다."


def test_falling_under_this_points_back() -> None:
    cands = candidates_of(
        [_policy("경도 난청도 지원합니다.", "청력역치가 40dB 이상인 경우가 이에 해당합니다.")]
    )
    assert cands[1].antecedent == "경도 난청도 지원합니다."


@pytest.mark.parametrize(
    "second",
    [
        "환불 가능한 금액에서 이 금액을 뺀 만큼 돌려드립니다.",  # a fresh travel KB sent it alone
        "이 경우도 글 1개당 10회 횟수에 포함됩니다.",
        "100만 원을 넘으면 위 서류에 진단서를 추가로 제출합니다.",
        "Those amounts are set by your bank.",
        "They get a text that works on that date only.",
    ],
)
def test_naming_what_the_sentence_before_gave_points_back(second: str) -> None:
    cands = candidates_of([_policy("노쇼 위약금 100,000원이 추가로 부과됩니다.", second)])
    assert cands[1].antecedent == "노쇼 위약금 100,000원이 추가로 부과됩니다."


@pytest.mark.parametrize(
    "second",
    [
        # after a clause boundary the words point inside their own sentence
        "받는 분이 운임 결제를 거부하시면 반송되며, 이 경우 왕복 운임은 보내신 분이 부담합니다.",
        "A member who cancels within 7 days of their first paid charge gets a refund of that charge.",
        "반납 후 결제에 실패하면 그 금액은 미수금이 됩니다.",  # the amount of its own condition
        "이 상품은 교환할 수 없습니다.",
    ],
)
def test_words_pointing_inside_their_own_sentence_stand_alone(second: str) -> None:
    cands = candidates_of([_policy("출고 전이면 취소합니다.", second)])
    assert cands[1].antecedent == ""


def test_a_bullet_pointing_back_carries_the_bullet_above_it() -> None:
    body = "- 출고 전이면 취소합니다.\n- 이 경우 환불은 바로 됩니다.\n\n- 이때 문자로 알려 드립니다."
    chunk = Chunk("article:KB-1#policy-0", "article:KB-1", "article", "t", "policy", body, body)
    first, second, third = candidates_of([chunk])
    assert second.antecedent == first.text == "출고 전이면 취소합니다."
    assert third.antecedent == ""  # a blank line ends the list it could point into


def test_a_sentence_that_does_not_point_back_stands_alone() -> None:
    cands = candidates_of([_policy("출고 전이면 취소합니다.", "이벤트 상품은 취소할 수 없습니다.")])
    assert cands[1].antecedent == ""


def test_an_answer_quotes_it_with_the_sentence_it_points_at(kb: KnowledgeBase) -> None:
    answer = answer_question(kb, "중복 주문 반품 배송비는 누가 내나요?", threshold=0.0, log=False)
    assert "이때 반품 배송비는 회사가 부담합니다" in answer.answer, answer.answer
    assert answer.answer.index("한 건을 수령 후 반품합니다") < answer.answer.index("이때 반품 배송비는")


PLAN = """# 요금제 변경

## 요약
요금제 변경 시점과 요금 계산을 안내합니다.

## 정책
- 변경한 요금제는 다음 달 1일부터 적용됩니다.
- 즉시 변경: 고객이 원하면 신청 당일부터 새 요금제를 적용할 수 있습니다. \
이 경우 변경 전 요금제와 새 요금제의 기본료를 각각 일할 계산합니다. \
단, 개통한 달에는 즉시 변경의 기본료를 일할 계산하지 않습니다.

## 상담 스크립트
Q: 바로 바꾸면 요금은 어떻게 돼요?
A: 즉시 변경을 선택하시면 이전 요금제와 새 요금제의 기본료가 각각 사용하신 날수만큼 일할 계산됩니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 요금팀
"""


def test_a_chain_pointing_back_at_an_agents_note_is_never_quoted(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """ "단, …" points back at "이 경우 …", which points back at a note to the agent ("고객이 원하면"):
    neither is sent without it; the best sentence that stands answers instead."""
    plan = KnowledgeBase(article_kb(tmp_path_factory.mktemp("chain"), "plan.md", PLAN))
    for question in (
        "개통한 달에 즉시 변경하면 기본료를 일할 계산하나요?",
        "당일 즉시 변경하면 기본료는 일할 계산되나요?",
    ):
        answer = answer_question(plan, question, threshold=0.0, log=False)
        assert "이 경우" not in answer.answer and "단, 개통한 달" not in answer.answer, answer.answer


def test_a_chain_is_said_whole_or_not_at_all() -> None:
    note, case, but = (
        "즉시 변경: 고객이 원하면 신청 당일부터 새 요금제를 적용할 수 있습니다.",
        "이 경우 두 요금제의 기본료를 각각 일할 계산합니다.",
        "단, 개통한 달에는 일할 계산하지 않습니다.",
    )
    cands = candidates_of([_policy(note, case, but)])
    assert not cands[0].sendable and cands[2].antecedent == case
    sendable = [c for c in cands if c.sendable]
    assert _said_with(cands[2], sendable, 3) is None  # its chain ends at the agent's note
    rule = "신청 당일부터 새 요금제를 적용할 수 있습니다."
    cands = candidates_of([_policy(rule, case, but)])
    assert _said_with(cands[2], cands, 3) == cands
    assert _said_with(cands[2], cands, 2) is None  # longer than the answer may be


def _script(question: str, answer: str) -> Chunk:
    body = f"Q: {question}\nA: {answer}"
    return Chunk(
        "article:KB-1#scripts-0",
        "article:KB-1",
        "article",
        "t",
        "scripts",
        body,
        body,
        {"question": question},
    )


def test_a_script_answer_repeating_its_questions_value_states_that_case() -> None:
    # "4주" was what this customer asked for; sent to another it reads as the rule
    cands = candidates_of(
        [
            _script(
                "배송 주기를 2주에서 4주로 바꿀 수 있나요?",
                "네, 바꿀 수 있어요. 변경하시면 다음 결제일부터 4주 간격으로 결제돼요.",
            )
        ]
    )
    yes, echo = cands
    assert yes.role.role == "general" and yes.sendable
    assert echo.role.role == "case_report" and "4주" in echo.role.reason and not echo.sendable
    size = candidates_of(
        [_script("270사이즈 언제 재입고돼요?", "상품 화면에서 270 사이즈 재입고 알림을 신청해 주세요.")]
    )
    assert not size[0].sendable


def test_a_value_the_question_does_not_hold_is_the_rule() -> None:
    cands = candidates_of(
        [_script("배송 주기를 바꿀 수 있나요?", "배송 주기는 2주, 4주, 8주 중에서 고를 수 있어요.")]
    )
    assert cands[0].role.role == "general" and cands[0].sendable


SUBSCRIPTION = """# 정기배송

## 요약
정기배송 주기 변경 안내입니다.

## 정책
- 배송 주기는 정기배송 관리에서 바꿀 수 있습니다.

## 상담 스크립트
Q: 배송 주기를 2주에서 4주로 바꿀 수 있나요?
A: 네, 바꿀 수 있어요. 변경하시면 다음 결제일부터 4주 간격으로 결제되고 배송돼요.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 구독운영팀
"""


@pytest.fixture(scope="module")
def subscription(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("echo"), "sub.md", SUBSCRIPTION))


def test_the_value_is_sent_to_the_customer_who_asks_about_it(subscription: KnowledgeBase) -> None:
    same = answer_question(
        subscription, "정기배송 주기를 2주에서 4주로 바꿀 수 있나요?", threshold=0.0, log=False
    )
    assert "4주 간격으로" in same.answer, same.answer
    other = answer_question(subscription, "정기배송 주기를 8주로 바꿀 수 있나요?", threshold=0.0, log=False)
    assert "4주 간격으로" not in other.answer, other.answer


def test_the_agents_draft_never_gives_another_customers_value(subscription: KnowledgeBase) -> None:
    from assist.suggest import suggest

    # the draft follows the chatbot's answer: the rule, not the script written for 4주 (its
    # value is a fill-in slot where the script is used: test_answer_safety)
    other = suggest(subscription, "정기배송 주기를 8주로 바꿀 수 있나요?", log=False).draft.text
    assert "4주 간격" not in other and "정기배송 관리에서 바꿀 수 있습니다" in other, other
    same = suggest(subscription, "정기배송 주기를 2주에서 4주로 바꿀 수 있나요?", log=False).draft.text
    assert "4주 간격으로 결제되고 배송돼요" in same, same


@pytest.mark.parametrize(
    ("sentence", "sent"),
    [
        (
            "No. Your friend keeps your plan, price and remaining term and pays no joining fee.",
            "Your friend keeps your plan, price and remaining term and pays no joining fee.",
        ),
        ("네, 주말에도 배송합니다.", "주말에도 배송합니다."),
        ("아니요. 환불되지 않습니다.", "환불되지 않습니다."),
        ("예를 들어 3만 원 이상이면 무료입니다.", "예를 들어 3만 원 이상이면 무료입니다."),
        ("Nobody else can use your pass.", "Nobody else can use your pass."),
    ],
)
def test_a_script_answers_reply_word_is_sent_only_with_its_question(sentence: str, sent: str) -> None:
    """A reply to the script's own question ("No.") answers nothing another inquiry asked, or
    the opposite of it: quoted alone the sentence goes without it; the Q/A sent whole keeps it."""
    chunk = _script("Does my friend have to pay a joining fee?", sentence)
    cand = Candidate(chunk, sentence, 0, classify(sentence), str(chunk.meta["question"]))
    assert answer_texts([cand]) == [sent]
    assert answer_texts([cand], whole_script=True) == [sentence]


def test_a_bare_reply_is_no_answer_sentence() -> None:
    chunk = _script("Can I bring a guest?", "Yes. Each guest can visit up to 3 times a month.")
    texts = [c.text for c in candidates_of([chunk])]
    assert "Yes." not in texts
    assert any("3 times a month" in t for t in texts)
