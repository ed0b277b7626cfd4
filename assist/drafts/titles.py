"""Article draft titles as a KMS owner writes them: "휴대폰 소액결제 차단·한도 안내".

The topic's noun phrases are Kiwi noun runs (NNG/NNP/SL, adjacent in the text or one space
apart, never across a line break: subject and inquiry are separate lines) and their
sub-runs, taken from each ticket's subject and inquiry with their spacing as written (a
one-syllable noun Kiwi cuts off a compound is joined again: 월정액, not 월 + 정액); a phrase
never ends in a time, a person or an abstract word (아침, 교수님, 부모님, 경우:
``korean.things.names_a_subject``) nor in a case's number (주문번호, 예약 번호): on a fresh
checkup-centre set drafts had been titled "아침 안내", "교수님 안내", "주문번호·부탁 안내". A phrase
scores by the share of the topic's tickets that use it times the mean background idf of its
nouns (words every inquiry uses sink), with a small bonus per extra noun so "휴대폰 소액결제"
beats "소액결제" when they are equally common. The best phrase leads; a second one that is
nearly as characteristic and not part of the first is joined with "·" (a shared leading noun is
written once: "소액결제 차단" + "소액결제 한도" -> "소액결제 차단·한도"). A head noun ends the
title: "처리" after a problem word (오류, 지연, 누락 …), else "안내"; a phrase already ending in a
head (문의, 안내, 방법 …) keeps its own.

An English topic (more Latin than Hangul letters) gets an English title from the same phrases:
English stop words, chat verbs and times are no nouns, no phrase ends in a participle or a bare
modifier ("Tried guide", "Long guide" on banking77; "pending transaction" stays), a second phrase
joins only when it is more than one word (a single one is mostly a verb), and the head is "guide"
("issues" after a problem word): "Virtual card guide". When that best phrase is one word that is
the verb or the object of an action most tickets ask for, the action titles the topic ("Link
card", "Delete account"), or else the way a quarter of the tickets say it fails ("Card not
working"), or what a problem word alone is said of ("Card declined"): :mod:`assist.drafts.titles_en`.
A Korean noun that says what kind (기본, 자동) titles with the phrase it qualifies ("기본 검진").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assist.drafts.keywords import DocFreq
from assist.drafts.titles_en import action_title, english_stop_words, problem_title, state_title
from korean.kiwi import KIWI_LOCK, kiwi
from korean.pii import PLACEHOLDER_PATTERN
from korean.things import names_a_subject

__all__ = ["best_phrase", "names_a_thing", "noun_phrases", "title_from_phrases", "topic_title"]

FALLBACK_TITLE = "반복 문의 안내"
_HANGUL = re.compile(r"[가-힣]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
MAX_NOUNS = 4
SECOND_RATIO = 0.5  # a second phrase joins when its score is at least this share of the best
_NOUN_TAGS = ("NNG", "NNP", "SL")
_GENERIC = frozenset(
    "문의 고객 고객님 확인 안내 요청 처리 감사 상담 상담원 답변 경우 부분 문제 해결 관련 진행 말씀 방법 가능 "
    "이용 사용 내용 정도 지금 오늘 어제 이번 저번 하나 그거 이거 혹시 다시 정말 계속 때문 어디 언제 얼마 뭐 "
    "건 것 수 거 때 중 후 전 번 분 좀 네 저 제 왜 어떻게 여기 거기 이것 저것 동안 방금 아까 며칠 "
    "일 월 부탁 대신 교수 교수님".split()
)
# what a customer quotes to name the case (주문번호 2026…, 예약 번호), never what a topic is about
_CASE_NUMBERS = frozenset("주문 예약 송장 운송장 접수".split())
_SENTENCE_ENDINGS = ("니다", "어요", "아요", "해요", "세요", "네요", "나요", "까요")
# a masked value, with the quotes a nickname was written in
_MASKED = re.compile(r"['\"‘“]?(?:" + PLACEHOLDER_PATTERN.pattern + r")['\"’”]?")
# a person addressed with 님 (기사님, 선생님) or a count of days (일주일째): who or when, not what
_WHO_WHEN = ("님", "째")
_HEADS = frozenset("문의 안내 방법 절차 가이드 처리 기준 정책 신청 해결".split())
# English titles end in an English head: "Card delivery guide", "Declined transfer issues"
_GENERIC_EN = frozenset(
    "hi hello help please thanks want need get got know still just really ok okay can't don't "
    "didn't won't isn't doesn't i'm i've it's what's didn doesn isn wasn couldn don won ve ll app "
    # chat verbs and times: when, not what about ("Did guide", "Week·new card guide")
    "did does make made use used try trying check expire "
    "today yesterday day days week weeks month months year years hour hours minute minutes time".split()
)
_HEADS_EN = frozenset("guide help issue issues policy process faq".split())
_PROBLEMS_EN = frozenset("error failed failure declined delay delayed missing lost stolen blocked".split())
# an English phrase never ends in a verb form or a bare modifier ("Tried guide", "Waiting guide",
# "New guide", "Ago·cash deposit guide" on banking77): Kiwi tags every Latin word SL, noun or not.
# Participles (-ed, -ing) and these words may lead a phrase ("pending transfer") but not end one;
# the -ing nouns of support topics and the problem words above may
_NOT_LAST_EN = frozenset(
    "new old long ago late wrong incorrect same different extra still open stole tried "
    "recognize recognise unblock cancel activate verify receive send top".split()
)
_ING_NOUNS_EN = frozenset("banking billing booking shipping pricing setting roaming funding wording".split())
_PROBLEMS = frozenset("오류 실패 지연 누락 장애 불가 중복 오배송 파손 미수령 미지급 미입금 분실 먹통".split())
# nouns that say what kind, not what: alone they title nothing ("기본 안내" for questions about the
# basic check-up, 기본 검진); a phrase that holds one and a noun after it titles such a topic
_MODIFIERS = frozenset(
    "기본 일반 추가 전체 개별 자동 수동 정기 신규 기존 최초 최종 단순 부분 무료 유료 온라인 오프라인".split()
)


@dataclass(frozen=True)
class _Phrase:
    text: str  # as written (spacing kept)
    nouns: tuple[str, ...]


@functools.cache
def _english_stop_words() -> frozenset[str]:
    return english_stop_words() | _GENERIC_EN


def _runs(text: str) -> list[list[tuple[str, int, int]]]:
    """Noun runs of ``text``: (form, start, end) of adjacent nouns (at most one space between).
    Kiwi tags every English word SL; English stop words and chat verbs ("my", "the", "can",
    "how") are not nouns, so "my card" gives "card", not "my card·the"."""
    with KIWI_LOCK:
        analysed = kiwi().tokenize(text)
    tokens: list[tuple[str, str, int, int]] = []  # (form, tag, start, end)
    for tok in analysed:
        tag = tok.tag.split("-")[0]
        if tag == "SL" and tokens and tokens[-1][1] == "SL" and tokens[-1][3] == tok.start:
            # Kiwi cuts some English words in pieces ("account" -> ac + count): one word again
            form, _, start, _ = tokens[-1]
            tokens[-1] = (form + tok.form, "SL", start, tok.start + tok.len)
        elif tag in ("NNG", "NNP") and tokens and _glued_prefix(text, tokens[-1], tok.start):
            # Kiwi cuts a one-syllable noun off a compound (월정액 -> 월 + 정액, 핀번호 -> 핀 + 번호):
            # one word again, or the title reads "정액 안내"
            form, _, start, _ = tokens[-1]
            tokens[-1] = (form + tok.form, tag, start, tok.start + tok.len)
        else:
            tokens.append((tok.form, tag, tok.start, tok.start + tok.len))
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    for form, tag, tok_start, end in tokens:
        noun = tag in _NOUN_TAGS or (tag == "XSN" and current)
        if tag == "NNP" and form.endswith(_SENTENCE_ENDINGS):
            noun = False  # Kiwi reads "유저 신고합니다 닉네임" as 신고합니다/NNP: a verb, not a name
        if tag == "SL":  # "pending." is a word and a full stop
            form = form.rstrip(".,!?:;'’")
            end = tok_start + len(form)
            acronym = form.isupper()  # AS (A/S), PIN, ATM are never stop words
            form = form if acronym else form.lower()  # "Account" and "account" are one noun
            stop = not acronym and form in _english_stop_words()
            if len(form) < 2 or stop or not _LATIN_WORD.fullmatch(form):
                noun = False
        joined = not current or text[current[-1][2] : tok_start] in ("", " ")
        if noun and current and joined and tag != "XSN":
            current.append((form, tok_start, end))
        elif noun and tag == "XSN":
            prev, start, _end = current[-1]
            current[-1] = (prev + form, start, end)
        elif noun:
            if current:
                runs.append(current)
            current = [(form, tok_start, end)]
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _glued_prefix(text: str, prev: tuple[str, str, int, int], start: int) -> bool:
    """``prev`` is a one-syllable noun that begins a word and is written together with the noun at
    ``start`` (월정액, 쇼룸, 위내시경); not after a number (4인가족, 2차비용)."""
    form, tag, prev_start, prev_end = prev
    if tag != "NNG" or len(form) != 1 or prev_end != start:
        return False
    return prev_start == 0 or not text[prev_start - 1].isalnum()


def _idf(background: DocFreq, noun: str) -> float:
    """A noun's background idf; a compound joined here (월정액) is counted as its head (정액),
    which the background's nouns hold in its place."""
    if noun not in background.df and len(noun) > 2 and noun[1:] in background.df:
        return background.idf(noun[1:])
    return background.idf(noun)


def _masked_values(text: str) -> tuple[str, set[int]]:
    """``text`` with each masked value ("[고객번호]", "'[아이디]'") blanked out as a line break of
    its length (no noun run crosses it) and the offsets where those values start."""
    starts = {m.start() for m in _MASKED.finditer(text)}
    return _MASKED.sub(lambda m: "\n" * len(m.group()), text), starts


def _labels_a_value(text: str, end: int, starts: set[int]) -> bool:
    """The words ending at ``end`` are followed, after spaces only, by a masked value: they are its
    label (UID [고객번호], 닉네임 '[아이디]', 영수증 번호 [주문번호]), which case it is, not a subject."""
    after = text[end:]
    return end + len(after) - len(after.lstrip(" \t")) in starts


def _ends_in_no_noun_en(word: str) -> bool:
    """An English word that cannot end a title phrase: a participle or a bare modifier (lower case
    only: PIN, ATM and other acronyms are nouns)."""
    if not word.isascii() or not word.islower() or word in _PROBLEMS_EN:
        return False
    if word in _NOT_LAST_EN:
        return True
    return (word.endswith("ed") and len(word) >= 5) or (
        word.endswith("ing") and len(word) >= 6 and word not in _ING_NOUNS_EN
    )


def names_a_thing(word: str) -> bool:
    """A keyword that can tell two titles apart: not an English stop word, chat verb, time,
    participle or bare modifier ("Card guide (accepted)", "Transfer guide (did)" on banking77)."""
    low = word.lower()
    return not (word.isascii() and (low in _english_stop_words() or _ends_in_no_noun_en(low)))


def noun_phrases(text: str) -> set[_Phrase]:
    """Every noun run of ``text`` and its sub-runs of up to :data:`MAX_NOUNS` nouns; never a
    masked value's placeholder nor the label right before one."""
    out: set[_Phrase] = set()
    text, values = _masked_values(text) if "[" in text else (text, set())
    for run in _runs(text):
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + MAX_NOUNS) + 1):
                part = run[i:j]
                if values and _labels_a_value(text, part[-1][2], values):
                    continue
                nouns = tuple(form for form, _, _ in part)
                if nouns[0] in _GENERIC or nouns[-1] in _GENERIC or any(len(n) < 2 for n in nouns):
                    continue
                if not names_a_subject(nouns[-1]) or _names_a_case(nouns) or nouns[-1].endswith(_WHO_WHEN):
                    continue  # 아침, 교수님, 부모님, 주문번호: when, who, which case -- not what about
                if j < len(run) and run[j][0] == "번호" and nouns[-1] in _CASE_NUMBERS:
                    continue  # 주문 of 주문 번호
                if len(set(nouns)) < len(nouns):  # "account. Account" runs across a full stop
                    continue
                if _ends_in_no_noun_en(nouns[-1]):
                    continue
                out.add(_Phrase(text[part[0][1] : part[-1][2]], nouns))
    return out


def _names_a_case(nouns: Sequence[str]) -> bool:
    """A phrase ending in a case's number: 주문번호, 예약 번호, 번호 alone (not 비밀번호, 전화번호)."""
    last = nouns[-1]
    if last == "번호":
        return len(nouns) == 1 or nouns[-2] in _CASE_NUMBERS
    return last.endswith("번호") and last[: -len("번호")] in _CASE_NUMBERS


def _score(share: float, nouns: Sequence[str], background: DocFreq) -> float:
    idf = sum(_idf(background, n) for n in nouns) / len(nouns)
    return share * idf * (1 + 0.15 * (len(nouns) - 1))


def title_from_phrases(
    first: Sequence[str], second: Sequence[str] | None = None, *, english: bool | None = None
) -> str:
    """A title from one or two phrases (lists of words as written), ending in a head noun: an
    English one for an English topic (``english``; by default, phrases without Hangul)."""
    text = " ".join(first)
    if second:
        shared = 0
        while shared < min(len(first), len(second)) - 1 and first[shared] == second[shared]:
            shared += 1
        head = " ".join(first[:shared])
        text = f"{head} " if head else ""
        text += f"{' '.join(first[shared:])}·{' '.join(second[shared:])}"
    last = (second or first)[-1]
    if english if english is not None else not _HANGUL.search(text):  # an English topic
        text = text[:1].upper() + text[1:]
        if last.lower() in _HEADS_EN:
            return text
        return f"{text} {'issues' if last.lower() in _PROBLEMS_EN else 'guide'}"
    if any(last.endswith(h) for h in _HEADS):
        return text
    return f"{text} {'처리' if any(last.endswith(p) for p in _PROBLEMS) else '안내'}"


_Ranked = tuple[list[tuple[float, tuple[str, ...]]], dict[tuple[str, ...], Counter[str]]]


def _ranked(texts: Sequence[str], background: DocFreq, *, least: int = 1) -> _Ranked:
    counts: Counter[tuple[str, ...]] = Counter()
    written: dict[tuple[str, ...], Counter[str]] = {}
    for text in texts:
        for phrase in noun_phrases(text):
            counts[phrase.nouns] += 1
            written.setdefault(phrase.nouns, Counter())[phrase.text] += 1
    scored = sorted(
        ((_score(n / len(texts), nouns, background), nouns) for nouns, n in counts.items() if n >= least),
        key=lambda s: (-s[0], s[1]),
    )
    return scored, written


def _extended(best: tuple[str, ...], scored: Sequence[tuple[float, tuple[str, ...]]]) -> tuple[str, ...]:
    """The longest phrase containing ``best`` that scores at least :data:`SECOND_RATIO` of it
    ("해외" -> "해외 카드" when tickets write them together)."""
    top = scored[0][0]
    longer = [
        (len(nouns), score, nouns)
        for score, nouns in scored
        if len(nouns) > len(best) and score >= SECOND_RATIO * top and _contains(nouns, best)
    ]
    return max(longer)[2] if longer else best


def _pairs_with(best: Sequence[str], other: Sequence[str]) -> bool:
    """A second phrase for the title: no noun of ``best`` (nor one inside another: 영상 and 동영상),
    or the same leading nouns and a different last one ("소액결제 차단" + "소액결제 한도")."""
    if not any(a in b or b in a for a in best for b in other):
        return True  # 동영상 or 배송비 repeats 영상 or 배송: a noun inside another is the same word again
    return len(best) == len(other) > 1 and tuple(best[:-1]) == tuple(other[:-1]) and best[-1] != other[-1]


def _contains(outer: Sequence[str], inner: Sequence[str]) -> bool:
    n = len(inner)
    return any(tuple(outer[i : i + n]) == tuple(inner) for i in range(len(outer) - n + 1))


def _most_written(forms: Counter[str]) -> str:
    """The most frequent way a phrase was written; on a tie the same one in every process (the
    phrases come out of sets, whose order changes with the hash seed): "virtual card" before
    "Virtual card"."""
    return max(forms.items(), key=lambda kv: (kv[1], kv[0]))[0]


def best_phrase(texts: Sequence[str], background: DocFreq) -> str | None:
    """The most characteristic noun phrase of ``texts`` as written, or None."""
    scored, written = _ranked(texts, background, least=2 if len(texts) >= 3 else 1)
    return _most_written(written[_extended(scored[0][1], scored)]) if scored else None


def topic_title(texts: Sequence[str], background: DocFreq, *, fallback: str = "") -> str:
    """The title of a topic from its tickets' subject + inquiry texts; with no phrase that two
    tickets share, ``fallback`` (the representative ticket's subject) + "문의"."""
    scored, written = _ranked(texts, background, least=2 if len(texts) >= 4 else 1) if texts else ([], {})
    if not scored:
        fallback = " ".join(fallback.split())
        return f"{fallback} 문의" if fallback else FALLBACK_TITLE
    best_score, best = scored[0]
    best = _extended(best, scored)
    if len(best) == 1 and best[0] in _MODIFIERS:  # "기본" -> "기본 검진" when a third of the tickets write it
        least = max(2.0, len(texts) / 3)
        headed = [
            (score, n)
            for score, n in scored
            if len(n) > 1
            and n[0] == best[0]
            and n[-1] not in _MODIFIERS
            and sum(written[n].values()) >= least
        ]
        best = max(headed)[1] if headed else best
    joined_texts = " ".join(texts)
    english = len(_LATIN_LETTER.findall(joined_texts)) > len(_HANGUL.findall(joined_texts))
    if english:  # "Link card", "Card not working", not "Link guide", "Card guide"
        stop = _english_stop_words()
        named = (
            action_title(texts, best, stop) or problem_title(texts, best) or state_title(texts, best, stop)
        )
        if named is not None:
            return named
    second = next(
        (
            nouns
            for score, nouns in scored[1:]
            if score >= SECOND_RATIO * best_score
            and _pairs_with(best, nouns)
            and (len(nouns) > 1 or not english)  # one English word is mostly a verb ("make")
        ),
        None,
    )
    common = {nouns for _, nouns in scored}
    if second is not None and (*best, *second) in common:  # "소액결제" + "차단" -> "소액결제 차단·한도"
        lead = _most_written(written[best]).split()
        third = next(
            (
                nouns
                for score, nouns in scored
                if score >= SECOND_RATIO * best_score
                and nouns != second
                and not set(nouns) & set(best)
                and (*best, *nouns) in common
            ),
            None,
        )
        return title_from_phrases([*lead, *second], [*lead, *third] if third else None, english=english)
    if second is not None:
        joined, size = set(best) | set(second), len(best) + len(second)
        together = [n for _, n in scored if set(n) == joined and len(n) == size]
        if together:  # "해외" + "카드" written as one phrase "해외카드": one phrase, not "해외·카드"
            best, second = max(together, key=lambda n: sum(written[n].values())), None
    first = _most_written(written[best]).split()
    other = _most_written(written[second]).split() if second is not None else None
    return title_from_phrases(first, other, english=english)
