"""Draft titles in the words a KMS owner writes (assist.drafts.titles, assist.drafts.compose
.title_texts): found in the titles the product gave the topics of eleven gap sets."""

from __future__ import annotations

from assist.drafts.compose import title_texts
from assist.drafts.keywords import DocFreq, noun_tokens
from assist.drafts.titles import noun_phrases, topic_title
from core.records import TicketRecord
from korean.lexicon import load_lexicon
from tests.unit.test_drafts_lint import _BACKGROUND


def _freq(texts: list[str]) -> DocFreq:
    return DocFreq(noun_tokens([*_BACKGROUND * 6, "결제 오류", "알람 설정", *texts]))


def test_a_compound_kiwi_cuts_a_syllable_off_titles_as_written() -> None:
    # Kiwi reads 월정액 as 월 + 정액: the held-out game set's subscription draft was "정액 안내"
    texts = [
        "월정액 해지하고 싶어요",
        "월정액 결제가 두 번 됐어요",
        "월정액 자동결제 끄는 법",
        "월정액 환불 되나요",
    ]
    assert topic_title(texts, _freq(texts)).startswith("월정액")
    assert {p.text for p in noun_phrases("핀번호 분실했어요")} == {"핀번호", "핀번호 분실", "분실"}
    # after a number it is a counter, not a prefix: 4인가족 gives no "인가족"
    assert not any("인가족" in p.text for p in noun_phrases("4인가족 요금제 문의"))


def test_a_second_phrase_never_repeats_the_first_inside_another_word() -> None:
    # "영상·동영상 안내", "탑승권·탑승 안내", "교환 배송·배송비 안내" were titles on the held-out sets
    texts = ["강의 영상이 안 나와요", "동영상 강의 재생이 안 돼요", "영상 끊김 심해요"]
    texts += ["동영상 소리가 안 나와요", "영상 화질이 나빠요", "동영상 다운로드"]
    assert topic_title(texts, _freq(texts)) == "동영상·강의 안내"


def test_a_person_or_a_count_of_days_ends_no_title_phrase() -> None:
    # "설치 기사님 안내", "환불·일주일째 안내": who or when, not what the topic is about
    assert not any(p.text.endswith("기사님") for p in noun_phrases("설치 기사님 연락이 없어요"))
    assert not any("일주일째" in p.text for p in noun_phrases("환불 일주일째 안 들어와요"))
    assert "설치" in {p.text for p in noun_phrases("설치 기사님 연락이 없어요")}


def test_titles_read_the_kbs_wording_not_the_customers_slang() -> None:
    # gaps_ko's password topic was "비번·비밀번호 안내"; the topic was clustered on 비밀번호 already
    rows = [("비번 변경", "비번 바꿀라는데 안되요"), ("비밀번호 오류", "비밀번호 틀렸대요")]
    rows += [
        ("비번", "비번 까먹었어요"),
        ("비밀번호 재설정", "재설정 메일이 안 와요"),
        ("비번 찾기", "비번 찾기 안됨"),
    ]
    tickets = [
        TicketRecord(ticket_id=f"T-{i}", subject=subject, inquiry=inquiry, resolution="", source="t")
        for i, (subject, inquiry) in enumerate(rows)
    ]
    texts = title_texts(tickets, load_lexicon())
    assert texts[0] == "비밀번호 변경\n비밀번호 바꿀라는데 안 돼요"  # still two lines: no phrase crosses them
    title = topic_title(texts, _freq(texts))
    assert title.startswith("비밀번호") and "비번" not in title and "·" not in title, title


def test_a_noun_that_says_what_kind_is_titled_with_what_it_qualifies() -> None:
    # the held-out clinic set: questions about the basic check-up were "기본 안내"
    texts = [
        "기본 검진에 복부 CT 추가할 수 있나요?",
        "검진예약 문의드립니다. 40대 여성이고 기본 검진 생각중이에요",
        "종합검진 기본 코스에 위내시경 포함돼 있나요?",
        "기본형이랑 정밀형 차이가 뭐예요?",
        "국가검진 기본항목에 내시경도 포함돼요?",
    ]
    assert topic_title(texts, _freq(texts)).startswith("기본 검진")
    # ... but only when a third of the tickets write that phrase: a mix keeps the bare word
    mixed = [
        *texts[2:],
        "기본 계좌를 바꾸고 싶어요",
        "기본 화질 고정하는 법",
        "기본으로 바꿀래요",
        "기본 검진 문의",
    ]
    assert not topic_title(mixed, _freq(mixed)).startswith("기본 검진")
