"""The colloquial-Korean lexicon: variant → standard replacements and BM25 synonyms.

A TSV file (format in the header of :data:`BUNDLED`): the bundled ``korean/data/colloquial_ko.tsv``
merged with an optional user file in the same format, user lines winning. :func:`load_lexicon`
caches by (path, mtime), so edits apply without a restart; the web page edits the user file
through :func:`read_user_entries` / :func:`write_user_entries` (entries checked by
:func:`check_entry`). Applying it to a query is :mod:`korean.colloquial`'s job.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ALLOMORPHS",
    "BUNDLED",
    "ENTRY_PROBLEMS",
    "Lexicon",
    "check_entry",
    "entry_key",
    "load_lexicon",
    "parse_lexicon",
    "read_user_entries",
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
ALLOMORPHS: tuple[tuple[str, str], ...] = (
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
# What may follow a whole word (the replacement regexes here; assist.drafts.clusters). At most
# three stacked particles (폰에서도요): bounded, so overlapping alternatives (이나 = 이+나) cannot
# make the regex backtrack exponentially on long inputs.
PARTICLE_CHAIN = "(?:" + "|".join(map(re.escape, _PARTICLES)) + "){0,3}"


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
            parts.append(rf"(?<!\w)(?P<w>{alts(branches['w'])})(?P<wp>{PARTICLE_CHAIN})(?!\w)")
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
