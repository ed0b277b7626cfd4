"""korean.focus.question_focus: what an inquiry asks, written the way customers write it."""

from __future__ import annotations

import pytest

from korean.focus import asked_for, bare_reply, question_focus, serves, unanswered


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        # whether something is allowed, in everyday spelling ("…도 됨?", "되냐", "쓸수잇나요")
        ("반품할때 다른 택배사로 보내도됨?", {"possible"}),
        ("카톡으로 가입했는데 네이버 로그인 눌러도 됨?", {"possible"}),
        ("이거 환불 되냐", {"possible"}),
        ("쿠폰 같이 써도 돼여?", {"possible"}),
        ("첫구매쿠폰 아직 쓸수잇나요", {"possible"}),
        ("포장 바꿀 수 있나요?", {"possible"}),
        # "…해야 됨?" asks what one must do, not whether one may
        ("잘못온거 언제까지 보관해야됨?", {"period"}),
        ("이거 다시 보내야 됨?", set()),
        # cost with a word between 돈 and the verb; a reason asked as "뭐가 문제"
        ("회사로 돌리면 돈 더들어요?", {"cost"}),
        ("재입고알림 신청이 안돼요 머가 문제임", {"reason"}),
        ("결제가 안 되는데 뭐가 문제예요?", {"reason"}),
        # stating a problem asks for nothing in particular
        ("세션 만료됐다고 계속 뜸", set()),
    ],
)
def test_colloquial_questions_have_their_focus(question: str, focus: set[str]) -> None:
    assert question_focus(question) == frozenset(focus)


@pytest.mark.parametrize(
    "sentence",
    [
        "Bills are sent on the 12th of each month by e-mail.",
        "Classes can be booked every morning from 6 a.m.",
        "The club is staffed on weekdays only.",
        "Renewals are billed in March.",
    ],
)
def test_an_english_date_or_schedule_answers_when(sentence: str) -> None:
    """ "When are bills sent?" is answered by a day of the month, a schedule or a month name, as
    "매월 12일" answers "언제" (it was handed off: no sentence carried a time)."""
    assert asked_for("When are bills sent?") == frozenset({"period"})
    assert not unanswered([sentence], frozenset({"period"}))
    assert serves(sentence, frozenset({"period"})) == 1.0


def test_may_the_modal_is_no_month() -> None:
    assert unanswered(["You may bring a guest."], frozenset({"period"})) == frozenset({"period"})


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("How much notice do I need to give to cancel a monthly rolling membership?", {"period"}),
        ("how much longer will my refund take", {"period"}),
        ("How much does a guest pass cost?", {"cost"}),
        ("How much is it?", {"cost"}),
    ],
)
def test_how_much_notice_asks_for_a_time_not_money(question: str, focus: set[str]) -> None:
    """ "30 days' notice" answers "How much notice …?"; it was read as a cost question."""
    assert question_focus(question) == frozenset(focus)


@pytest.mark.parametrize("question", ["재입고 알림 신청은 얼마 동안 유효한가요?", "얼마 동안 보관해 주나요?"])
def test_for_how_long_asks_for_a_time(question: str) -> None:
    """ "얼마 동안" always asks how long (the 90-day rule had lost to a sentence with no time)."""
    assert question_focus(question) == {"period"}
    assert {"period", "duration"} <= asked_for(question)


@pytest.mark.parametrize(
    ("sentence", "bare"),
    [
        ("네, 가능합니다.", True),
        ("아니요.", True),
        ("예, 됩니다!", True),
        ("Yes.", True),
        ("No, you can't.", True),
        # a yes or no that goes on to say something is content
        ("네, 수령하신 지 7일 이내라면 반품 신청이 가능합니다.", False),
        ("No, entry is personal.", False),
        ("가능합니다.", False),
    ],
)
def test_a_bare_reply_is_only_a_yes_or_a_no(sentence: str, bare: bool) -> None:
    assert bare_reply(sentence) is bare
