"""Everyday Korean in queries: abbreviations, slang, misspellings and spacing errors.

Customers write 비번, 핸펀, 어케, 됬어요, 안되요, 환불언제되요, 앱튕김; the knowledge base says
비밀번호, 휴대폰, 어떻게, 됐어요, 안 돼요. This module brings a QUERY closer to the KB's wording
before it is embedded and BM25-tokenised (stored text and chunk tokens are never touched):

- :func:`normalize_query` collapses emotive noise (ㅠㅠㅠ, ㅋㅋ, !!!, ??), applies the lexicon's
  replacements at word starts (one compiled regex per lexicon; particles after a noun are
  re-fitted: 비번을 → 비밀번호를), and splits glued Hangul words where Kiwi's morpheme
  analysis shows a new word starting (환불언제되요 → 환불 언제 돼요; in a word of 2-4
  syllables only after a negation or before 되다: 안생김 → 안 생김, 보내도됨 → 보내도 됨),
  restores the past tense typed without Shift (왓는데 → 왔는데) and runs the replacements
  again on the words the spacing freed. ``Kiwi.space()`` was tried for this and rejected: it
  splits noun compounds that the KB writes glued and BM25 keeps as one token (현금영수증,
  네이버페이, 개인통관고유부호 → 개인 통관 고유 부호) and makes
  grammar errors (거절됐다는데 → 거절됐다 는데), on about half of the sample-KB inquiries.
- :func:`expand_tokens` adds the BM25 synonyms of query tokens (휴대폰 → 핸드폰, 스마트폰 …).
- :func:`typo_tokens` is Kiwi's typo-tolerant analysis of a query (이저버렸어요 → 잊어버리,
  결졔 → 결제, 않와요 → 안 오); it uses the shared analyser with ``typos="basic"`` per call.

The lexicon itself (bundled TSV + user file, loading, editing) lives in :mod:`korean.lexicon`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from korean.kiwi import KIWI_LOCK, kiwi
from korean.lexicon import ALLOMORPHS, Lexicon, entry_key

__all__ = [
    "expand_tokens",
    "normalize_query",
    "typo_tokens",
    "unknown_tokens",
]

# Emotive noise: runs of crying/laughing jamo, dashes, tildes and repeated punctuation.
_NOISE = re.compile(r"[ㅠㅜ]{2,}|ㅋ{2,}|ㅎ{2,}|ㅡ{2,}|;{2,}|~{2,}|[?!]{2,}|\.{4,}")
# words Kiwi is asked to space: 3+ Hangul syllables, or a negation glued to a one-syllable verb (안됨)
_HANGUL_RUN = re.compile(r"[가-힣]{3,}|(?<![가-힣])[안못][가-힣](?![가-힣])")
_LONG_RUN = re.compile(r"[가-힣]{5,}")
_MAX_GLUED_WORDS = 24  # Kiwi analyses ~0.02 ms a word warm; long inquiries keep the rest as written


def _noise_repl(m: re.Match[str]) -> str:
    run = m.group(0)
    if run[0] in "?!":
        return "?" if "?" in run else "!"
    if run[0] == ".":
        return "..."
    return run[0]


# ------------------------------------------------------------------ query normalisation
def _final(text: str) -> int | None:
    """The final consonant index (0 = none, 8 = ㄹ) of the last Hangul syllable, else None."""
    ch = text.rstrip()[-1:] if text.strip() else ""
    if ch and "가" <= ch <= "힣":
        return (ord(ch) - 0xAC00) % 28
    return None


def _fix_particle(standard: str, chain: str) -> str:
    """``chain`` with its first particle in the form that fits after ``standard``."""
    final = _final(standard)
    if not chain or final is None:
        return chain
    for after_consonant, after_vowel in ALLOMORPHS:
        for form in (after_consonant, after_vowel):
            if chain.startswith(form):
                if after_consonant == "으로":
                    right = "로" if final in (0, 8) else "으로"
                else:
                    right = after_vowel if final == 0 else after_consonant
                return right + chain[len(form) :]
    return chain


def _apply(text: str, lexicon: Lexicon) -> str:
    pattern = lexicon._pattern
    if pattern is None:
        return text
    kinds = [name for name in ("w", "p", "s", "a") if name in pattern.groupindex]
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        kind = next(name for name in kinds if m.group(name) is not None)
        standard = lexicon._standard[entry_key(m.group(kind))]
        end = m.end()
        if kind == "w":  # 비번을 → 비밀번호를 (a '*' entry may be a verb stem: 됬는 is not 됐은)
            standard += _fix_particle(standard, m.group("wp") or "")
        out.append(text[pos : m.start()])
        out.append(standard)
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


# Glued words are split from Kiwi's morpheme analysis, not ``Kiwi.space()``: space() splits
# compounds (세금계산서 → 세금 계산서, 네이버페이 → 네이버 페이), and a glued compound is often
# ONE BM25 token that the KB uses too (현금영수증, 개인통관). A space is inserted only between
# two Hangul syllables where a particle, an ending, a noun or an adverb is followed by the
# start of a new word (noun, verb, adjective, adverb …), never inside a noun compound:
# 환불언제되요 → 환불 언제 되요, 배송이안와요 → 배송이 안 와요, 바로마켓 stays.
_RIGHT_OK = frozenset({"NNG", "NNP", "NR", "VV", "VA", "MAG", "XR"})
_NOUNISH = frozenset({"NNG", "NNP", "NNB", "NR", "XR", "XSN", "MAG"})
_NOUNS = frozenset({"NNG", "NNP", "NR", "XR"})
# in a short word (2-4 syllables) only two glued spellings are split: a negation before its verb
# (안생김 → 안 생김, 못써요 → 못 써요, 왜안됨 → 왜 안 됨) and 되다 after an ending, a particle or an adverb
# (보내도됨 → 보내도 됨, 보관해야됨 → 보관해야 됨, 언제되요 → 언제 돼요). Other short words
# are more often one word (그만두면, 돌려보낸), a compound or a name (지난달, 타고링, 티켓나래):
# splitting them moved answers on the fresh KBs without making any right
_NEGATION = frozenset({"안", "못"})


def _short_split_ok(left: tuple[str, str], right: tuple[str, str]) -> bool:
    """A space between ``left`` and ``right`` ((tag, form) of the morphemes on either side) in a
    2-4 syllable word."""
    if right[0] == "MAG" and right[1] in _NEGATION:
        return left[0] == "MAG" or left[0].startswith(("J", "E"))
    if right[0] not in ("VV", "VA"):
        return False
    if left[0] == "MAG" and left[1] in _NEGATION:
        return True
    return right[1] == "되" and (left[0] == "MAG" or left[0].startswith(("J", "E")))


def _base(tag: object) -> str:
    return str(tag).split("-", 1)[0]


def _split_ok(left: str, right: str, right_form: str) -> bool:
    if right not in _RIGHT_OK or right_form == "하":  # 너무하다, 로그인하다: one word
        return False
    if left in _NOUNISH:  # a noun or adverb, then a verb/adverb (not a noun compound)
        return right not in _NOUNS
    return left.startswith("J") or (left.startswith("E") and left != "EP")


def _cuts(word: str, tokens: Sequence[object], *, short: bool = False) -> list[int]:
    """Offsets in ``word`` (no spaces) where a space should go (``short``: a 2-4 syllable word,
    see :func:`_short_split_ok`)."""
    starts: dict[int, tuple[str, str]] = {}  # offset -> (tag, form) of the morpheme starting there
    ends: dict[int, tuple[str, str]] = {}  # ... and of the one ending there
    for tok in tokens:
        start, length = tok.start, tok.len  # type: ignore[attr-defined]
        if length > 0:
            starts.setdefault(start, (_base(tok.tag), tok.form))  # type: ignore[attr-defined]
            ends[start + length] = (_base(tok.tag), tok.form)  # type: ignore[attr-defined]
    return [
        o
        for o in sorted(set(starts) & set(ends))
        if 0 < o < len(word)
        and "가" <= word[o - 1] <= "힣"
        and "가" <= word[o] <= "힣"
        and _split_ok(ends[o][0], *starts[o])
        and (not short or _short_split_ok(ends[o], starts[o]))
    ]


def _analysed_words(text: str, wanted: re.Pattern[str]) -> list[tuple[int, int, Sequence[Any]]]:
    """(start, end, Kiwi tokens) of the first ``_MAX_GLUED_WORDS`` words of ``text`` that
    ``wanted`` finds something in, analysed word by word: cheaper than the whole text, and the
    same analysis."""
    spans = [m.span() for m in re.finditer(r"\S+", text) if wanted.search(m.group(0))]
    spans = spans[:_MAX_GLUED_WORDS]
    if not spans:
        return []
    with KIWI_LOCK:
        return [(lo, hi, kiwi().tokenize(text[lo:hi])) for lo, hi in spans]


def _space_glued(text: str) -> str:
    cuts = [
        lo + o
        for lo, hi, toks in _analysed_words(text, _HANGUL_RUN)
        for o in _cuts(text[lo:hi], toks, short=not _LONG_RUN.search(text[lo:hi]))
    ]
    if not cuts:
        return text
    bounds = [0, *cuts, len(text)]
    return " ".join(text[a:b] for a, b in itertools.pairwise(bounds))


# The past tense typed without Shift (ㅆ is Shift+ㅅ): 왓는데, 버렷어요, 넘엇는데, 올랏네, 취소햇어요.
# Kiwi reads each of these as a verb + the past marker written 엇 (EP); the syllable that carries
# that marker is given its ㅆ back. Words with no syllable ending in ㅅ are never analysed, and a
# real ㅅ stem (웃는데, 씻어요, 빼앗는데, 갓 태어난) is not a past marker, so it stays.
_JONG_S, _JONG_SS = 19, 20
_S_FINAL = re.compile("[" + "".join(chr(0xAC00 + i * 28 + _JONG_S) for i in range(399)) + "]")
_PAST_TYPO_MARKERS = frozenset({"엇", "앗"})


def _fix_past_tense(text: str) -> str:
    words = _analysed_words(text, _S_FINAL)
    if not words:
        return text
    chars = list(text)
    for lo, _, tokens in words:
        for tok in tokens:
            if _base(tok.tag) == "EP" and tok.form in _PAST_TYPO_MARKERS:
                at = lo + tok.start + tok.len - 1  # the marker's own syllable (왓: shared with 오)
                if 0 <= at < len(chars) and _final(chars[at]) == _JONG_S:
                    chars[at] = chr(ord(chars[at]) + _JONG_SS - _JONG_S)
    return "".join(chars)


def _apply_all(text: str, lexicon: Lexicon) -> str:
    for _ in range(3):  # a standard may complete another variant (결재되요 → 결제되요 → 결제돼요)
        applied = _apply(text, lexicon)
        if applied == text:
            break
        text = applied
    return text


def normalize_query(text: str, lexicon: Lexicon) -> str:
    """``text`` in the KB's wording: noise collapsed, replacements applied, Shift-less past tense
    restored (왓는데 → 왔는데), glued runs spaced -- and the replacements applied again to the
    words the spacing set free (쓸수잇나요 → 쓸수 잇나요 → 쓸수 있나요).

    Deterministic; returns ``text`` itself when nothing applies.
    """
    if not text or not text.strip():
        return text
    out = _fix_past_tense(_apply_all(_NOISE.sub(_noise_repl, text), lexicon))
    spaced = _space_glued(out)
    if spaced != out:
        out = _apply_all(spaced, lexicon)
    return text if out == text else out


def expand_tokens(tokens: Sequence[str], lexicon: Lexicon) -> list[str]:
    """``tokens`` as given, then their synonyms not already present (first-seen order)."""
    out = list(tokens)
    if not lexicon._synonym_map:
        return out
    seen = set(out)
    for token in tokens:
        for syn in lexicon._synonym_map.get(token, ()):
            if syn not in seen:
                seen.add(syn)
                out.append(syn)
    return out


def unknown_tokens(tokens: Sequence[str], knows: Callable[[str], bool], lexicon: Lexicon | None) -> list[str]:
    """The ``tokens`` that ``knows`` (an index's vocabulary) does not hold, nor any synonym of theirs."""
    return [
        t
        for t in tokens
        if t and not knows(t) and not (lexicon and any(knows(s) for s in expand_tokens([t], lexicon)[1:]))
    ]


TYPOS = "basic"


def typo_tokens(text: str) -> list:  # type: ignore[type-arg]
    """Kiwi tokens of a QUERY with typo correction (이저버렸어요 → 잊어버리, 결졔 → 결제).

    kiwipiepy ≥ 0.23 takes ``typos`` per call, so the shared analyser serves it: the first call
    builds the typo model (~45 ms), each query then costs ~0.25 ms more than plain analysis.
    Chunks are never analysed this way; on the 428 sample-KB inquiries (correctly spelled words)
    it gives exactly the plain tokens, so query and chunk tokens still agree.

    A dictionary noun (Kiwi's own, not out-of-vocabulary) is never "corrected" into another noun
    of the same span: the typo model read "받은거 불량인데" as 분량, "… 전역하고" as 저녁 and "끌올"
    as 끄 + 롤, and the answer then handed off for a word no article mentions. That word keeps its
    plain analysis; corrections of unknown strings (결졔 → 결제, 졀제 → 절제) and of endings stay.
    """
    if not text.strip():
        return []
    with KIWI_LOCK:
        typo = list(kiwi().tokenize(text, typos=TYPOS))
        if not any(tok.typo_cost for tok in typo):
            return typo
        plain = list(kiwi().tokenize(text))
    known = {(tok.start, tok.len): tok.form for tok in plain if tok.tag.startswith("NN") and not tok.oov}
    replaced = {
        tok.word_position
        for tok in typo
        if tok.tag.startswith("NN") and known.get((tok.start, tok.len), tok.form) != tok.form
    }
    if not replaced:
        return typo
    words = {tok.word_position for tok in plain} | {tok.word_position for tok in typo}
    return [
        tok for w in sorted(words) for tok in (plain if w in replaced else typo) if tok.word_position == w
    ]
