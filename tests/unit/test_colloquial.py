"""Colloquial Korean in queries: the lexicon file, normalisation, synonyms, and the search path
(KnowledgeBase with the hash embedder) and the KMS page section that edits the user file."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from indexes.hybrid import SearchParams, SearchTrace
from indexes.lexical import tokenize
from korean.colloquial import expand_tokens, normalize_query, typo_tokens
from korean.lexicon import (
    BUNDLED,
    Lexicon,
    check_entry,
    entry_key,
    load_lexicon,
    parse_lexicon,
    read_user_entries,
    write_user_entries,
)
from tests.browser.webapp import page_client
from tests.tinykb import build_tiny_kb, copy_kb


@pytest.fixture(scope="module")
def bundled() -> Lexicon:
    return load_lexicon()


def lex(text: str) -> Lexicon:
    return parse_lexicon(text)


# ------------------------------------------------------------------ parsing and merging
def test_parse_replacements_and_synonym_groups() -> None:
    lexicon = lex("# comment\n\n비번*\t비밀번호\n폰\t휴대폰\n=\t휴대폰,핸드폰, SMS\n")
    assert lexicon.replacements == (("비번*", "비밀번호"), ("폰", "휴대폰"))
    assert lexicon.synonyms == (frozenset({"휴대폰", "핸드폰", "sms"}),)  # Latin lowercased like BM25
    assert len(lexicon.fingerprint) == 12
    assert lex("폰\t휴대폰\n").fingerprint != lex("폰\t핸드폰\n").fingerprint
    assert lex("폰\t휴대폰\n").fingerprint == lex("# same\n폰\t휴대폰\n").fingerprint


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("비번 비밀번호", "expected 'variant<TAB>standard'"),  # no tab
        ("비번\t비밀번호\t추가", "expected 'variant<TAB>standard'"),
        ("비번\t", "empty or malformed"),
        ("*\t됐", "empty or malformed"),
        ("됬*어\t됐어", "empty or malformed"),
        ("=\t휴대폰,,핸드폰", "synonym words"),
        ("=\t휴대 폰,핸드폰", "synonym words"),
    ],
)
def test_malformed_line_names_file_line_and_text(tmp_path: Path, line: str, why: str) -> None:
    user = tmp_path / "colloquial.tsv"
    user.write_text(f"# mine\n폰\t휴대폰\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_lexicon(user)
    message = str(err.value)
    assert message.startswith(f"{user}:3: ") and why in message and repr(line) in message


def test_user_file_overrides_removes_and_regroups(tmp_path: Path, bundled: Lexicon) -> None:
    assert ("폰", "휴대폰") in bundled.replacements
    user = tmp_path / "colloquial.tsv"
    lines = ["비번\t패스코드", "폰\t-", "핸드폰\t-", "갤폰\t갤럭시", "=\t후기", "=\t랩탑,노트북,넷북"]
    user.write_text("\n".join(lines) + "\n", encoding="utf-8")
    merged = load_lexicon(user)
    variants = dict(merged.replacements)
    assert variants["비번"] == "패스코드"
    assert "폰" not in variants and "핸드폰" not in variants  # 핸드폰 was not bundled: nothing to remove
    assert variants["갤폰"] == "갤럭시"
    assert not any("후기" in g for g in merged.synonyms)  # a one-word user group drops the bundled group
    assert frozenset({"리뷰", "후기"}) in bundled.synonyms
    assert frozenset({"랩탑", "노트북", "넷북"}) in merged.synonyms
    assert frozenset({"노트북", "랩탑"}) not in merged.synonyms
    normalized = normalize_query("비번 알려주세요 폰 번호도요", merged)
    assert normalized.startswith("패스코드 알려주세요 폰 번호도요")


def test_bundled_file_is_sane(bundled: Lexicon) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    keys = [entry_key(ln.split("\t")[0]) for ln in lines if not ln.startswith("=\t")]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    assert 200 <= len(lines) <= 450  # a curated list, not a generated one
    assert all(standard != "-" for _, standard in bundled.replacements)
    for group in bundled.synonyms:  # synonyms are BM25 tokens: each must survive tokenising as itself
        for word in group:
            assert tokenize(word) == [word], word
    assert "넘\t" not in text and "적금\t" not in text  # documented as deliberately left out


# ------------------------------------------------------------------ matching
def test_word_start_matching_and_particles(bundled: Lexicon) -> None:
    assert normalize_query("폰으로 인증이 안 돼요", bundled) == "휴대폰으로 인증이 안 돼요"
    assert normalize_query("비번을 바꾸고 싶어요", bundled) == "비밀번호를 바꾸고 싶어요"  # 을 → 를
    assert normalize_query("비번은요?", bundled) == "비밀번호는요?"
    assert normalize_query("오더를 취소", bundled) == "주문을 취소"  # 를 → 을
    for text in (
        "스마트폰 케이스 주문했어요",  # 폰 inside a word
        "알뜰폰인데 인증 안 돼요",
        "폰트가 깨져 보여요",  # 폰 followed by more than particles
        "5만원 넘는 주문은 무료배송인가요",  # 넘 is not in the lexicon (넘다)
        "아디다스 운동화 사이즈",  # 아디 + 다스 is not a particle
        "레이저버튼 불량",  # *됬*-style anywhere entries are only never-correct spellings
        "햇반 유통기한",
        "되도록 빨리 보내 주세요",
        "현금영수증 발급",
        "비밀번호 재설정 메일",
    ):
        assert normalize_query(text, bundled) is text, text


def test_glob_marks() -> None:
    lexicon = lex("됬*\t됐\n*되요\t돼요\n*햇어*\t했어\n결제 씹힘\t결제 안 됨\n")
    assert normalize_query("됬나요", lexicon) == "됐나요"
    assert normalize_query("환불되요", lexicon) == "환불돼요"
    assert normalize_query("되요x", lexicon) == "되요x"  # *되요 must end a word
    assert normalize_query("주문햇어요", lexicon) == "주문했어요"
    assert normalize_query("결제씹힘 결제   씹힘", lexicon) == "결제 안 됨 결제 안 됨"
    assert "안 됨" not in normalize_query("카드결제씹힘", lexicon)  # no leading '*'


def test_normalize_examples(bundled: Lexicon) -> None:
    assert "비밀번호" in normalize_query("비번 까먹었어요", bundled)
    assert normalize_query("비번 까먹었어요 ㅠㅠㅠ", bundled) == "비밀번호 잊어버렸어요 ㅠ"
    assert normalize_query("환불언제되요", bundled) == "환불 언제 돼요"
    assert normalize_query("배송이안와요", bundled) == "배송이 안 와요"
    assert normalize_query("결제가 두번됬어요!!!", bundled) == "결제가 두번 됐어요!"
    assert normalize_query("로그인 버튼이 엇어요", bundled) == "로그인 버튼이 없어요"
    assert normalize_query("결재가 안되요", bundled) == "결제가 안 돼요"
    assert normalize_query("어케 해요??", bundled) == "어떻게 해요?"
    assert normalize_query("앱이 자꾸 튕겨요", bundled) == "앱이 자꾸 꺼져요"
    assert normalize_query("앱튕김", bundled) == "앱 강제 종료"
    assert normalize_query("결제씹힘", bundled) == "결제 안 됨"
    assert normalize_query("쿠폰이 안먹혀요", bundled) == "쿠폰 적용이 안 돼요"
    assert normalize_query("핸펀 번호 바꼇어요", bundled) == "휴대폰 번호 바뀌었어요"
    assert normalize_query("동반자도 반값됨?", bundled) == "동반자도 50% 할인됨?"
    # appliances as customers shorten them, and chat words for upgrade and package
    assert normalize_query("식세기랑 공청기 둘 다 고장", bundled) == "식기세척기랑 공기청정기 둘 다 고장"
    assert normalize_query("김냉 AS 되나요", bundled) == "김치냉장고 AS 되나요"
    assert normalize_query("방 업글 가능?", bundled) == "방 업그레이드 가능?"
    assert normalize_query("my pkg is late", bundled) == "my package is late"
    # chat abbreviations: ㄱㄴ (가능), 머임/뭐임 (뭐예요), 어딧 (어디 있), 결취 (결제 취소)
    assert normalize_query("교환 ㄱㄴ?", bundled) == "교환 가능?"
    assert normalize_query("반품ㄱㄴ?", bundled) == "반품가능?"
    assert normalize_query("이거 머임?", bundled) == "이거 뭐예요?"
    assert normalize_query("쿠폰함 어딧어요", bundled) == "쿠폰함 어디 있어요"
    assert normalize_query("결취 언제됨", bundled) == "결제 취소 언제 됨"
    # days and times (토욜 = 토요일, the particle kept), 됨 typed as 댐, chat slang
    assert normalize_query("토욜에도 와요?", bundled) == "토요일에도 와요?"
    assert normalize_query("금욜에 보내도 되나요", bundled) == "금요일에 보내도 되나요"
    assert normalize_query("담날 배송돼요?", bundled) == "다음 날 배송돼요?"
    assert normalize_query("낼모레 출국", bundled) == "내일모레 출국"
    assert normalize_query("언제 출고댐?", bundled) == "언제 출고됨?"
    assert normalize_query("결제가 안됌", bundled) == "결제가 안 됨"
    assert normalize_query("이선좌 계속 뜸", bundled) == "이미 선택된 좌석 계속 뜸"
    assert normalize_query("신카로 결제", bundled) == "신용카드로 결제"
    # cute endings (되나용, 해주세용, 될까욤) and everyday chat words (울집, 댕댕이, 냥이, 공짜, 고장남)
    assert normalize_query("받은지 이틀됐는데 교환되나용", bundled) == "받은지 이틀 됐는데 교환되나요"
    assert normalize_query("환불 해주세용 언제 될까욤", bundled) == "환불 해주세요 언제 될까요"
    typed, normalised = "비데 고장남 ㅠㅠ 수리비 내야돼요?", "비데 고장 남 ㅠ 수리비 내야 돼요?"
    assert normalize_query(typed, bundled) == normalised
    assert normalize_query("울집 댕댕이 같이 가도 됨?", bundled) == "우리 집 강아지 같이 가도 됨?"
    assert normalize_query("냥이 미용 공짜로 되나요", bundled) == "고양이 미용 무료로 되나요"
    # glued compounds stay glued (one BM25 token in the KB), nothing else to do: the same object
    for text in ("네이버페이로 결제한 영수증", "개인통관고유부호 어디서 받아요", "", "   "):
        assert normalize_query(text, bundled) is text


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        # short glued words: a negation before its verb, 되다 after an ending, particle or adverb
        ("주문은 안생김", "주문은 안 생김"),
        ("포인트 500점밖에 없는데 못써요?", "포인트 500점밖에 없는데 못 써요?"),
        ("카드 등록 안됨?", "카드 등록 안 됨?"),
        ("예약취소 왜안됨?", "예약취소 왜 안 됨?"),
        ("반품할때 다른 택배사로 보내도됨?", "반품할때 다른 택배사로 보내도 됨?"),
        ("잘못온거 언제까지 보관해야됨?", "잘못온거 언제까지 보관해야 됨?"),
        ("환불 언제되요", "환불 언제 돼요"),
        # ... and no other short word: one word, a compound, a name, a typo Kiwi reads as a verb
        ("강의 그만두면 환불돼요?", "강의 그만두면 환불돼요?"),
        ("신청했는데 언제와요?", "신청했는데 언제와요?"),
        ("지난달 요금", "지난달 요금"),
        ("타고링 이용권", "타고링 이용권"),
        ("티켓나래 기프트카드", "티켓나래 기프트카드"),
        ("요금재 바꿨는데", "요금재 바꿨는데"),
        ("제자리에 세워 뒀어요", "제자리에 세워 뒀어요"),
        ("안내 문자", "안내 문자"),
    ],
)
def test_short_glued_words_are_spaced_only_after_a_negation_or_before_doeda(
    bundled: Lexicon, typed: str, normalised: str
) -> None:
    assert normalize_query(typed, bundled) == normalised


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("승인문자 왓는데 주문은 안생김", "승인문자 왔는데 주문은 안 생김"),
        ("결제돼버렷어요", "결제돼버렸어요"),
        ("하루 넘엇는데 상했어요", "하루 넘었는데 상했어요"),
        ("재입고되자마자 가격 올랏네", "재입고되자마자 가격 올랐네"),
        ("상담원이 취소해 주셧어요", "상담원이 취소해 주셨어요"),
        # the spacing frees a word the dictionary knows: 잇나요 -> 있나요
        ("첫구매쿠폰 아직 쓸수잇나요", "첫구매쿠폰 아직 쓸수 있나요"),
        ("글 하루에 몇개까지 올릴수잇음?", "글 하루에 몇개까지 올릴수 있음?"),
    ],
)
def test_past_tense_typed_without_shift_is_restored(bundled: Lexicon, typed: str, normalised: str) -> None:
    assert normalize_query(typed, bundled) == normalised


def test_an_typed_as_an_ending_is_fixed_and_the_ending_is_left_alone(bundled: Lexicon) -> None:
    assert normalize_query("배송이 않와요", bundled) == "배송이 안 와요"
    assert normalize_query("결제가 않되요", bundled) == "결제가 안 돼요"
    assert normalize_query("쿠폰이 않보여요", bundled) == "쿠폰이 안 보여요"
    assert normalize_query("포인트가 않들어왔어요", bundled) == "포인트가 안 들어왔어요"
    for text in ("하지 않아요", "되지 않나요?", "오지 않았어요", "되지 않습니다", "보이지 않는데요"):
        assert normalize_query(text, bundled) is text, text


def test_words_that_end_in_yong_are_left_alone(bundled: Lexicon) -> None:
    for text in ("배송 비용 얼마예요", "쿠폰 사용 내용 이용", "울 니트 세탁 방어용 필름", "재해용 비상키트"):
        assert normalize_query(text, bundled) == text, text


def test_real_s_final_stems_are_not_past_tense(bundled: Lexicon) -> None:
    for text in ("사진 찍고 웃는데", "옷 벗어요", "갓 태어난 아기 옷", "그거 다 쓴 것 같은데", "빼앗는데"):
        assert normalize_query(text, bundled) is text, text


def test_chat_english_abbreviations_and_misspellings(bundled: Lexicon) -> None:
    assert normalize_query("cant login lol forgot pw", bundled) == "can not login lol forgot password"
    # contractions typed without the apostrophe, til
    assert normalize_query("im on monthly, how long til i can get in", bundled) == (
        "I am on monthly, how long until i can get in"
    )
    assert normalize_query("couldnt make my class, doesnt the app show it", bundled) == (
        "could not make my class, does not the app show it"
    )
    assert normalize_query("Sum1 changed the email on my ACCT!!! help", bundled) == (
        "someone changed the email on my account! help"
    )
    assert normalize_query("how do i cancle my subscribtion", bundled) == "how do i cancel my subscription"
    assert normalize_query("when do bookings open for nxt weeks classes pls", bundled) == (
        "when do bookings open for next weeks classes please"
    )
    # whole words only; words the lexicon leaves out on purpose stay as written
    for text in ("BC 카드 결제", "MSG 들어있나요", "U+ 요금제", "pwned", "subs are out of sync", "acctual"):
        assert normalize_query(text, bundled) is text, text


def test_normalize_is_idempotent(bundled: Lexicon) -> None:
    samples = [v.strip("*") + "요" for v, _ in bundled.replacements] + [
        "환불언제되요 비번 까먹었어요 ㅠㅠ 앱튕김 결제씹힘 어케해요 폰번호 바꼈어요",
        "배송이안와요 주문한지 5일째인데 아직도 상품준비중이에요",
    ]
    for text in samples:
        once = normalize_query(text, bundled)
        assert normalize_query(once, bundled) == once, (text, once)


def test_normalize_handles_long_and_hostile_input(bundled: Lexicon) -> None:
    # speed is measured in benchmarks, not asserted here (no timed tests on shared CI cores)
    query = ("주문하고 4일 지났는데 출고준비중이래요 환불언제되요 비번 까먹었어요 ㅠㅠ " * 3)[:100]
    out = normalize_query(query, bundled)
    assert "비밀번호" in out and "비번" not in out
    hostile = "폰" + "이나" * 2000 + "x"  # overlapping particles: must finish (no exponential backtracking)
    assert normalize_query(hostile, bundled).endswith("x")


def test_expand_tokens_keeps_order_and_adds_synonyms_once(bundled: Lexicon) -> None:
    tokens = ["핸드폰", "번호", "핸드폰", "변경"]
    out = expand_tokens(tokens, bundled)
    assert out[:4] == tokens  # the query as tokenised, duplicates and all
    assert set(out[4:]) == {"휴대폰", "스마트폰"} and len(out) == 6
    assert expand_tokens(["환불"], bundled) == ["환불"]
    assert expand_tokens([], bundled) == []
    # the commonest misspelling finds the KB's spelling, and a KB written with it is found too
    assert expand_tokens(["메세지", "카드"], bundled) == ["메세지", "카드", "메시지"]
    assert expand_tokens(["메시지"], bundled) == ["메시지", "메세지"]


def test_typo_tolerant_query_tokens() -> None:
    assert "잊어버리" in tokenize("비밀번호를 이저버렸어요", typos=True)
    assert "잊어버리" not in tokenize("비밀번호를 이저버렸어요")
    assert "결제" in tokenize("결졔가 안 돼요", typos=True)
    text = "환불은 결제 취소 후 3~5영업일 안에 카드사로 처리됩니다."  # correct text: same tokens
    assert tokenize(text, typos=True) == tokenize(text)


@pytest.mark.parametrize(
    ("query", "kept", "not_read_as"),
    [
        ("받은거 불량인데 교환됨?", "불량", "분량"),
        ("군대에 가게 돼서 전역하고 이어서 쓸 수 있나요?", "전역", "저녁"),
        ("끌올 버튼 회색이라 안눌림", "끌", "롤"),
    ],
)
def test_a_dictionary_noun_is_never_corrected_into_another(query: str, kept: str, not_read_as: str) -> None:
    forms = [t.form for t in typo_tokens(query)]
    assert kept in forms and not_read_as not in forms
    # ... while unknown strings and endings are still corrected
    assert "결제" in [t.form for t in typo_tokens("결졔 안되요")]
    assert "적립금" in [t.form for t in typo_tokens("적립끔 언제 들어와요")]


# ------------------------------------------------------------------ cache and user file
def test_load_is_cached_and_follows_edits(tmp_path: Path) -> None:
    user = tmp_path / "colloquial.tsv"
    user.write_text("갤폰\t갤럭시\n", encoding="utf-8")
    first = load_lexicon(user)
    assert load_lexicon(user) is first
    user.write_text("갤폰\t갤럭시 휴대폰\n", encoding="utf-8")
    stat = user.stat()
    os.utime(user, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_lexicon(user)
    assert second is not first and dict(second.replacements)["갤폰"] == "갤럭시 휴대폰"
    assert normalize_query("갤폰 액정", second) == "갤럭시 휴대폰 액정"
    with pytest.raises(FileNotFoundError):
        load_lexicon(tmp_path / "missing.tsv")


def test_user_file_round_trip_keeps_comments_and_groups(tmp_path: Path) -> None:
    user = tmp_path / "colloquial.tsv"
    user.write_text("# 우리 사이트\n=\t랩탑,노트북\n갤폰\t갤럭시\n", encoding="utf-8")
    write_user_entries(user, [*read_user_entries(user), ("됬*", "됐"), ("폰", "-")])
    text = user.read_text(encoding="utf-8")
    assert text.startswith("# 우리 사이트\n=\t랩탑,노트북\n") and text.endswith("폰\t-\n")
    assert read_user_entries(user) == [("갤폰", "갤럭시"), ("됬*", "됐"), ("폰", "-")]
    assert not list(tmp_path.glob(".*.tmp"))
    assert read_user_entries(tmp_path / "none.tsv") == []


@pytest.mark.parametrize(
    ("variant", "standard", "problem"),
    [
        ("핸펀", "휴대폰", None),
        ("됬*", "됐", None),
        ("폰", "-", None),
        ("", "휴대폰", "empty"),
        ("핸펀", "  ", "empty"),
        ("핸\t펀", "휴대폰", "control"),
        ("핸펀", "휴대\n폰", "control"),
        ("가" * 41, "휴대폰", "too_long"),
        ("#핸펀", "휴대폰", "reserved"),
        ("=", "휴대폰", "reserved"),
        ("핸*펀", "휴대폰", "marks"),
    ],
)
def test_check_entry(variant: str, standard: str, problem: str | None) -> None:
    assert check_entry(variant, standard) == problem


# ------------------------------------------------------------------ settings and the search path
def test_settings_effective_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path / "kms", embedder="hash")
    assert settings.colloquial_path is None
    assert settings.colloquial_user_file == tmp_path / "kms" / "colloquial.tsv"
    settings.colloquial_user_file.parent.mkdir(parents=True)
    settings.colloquial_user_file.write_text("갤폰\t갤럭시\n", encoding="utf-8")
    assert settings.colloquial_path == settings.colloquial_user_file
    monkeypatch.setenv("KMS_COLLOQUIAL_FILE", str(tmp_path / "site.tsv"))
    explicit = Settings(data_dir=tmp_path / "kms", embedder="hash")
    assert explicit.colloquial_path == explicit.colloquial_user_file == tmp_path / "site.tsv"
    monkeypatch.setenv("KMS_COLLOQUIAL_FILE", "")
    assert Settings(data_dir=tmp_path / "kms").colloquial_file is None


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("tiny-colloquial") / "kms"
    build_tiny_kb(data)
    return data


@pytest.fixture
def kb(tiny: Path, tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(copy_kb(tiny, tmp_path / "kms"))


def test_colloquial_query_finds_the_standard_article_through_bm25(kb: KnowledgeBase) -> None:
    query = "비번 까먹었어요 ㅠㅠ"  # the article says 비밀번호 / 잊어버렸어요
    plain = SearchTrace()
    assert kb.search(query, k=3, fusion="bm25", lexicon=None, trace=plain) == []
    assert plain.query_tokens == ["비번", "까먹"]
    trace = SearchTrace()
    hits = kb.search(query, k=3, fusion="bm25", trace=trace)
    assert hits and hits[0].doc_id == "article:password"
    assert trace.normalized_query == "비밀번호 잊어버렸어요 ㅠ"
    assert trace.query_tokens == ["비밀", "번호", "잊어버리"] == trace.bm25_tokens
    assert "normalize" in trace.timings_ms
    assert kb.search(query, k=1)[0].doc_id == "article:password"  # default hybrid fusion too
    assert kb.search("환불언제되요???", k=1, fusion="bm25")[0].doc_id == "article:refund"


def test_synonyms_are_added_only_when_the_index_knows_them(kb: KnowledgeBase) -> None:
    trace = SearchTrace()
    kb.search("택배비 문자", k=1, fusion="bm25", trace=trace)  # 택배비 → 배송비; sms: not in the tiny KB
    assert trace.bm25_tokens == trace.query_tokens == ["배송비", "문자"]
    custom = parse_lexicon("=\t택배,배송\n")
    trace = SearchTrace()
    hits = kb.index.search("택배 언제 와요", SearchParams(k=1, fusion="bm25", lexicon=custom), trace=trace)
    assert trace.bm25_tokens == ["택배", "오", "배송"] and hits[0].doc_id == "article:delivery"
    assert trace.query_tokens == ["택배", "오"]  # confidence's term coverage counts no synonyms
    assert SearchParams(lexicon=custom) == SearchParams()  # the lexicon is not part of equality


def test_user_file_is_picked_up_and_a_broken_one_falls_back(
    kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    user = kb.settings.colloquial_user_file
    user.write_text("패쓰워드\t비밀번호\n", encoding="utf-8")
    trace = SearchTrace()
    assert kb.search("패쓰워드 잊어버렸어요", k=1, fusion="bm25", trace=trace)[0].doc_id == "article:password"
    user.write_text("패쓰워드\t비밀번호\n이건 잘못된 줄\n", encoding="utf-8")
    os.utime(user, ns=(user.stat().st_atime_ns, user.stat().st_mtime_ns + 1_000_000))
    with caplog.at_level(logging.WARNING, logger="assist.knowledge"):
        trace = SearchTrace()
        hits = kb.search("비번 까먹었어요", k=1, fusion="bm25", trace=trace)
        kb.search("비번 까먹었어요", k=1, fusion="bm25")
    assert hits[0].doc_id == "article:password"  # the bundled lexicon still serves
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f"{user}:2" in warnings[0] and "이건 잘못된 줄" in warnings[0]
    assert kb.lexicon == load_lexicon()


# ------------------------------------------------------------------ the KMS page section
@pytest.fixture
def client(tiny: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = copy_kb(tiny, tmp_path / "kb")
    with page_client(settings) as c:
        yield c, settings


def test_kms_page_edits_the_user_lexicon(client: tuple[TestClient, Settings]) -> None:
    c, settings = client
    page = c.get("/kms").text
    assert "구어체·약어 사전" in page and "이 사이트의 항목이 아직 없습니다." in page
    assert 'action="/kms/colloquial"' in page

    entry = {"variant": " 패쓰워드 ", "standard": "비밀번호"}
    r = c.post("/kms/colloquial", data=entry, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/kms?msg=colloquial_added#colloquial"
    assert read_user_entries(settings.colloquial_user_file) == [("패쓰워드", "비밀번호")]
    page = c.get(r.headers["location"]).text
    assert "사전에 저장했습니다." in page and "<code>패쓰워드</code>" in page
    found = c.get("/kms", params={"q": "패쓰워드"}).text  # applies at the next search, no restart
    assert found.index("/kms/password") < found.index("/kms/refund")

    c.post("/kms/colloquial", data={"variant": "패쓰워드", "standard": "암호"})  # replaces, not duplicates
    c.post("/kms/colloquial", data={"variant": "폰", "standard": "-"})
    assert read_user_entries(settings.colloquial_user_file) == [("패쓰워드", "암호"), ("폰", "-")]
    assert "(기본 항목 끔)" in c.get("/kms").text

    r = c.post("/kms/colloquial", data={"action": "remove", "variant": "패쓰워드"}, follow_redirects=False)
    assert r.status_code == 303 and "msg=colloquial_removed" in r.headers["location"]
    assert read_user_entries(settings.colloquial_user_file) == [("폰", "-")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"variant": "핸펀", "standard": ""}, "고객 표현과 표준 표현을 모두 입력하세요."),
        ({"variant": "핸\t펀", "standard": "휴대폰"}, "탭이나 줄바꿈은 넣을 수 없습니다."),
        ({"variant": "가" * 41, "standard": "휴대폰"}, "각 표현은 40자 이하로 입력하세요."),
        ({"variant": "핸*펀", "standard": "휴대폰"}, "앞이나 끝에만"),
        ({"action": "remove", "variant": "없는말"}, "삭제할 항목이 없습니다: 없는말"),
        ({"action": "drop", "variant": "핸펀"}, "알 수 없는 요청입니다."),
    ],
)
def test_bad_input_rerenders_with_one_error(
    client: tuple[TestClient, Settings], data: dict[str, str], message: str
) -> None:
    c, settings = client
    r = c.post("/kms/colloquial", data=data)
    assert r.status_code == 400 and r.text.count('class="form-error"') == 1 and message in r.text
    assert 'class="mainnav"' in r.text and "구어체·약어 사전" in r.text
    assert not settings.colloquial_user_file.exists()


def test_broken_user_file_is_shown_not_overwritten(client: tuple[TestClient, Settings]) -> None:
    c, settings = client
    settings.colloquial_user_file.write_text("좋은\t줄\n나쁜 줄\n", encoding="utf-8")
    page = c.get("/kms")
    assert page.status_code == 200 and "사전 파일을 고쳐야 저장할 수 있습니다" in page.text
    r = c.post("/kms/colloquial", data={"variant": "핸펀", "standard": "휴대폰"})
    assert r.status_code == 400 and ":2:" in r.text
    assert settings.colloquial_user_file.read_text(encoding="utf-8") == "좋은\t줄\n나쁜 줄\n"


def test_section_in_english(client: tuple[TestClient, Settings]) -> None:
    c, _ = client
    page = c.get("/kms", params={"lang": "en"}).text
    c.cookies.clear()
    assert "Colloquial Korean &amp; abbreviations" in page and "Customer wording" in page
    r = c.post("/kms/colloquial?lang=en", data={"variant": "", "standard": "x"})
    assert r.status_code == 400 and "Enter both the customer and the standard wording." in r.text
