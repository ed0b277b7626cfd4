"""korean.kiwi's options (KIWI_OPTIONS: load_multi_dict=False, half of the analyser's build time)
change nothing the product derives from ordinary support text. The expected values below were
produced by the analyser as it was built before (``Kiwi(num_workers=1)``, the multi-word dictionary
loaded): BM25 tokens, the typo-tolerant query tokens and the sentence split, on support questions
including colloquial and misspelt ones. benchmarks/kiwi_tokens.py compares whole datasets."""

from __future__ import annotations

import pytest

from indexes.lexical import tokenize, tokenize_many
from korean.kiwi import KIWI_LOCK, KIWI_OPTIONS, kiwi

# (text, BM25 tokens, typo-tolerant query tokens, sentences), all from Kiwi(num_workers=1)
BEFORE: list[tuple[str, list[str], list[str], list[str]]] = [
    ("환불은 언제 되나요?", ["환불"], ["환불"], ["환불은 언제 되나요?"]),
    (
        "결제 누르면 E-1002 뜸 머에요 이거",
        ["결제", "누르", "1002", "뜸"],
        ["결제", "누르", "1002", "뜸"],
        ["결제 누르면 E-1002 뜸 머에요", "이거"],
    ),
    (
        "승인문자 왓는데 주문은 안생김;; 이거 자동취소 언제되요?",
        ["승인", "문자", "오", "주문", "안", "생기", "자동", "취소"],
        ["승인", "문자", "오", "주문", "안", "생기", "자동", "취소"],
        ["승인문자 왓는데 주문은 안생김;; 이거 자동취소 언제되요?"],
    ),
    (
        "결제가 두번됬어요 주문번호는 하나인데 ㅠㅠ 돈 두번 나가는거에요?",
        ["결제", "주문", "번호", "하나", "돈", "나가"],
        ["결제", "주문", "번호", "하나", "돈", "나가"],
        ["결제가 두번됬어요 주문번호는 하나인데 ㅠㅠ 돈 두번 나가는거에요?"],
    ),
    (
        "배송이 너무 늦어요 ㅡㅡ 언제 와요?",
        ["배송", "늦", "오"],
        ["배송", "늦", "오"],
        ["배송이 너무 늦어요 ㅡㅡ", "언제 와요?"],
    ),
    ("쿠폰 적용이 안돼요 ㅠㅠ", ["쿠폰", "적용", "안"], ["쿠폰", "적용", "안"], ["쿠폰 적용이 안돼요 ㅠㅠ"]),
    (
        "비번 까먹었는데 어케 바꿔요",
        ["비번", "까먹", "바꾸"],
        ["비번", "까먹", "바꾸"],
        ["비번 까먹었는데 어케 바꿔요"],
    ),
    ("교환 말고 걍 반품할래요", ["교환", "말", "반품"], ["교환", "말", "반품"], ["교환 말고 걍 반품할래요"]),
    (
        "이저버렸어요 결졔 취소 해주세여",
        ["저버리", "결", "졔", "취소"],
        ["저버리", "결제", "취소"],
        ["이저버렸어요", "결졔 취소 해주세여"],
    ),
    (
        "택배 기사님이 문 앞에 두고 갔다는데 물건이 없어요",
        ["택배", "기사", "문", "앞", "두", "물건", "없"],
        ["택배", "기사", "문", "앞", "두", "물건", "없"],
        ["택배 기사님이 문 앞에 두고 갔다는데 물건이 없어요"],
    ),
    (
        "카카오페이로 결제했는데 영수증은 어디서 뽑아요?",
        ["카카오페이", "결제", "영수증", "뽑"],
        ["카카오페이", "결제", "영수증", "뽑"],
        ["카카오페이로 결제했는데 영수증은 어디서 뽑아요?"],
    ),
    (
        "네이버페이 포인트 적립은 언제 되나요",
        ["네이버", "페이", "포인트", "적립"],
        ["네이버", "페이", "포인트", "적립"],
        ["네이버페이 포인트 적립은 언제 되나요"],
    ),
    (
        "에어팟 Pro 배송 3일 걸림",
        ["에어팟", "pro", "배송", "3", "걸리"],
        ["에어팟", "pro", "배송", "3", "걸리"],
        ["에어팟 Pro 배송 3일 걸림"],
    ),
    (
        "주문 취소하면 적립금도 돌려받나요?",
        ["주문", "취소", "적립금", "돌리"],
        ["주문", "취소", "적립금", "돌리"],
        ["주문 취소하면 적립금도 돌려받나요?"],
    ),
    (
        "현금영수증 발행 신청은 어떻게 하나요?",
        ["현금", "영수증", "발행", "신청", "어떻"],
        ["현금", "영수증", "발행", "신청", "어떻"],
        ["현금영수증 발행 신청은 어떻게 하나요?"],
    ),
    (
        "회원 탈퇴하고 다시 가입하면 쿠폰 또 받을 수 있나요?",
        ["회원", "탈퇴", "다시", "가입", "쿠폰", "또"],
        ["회원", "탈퇴", "다시", "가입", "쿠폰", "또"],
        ["회원 탈퇴하고 다시 가입하면 쿠폰 또 받을 수 있나요?"],
    ),
    (
        "상품 하자로 교환 요청합니다. 사진 첨부했어요.",
        ["상품", "하", "자", "교환", "요청", "사진", "첨부"],
        ["상품", "하", "자", "교환", "요청", "사진", "첨부"],
        ["상품 하자로 교환 요청합니다.", "사진 첨부했어요."],
    ),
    (
        "I want a refund for order 12345",
        ["want", "refund", "order", "12345"],
        ["want", "refund", "order", "12345"],
        ["I want a refund for order 12345"],
    ),
    (
        "앱에서 로그인이 계속 안 돼요. 비밀번호 재설정 메일도 안 와요.",
        ["앱", "로그인", "계속", "안", "비밀번호", "설정", "메일", "안", "오"],
        ["앱", "로그인", "계속", "안", "비밀번호", "설정", "메일", "안", "오"],
        ["앱에서 로그인이 계속 안 돼요.", "비밀번호 재설정 메일도 안 와요."],
    ),
    (
        "부분 환불은 몇 영업일 걸리나요? 카드사마다 다른가요?",
        ["부분", "환불", "영업일", "걸리", "카드사", "다르"],
        ["부분", "환불", "영업일", "걸리", "카드사", "다르"],
        ["부분 환불은 몇 영업일 걸리나요?", "카드사마다 다른가요?"],
    ),
]


def test_options() -> None:
    assert KIWI_OPTIONS == {"num_workers": 1, "load_multi_dict": False}


@pytest.mark.parametrize(
    ("text", "tokens", "typo_tokens", "sentences"), BEFORE, ids=[r[0][:12] for r in BEFORE]
)
def test_same_tokens_as_with_the_multi_word_dictionary(
    text: str, tokens: list[str], typo_tokens: list[str], sentences: list[str]
) -> None:
    assert tokenize(text) == tokens
    assert tokenize_many([text]) == [tokens]
    assert tokenize(text, typos=True) == typo_tokens
    with KIWI_LOCK:
        assert [s.text for s in kiwi().split_into_sents(text)] == sentences


def test_multi_word_proper_nouns_are_their_words() -> None:
    """What the dictionary did: a WikiData name with a space became one token with the space in
    it. Without it the words are tokens of their own, as they are in any other spelling (the few
    texts of welfare_qa_ko and parakqc that differ are all of this kind)."""
    assert tokenize_many(["자연어 처리 공부를 시작했어요"]) == [["자연어", "처리", "공부", "시작"]]
    # before: ["자연어 처리", "공부", "시작"]
