"""The phrase cues of :mod:`korean.roles`: words that mark a sentence as one customer's case
("확인해 보니", "말씀하신", "해당 주문") or as written for agents ("관리자 페이지", "상담 태그", "…팀
채널(#fraud-ops)에 공유합니다"). Kept apart from the morphology rules that use them; the
labelled sentences in ``eval/data/sentence_roles.jsonl`` measure both together."""

from __future__ import annotations

import re

__all__ = [
    "ADDRESS",
    "AGENT_LIMIT",
    "CASE_PHRASES",
    "CHECKED",
    "INTERNAL_LATE",
    "INTERNAL_PHRASES",
    "NEGATED_END",
    "TEAM_ASKED",
]

# "확인 결과 고객님 주문은 …" (what checking found for one customer), not "확인 결과는 7일 이내에
# 알림톡으로 안내합니다" (the result as the topic of a rule)
_CHECK_FOUND = (
    r"확인\s*해\s*보니|확인해\s*봤|(?:확인|조회)\s*결과(?!(?:는|가|를|도|에)\s)|"
    r"조회\s*해\s*보니|(?:확인|조회)\s*해\s*드(?:리니|린\s*결과|렸더니)|"
    r"(?:사진|영상|내역|기록|로그|화면|캡처)(?:을|를)?\s*(?:보니|봤더니|확인하니)|"
    # what this customer's record says: "시스템상으로는 이미 환불 완료로 …", "기록상 지난 3월에 …"
    r"(?:시스템|전산|기록|내역|조회\s*화면)상(?:으로는|으론|으로|에는|에서는)?\s|"
    r"살펴\s*보니|알아\s*보니"
)
# how a script addresses the one customer it answers: 고객님, and as shops, clinics, schools,
# carriers and landlords write it (손님, 회원님, 환자분, 학생분, 가입자님 …)
ADDRESS = (
    r"(?:고객님|고객분|손님|(?:회원|가입자|이용자|보호자|학부모|구매자|주문자|예약자|신청자|수강생|입주민|"
    r"승객|탑승객|투숙객|여행자|고객)(?:님|분)|(?:환자|학생)분)"
)
# "고객님 카드는 2개월 전에 발급된 카드라 …", "고객님의 회선이 …", "손님 좌석은 …", "가입자님 회선은
# …": what this customer's thing is
_CUSTOMERS_THING = ADDRESS + r"\s*(?:의\s*)?(?!본인|께|에게|께서)[가-힣]{1,6}(?<!께서)(?:은|는|이|가)\s"

CASE_PHRASES = re.compile(
    _CHECK_FOUND + "|"
    r"확인\s*되었|확인\s*됐|확인되네|확인되는데|확인되셨|확인돼요|확인됩니다|"
    r"말씀하신|문의하신|문의\s*주신|요청하신|주문하신\s*(?:상품|건|주문)|신청하신|"
    + ADDRESS
    + r"\s*(?:의\s*)?(?:주문|계정|적립금|쿠폰|결제|환불|배송|상품|건)|"
    + _CUSTOMERS_THING
    + "|"
    # "고객님께 적용되는 수수료율은 연 17.9%입니다": the rate, fee or limit set for this customer
    r"(?:고객|회원)님?(?:께|에게)\s*(?:적용|부과|청구|부여|책정|지급)(?:되는|된|될|되고|되어|돼)|"
    r"해당\s*(?:주문|건|상품|결제)|해당\s*[가-힣]{1,6}\s+건|"
    # "… 오류가 난 경우로 보입니다": a diagnosis of this customer's case
    r"(?:경우|건|것|문제|상황|상태|오류|장애)(?:인|이|으로|로)\s*보(?:입니다|여요|이네요|이는데|이며)|"
    r"이번\s*(?:주문|건|결제)|지금\s*주문|현재\s*주문|"
    r"방금|어제|오늘|내일|지금\s|지난달|지난주|저번\s*주|금일|\d{13}|\b건(?:입니다|이에요|이라|으로)|"
    # one customer's history and calendar: "지난번 진료 때 …", "다음 주 화요일이 접종 예정일이에요"
    r"지난번|저번에|(?:다음|이번|지난)\s*주\s*[월화수목금토일]요일|모레|"
    r"(?:고객|회원|가입자)님\s*앞으로|"
    # what the system shows for them: "… 상태로 조회됩니다", "… 남아 있는 걸로 나오네요"
    r"(?:로|으로)\s*조회(?:됩니다|돼요|되네요|되고|되며|되는데)|(?:걸로|것으로|거로)\s*"
    r"(?:나오네요|나옵니다|나와요|나와\s*있|조회(?:됩니다|돼요|되네요)|확인(?:됩니다|돼요|되네요|되었|됐))|"
    r"주문하신|받으신\s*(?:상품|주문)|상태라\s|상태이므로|상태여서|가능성이\s*있|[았었였]을\s*것|"
    r"이번\s|셨을\s*것|으셨겠|확인\s*되며|확인되어|예정입니다|예정이에요|"
    # "… 초기 불량이라 교환이 가능합니다": a judgement on one case
    r"(?:불량|이내|\s안|대상|기간|기한)(?:이)?라(?:서)?\s|"
    # "수령 10일째인 현재는", "배송완료일 기준 5일째라", "가입 4개월차라": this customer's count of
    # days or months ("5일째에도 … 않으면" is a rule)
    r"\d+\s*(?:일째|일차|주째|주차|개월\s*째|개월\s*차|년\s*째|년\s*차)"
    r"(?:인\s*(?:현재|지금|오늘)|(?:이)?라서?\s|(?:이)?어서\s|여서\s)|"
    # "… 비밀번호가 없는 계정입니다.": what this customer's account, order or card is
    r"(?:없는|있는|된|한|인)\s+(?:계정|주문|결제|카드)(?:입니다|이에요|예요)[.!]?\s*$"
)
INTERNAL_PHRASES = re.compile(
    # 티켓 as a helpdesk's record ("상담 티켓", "티켓에 메모", "티켓을 생성"), not a ticket a
    # customer buys ("모바일 티켓의 입장 QR은 … 표시됩니다": a concert or flight ticket)
    r"관리자\s*페이지|어드민|상담\s*태그|에스컬레이션|이관|내부\s*(?:메모|시스템)|"
    r"(?:상담|문의|CS|지원|헬프데스크)\s*티켓|티켓\s*(?:을|를)?\s*(?:생성|등록|병합|종결|할당|재오픈)|"
    r"티켓\s*(?:에|의)\s*(?:[\"'“][^\"'”]{1,40}[\"'”]\s*)?(?:메모|기록|태그|상태|담당|입력)|"
    r"담당\s*부서|CS\s*팀|\bVOC\s*(?:등록|접수|기록|:)|요망|바람\s*[.]?$|할\s*것\s*[.]?$|고객\s*(?:에게|께|한테)|"
    r"고객\s*요청으로|고객이\s*(?:원|요청|문의|말|재)|통화\s*(?:함|완료)|부재중|"
    r"상담원|상담사|상담자|팀장|고객\s*요청\s*:|답하지\s*말고|"
    # a superior reported to or approving ("… 관리소장에게 보고합니다", "… 지점장 확인 후 승인합니다")
    r"(?:지점장|관리소장|센터장|점장|상급자|책임자)(?:에게|께|의)?\s*(?:보고|확인|승인|결재)|채널\s*(?:\([^)]*\)\s*)?에\s*(?:[가-힣]+\s+)?공유|사내\s*메신저|"
    # a team chat channel ("전자금융사기대응팀 채널(#fraud-ops)에 공유합니다"): no customer reads it
    r"(?<![\w/&#])#[a-z][a-z0-9_]*-[a-z0-9_-]+|메모\s*(?:에|를|란|로)\s|(?:점|것|사실|[음함])을\s*(?:먼저\s*|함께\s*)?(?:안내|설명|알리|알려|고지)|(?:안내를|요청을|전달을)\s*(?:합니다|해요|한다)|안내\s*후\s|동의를\s*받|하도록\s*(?:도와|돕|안내|합니다|해요|한다)|(?:다고|라고|도록)\s*안내|안내\s*(?:바랍|부탁|요망)|고객\s*본인\s*확인|고객\s*(?:확인|동의)\s*(?:후|하에|를|을)"
)
# internal cues checked after the case cues (a past "…팀에 요청했습니다" is a case report): any team
# as the one asked or told ("결제CX팀에 … 공유하고", "상품품질팀에 … 등록합니다"; a team as the
# subject of what happens, "앱서비스팀이 … 분석합니다", is a fact for the customer), the wording
# agents paste ("공지 문구를 그대로 사용합니다", "… 공지 문구를 따릅니다") and the payment log only
# agents see ("… 부담 여부는 결제 로그로 판단합니다")
INTERNAL_LATE = re.compile(
    r"결제\s*로그|"
    # another article named as the rule to follow, which the customer cannot open: "환불 시점은
    # KB-003(환불 처리 가이드)를 따릅니다", "하자·오배송이면 KB-017, KB-018로 전환합니다"
    r"[A-Z]{2,}-\d+[\w-]*(?:\s*\([^)]*\))?\s*(?:문서|기준|참조|(?:을|를|에)\s*따|(?:으로|로)\s*전환)|"
    # ... or as where the agent looks or hands the case ("…은 GS-001을 참고합니다", "UM-006 절차로
    # 넘깁니다", "스캔 이후라면 PC-004로 연결합니다", "… PC-008에서 다룹니다")
    r"[A-Z]{2,}-(?:EN-)?\d+[\w-]*(?:의)?\s*(?:[가-힣]+\s+){0,3}?[가-힣]*?(?:을|를|에서|으로|로)\s*"
    r"(?:(?:함께|먼저|같이)\s*)?(?:참고|사용|다루|다룹|연결|넘기|넘깁)|"
    r"문구를\s*(?:그대로\s*)?(?:사용|따르|따릅|따라)"
)
# ... and a team asked or told, unless the sentence asks it of the customer ("자세한 사항은
# 고객지원팀에 문의해 주세요", "주민센터 복지팀에 신청하시면 됩니다")
TEAM_ASKED = re.compile(r"[가-힣A-Za-z]{0,8}팀\s*(?:에게|에(?!서)|으로|과\s|와\s)")
# what agents never or cannot do is a promise to every customer, not a note to the agent
AGENT_LIMIT = re.compile(r"상담(?:원|사|자)(?:은|는|이|가|도)\s")
NEGATED_END = re.compile(r"(?:않|없)(?:습니다|아요|어요)\s*[.!]?\s*$")

# what was checked or done for one customer, said to them ("확인해 보니 고객님 계정은 …", "고객님
# 건은 제가 모레 오전으로 다시 예약해 드렸습니다"): a 상담 스크립트 answer that says so goes on from
# that case. Narrower than CASE_PHRASES, whose time words (지금, 이번, 예정입니다) also mark rules
# said in a case's words ("결제 화면 종료 현상은 현재 … 확인되어 수정 중입니다")
CHECKED = re.compile(
    _CHECK_FOUND + "|" + _CUSTOMERS_THING + "|" + r"드렸(?:습니다|어요|고|으며|으니)|요청하신\s*대로"
)
