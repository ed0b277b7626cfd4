"""Detectors of who a customer is: @handles, personal names in address forms, order and
customer references.

- handle ``@user_123`` (not an e-mail: e-mails win the overlap). Articles keep handles (a
  company's own account).
- name, only where the text addresses or labels a person, so common nouns never match:
  ``김민수 고객님``, ``김민수님``, ``홍길동 님``, ``홍길동 회원님``, ``김민수 씨``, ``예금주 홍길동``,
  ``성함: 이지은``; ``Mr. Smith``, ``Ms Jane Doe``, ``Dear John,``. A Korean name is a common
  surname plus one to three syllables (three syllables in all when it stands apart from the
  address word), and never a role word (상담사님, 고객님, 담당자님, 팀장님, 기사님 ...). Only the
  name is replaced: ``[이름] 고객님``.
- order ``주문번호 2024-12345``, ``주문번호: A1234567``, ``order #12345``, 송장/운송장, 예약(번호),
  예매번호, 결제, 거래, 접수번호, 영수증 (번호), 증권번호, 티켓번호 (``번호`` apart or joined); an
  app store's order or receipt number after its label (``영수증 번호 GPA.3371-2290-1183-55210``);
  customer ``고객번호``, ``회원번호``, ``고객 ID``, ``UID``, ``유저 ID``, ``계정 ID``, ``플레이어 ID``,
  ``customer id``, ``member no``, ``account id``. The reference needs four digits; the label is
  kept: ``주문번호 [주문번호]``.
- a Korean name in Latin letters (``HONG GIL DONG``, ``KIM MINSU``; mixed case after 영문명 or
  여권): :mod:`korean.pii.romanized`.
- a booking or case code written on its own: two to five capital letters and six or more digits
  as one word (``HT4412007 예약 취소``, ``ICNKE12345``); a model name ends in letters or has a
  dash (``OLED65C1``, ``SM-G998N``) and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from korean.pii.romanized import find_romanized_names
from korean.pii.spans import Candidate, digits

__all__ = ["COMPOUND_SURNAMES", "SURNAMES", "find_identities"]

_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,29}(?<!\.)")

SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현"
    "함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국은편용예경봉사부가복태목형계피두감음빈동온호범"
    "좌팽승간상갈탁어"
)
COMPOUND_SURNAMES = "남궁|황보|제갈|선우|독고|사공|서문|동방"
_ROLES = frozenset(
    """고객 회원 손님 사장 회장 원장 실장 팀장 부장 과장 차장 국장 소장 점장 반장 학장
    총장 관장 기장 선장 대장 주인장 이사 상무 전무 대리 주임 사원 직원 의원 위원 교수
    박사 목사 선생 기사 상담사 상담원 변호사 세무사 노무사 간호사 약사 의사 판사 검사
    도사 전도사 담당자 관리자 운영자 사용자 이용자 구매자 판매자 주문자 신청자 문의자
    작성자 보호자 가입자 당첨자 수령인 수취인 예금주 명의자 작가 감독 기자 선수 배우
    가수 코치 선배 후배 매니저 대표 대표자 사모 고모 이모 부모 형수 제수 조카 성도
    신도 장로 권사 집사 스님 신부 수녀 하느 주인 임금 공주 왕자 도련 서방 어머 아버
    할머 할아버 택배 배송 파트너 셀러 입점사 업체 사업자 총무 실무자 개발자 여러분 신규
    기존 우수 일반 모든 해당 방문 문의 구매 주문 가입 탈퇴 휴면 정회원 준회원 개인
    법인 외국인 내국인 미성년자 본인 상대방 가족 보호 선생 강사 원생 학생 학부모 교사
    선임 책임 수석 전임 상임 주무관 공무원 경찰 소방관 군인 기관 고객사 협력사 거래처""".split()
)
_ADNOMINAL = tuple("한된던는할될을의에로와과를")
_PARTICLES = tuple("는이가을를의에도만로와과한된던할")
# what follows a label word when no name does ("예금주 이름은", "수령인 정보를", "명의 변경")
_LABEL_STOP = tuple(
    "이름 정보 명의 변경 주소 연락 성명 전화 계좌 은행 서명 신분 상호 사업"
    " 정확 동일 일치 본인 확인 정정 기재 입력 등록 표시 조회 문의 번호 변동".split()
)
_HANGUL = "가-힣"
_NAME = rf"(?:(?:{COMPOUND_SURNAMES})[{_HANGUL}]{{1,2}}|[{SURNAMES}][{_HANGUL}]{{1,3}})"
# 김민수님, 김민수고객님, 김민수 님, 김민수 고객님, 김민수 씨
_ADDRESSED = re.compile(
    rf"(?<![{_HANGUL}\[])({_NAME})(?:(?:[ \t]?(?:고객|회원)?님)|(?:[ \t]씨(?![{_HANGUL}]{{2}})))"
)
_LABELS = (
    "고객명|고객 ?이름|이름|성함|성명|예금주|수령인|수취인|받는 ?분|보내는 ?분"
    "|주문자|신청인|신청자|명의자|가입자|보호자|작성자|구매자|받는 ?사람|보내는 ?사람"
    "|입금자명|입금자|예약자명"
)
# labels only ever followed by a name (not 보호자 계정으로, 보내는 분 부담으로, 명의자 사망으로)
_NAME_ONLY = ("입금자명", "입금자", "예약자명", "예금주", "성함", "성명", "고객명", "이름")
_LABELLED = re.compile(rf"(?<![{_HANGUL}\[])(?:{_LABELS})[ \t]*[:：]?[ \t]*(?!(?:{_LABELS}))({_NAME})")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+([A-Z][a-z]+(?:[ \t-][A-Z][a-z]+)?)\b")
_GREETED = re.compile(
    r"\b(?:Dear|Hi|Hello|Hey|Thanks|Thank you)[ \t]+([A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)(?=[ \t]*(?:[,!:\n]|$))"
)
_NOT_NAMES = frozenset(
    "Team All There Everyone Customer Customers Sir Madam Support Friend Friends Valued Guest Guests Again "
    "Agent Manager Admin Folks Both You".split()
)

_NO = r"(?:[ \t]?번호)"  # 주문번호, 주문 번호
_ORDER_LABEL = (
    rf"주문{_NO}?|예약{_NO}?|예매{_NO}|결제{_NO}|거래{_NO}|접수{_NO}|운송장{_NO}?|송장{_NO}?|반품{_NO}"
    rf"|교환{_NO}|영수증{_NO}?|증권{_NO}|티켓{_NO}|승인{_NO}"
    r"|\border(?:[ \t]?(?:no\.?|number|id))?|\binvoice(?:[ \t]?(?:no\.?|number))?"
    r"|\btracking(?:[ \t]?(?:no\.?|number))?"
    r"|\bbooking(?:[ \t]?(?:no\.?|number|id))?|\breservation(?:[ \t]?(?:no\.?|number))?"
)
_CUSTOMER_LABEL = (
    r"고객번호|회원번호|(?:고객|회원|유저|계정|플레이어|캐릭터)[ \t]?(?:ID|아이디|번호)"
    r"|멤버십[ \t]?번호|가입번호|\bUID\b|\bcustomer[ \t]?(?:no\.?|number|id|#)"
    r"|\bmember(?:ship)?[ \t]?(?:no\.?|number|id|#)"
    r"|\buser[ \t]?id|\baccount[ \t]?(?:no\.?|number|id|#)|\bplayer[ \t]?id"
)
# a reference: up to six letters, then digits, letters and inner dashes or dots (GPA.3371-2290-...)
_REF = r"([A-Za-z]{0,6}[-.]?\d[0-9A-Za-z]*(?:[-.][0-9A-Za-z]+)*)(?![0-9A-Za-z_\-])"
_ORDER = re.compile(
    rf"(?<![{_HANGUL}\[])(?:{_ORDER_LABEL})(?:[ \t]+(?:number[ \t]+)?(?:is|was))?"
    rf"[ \t]*(?:[:：][ \t]*)?#?[ \t]*{_REF}",
    re.IGNORECASE,
)
_CUSTOMER = re.compile(
    rf"(?<!\[)(?:{_CUSTOMER_LABEL})(?:[ \t]+(?:is|was))?[ \t]*(?:[:：][ \t]*)?#?[ \t]*{_REF}", re.IGNORECASE
)
_CODE = re.compile(r"(?<![0-9A-Za-z_.\-])[A-Z]{2,5}\d{6,}(?![0-9A-Za-z_\-]|\.\d)")
_NAME_CUES = re.compile(rf"님|[ \t]씨|{_LABELS}|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Dear|Hi|Hello|Hey|Thanks|Thank)\b")
_FOUR_DIGITS = re.compile(r"\d(?:\D{0,3}\d){3}")
_UNITS = r"(?:원|개|건|일|월|년|시|분|초|명|회|차|장|권|병|박|달러|엔|%|kg\b|g\b)"
_UNIT = re.compile(rf"{_UNITS}|[ \t]{_UNITS}(?![가-힣])")
_DATE = re.compile(r"\d{2,4}[-./]\d{1,2}[-./]\d{1,2}$")
_LATIN_PAIR = re.compile(r"[A-Za-z][ \t]+[A-Z]")


def _korean_name(name: str, apart: bool) -> bool:
    """A plausible full name: not a role word, not an adnominal form, three syllables if ``apart``."""
    if any(name.endswith(role) for role in _ROLES) or name in _ROLES:
        return False
    if apart:
        compound = any(name.startswith(s) for s in COMPOUND_SURNAMES.split("|"))
        if len(name) != (4 if compound else 3) or name.endswith(_ADNOMINAL):
            return False
    return True


def _names(text: str) -> Iterator[Candidate]:
    for m in _ADDRESSED.finditer(text):
        name = m.group(1)
        after = text[m.end(1) : m.end()]
        apart = after[:1] in (" ", "\t")
        strict = apart or after.lstrip().startswith(("고객", "회원"))
        if len(name) >= 3 - apart and _korean_name(name, strict):
            yield Candidate("name", m.start(1), m.end(1))
    for m in _LABELLED.finditer(text):
        name, colon = m.group(1), ":" in m.group(0) or "：" in m.group(0)
        glued = m.end(1) < len(text) and "가" <= text[m.end(1)] <= "힣"
        if colon and len(name) == 4 and (name[3] in _PARTICLES or glued):
            name = name[:3]
        elif not colon and len(name) == 4 and name[3] in _PARTICLES and m.group(0).startswith(_NAME_ONLY):
            name = name[:3]  # "입금자명 김하나로 3만원 보냈어요": these labels are followed by a name
        elif not colon and (len(name) != 3 or name.endswith(_PARTICLES) or name.startswith(_LABEL_STOP)):
            continue  # "수령인 정보를 ..." is no name: without a colon only a bare full name counts
        if not any(name.endswith(role) for role in _ROLES):
            yield Candidate("name", m.start(1), m.start(1) + len(name))
    for pattern in (_TITLED, _GREETED):
        for m in pattern.finditer(text):
            if m.group(1).split()[0] not in _NOT_NAMES:
                yield Candidate("name", m.start(1), m.end(1))


def _refs(text: str) -> Iterator[Candidate]:
    for pattern, kind in ((_ORDER, "order"), (_CUSTOMER, "customer")):
        for m in pattern.finditer(text):
            ref = m.group(1)
            if ref.isdigit() and len(ref) <= 8 and _UNIT.match(text, m.end(1)):
                continue  # an amount or a date: "주문 3000원", "주문 2026년"
            if len(digits(ref)) >= 4 and not _DATE.match(ref):
                yield Candidate(kind, m.start(1), m.end(1))
    for m in _CODE.finditer(text):
        yield Candidate("order", m.start(), m.end())


def find_identities(text: str) -> Iterator[Candidate]:
    """Handles, names and references in ``text`` (a shadow text, see ``spans.shadow``)."""
    if "@" in text:
        for m in _HANDLE.finditer(text):
            yield Candidate("handle", m.start(), m.end(), company=True)
    if _NAME_CUES.search(text):
        yield from _names(text)
    if _FOUR_DIGITS.search(text):
        yield from _refs(text)
    if _LATIN_PAIR.search(text):
        yield from find_romanized_names(text)  # HONG GIL DONG, 영문명 Kim Minsu
