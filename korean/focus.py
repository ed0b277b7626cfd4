"""Question focus: what an inquiry asks for (기간, 방법, 가능 여부, 비용, 이유, 한도, 시점 …).

Two inquiries can share every noun and still ask different things: "적립금 유효기간이 얼마나
돼요?" asks for a period, "반품했는데 적립금은 어떻게 돼요?" for what happens. The focus of the
question is read from its interrogative cues; a candidate answer sentence *serves* a focus when it
carries the kind of information that focus needs (a duration for 기간, an amount for 비용 …).
Korean and English cues; both sides are plain regular expressions, measured through the answer
safety eval (``kms eval safety``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "ASKED",
    "FOCI",
    "asked_for",
    "bare_reply",
    "closing_request",
    "question_focus",
    "serves",
    "unanswered",
]

# "how much notice / time / longer / in advance" asks for a time, not money ("How much notice do I
# need to give to cancel?" was read as a cost question, and "30 days' notice" as no answer to it)
_TIME_AFTER_HOW_MUCH = r"(?:notice|time|longer|earlier|later|in advance|advance notice)\b"
_HOW_MUCH_TIME = r"\bhow much " + _TIME_AFTER_HOW_MUCH
_HOW_MUCH_MONEY = r"\bhow much\b(?! " + _TIME_AFTER_HOW_MUCH + ")"

# whether it costs money, in everyday words ("돈 더 내야 하나요?", "재발급 돈드나요", "다시 오면
# 돈내야되요?", "재배송 또 해달라하면 돈받음??": the last sent at 0.86 on a fresh courier KB with the
# address-change rule, which says nothing of a fee); not money that comes back ("돈 언제
# 들어와요?", "돈 돌려받을 수 있나요?")
_COSTS_MONEY = (
    r"돈(?:을|이|은)?\s*(?:하나도\s*|더\s*|또\s*|따로\s*|추가로\s*)?(?:안\s*)?"
    r"(?:내야|들어요|들어\s*[?？]|드나|드냐|들까|나가(?:나|요|냐|여)|나감|받(?:음|나요|나여|아요|냐)(?=\s*[?？]))"
)

# focus -> (question cues, answer-sentence cues)
_CUES: dict[str, tuple[str, str]] = {
    "period": (
        r"언제|며칠|몇\s*일|몇\s*시|몇\s*달|몇\s*년|몇\s*개월|얼마\s*동안|얼마나\s*(?:걸|기다|오래|가|유지|남|돼|되|있)|"
        r"기간|유효\s*기간|까지\s*(?:인|이|가능|돼|되|해야|하면)|소요|오래\s*걸|걸리|지나면|"
        r"how long|how soon|when|until|what time|how many days|deadline|expire|" + _HOW_MUCH_TIME,
        # 전/후, 안에 and 바로 only as words of time: not 매출전표, 전화, 후기, 박스 안에, 바로마켓
        r"\d+\s*(?:일|년|개월|달|시간|분|주|영업일|시)|까지|이내|"
        r"(?:일|주|달|개월|시간|분|년|오늘|내일|당일)\s*안에|(?<![가-힣])(?:후|전)(?:에|까지|부터|으로)?(?![가-힣])|"
        r"즉시|당일|익일|바로(?![가-힣])|"
        r"매월|매일|평일|주말|영업일|\b\d+\s*(?:days?|hours?|weeks?|months?|years?|minutes?)\b|"
        r"\bwithin\b|\bimmediately\b|\bbusiness days?\b|"
        # English 매월/매일/주말 and dates: "on the 12th of each month", "weekdays 9 a.m.", "in March"
        # (not "may": the modal)
        r"\b(?:each|every) (?:day|week|month|year|morning|evening|night)\b|"
        r"\b(?:daily|weekly|monthly|yearly|annually|weekdays?|weekends?)\b|\b\d{1,2}(?:st|nd|rd|th)\b|"
        r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|"
        r"\b(?:january|february|march|april|june|july|august|september|october|november|december)\b",
    ),
    "method": (
        r"어떻게|어케|어캐|어떡|방법|어디서|어디에서|어디로|어디에|하는\s*법|하려면|절차|순서|"
        r"how (?:do|can|to|should)|where (?:do|can)|what should i do|steps?",
        r"주세요|하세요|하시면|누르|선택|버튼|메뉴|>|통해|에서\s|방법|신청|입력|로그인|들어가|"
        r"\bplease\b|\bgo to\b|\btap\b|\bclick\b|\bselect\b|\bopen\b|\bvia\b|\buse\b|\bcontact\b",
    ),
    "possible": (
        r"될까요|되나요|되나|되요\?|돼요\?|돼\?|되\?|되죠|됩니까|가능|할\s*수\s*있|수\s*있나|수\s*있어요\?|괜찮|"
        r"하나요\?|해도|(?:아|어|여)도\s*(?:돼|되|됨|됌|될)|(?<!야)(?<!야\s)(?:됨|됌)\?|되냐|돼여|되여|수\s*잇|"
        r"\bcan i\b|\bcan you\b|\bis it possible\b|\ballowed\b|\bam i able\b|"
        r"\bdo you (?:ship|accept)\b",
        r"가능|불가|수\s*있|수\s*없|안\s*돼|안\s*됩|않습니다|않아요|없습니다|없어요|돼요|됩니다|제외|"
        r"\bcan\b|\bcannot\b|\bcan't\b|\bnot (?:possible|available|allowed)\b|\bonly\b",
    ),
    "cost": (
        r"얼마(?!\s*(?:나|동안))|비용|수수료|요금|배송비|택배비|왕복|편도|부담|무료|유료|돈\s*(?:더\s*|또\s*)?(?:내|들)|"
        + _COSTS_MONEY
        + "|"
        + _HOW_MUCH_MONEY
        + r"|\bfee\b|\bcost\b|\bcharge|\bprice\b|\bfree\b",
        r"\d[\d,]*\s*원|무료|부담|수수료|배송비|차감|\bfree\b|\bfee\b|\$\s*\d|\bcharged?\b|\d+\s*%",
    ),
    "reason": (
        r"왜|이유|어째서|원인|무슨\s*일|(?:뭐|머|무엇)가\s*문제|\bwhy\b|\breason\b",
        r"때문|이라서|이어서|라서|므로|위해|경우|거절|초과|부족|만료|\bbecause\b|\bsince\b|\bdue to\b|\bif\b",
    ),
    "limit": (
        r"한도|최대|최소|몇\s*(?:장|개|번|회|%|퍼)|얼마까지|제한|"
        r"\blimit\b|\bmaximum\b|\bminimum\b|\bhow many\b",
        r"최대|최소|까지|이상|이하|\d+\s*(?:장|개|번|회|%|만\s*원)|"
        r"\blimit\b|\bup to\b|\bat most\b|\bat least\b",
    ),
}
FOCI = tuple(_CUES)
_Q = {name: re.compile(q, re.IGNORECASE) for name, (q, _) in _CUES.items()}
_A = {name: re.compile(a, re.IGNORECASE) for name, (_, a) in _CUES.items()}


def question_focus(question: str) -> frozenset[str]:
    """The foci an inquiry asks for (empty when it only states a problem)."""
    return frozenset(name for name, rx in _Q.items() if rx.search(question))


def serves(sentence: str, focus: frozenset[str]) -> float:
    """Share of the question's foci that the sentence carries information for (0.5 when no focus)."""
    if not focus:
        return 0.5
    return sum(1 for name in focus if _A[name].search(sentence)) / len(focus)


# Asked for outright: a time or duration ("언제", "며칠", "얼마나 걸려요", "how long"), a fee or
# cost ("수수료 있어요?", "누가 부담해요?", "how much does it cost") or a quantity ("얼마인가요":
# an amount of money, days or hours). Narrower than the question cues above ("기한이 지나면 어떻게
# 돼요?" asks what happens, "언제든 취소돼요?" whether, "비용 지원은 어디서 신청해요?" where): an
# answer to these that carries no time, amount or number does not answer the question, however
# well its words match. On the sample KB safety set, the confident answers to such period
# questions that held no time were 6 of 32 and none stated what was asked (3 cited the wrong
# section; 3 the right one with an apology, a neighbouring step or a rule without the number).
# a sum of money or a rate, or that there is none ("how much is the fee?" is answered by these)
_SUM = (
    r"\d[\d,.]*\s*(?:만|억|천|백)?\s*(?:원|won|krw|달러|\$|%|퍼센트)|\$\s*\d|무료|"
    r"\bfree\b|\bno (?:fee|charge|cost)\b"
)
_AMOUNT = _SUM + r"|전액"
# "… 없습니다" says there is no fee only where it speaks of one: "이미 한 번 바꾸신 건은 다시
# 변경하실 수 없습니다" is no answer to "재배송 또 해달라하면 돈받음??" (sent at 0.86)
_NO_FEE = r"(?:비용|수수료|요금|운임|돈|추가|별도|따로)[^.?!]{0,25}(?:없|않)(?:습니다|어요|음|아요)"
# the counters of "how many" (몇 개, 몇 장, 몇 번 …) and of a count in words (두 장, 세 번)
_COUNTERS = r"(?:개|장|번|회|명|대|건|가지|군데|매)"
# how much a sum of money is: a money noun (연회비, 수수료, 위약금, 보험료, 부가세, 잔액, 가격 …)
# before 얼마 ("가족카드 발급하면 연회비는 얼마예요?", sent at 0.98 on a fresh card KB with how the
# annual fee is refunded, "… 365로 나눈 금액이며 …"): only a sum, a rate or "no fee" answers it, not
# any number; 얼마나 (how long, how much more) and 얼마까지 (a limit) ask other things
_MONEY_HOW_MUCH = (
    r"(?:[가-힣]*(?:비|료|금|세|액)|이자|가격|값)(?:은|는|이|가|도)?\s*(?:총\s*|대략\s*|보통\s*)?"
    r"얼마(?!\s*(?:나|동안|까지|든지))"
)
# the kinds of counter a count is given in: "몇 장" is answered by so many 장 or 매, not by "1회
# 재발급" (sent at 0.89 on a fresh delivery-app KB to "쿠폰은 하루에 몇 장까지 다운로드할 수 있나요?");
# 분 is left out (2분 is two minutes)
_COUNTER_KINDS: dict[str, str] = {
    "개": "개|가지|건|종|곳|군데",
    "가지": "개|가지|건|종",
    "건": "개|가지|건",
    "장": "장|매",
    "매": "장|매",
    "번": "번|회|차례",
    "회": "번|회|차례",
    "명": "명|인",
    "대": "대",
    "군데": "군데|곳",
}
_WORD_NUMBERS = r"(?:\d[\d,]*|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|스무|하나|둘|셋)\s*"
_NO_LIMIT = r"무제한|제한\s*(?:이|은)?\s*없|제한하지"
# what follows a count of time asked for ("몇 분 이내에", "몇 시간 전에"), and a time in seconds,
# minutes or hours (or at once) that answers it
_AFTER_A_TIME = "동안|안에|이내|내에|내로|전|후|뒤|만에|이나|정도|쯤"
_WITHIN_HOURS = r"\d+\s*(?:초|분(?![의할실류석])|시간)|즉시|바로|곧바로"
_ASKED: dict[str, tuple[str, str]] = {
    "period": (
        r"언제(?!\s*든)|며칠|몇\s*(?:일|시|시간|달|년|개월|주)(?![가-힣])|"
        # ... and how often ("몇 년마다 교체해야 하나요?", "얼마나 자주", "how often")
        r"몇\s*(?:일|시|시간|달|년|개월|주)(?:이|가|을|를|나|만|정도|쯤|째|까지|에|부터|안|후|뒤|전|마다)|"
        r"얼마\s*동안|얼마나\s*(?:걸|기다|오래|유지|남)|얼마나\s*자주|\bhow often\b|"
        r"^\s*when\b|\bwhen (?:will|can|do|does|did|is|are|should|would)\b|\bhow (?:long|soon)\b|"
        r"\buntil when\b|\bwhat time\b|\bhow many (?:days|hours|weeks|months)\b|" + _HOW_MUCH_TIME,
        _CUES["period"][1]
        + r"|\d+\s*월|다음\s*(?:날|달|주|해|결제일|영업일|회차)|익월|당월|말일|월말|월초|오전|오후|자정|새벽|"
        r"매년|매주|격주|연중|상시|수시|분기|반기|\d{1,2}:\d{2}|이후|이전|부터|"
        r"\buntil\b|\bbefore\b|\bafter\b|\btoday\b|\btomorrow\b|\banytime\b|\bany time\b|"
        r"\bnext (?:day|week|month|business day)\b",
    ),
    # how long something takes ("얼마나 걸려요?", "며칠이나 걸려요?", "how soon will I know?"): a
    # deadline or a clock time ("until the order leaves the warehouse (cut-off 2 p.m.)") is not
    # how long; only a duration answers it ("더 오래 걸리나요?" asks whether, and "… 전체 환불과
    # 같습니다" answers it)
    "duration": (
        r"얼마\s*동안|얼마나\s*(?:걸|기다|오래)|(?:며칠|몇\s*(?:일|시간|분|초|주|개월|달))\s*"
        r"(?:이나|정도|쯤|만에|걸|후|뒤|안에|내로|동안|이면|지나)|"
        r"\bhow (?:long|soon)\b|\bhow many (?:days|hours|weeks|months|minutes|seconds)\b|" + _HOW_MUCH_TIME,
        r"\d+(?:\s*[~-]\s*\d+)?\s*(?:일|년|개월|달|시간|분|초(?!과)|주|영업일)|이내|내로|만에|즉시|당일|익일|"
        # 안에 only after a time word, as for the period cue ("박스 안에" is not "within")
        r"(?:일|주|달|개월|시간|분|년|오늘|내일|당일)\s*안에|"
        r"바로(?![가-힣])|\bwithin\b|\bimmediately\b|\binstantly\b|\bsame day\b|"
        r"\d+(?:\s*[-–]\s*\d+)?\s*(?:business |working )?(?:days?|hours?|minutes?|seconds?|weeks?|months?)\b",
    ),
    "cost": (
        r"(?:비용|수수료|요금|배송비|택배비)(?:은|는|이|가|도)?\s*(?:얼마|있|없|들|붙|나와|나오|내야|부과|청구|누가)|"
        # ... and who pays it, with the payer said ("오배송 받았는데 택배비 제가 내요?", sent at 0.88
        # on the sample KB with the kinds of wrong delivery, not that the company pays)
        r"(?:비용|수수료|요금|배송비|택배비|반품비|교환비|운임|위약금)(?:은|는|이|가|도)?\s*"
        r"(?:제가|내가|저희가|고객이|구매자가)\s*(?:다\s*)?(?:내|물|부담)|" + _MONEY_HOW_MUCH + "|"
        r"누가\s*(?:내|부담)|부담(?:은|는)?\s*누가|(?:제가|고객이|저희가)\s*부담|"
        + _COSTS_MONEY
        + "|"
        + _HOW_MUCH_MONEY
        + r"|\bis there (?:a|any) (?:fee|charge|cost)\b|"
        r"\bwhat(?:'s| is| are) the (?:fee|cost|charge)s?\b|"
        r"\bdo you charge\b|\bwill i be charged\b|\bdoes it cost\b|\bwho pays\b|"
        # "Does MediNest charge a fee when …?", "Are there any fees for …?"
        r"\b(?:do|does|will|would) (?:\w+ ){1,2}charge\b|\bcharge (?:a|an|any) (?:extra )?fee\b|"
        r"\bare there (?:any )?(?:extra )?(?:fees|charges)\b",
        _CUES["cost"][1] + "|" + _AMOUNT + "|" + _NO_FEE + r"|\bno\b",
    ),
    # how much a sum of money is (_MONEY_HOW_MUCH): a sum, a rate or "no fee" answers it, not
    # 전액/차감/부담 ("… 연회비 전액을 돌려줍니다", "취소된 연회비는 다음 결제일에 차감됩니다" beside
    # the refund formula had answered "가족카드 발급하면 연회비는 얼마예요?" at 0.98 on a fresh card
    # KB that never states the fee)
    "sum": (
        _MONEY_HOW_MUCH,
        _SUM + "|" + _NO_FEE,
    ),
    "quantity": (
        # ... and how much cheaper or dearer ("일반 좌석보다 얼마나 싸게 파나요?", "얼마나 할인되나요?"):
        # an amount or a rate answers it, not how the seats are marked
        r"얼마(?!\s*(?:나|동안|까지|든지))|"
        r"얼마나\s*(?:더\s*)?(?:싸|싼|비싸|비싼|저렴|할인|깎|차이|아끼|아낄|절약)",
        r"\d|" + _AMOUNT + r"|없(?:습니다|어요|음)",
    ),
    # how many seconds or minutes ("OTP 인증번호는 몇 초 동안 유효한가요?", answered at 0.97 on a
    # fresh bank KB with "인증서의 유효기간은 3년"): a time in seconds, minutes or hours, not in
    # days or years (몇 분 before 이/가/까지 may be how many people, 분 as honorific: not asked here)
    "minutes": (
        r"몇\s*(?:초|분)(?:\s*(?:" + _AFTER_A_TIME + r")|(?![가-힣]))",
        _WITHIN_HOURS + r"|\b(?:seconds?|minutes?|hours?)\b",
    ),
    # a rate ("작가님 후원하면 작가님한테 실제로 몇 퍼센트 들어가요?", sent at 0.995 on an unseen
    # webtoon KB with the minimum and daily limit of a donation, "What percentage …?"): only a
    # percentage or a fraction answers it
    "rate": (
        r"몇\s*(?:퍼센트|%|프로(?![가-힣]*(?:그램|모션|필)))|(?:비율|퍼센트|수수료율|적립률|할인율)(?:은|는|이|가)?\s*"
        r"(?:얼마|몇|어떻게)|\bwhat (?:percentage|percent|share|portion|fraction)\b|\bhow many percent\b",
        r"\d+(?:\.\d+)?\s*(?:%|퍼센트|프로(?![가-힣]))|절반|전액|전부|\d+\s*분의\s*\d+|\bpercent\b|\bhalf\b|"
        r"\ball of\b|\bnone of\b|\bfull\b",
    ),
    # how many hours ("우천 취소 여부는 경기 몇 시간 전에 결정되나요?", answered at 1.00 on a fresh
    # ticketing KB with "경기 시작 전 우천 취소는 전액 자동 환불됩니다"): a number of hours, minutes or
    # days, or a day word, answers it; a bare 전/후 does not
    "hours": (
        r"몇\s*시간(?:\s*(?:" + _AFTER_A_TIME + r"|마다)|(?![가-힣]))",
        _WITHIN_HOURS
        + r"|\d+\s*(?:일|영업일)|하루|이틀|전날|당일|익일|자정|\b(?:seconds?|minutes?|hours?|days?)\b",
    ),
    # how many ("결제 수단은 몇 개까지 등록할 수 있나요?", "How many cards can I add?"): a count, in
    # digits or words, or that there is no limit; which methods can be registered is no answer
    "count": (
        # not a count inside a clause of what is checked ("긴급출동 몇번 남았는지 어케봄?" asks how)
        # or of circumstance ("초기 불량이라 몇 개만 반품하는데 … 배송비를 빼나요", "몇 번이나
        # 전화했는데 …"): those ask something else
        r"몇\s*" + _COUNTERS + r"(?:까지|이나|나|를|을|가|이|정도|쯤|씩)?(?![가-힣])"
        r"(?![^?.!]{0,25}(?:는지|은지|인지|는데|은데|었는데|았는데|였는데|지만))"
        # nor in a sentence that tells, ended by a full stop ("받은 책 중간에 몇 장이 빠져 있고
        # 인쇄가 번져 있어요. 새 책으로 받을 수 있나요?" asks whether)
        r"(?![^?!]*\.(?!\d))|"
        r"\bhow many\b(?! (?:days|hours|weeks|months|years|minutes|seconds)\b)",
        r"\d|(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|몇)\s*" + _COUNTERS + r"|"
        r"하나|둘|셋|" + _NO_LIMIT + "|"
        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|once|twice|unlimited|no limit|any number)\b",
    ),
    # whether more than one can be had or used at once ("배송지 여러 개 등록할 수 있어요?", "자동이체
    # 출금 계좌를 두 개 등록해서 … 나눠 빠져나가게 할 수 있나요?", the second sent at 0.86 on a
    # fresh gas KB with the payment methods): a count in a counter, "no limit" or a sentence on
    # more than one (여러, 복수, 중복, 동시에, 하나만, 각각, 함께) answers it, not a count of days
    "several": (
        r"(?:여러|두|세|네|[2-9])\s*" + _COUNTERS + r"(?:를|을|씩|나|도|까지|이상)?\s+[^?.!]{0,20}"
        r"(?:등록|쓸|써|사용|같이|함께|동시|합쳐|중복|만들|걸어|걸|받)[^?.!]{0,25}"
        r"(?:수\s*(?:있|잇)|되나|돼요|되요|됨|가능|나요)",
        _WORD_NUMBERS + _COUNTERS + "|" + _NO_LIMIT + r"|여러|복수|중복|동시에|하나만|각각|함께|같이",
    ),
    # how to reach someone ("고객센터 전화번호 알려주세요", "What's your support email?"): a phone
    # number, an e-mail address or a web address answers it, not the opening hours beside them
    # (sent at 0.92 on the sample KB with the chat hours first and the number third)
    "contact": (
        r"(?:전화\s*번호|연락처|대표\s*번호|상담\s*번호|센터\s*번호|이메일\s*주소|메일\s*주소|팩스\s*번호)"
        r"(?:은|는|이|가|을|를|도)?\s*(?:좀\s*)?(?:알려|가르쳐|뭐|몇\s*번|어떻게\s*되|어디|궁금)|"
        r"\bwhat(?:'s| is) (?:your|the) (?:phone|telephone|contact|support|customer service) "
        r"(?:number|line|e-?mail(?: address)?)\b|\bwhat(?:'s| is) your (?:e-?mail(?: address)?)\b|"
        r"\bhow (?:do|can) i (?:call|phone|e-?mail) you\b|"
        r"\b(?:what|which) (?:fax|phone|telephone|contact|support) (?:number|line|e-?mail(?: address)?)\b",
        r"\d{2,4}-\d{3,4}(?:-\d{4})?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://|www\.",
    ),
    # a promotion in a period to come ("올해 하반기에도 쿠폰 행사가 있나요?", "다음 달에도 세일해요?"):
    # the articles describe the promotions that run now; only a sentence that says when they run
    # (상시, 매년, 매월, 하반기, 11월 …) answers whether one will run then
    "future": (
        r"(?:올해|내년|다음\s*(?:달|주|해|시즌|번)|하반기|상반기|연말|연초|추석|설날|명절|블랙\s*프라이데이)"
        r"(?:에도|에는|에|도)?\s*[^?.!]{0,30}(?:행사|이벤트|프로모션|세일|특가)|"
        r"\b(?:next|this coming) (?:month|year|season|week)\b[^?.!]{0,30}\b(?:sale|promotion|event)s?\b|"
        r"\b(?:sale|promotion|event)s?\b[^?.!]{0,30}\b(?:next|this coming) (?:month|year|season|week)\b|"
        r"\bblack friday\b",
        r"상시|연중|매년|매월|매주|매일|항상|정기적|하반기|상반기|연말|\d+\s*월|"
        r"\balways\b|\bevery (?:year|month|week)\b|\ball year\b|\bpermanent",
    ),
    # a recommendation ("선물로 뭐가 좋을까요?", "맛집 추천해 주세요"): a knowledge base of rules and
    # procedures answers it only where a sentence itself recommends; otherwise it is an opinion
    # nobody wrote down, and a policy that shares its nouns is not an answer
    "advice": (
        # 추천 as a request (추천해 주세요, 추천 좀, 추천할 만한), not a noun's modifier (추천 주차
        # 장소, 친구 추천 포인트) nor a referrer (추천인)
        r"추천(?=\s*(?:해\s*(?:주|줘|줄|드|봐|달)|좀|부탁|받|바랍|할\s*만|하는|하시는|드려|드립|요|[?？]|$))|"
        r"(?:뭐가|뭘|무엇이|어떤\s*(?:게|것이|걸|거|상품이|제품이))\s*(?:제일\s*|가장\s*|더\s*)?(?:좋|나을|낫|괜찮)|"
        r"골라\s*주|\brecommend|\bsuggest (?:a|some|something)\b|\bwhat (?:should i|to) (?:buy|get|choose)\b|"
        r"\bwhich (?:one )?is (?:the )?better\b",
        r"추천|권장|권해|\brecommend",
    ),
}
ASKED = tuple(_ASKED)
_ASKED_Q = {name: re.compile(q, re.IGNORECASE) for name, (q, _) in _ASKED.items()}
_ASKED_A = {name: re.compile(a, re.IGNORECASE) for name, (_, a) in _ASKED.items()}


_HOW_MANY = re.compile(r"몇\s*(" + _COUNTERS + ")")
_COUNTED = {
    kind: re.compile(_WORD_NUMBERS + r"(?:" + counters + r")|" + _NO_LIMIT)
    for kind, counters in _COUNTER_KINDS.items()
}


def asked_for(question: str) -> frozenset[str]:
    """What the inquiry asks for outright (:data:`ASKED`: a time, a cost, a quantity, a promotion
    to come, a recommendation), if anything. A count asked with a counter ("몇 장까지") also
    names its kind (``count:장``): only a count in that kind of counter answers it."""
    out = {name for name, rx in _ASKED_Q.items() if rx.search(question)}
    if "count" in out:
        for m in _ASKED_Q["count"].finditer(question):
            how_many = _HOW_MANY.match(m.group())
            if how_many:
                out.add("count:" + how_many.group(1))
    return frozenset(out)


# the situation a sentence answers, before its colon ("시야제한석인 줄 몰랐다며 무료 취소를 요청하는
# 경우: 결제 전 안내 문구가 나옵니다"): what it names is the customer's case, not the answer (its
# "무료" had answered "얼마나 싸게 파나요?" on a fresh ticketing KB)
_SITUATION = re.compile(r"^[^:：]{2,60}(?:경우|때|요청|문의|주장|불만|상황|\bwants? to\b[^:]*)\s*[:：]\s+")


def _carries(name: str, text: str) -> bool:
    text = _SITUATION.sub("", text)
    if name.startswith("count:"):
        return bool(_COUNTED[name.split(":", 1)[1]].search(text))
    return bool(_ASKED_A[name].search(text))


def unanswered(texts: Sequence[str], asked: frozenset[str]) -> frozenset[str]:
    """The foci of ``asked`` that none of ``texts`` (an answer's sentences) carries."""
    return frozenset(name for name in asked if not any(_carries(name, t) for t in texts))


# a bare reply ("네, 가능합니다.", "아니요.", "Yes.") says only yes or no to the question it was
# written for: a 상담 스크립트 answer's opener, left out where the inquiry is another question
# ("착불로 보내면 수수료가 추가되나요?" had got "네, 가능합니다." first, then the fee, on a fresh
# courier KB whose script asked whether cash on delivery is possible)
_BARE_REPLY = re.compile(
    r"^\s*(?:(?:네|예|아니요|아니오)\s*[,.]?\s*(?:(?:신청|변경|취소|이용|사용)?\s*(?:가능합니다|가능해요)|"
    r"됩니다|돼요|안 됩니다|안 돼요|불가능합니다|불가합니다|그렇습니다|맞습니다)?|"
    r"(?:yes|no)(?:,\s*(?:you can|it is|it does|we do|you do|you can't|it isn't|it doesn't|we don't))?)"
    r"\s*[.!]?\s*$",
    re.IGNORECASE,
)


def bare_reply(sentence: str) -> bool:
    """The sentence is only a yes or a no (with at most "가능합니다"/"됩니다"/"you can")."""
    return bool(_BARE_REPLY.match(sentence))


# a closing request ("그래도 같은 증상이면 다시 말씀해 주십시오.", "진행 중 막히는 부분이 있으면 말씀해
# 주시기 바랍니다.", "If it happens again, let us know."): how a 상담 스크립트 answer ends, asking
# the customer to come back; it answers nothing on its own and never leads an answer
_CLOSING = re.compile(
    r"(?<![을를]\s)(?<![을를])(?:다시\s*)?(?:말씀|연락|문의)(?:해|하여)?\s*(?:주세요|주십시오|주시기\s*바랍니다|주시면\s*됩니다)\s*[.!]?\s*$|"
    r"\b(?:let us know|contact us|get in touch|reach out)\b[^.!?]{0,30}[.!]?\s*$",
    re.IGNORECASE,
)


def closing_request(sentence: str) -> bool:
    """The sentence ends by asking the customer to tell or contact us (again)."""
    return bool(_CLOSING.search(sentence))
