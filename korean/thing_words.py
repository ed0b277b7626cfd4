"""Closed word classes of customers' inquiries that :mod:`korean.things` reads: words of time,
nouns that name no thing (people, feelings, abstract and generic words) and the kinds of
information a question asks for. Words only: the reading is in :mod:`korean.things`."""

from __future__ import annotations

import re

__all__ = ["ASKING_NOUNS", "NOT_THINGS", "TIME_WORDS", "WEEKDAY"]

# words of time (a closed class): when something happened, not what the inquiry is about
TIME_WORDS = frozenset(
    "오늘 어제 내일 모레 그제 그저께 지난주 이번주 다음주 담주 저번주 지난달 이번달 "
    "다음달 담달 저번달 올해 작년 내년 재작년 지난해 금년 요즘 최근 아까 방금 저번 "
    "지난번 이번 다음 며칠 몇일 하루 이틀 사흘 나흘 닷새 엿새 이레 여드레 아흐레 열흘 "
    "보름 일주일 한달 주말 평일 오전 오후 아침 저녁 새벽 한밤 점심 중순 초순 하순 "
    "월초 월말 연말 연초 상반기 하반기 분기 당일 익일 전날 다음날 주중 휴일 공휴일 월간 연간 "
    "명절 처음 마지막 잠깐 잠시".split()
)
WEEKDAY = re.compile(r"^[월화수목금토일](?:요일|욜)$")
# people (who acts or whose account it is: "돌아가신 아버지 계정을 … 처리할 수 있나요?"), abstract
# nouns that name no thing ("마음이 바뀌었어요", "이런 경우", "무슨 문제"), feelings ("진짜 짜증나네"),
# honorifics, relations and generic doings ("의사 선생님이 …", "보내 주는 기능", "나중에", "통장 사이",
# "바로 반영되나요", "거래 마무리": each left a fresh KB's answerable question handed off)
NOT_THINGS = frozenset(
    "아버지 어머니 아빠 엄마 부모 부모님 남편 아내 와이프 배우자 아들 딸 자녀 아이 동생 형 누나 언니 "
    "오빠 할머니 할아버지 조부모 손자 손녀 손주 가족 친구 지인 동료 남자친구 여자친구 남친 여친 본인 "
    "아기 애기 아가 "
    "저희 마음 생각 기분 느낌 경우 문제 상황 정도 이유 방법 내용 부분 관련 때문 상태 사람 자체 영향 "
    "짜증 화 불만 걱정 불편 답답 속상 실망 스트레스 불안 난리 진짜 정말 "
    "나중 사이 기능 선생 선생님 반영 마무리".split()
)
# question words Kiwi reads as nouns (얼마, 뭐뭐 and their chat spellings), and the kinds of
# information a question asks for ("수당의 액수가 얼마인가요?", "지원의 형태는 무엇인가요?", "자동이체
# 계좌 바꾸고싶은데 메뉴 어디있음": where in the app): they name the answer, not a thing, and
# documents say them in other words (금액, 지원 내용, 앱 '자동이체 변경' …)
ASKING_NOUNS = frozenset(
    "얼마 무엇 뭐뭐 머머 뭐임 머임 액수 금액 총액 상한액 한도액 수준 규모 형태 종류 방식 명칭 이름 "
    "기준 조건 자격 요건 범위 기간 기한 시기 시점 장소 위치 연락처 절차 방법 서류 비율 횟수 빈도 "
    "연령 나이 차이 차이점 특징 목적 역할 효과 내용 항목 사항 구체 메뉴 화면 버튼 크기 무게".split()
)
