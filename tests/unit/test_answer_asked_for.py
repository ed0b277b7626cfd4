"""A question that asks for a time or an amount outright gets a sentence that carries one, or a
hand-off: never the best-matching sentence without it ("발행까지 얼마나 걸리나요?" answered
with how to cancel a cash receipt)."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from korean.focus import asked_for, unanswered
from tests.tinykb import article_kb

ARTICLE = """# 세금계산서 발행 요청 처리

## 요약
사업자 고객의 세금계산서 발행 조건과 발행 절차를 안내합니다.

## 정책
- 세금계산서 발행은 가상계좌와 계좌이체로 결제한 사업자 회원 주문만 가능합니다.
- 세금계산서 발행 요청이 접수되면 정산팀이 영업일 2일 이내에 발행합니다.
- 현금영수증을 이미 발급받은 주문은 세금계산서로 중복 발행할 수 없습니다.

## 주요 상황 및 해결책
### 세금계산서 수정이 필요한 경우
발행된 세금계산서의 수정은 수정세금계산서로 처리합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 정산팀
"""

NO_TIME = ARTICLE.replace("- 세금계산서 발행 요청이 접수되면 정산팀이 영업일 2일 이내에 발행합니다.\n", "")


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("세금계산서 발행까지 얼마나 걸리나요?", {"period", "duration"}),
        ("환불은 언제 들어와요?", {"period"}),
        ("며칠 안에 교환 신청해야 돼요?", {"period", "duration"}),  # a window: a duration
        ("몇 시까지 주문하면 오늘 나가요?", {"period"}),
        ("When will my refund arrive?", {"period"}),
        ("How long does a transfer take?", {"period", "duration"}),
        ("How soon will I know whether the warehouse accepted the change?", {"period", "duration"}),
        ("며칠이나 걸려요?", {"period", "duration"}),
        ("OTP 인증번호는 몇 초 동안 유효한가요?", {"duration", "minutes"}),  # seconds: a duration too
        # a deadline, or whether it takes longer: not how long
        ("며칠까지 신청해야 돼요?", {"period"}),
        ("부분 환불은 전체 환불보다 더 오래 걸리나요?", set()),
        ("반품 배송비 얼마예요?", {"cost", "quantity", "sum"}),
        ("표준 서비스 기간은 얼마인가요?", {"quantity"}),
        ("반품 배송비는 누가 내요?", {"cost"}),
        ("How much is the fee?", {"cost"}),
        ("가상계좌 이체 수수료는 누가 부담하나요?", {"cost"}),
        ("Is there a fee for cancelling?", {"cost"}),
        # whether it costs money, in everyday words; not money coming back
        ("재발급 올해만 세번째인데 돈 나가나여", {"cost"}),
        ("가스 출동 부르면 돈드나요??", {"cost"}),
        ("재배송 또 해달라하면 돈받음?? 두번째임", {"cost"}),
        ("회사로 돌리면 돈 더들어요?", {"cost"}),
        ("구매확정 됏는데 돈 언제드러와요", {"period"}),
        ("정산계좌 바꿧더니 돈이 안들어옴 왜그럼??", set()),
        ("환불 돈 받을 수 있나요?", set()),
        # what happens, whether, which one: not a time or an amount
        ("기한이 지나면 어떻게 돼요?", set()),
        ("언제든 취소할 수 있나요?", set()),
        ("한도 얼마까지 돼요?", set()),
        ("What happens when I cancel?", set()),
        ("몇 주문이 취소됐나요?", set()),
        ("휴대폰 요금으로 결제한 주문도 취소되나요?", set()),
        ("너무 부담스러워요 취소 되나요?", set()),
        ("치매 치료 비용 지원은 어디서 신청해요?", set()),
        ("I was charged twice, can you cancel one?", set()),
        # how many seconds or minutes: a time in seconds, minutes or hours (몇 분 + 이/까지: people)
        ("가스 누출로 긴급 출동을 요청하면 시내 지역은 몇 분 이내에 도착하나요?", {"minutes"}),
        ("라이브 몇분전부터 들어갈수있음?", {"minutes"}),
        ("몇 분까지 예약할 수 있나요?", set()),
        ("몇 분이 오시나요?", set()),
        # how much cheaper or dearer: an amount or a rate
        ("시야제한석은 같은 등급 일반 좌석보다 얼마나 싸게 파나요?", {"quantity"}),
        ("은행 계좌로 자동이체를 하면 매월 요금이 얼마나 할인되나요?", {"quantity", "cost"}),
        # how often: a period too
        ("가스레인지 연결 호스는 몇 년마다 새것으로 교체해야 하나요?", {"period"}),
        ("안전점검은 얼마나 자주 와요?", {"period"}),
        ("How often is the meter read?", {"period"}),
        # how many: answered only by a count (or that there is no limit)
        ("결제 수단은 한 계정에 몇 개까지 등록할 수 있나요?", {"count", "count:개"}),
        ("1년에 몇 번까지 무료예요?", {"count", "count:번"}),
        ("쿠폰은 하루에 몇 장까지 다운로드할 수 있나요?", {"count", "count:장"}),
        # a count in a sentence that tells (ended by a full stop) is not asked for
        ("받은 책 중간에 몇 장이 빠져 있고 인쇄가 번져 있어요. 새 책으로 받을 수 있나요?", set()),
        # how much a sum of money is: a money noun before 얼마
        ("가족카드 발급하면 연회비는 얼마예요?", {"cost", "quantity", "sum"}),
        ("중도 해지하면 위약금이 얼마인가요?", {"cost", "quantity", "sum"}),
        ("적립금 유효기간은 얼마예요?", {"quantity"}),
        ("How many cards can I add?", {"count"}),
        ("긴급출동 몇번 남았는지 어케봄?", set()),  # how to check a count, not the count
        ("초기 불량이라 몇 개만 반품하는데 그래도 쿠폰 할인분이랑 배송비를 빼나요", set()),
        ("몇 번이나 전화했는데 왜 안 받아요?", set()),
        ("몇개월 걸려요?", {"period", "duration"}),
        # a recommendation: answered only by a sentence that recommends
        ("남자친구 생일 선물로 뭐가 좋을까요?", {"advice"}),
        ("근처 맛집 추천해 주세요", {"advice"}),
        ("둘 중에 어떤 게 더 나을까요?", {"advice"}),
        ("Can you recommend a gift for my mother?", {"advice"}),
        ("가성비 좋은 거 추천?", {"advice"}),
        # 추천 naming a thing, not asking for advice: a recommended spot, a referral
        ("지도에 따로 표시된 추천 주차 장소에 돌려놓으면 받는 혜택이 있나요?", set()),
        ("친구를 추천하면 포인트 주나요?", set()),
        ("추천인 코드는 어디에 넣어요?", set()),
        # a promotion in a period to come: answered only by a sentence that says when they run
        ("올해 하반기에도 첫 구매 할인 쿠폰 행사가 있나요?", {"future"}),
        ("블랙프라이데이 행사 있나요?", {"future"}),
        ("Will there be a sale next month?", {"future"}),
        ("Is the discount valid next month?", set()),
        ("다음 달 1일에 쿠폰 들어와요?", set()),
        ("뭐가 문제일까요?", set()),
        ("이렇게 해도 괜찮은가요?", set()),
        # who pays, with the payer said: the fee asked for
        ("오배송 받았는데 택배비 제가 내요?", {"cost"}),
        ("왕복 배송비도 제가 물어야 하나요?", {"cost"}),
        ("배송비 제가 확인해야 하나요?", set()),
        # whether more than one can be had at once: a count or a sentence on more than one
        ("배송지 여러개 등록할 수 있어요?", {"several"}),
        ("자동이체 출금 계좌를 두 개 등록해서 요금을 반씩 나눠 빠져나가게 할 수 있나요?", {"several"}),
        ("두개시켰는데 하나만옴 오배송임?", set()),  # what came, not whether two can be had
        # how to reach someone: a number or an address, not the opening hours beside it
        ("고객센터 전화번호 알려주세요", {"contact"}),
        ("상담 연락처가 어떻게 되나요?", {"contact"}),
        ("What is your support email?", {"contact"}),
        ("How can I call you?", {"contact"}),
        # changing one's own number or address asks how, not for ours
        ("전화번호 바꾸고 싶어요", set()),
        ("이메일 주소 변경 어떻게 해요", set()),
    ],
)
def test_what_is_asked_for_outright(question: str, asked: set[str]) -> None:
    assert asked_for(question) == asked


def test_how_long_is_answered_by_a_duration_not_a_deadline() -> None:
    duration = frozenset({"duration"})
    deadline = (
        "We can request the change until the order leaves the warehouse (cut-off 2 p.m. on business days)."
    )
    assert unanswered([deadline], duration) == duration
    assert unanswered(["입금 기한은 주문 다음 날 23:59입니다."], duration) == duration
    # "안에" is "within" only after a word of time
    assert unanswered(["상품은 원래 박스 안에 넣어 보내 주세요."], duration) == duration
    # 초과 (over) after an amount is not seconds
    assert unanswered(["USD 5,000 초과 건당 10,000원입니다."], duration) == duration
    for carries in (
        "카드사 반영까지 영업일 기준 3~7일이 걸립니다.",
        "발급 후 즉시 사용할 수 있습니다.",
        "The warehouse replies within 30 minutes.",
        "It takes 1-3 business days.",
        "오늘 안에 처리됩니다.",
        "3일 안에 환불됩니다.",
        "인증번호는 180초 동안 유효합니다.",
    ):
        assert unanswered([carries], duration) == frozenset(), carries


def test_an_answer_carries_what_was_asked_or_not() -> None:
    period = frozenset({"period"})
    assert unanswered(["현금영수증 발급을 취소한 뒤 세금계산서를 발행합니다."], period) == period
    for carries in (
        "영업일 2일 이내에 발행합니다.",
        "입금 기한은 주문 다음 날 23:59입니다.",
        "매월 1일 발급됩니다.",
    ):
        assert unanswered(["다른 문장입니다.", carries], period) == frozenset()
    assert unanswered(["왕복 배송비 6,000원을 결제합니다."], frozenset({"cost"})) == frozenset()
    assert unanswered(["아이 1명당 70만 원을 지원합니다."], frozenset({"cost", "quantity"})) == frozenset()
    assert unanswered(["취소 수수료는 없습니다."], frozenset({"cost"})) == frozenset()
    assert unanswered(["추가로 내실 돈은 없어요."], frozenset({"cost"})) == frozenset()
    # "없습니다" that speaks of no fee, not of something else one cannot do
    cannot = "이미 한 번 바꾸신 건은 다시 변경하실 수 없습니다."
    assert unanswered([cannot], frozenset({"cost"})) == frozenset({"cost"})
    assert unanswered(["매년 1월에서 4월 사이에만 신청할 수 있다."], period) == frozenset()
    assert unanswered(["표준 서비스를 제공합니다."], frozenset({"quantity"})) == frozenset({"quantity"})
    # the situation before the colon is the customer's case, not the answer
    quantity = frozenset({"quantity"})
    situation = "시야제한석인 줄 몰랐다며 무료 취소를 요청하는 경우: 결제 전 안내 문구가 나옵니다."
    assert unanswered([situation], quantity) == quantity
    fee = "재배송을 두 번째로 요청하는 경우: 2회째부터는 2,000원이 부과됩니다."
    assert unanswered([fee], quantity) == frozenset()
    assert unanswered(["접수 기한: 상품 수령일로부터 30일 이내."], period) == frozenset()


def test_a_count_is_answered_in_its_kind_of_counter() -> None:
    sheets = asked_for("쿠폰은 하루에 몇 장까지 다운로드할 수 있나요?")
    # a number of times is no number of coupons (sent at 0.89 on a fresh delivery-app KB)
    once = "단, 시스템 오류로 사용하지 못한 것이 확인되면 같은 조건으로 1회 재발급합니다."
    assert unanswered([once], sheets) == frozenset({"count:장"})
    for carries in ("하루 3장까지 받을 수 있습니다.", "1인 2매까지 받습니다.", "수량 제한은 없습니다."):
        assert unanswered([carries], sheets) == frozenset(), carries
    people = asked_for("국가유공자 할인은 동반자 몇 명까지 되나요?")
    assert unanswered(["국가유공자는 본인과 동반자 1인까지 50% 할인합니다."], people) == frozenset()
    times = asked_for("요금제 변경은 한 달에 몇 번까지 할 수 있나요?")
    assert unanswered(["요금제 변경은 한 달에 한 번만 가능합니다."], times) == frozenset()
    assert unanswered(["연 2회 신청할 수 있습니다."], times) == frozenset()
    assert unanswered(["변경 신청은 앱에서 3개 메뉴 중 하나로 합니다."], times) == frozenset({"count:번"})


def test_how_much_money_is_answered_by_a_sum_not_any_number() -> None:
    fee = asked_for("가족카드 발급하면 연회비는 얼마예요?")
    refund_rule = "연회비에 남은 일수를 곱하고 365로 나눈 금액이며, 영업일 10일 안에 입금됩니다."
    assert unanswered([refund_rule], fee) == frozenset({"cost", "sum"})
    # the whole answer sent at 0.98: the refund rules around the fee name no sum of it
    refund_rules = [
        refund_rule,
        "단, 카드 발급일로부터 14일 안에 해지하면 연회비 전액을 돌려줍니다.",
        "면제 기준을 충족했는데 연회비가 청구된 경우: 취소된 연회비는 다음 결제일에 차감됩니다.",
    ]
    assert unanswered(refund_rules, fee) == frozenset({"sum"})
    for carries in ("가족카드 연회비는 5,000원입니다.", "연회비가 무료입니다.", "물품 가격의 3.5%입니다."):
        assert unanswered([carries], fee) == frozenset(), carries
    no_fee = "조리 시작 전 취소는 수수료가 없습니다."
    assert unanswered([no_fee], asked_for("취소 수수료는 얼마인가요?")) == frozenset()


@pytest.fixture(scope="module")
def kbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeBase, KnowledgeBase]:
    with_time = article_kb(tmp_path_factory.mktemp("asked"), "tax.md", ARTICLE)
    without = article_kb(tmp_path_factory.mktemp("asked-none"), "tax.md", NO_TIME)
    return KnowledgeBase(with_time), KnowledgeBase(without)


def test_a_how_long_question_gets_the_sentence_with_the_time(
    kbs: tuple[KnowledgeBase, KnowledgeBase],
) -> None:
    answer = answer_question(
        kbs[0], "세금계산서 발행을 요청하면 발행까지 얼마나 걸리나요?", threshold=0.0, log=False
    )
    assert not answer.abstained and "영업일 2일 이내" in answer.answer, answer


def test_without_a_time_in_the_kb_it_hands_off(kbs: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    answer = answer_question(
        kbs[1], "세금계산서 발행을 요청하면 발행까지 얼마나 걸리나요?", threshold=0.0, log=False
    )
    assert answer.abstained and answer.citations == [], answer
    assert answer.handoff_reason is not None and answer.handoff_reason.startswith("no_answer"), answer
    assert "no sentence gives the duration" in answer.handoff_reason, answer
    # a question that does not ask for a time is still answered from the same article
    other = answer_question(kbs[1], "현금영수증 받은 주문도 세금계산서 발행되나요?", threshold=0.0, log=False)
    assert not other.abstained and "중복 발행할 수 없습니다" in other.answer, other


@pytest.mark.parametrize(
    "sentence",
    [
        "카드 매출전표가 법정 증빙으로 인정되므로 주문상세에서 출력해 주세요.",  # 전 inside a word
        "바로마켓 고객센터 채팅으로 문의해 주세요.",  # the brand, not 'at once'
        "상품은 원래 박스 안에 넣어 보내 주세요.",  # inside the box, not within a time
        "전화 상담은 상담원이 직접 도와드립니다.",
        "후기 작성 시 적립금이 지급됩니다.",
    ],
)
def test_words_that_only_contain_a_time_word_carry_no_time(sentence: str) -> None:
    assert unanswered([sentence], frozenset({"period"})) == frozenset({"period"})


@pytest.mark.parametrize(
    "sentence",
    [
        "결제 전에 쿠폰을 적용해 주세요.",
        "취소한 후 다시 결제하시면 됩니다.",
        "출고 전까지 주소를 바꿀 수 있습니다.",
        "접수되면 바로 처리됩니다.",
        "3일 안에 도착합니다.",
        "오늘 안에 답변드립니다.",
    ],
)
def test_time_words_still_carry_a_time(sentence: str) -> None:
    assert unanswered([sentence], frozenset({"period"})) == frozenset()


def test_a_promotion_to_come_is_answered_only_by_when_promotions_run() -> None:
    future = frozenset({"future"})
    assert unanswered(["첫 구매 쿠폰은 가입 즉시 발급되며 14일 동안 쓸 수 있습니다."], future) == future
    assert unanswered(["생일 쿠폰은 매년 생일이 있는 달 1일에 발급됩니다."], future) == frozenset()


def test_a_recommendation_is_handed_off_unless_a_sentence_recommends(
    kbs: tuple[KnowledgeBase, KnowledgeBase],
) -> None:
    advice = frozenset({"advice"})
    assert unanswered(["세금계산서 발행은 사업자 회원 주문만 가능합니다."], advice) == advice
    assert unanswered(["대용량 주문은 가상계좌 결제를 권장합니다."], advice) == frozenset()
    answer = answer_question(kbs[0], "세금계산서 발행할 때 뭐가 좋을까요?", threshold=0.0, log=False)
    assert answer.abstained and answer.citations == [], answer


def test_how_many_minutes_is_not_answered_in_years() -> None:
    minutes = frozenset({"minutes"})
    years = "하나로 인증서의 유효기간은 3년이며, 만료 30일 전에 앱 푸시로 안내합니다."
    assert unanswered([years], minutes) == minutes
    assert unanswered(["결제 대기 시간 3분의 1이 지나면 …"], minutes) == minutes  # a fraction
    for carries in ("인증번호는 3분 동안 유효합니다.", "OTP는 30초마다 바뀝니다.", "승인 즉시 적용됩니다."):
        assert not unanswered([carries], minutes), carries


def test_how_many_is_answered_by_a_count() -> None:
    count = frozenset({"count"})
    assert unanswered(["국내에서 발급된 본인 명의 신용·체크카드를 등록하실 수 있습니다."], count) == count
    for carries in (
        "결제 수단은 최대 5개까지 등록할 수 있습니다.",
        "쿠폰은 주문당 한 장만 쓸 수 있습니다.",
        "등록 개수에는 제한이 없습니다.",
        "You can add up to two cards.",
    ):
        assert not unanswered([carries], count), carries


GAS = """# 가스 누출 긴급 출동

## 요약
가스 냄새가 날 때의 행동 요령과 긴급 출동 접수, 출동 비용 기준을 안내합니다.

## 정책
- 가스 냄새가 나면 밸브를 잠그고 환기한 뒤 집 밖으로 나가 긴급 출동을 불러 주세요.
- 긴급 출동은 24시간 접수하며, 가스 냄새가 잠깐 났다가 사라진 경우에도 출동을 불러 주시면 점검합니다.
- 이웃 세대나 계단의 가스 냄새도 같은 기준으로 출동을 부르면 됩니다.
- 가스 출동을 부르면 기사가 밸브와 배관을 모두 점검해 드립니다.

## 상담 스크립트
Q: 가스 출동 부르면 돈이 드나요?
A: 긴급 출동과 누출 점검 비용은 무료입니다. 다만 고객 소유 시설이 원인이면 수리 비용은 고객 부담입니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 안전관리팀
"""


def test_a_script_answer_with_the_cost_asked_for_beats_a_closer_sentence_without_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # the policy sentences share more words with the inquiry, but none says what it costs; the
    # script whose question asks the same gives it ("비용은 무료입니다"): a fresh gas KB had handed
    # "가스 출동 부르면 돈드나요??" off for want of a cost, or led with the procedure
    kb = KnowledgeBase(article_kb(tmp_path_factory.mktemp("gas"), "gas.md", GAS))
    answer = answer_question(kb, "가스 출동 부르면 돈드나요??", threshold=0.0, log=False)
    assert not answer.abstained, answer
    assert answer.answer.startswith("긴급 출동과 누출 점검 비용은 무료입니다."), answer
    assert "출동을 부르면 됩니다" not in answer.answer, answer


def test_only_a_number_or_an_address_gives_the_contact_asked_for() -> None:
    contact = frozenset({"contact"})
    assert not unanswered(["전화 상담(1588-0000): 평일 09:00~18:00, 점심시간 12:00~13:00 제외."], contact)
    assert not unanswered(["입점 문의는 help@baromarket.example 로 보내 주세요."], contact)
    assert unanswered(["채팅 상담: 평일 09:00~22:00, 주말·공휴일 10:00~18:00"], contact) == contact
    assert unanswered(["2026-03-04: 운영 시간 변경"], contact) == contact  # a date is no number to call


def test_only_a_count_or_more_than_one_answers_whether_several_can_be_had() -> None:
    several = frozenset({"several"})
    assert not unanswered(["배송지는 최대 10개까지 등록할 수 있습니다."], several)
    assert not unanswered(["한 주문에 상품 쿠폰 1장과 장바구니 쿠폰 1장을 함께 쓸 수 있습니다."], several)
    assert not unanswered(["감면은 중복 적용되지 않습니다."], several)
    # a count of days is no answer to whether two accounts can be registered
    retry = "자동이체 잔액이 부족하면 납기일 다음 영업일과 7일째에 다시 출금합니다."
    assert unanswered([retry], several) == several
