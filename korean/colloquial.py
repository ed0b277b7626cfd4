"""Everyday Korean in queries: abbreviations, slang, misspellings and spacing errors.

Customers write 비번, 핸펀, 어케, 됬어요, 안되요, 환불언제되요, 앱튕김; the knowledge base says
비밀번호, 휴대폰, 어떻게, 됐어요, 안 돼요. This module brings a QUERY closer to the KB's wording
before it is embedded and BM25-tokenised (stored text and chunk tokens are never touched):

- :func:`normalize_query` collapses emotive noise (ㅠㅠㅠ, ㅋㅋ, !!!, ??), applies the lexicon's
  replacements at word starts (one compiled regex per lexicon; particles after a noun are
  re-fitted: 비번을 → 비밀번호를), and splits long glued Hangul words where Kiwi's morpheme
  analysis shows a new word starting (환불언제되요 → 환불 언제 돼요). ``Kiwi.space()`` was
  tried for this and rejected: it splits noun compounds that the KB writes glued and BM25
  keeps as one token (현금영수증, 네이버페이, 개인통관고유부호 → 개인 통관 고유 부호) and makes
  grammar errors (거절됐다는데 → 거절됐다 는데), on about half of the sample-KB inquiries.
- :func:`expand_tokens` adds the BM25 synonyms of query tokens (휴대폰 → 핸드폰, 스마트폰 …).
- :func:`typo_tokens` is Kiwi's typo-tolerant analysis of a query (이저버렸어요 → 잊어버리,
  결졔 → 결제, 않와요 → 안 오); it uses the shared analyser with ``typos="basic"`` per call.

The lexicon is a TSV file (format in the header of :data:`BUNDLED`): the bundled
``korean/data/colloquial_ko.tsv`` merged with an optional user file in the same format, user
lines winning. :func:`load_lexicon` caches by (path, mtime), so edits apply without a restart.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from korean.kiwi import KIWI_LOCK, kiwi

__all__ = [
    "BUNDLED",
    "ENTRY_PROBLEMS",
    "Lexicon",
    "check_entry",
    "entry_key",
    "expand_tokens",
    "load_lexicon",
    "normalize_query",
    "parse_lexicon",
    "read_user_entries",
    "typo_tokens",
    "write_user_entries",
]

BUNDLED = Path(__file__).resolve().parent / "data" / "colloquial_ko.tsv"
REMOVE = "-"
MAX_FIELD_CHARS = 40

# Particles and copula endings that may follow a plain (unstarred) variant: 비번을, 폰으로는,
# 핸펀이요. Longest first so the regex prefers 에서 over 에.
_PARTICLES = sorted(
    set(
        "이 가 은 는 을 를 과 와 으로 로 이랑 랑 이나 나 이라 라 이라도 라도 이야 야 이요 요 이에요 "
        "예요 에요 이면 면 인데 인가요 이죠 죠 임 이라서 라서 에 에서 에게 한테 께 도 만 의 좀 까지 "
        "부터 보다 처럼 밖에 마다 하고 도요".split()
    ),
    key=lambda p: (-len(p), p),
)
# (after a final consonant, after a vowel); 으로/로 also takes 로 after ㄹ.
_ALLOMORPHS: tuple[tuple[str, str], ...] = (
    ("이라도", "라도"),
    ("이라서", "라서"),
    ("이에요", "예요"),
    ("이랑", "랑"),
    ("이나", "나"),
    ("이라", "라"),
    ("이야", "야"),
    ("이요", "요"),
    ("이면", "면"),
    ("으로", "로"),
    ("이죠", "죠"),
    ("이", "가"),
    ("은", "는"),
    ("을", "를"),
    ("과", "와"),
)
# At most three stacked particles (폰에서도요): bounded, so overlapping alternatives (이나 = 이+나)
# cannot make the regex backtrack exponentially on long inputs.
_PARTICLE_CHAIN = "(?:" + "|".join(map(re.escape, _PARTICLES)) + "){0,3}"

# Emotive noise: runs of crying/laughing jamo, dashes, tildes and repeated punctuation.
_NOISE = re.compile(r"[ㅠㅜ]{2,}|ㅋ{2,}|ㅎ{2,}|ㅡ{2,}|;{2,}|~{2,}|[?!]{2,}|\.{4,}")
_HANGUL_RUN = re.compile(r"[가-힣]{5,}")
_MAX_GLUED_WORDS = 16  # Kiwi analyses ~0.3 ms a word; long inquiries keep the rest as written


def _noise_repl(m: re.Match[str]) -> str:
    run = m.group(0)
    if run[0] in "?!":
        return "?" if "?" in run else "!"
    if run[0] == ".":
        return "..."
    return run[0]


# ------------------------------------------------------------------ the lexicon
@dataclass(frozen=True)
class Lexicon:
    """Replacements (variant → standard surface text) and BM25 synonym groups.

    A variant may carry ``*`` markers, like a glob: ``비번`` matches a whole word, optionally
    followed by particles (비번을 → 비밀번호를, with the particle's form fixed); ``됬*`` may be
    followed by anything (됬어요, 됬나요); ``*되요`` may be preceded by anything but ends a word
    (언제되요); ``*됬*`` matches anywhere. A variant never matches inside another word unless
    it starts with ``*``. A space inside a variant matches any spacing, even none.
    """

    replacements: tuple[tuple[str, str], ...] = ()
    synonyms: tuple[frozenset[str], ...] = ()
    fingerprint: str = ""
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _standard: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _synonym_map: dict[str, tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.fingerprint:
            canon = repr((self.replacements, tuple(sorted(sorted(g) for g in self.synonyms))))
            object.__setattr__(self, "fingerprint", hashlib.sha256(canon.encode()).hexdigest()[:12])
        standard: dict[str, str] = {}
        branches: dict[str, list[str]] = {"w": [], "p": [], "s": [], "a": []}
        for variant, target in self.replacements:
            head, bare, tail = _split_marks(variant)
            if not bare:
                continue
            standard[_key(bare)] = target
            kind = "a" if head and tail else "s" if head else "p" if tail else "w"
            branches[kind].append(bare)

        def alts(items: list[str]) -> str:
            ordered = sorted(set(items), key=lambda v: (-len(_key(v)), v))
            return "|".join(r"\s*".join(map(re.escape, v.split())) for v in ordered)

        parts = []
        if branches["w"]:
            parts.append(rf"(?<!\w)(?P<w>{alts(branches['w'])})(?P<wp>{_PARTICLE_CHAIN})(?!\w)")
        if branches["p"]:
            parts.append(rf"(?<!\w)(?P<p>{alts(branches['p'])})")
        if branches["s"]:
            parts.append(rf"(?P<s>{alts(branches['s'])})(?!\w)")
        if branches["a"]:
            parts.append(rf"(?P<a>{alts(branches['a'])})")
        pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_standard", standard)
        synonym_map: dict[str, list[str]] = {}
        for group in self.synonyms:
            members = sorted(group)
            for word in members:
                bucket = synonym_map.setdefault(word, [])
                bucket.extend(m for m in members if m != word and m not in bucket)
        object.__setattr__(self, "_synonym_map", {k: tuple(v) for k, v in synonym_map.items()})

def _split_marks(variant: str) -> tuple[bool, str, bool]:
    head = variant.startswith("*")
    tail = len(variant) > 1 and variant.endswith("*")
    return head, variant.strip("*").strip(), tail


def _key(variant: str) -> str:
    """Variants differing only in spacing, case or ``*`` markers are one entry."""
    return "".join(variant.strip("*").split()).casefold()


entry_key = _key


# ------------------------------------------------------------------ parsing
@dataclass
class _Parsed:
    replacements: dict[str, tuple[str, str]]  # key -> (variant, standard or "-")
    groups: list[frozenset[str]]


def _fail(path: Path | str, lineno: int, line: str, why: str) -> ValueError:
    return ValueError(f"{path}:{lineno}: {why}: {line!r}")


def _parse(text: str, path: Path | str) -> _Parsed:
    out = _Parsed({}, [])
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise _fail(path, lineno, line, "expected 'variant<TAB>standard' or '=<TAB>word1,word2'")
        left, right = fields[0].strip(), fields[1].strip()
        if left == "=":
            words = [w.strip().lower() for w in right.split(",")]
            if not all(words) or any(len(w.split()) != 1 for w in words):
                raise _fail(path, lineno, line, "synonym words must be non-empty single tokens")
            out.groups.append(frozenset(words))
            continue
        _, bare, _ = _split_marks(left)
        if not bare or "*" in bare or not right:
            raise _fail(path, lineno, line, "empty or malformed variant/standard")
        out.replacements[_key(left)] = (left, right)
    return out


def parse_lexicon(text: str, *, user_text: str | None = None, path: str = "<text>") -> Lexicon:
    """A lexicon from TSV text (and an optional user TSV that overrides it)."""
    base = _parse(text, path)
    user = _parse(user_text, "<user>") if user_text is not None else _Parsed({}, [])
    return _merge(base, user)


def _merge(base: _Parsed, user: _Parsed) -> Lexicon:
    merged = dict(base.replacements)
    for key, entry in user.replacements.items():
        merged.pop(key, None)
        merged[key] = entry
    replacements = tuple(entry for entry in merged.values() if entry[1] != REMOVE)
    user_words = set().union(*user.groups) if user.groups else set()
    groups = [g for g in base.groups if not (g & user_words)]
    groups += [g for g in user.groups if len(g) >= 2]
    return Lexicon(replacements=replacements, synonyms=tuple(groups))


_CACHE: dict[tuple[object, ...], Lexicon] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


def load_lexicon(user_file: Path | None = None) -> Lexicon:
    """The bundled lexicon merged with ``user_file`` (user lines win; ``variant<TAB>-`` removes).

    Cached by (path, mtime, size) of both files, so an edited file is picked up at the next
    call. A malformed line raises ``ValueError('<file>:<line>: <why>: <line>')``; a missing
    ``user_file`` raises ``FileNotFoundError``.
    """
    key: tuple[object, ...] = (_stamp(BUNDLED), _stamp(user_file) if user_file is not None else None)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    base = _parse(BUNDLED.read_text(encoding="utf-8"), BUNDLED)
    user = _Parsed({}, [])
    if user_file is not None:
        user = _parse(user_file.read_text(encoding="utf-8"), user_file)
    lexicon = _merge(base, user)
    with _CACHE_LOCK:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = lexicon
    return lexicon


# ------------------------------------------------------------------ user file (web editing)
ENTRY_PROBLEMS: dict[str, str] = {
    "empty": "both sides must be non-empty",
    "control": "tabs and line breaks are not allowed",
    "too_long": f"at most {MAX_FIELD_CHARS} characters per side",
    "reserved": "a variant cannot start with '#' or be '=' or '-'",
    "marks": "'*' may only mark the start or end of a variant",
}


def check_entry(variant: str, standard: str) -> str | None:
    """Why ``variant → standard`` cannot go into a user file (a key of
    :data:`ENTRY_PROBLEMS`), or None if it can. ``standard`` may be ``-`` (removal)."""
    v, s = variant.strip(), standard.strip()
    if not v or not s:
        return "empty"
    if any(c in "\t\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029" for c in variant + standard):
        return "control"
    if len(v) > MAX_FIELD_CHARS or len(s) > MAX_FIELD_CHARS:
        return "too_long"
    if v.startswith("#") or v in ("=", REMOVE):
        return "reserved"
    _, bare, _ = _split_marks(v)
    if not bare or "*" in bare:
        return "marks"
    return None


def read_user_entries(path: Path) -> list[tuple[str, str]]:
    """The ``variant → standard`` lines of a user file in file order (``-`` = removal)."""
    if not path.exists():
        return []
    return list(_parse(path.read_text(encoding="utf-8"), path).replacements.values())


def write_user_entries(path: Path, entries: Sequence[tuple[str, str]]) -> None:
    """Rewrite the user file's replacement lines atomically, keeping comments and synonym lines."""
    kept: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or stripped.split("\t", 1)[0].strip() == "=":
                kept.append(line)
    if not kept:
        kept = [
            "# KMS Assist: this site's colloquial Korean (format: see korean/data/colloquial_ko.tsv).",
            "# variant<TAB>standard   |   variant<TAB>-  removes a bundled entry   |   =<TAB>word1,word2",
        ]
    body = kept + [f"{v}\t{s}" for v, s in entries]
    _parse("\n".join(body), path)  # never write a file load_lexicon would reject
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text("\n".join(body) + "\n", encoding="utf-8")
    tmp.replace(path)


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
    for after_consonant, after_vowel in _ALLOMORPHS:
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
        standard = lexicon._standard[_key(m.group(kind))]
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


def _base(tag: object) -> str:
    return str(tag).split("-", 1)[0]


def _split_ok(left: str, right: str, right_form: str) -> bool:
    if right not in _RIGHT_OK or right_form == "하":  # 너무하다, 로그인하다: one word
        return False
    if left in _NOUNISH:  # a noun or adverb, then a verb/adverb (not a noun compound)
        return right not in _NOUNS
    return left.startswith("J") or (left.startswith("E") and left != "EP")


def _cuts(word: str, tokens: Sequence[object]) -> list[int]:
    """Offsets in ``word`` (no spaces) where a space should go."""
    starts: dict[int, tuple[str, str]] = {}
    ends: dict[int, str] = {}
    for tok in tokens:
        start, length = tok.start, tok.len  # type: ignore[attr-defined]
        if length > 0:
            starts.setdefault(start, (_base(tok.tag), tok.form))  # type: ignore[attr-defined]
            ends[start + length] = _base(tok.tag)  # type: ignore[attr-defined]
    return [
        o
        for o in sorted(set(starts) & set(ends))
        if 0 < o < len(word)
        and "가" <= word[o - 1] <= "힣"
        and "가" <= word[o] <= "힣"
        and _split_ok(ends[o], *starts[o])
    ]


def _space_glued(text: str) -> str:
    spans = [m.span() for m in re.finditer(r"\S+", text) if _HANGUL_RUN.search(m.group(0))]
    spans = spans[:_MAX_GLUED_WORDS]
    if not spans:
        return text
    with KIWI_LOCK:  # word by word: cheaper than the whole text, and the same analysis
        analysed = [kiwi().tokenize(text[lo:hi]) for lo, hi in spans]
    cuts = [lo + o for (lo, hi), toks in zip(spans, analysed, strict=True) for o in _cuts(text[lo:hi], toks)]
    if not cuts:
        return text
    bounds = [0, *cuts, len(text)]
    return " ".join(text[a:b] for a, b in itertools.pairwise(bounds))


def normalize_query(text: str, lexicon: Lexicon) -> str:
    """``text`` in the KB's wording: noise collapsed, replacements applied, glued runs spaced.

    Deterministic; returns ``text`` itself when nothing applies.
    """
    if not text or not text.strip():
        return text
    out = _NOISE.sub(_noise_repl, text)
    for _ in range(3):  # a standard may complete another variant (결재되요 → 결제되요 → 결제돼요)
        applied = _apply(out, lexicon)
        if applied == out:
            break
        out = applied
    out = _space_glued(out)
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


TYPOS = "basic"


def typo_tokens(text: str) -> list:  # type: ignore[type-arg]
    """Kiwi tokens of a QUERY with typo correction (이저버렸어요 → 잊어버리, 결졔 → 결제).

    kiwipiepy ≥ 0.23 takes ``typos`` per call, so the shared analyser serves it: the first call
    builds the typo model (~45 ms), each query then costs ~0.25 ms more than plain analysis.
    Chunks are never analysed this way; on the 428 sample-KB inquiries (correctly spelled words)
    it gives exactly the plain tokens, so query and chunk tokens still agree.
    """
    if not text.strip():
        return []
    with KIWI_LOCK:
        return kiwi().tokenize(text, typos=TYPOS)
