"""Policy and procedure from resolutions: which statements are rules, which are actions.

Every resolution is cut into clauses with sentence roles (:func:`assist.drafts.phrasing.
read_resolution`). A **rule** is a clause's general sentence (a ``general`` clause, or the safe
rewrite of a quotative agent note; never a case report) carrying at least two rule cues (가능/불가,
이내/까지, 이상/이하, 경우, 반드시, "-만", 제외, 수수료/배송비/차감, 기간, 영업일, or a number
with a unit such as 7일, 3,000원, 30%) and passing the draft lint's case check. It enters 정책
only when at least two tickets state it (or an existing article does); the others are review notes.
An **action** is a clause's step form (an instruction to the agent: "…을 안내하세요.") whose main
predicate is a handling verb (확인, 안내, 접수, 요청, 처리, 발송, 변경, 취소, 환불, ...) and that
is about no single case. Courtesy phrases and states are neither. Near-duplicates (rapidfuzz over
content morphemes) are merged and keep every ticket they came from; the most widely supported
ones are kept. Nothing is invented: with no rule the policy section says so ("검토 필요").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from assist.drafts.lines import Line, make_line
from assist.drafts.lint import case_problem
from assist.drafts.phrasing import Said
from indexes.lexical import tokenize_many

__all__ = [
    "NO_POLICY",
    "NO_STEPS",
    "Group",
    "group_statements",
    "is_action",
    "object_particle",
    "policy_lines",
    "rule_items",
    "rule_score",
    "step_items",
    "step_lines",
]

NO_POLICY = "검토 필요: 티켓에서 정책 근거를 찾지 못했습니다."
NO_STEPS = "검토 필요: 티켓에서 처리 절차를 찾지 못했습니다."
MAX_POLICY = 6
MAX_STEPS = 6
DUPLICATE_CUTOFF = 80.0

_RULE_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "possible": r"가능",
        "impossible": r"불가|할 수 없|쓸 수 없|없습니다|어렵습니다|안 됩니다|않습니다",
        "within": r"이내|\d\s*일\s*내|내에",
        "until": r"까지",
        "min": r"이상|초과",
        "max": r"이하|미만|최대|최소",
        "case": r"경우|때는|이면|라면",
        "must": r"반드시|꼭|필수|해야",
        "only": r"[가-힣]만\s",
        "exclude": r"제외|대상이 아",
        "fee": r"수수료|배송비|차감|부과",
        "period": r"기간|유효|기한",
        "business_day": r"영업일",
        "amount": r"\d[\d,~\-.]*\s*(?:일|원|%|회|시간|분|개월|년|주|건|포인트|P)\b"
        r"|\d+\s*(?:일|원|%|회|시간|분)",
    }.items()
}
_ACTION = re.compile(
    r"확인|안내|접수|요청|처리|발송|변경|취소|환불|등록|전달|회수|지급|적립|발급|해지|조회|입력|연결|이관"
    r"|교환|반품|수거|재설정|인증|복원|재전송|추적|검수|공유|진행|설정|해제|신청|보상|재배송|배송"
)
_COURTESY = re.compile(r"사과|감사|죄송|불편을 드려|양해")
_NOT_DONE = re.compile(r"(?:어렵|없|않|불가|상태)\w*\s*[.!]?$")
_PREDICATE_CHARS = 14  # the main predicate sits at the end of a Korean sentence


def rule_score(statement: str) -> int:
    """How many distinct rule cues a statement carries."""
    return sum(1 for pattern in _RULE_CUES.values() if pattern.search(statement))


def is_action(statement: str) -> bool:
    """A handling verb in the main predicate (the sentence's end), not a courtesy or a state."""
    return (
        bool(_ACTION.search(statement[-_PREDICATE_CHARS:]))
        and not _COURTESY.search(statement)
        and not _NOT_DONE.search(statement)
    )


@dataclass
class Group:
    """Near-duplicate statements: the first one seen stands for all; every source is kept."""

    text: str
    tokens: str
    tickets: list[str] = field(default_factory=list)
    positions: list[float] = field(default_factory=list)
    score: int = 0

    @property
    def support(self) -> int:
        return len(set(self.tickets))


def group_statements(items: Sequence[tuple[str, str, float]]) -> list[Group]:
    """``(statement, ticket id, relative position)`` merged into groups, most supported first."""
    tokens = tokenize_many([text for text, _, _ in items])
    groups: list[Group] = []
    for (text, ticket, pos), toks in zip(items, tokens, strict=True):
        key = " ".join(toks) or text
        match = next((g for g in groups if fuzz.token_set_ratio(key, g.tokens) >= DUPLICATE_CUTOFF), None)
        if match is None:
            match = Group(text=text, tokens=key, score=rule_score(text))
            groups.append(match)
        match.tickets.append(ticket)
        match.positions.append(pos)
    return sorted(groups, key=lambda g: (-g.support, -g.score, len(g.text)))


def _keep(text: str) -> bool:
    return 8 <= len(text) <= 240 and not _COURTESY.search(text)


def rule_items(said: Mapping[str, Sequence[Said]]) -> list[tuple[str, str, float]]:
    """General, customer-independent rule statements: ``(text, ticket, relative position)``."""
    out: list[tuple[str, str, float]] = []
    for ticket, clauses in said.items():
        for i, s in enumerate(clauses):
            text = s.general
            if text and _keep(text) and rule_score(text) >= 2 and case_problem(text, "policy") is None:
                out.append((text, ticket, i / max(len(clauses) - 1, 1)))
    return out


def step_items(said: Mapping[str, Sequence[Said]]) -> list[tuple[str, str, float]]:
    """Handling actions as instructions to the agent, none of them about one case."""
    out: list[tuple[str, str, float]] = []
    for ticket, clauses in said.items():
        for i, s in enumerate(clauses):
            step = s.step
            if not step or not _keep(step) or not is_action(step) or case_problem(step, "steps"):
                continue
            if s.role == "agent_note" and s.general is None and "고" in step[-12:]:
                continue  # "…다고 안내하세요" whose quoted content is not general
            out.append((step, ticket, i / max(len(clauses) - 1, 1)))
    return out


def policy_lines(
    said: Mapping[str, Sequence[Said]],
    topic_ids: Sequence[str],
    stated_elsewhere: Callable[[str], bool] = lambda _text: False,
) -> tuple[list[Line], list[str]]:
    """The policy section: rules stated by at least two tickets (or by an existing article, per
    ``stated_elsewhere``) as bullets, else one "검토 필요" line; plus the single-ticket rule
    candidates left out (review notes, never section text)."""
    kept: list[Group] = []
    left: list[str] = []
    for g in group_statements(rule_items(said)):
        if g.support >= 2 or stated_elsewhere(g.text):
            kept.append(g)
        else:
            left.append(f"{g.text} ({', '.join(dict.fromkeys(g.tickets))})")
    if not kept:
        return [make_line(NO_POLICY, topic_ids, "generated")], left[:MAX_POLICY]
    return [make_line(g.text, g.tickets, "extracted", "- ") for g in kept[:MAX_POLICY]], left[:MAX_POLICY]


def object_particle(word: str) -> str:
    """을 after a final consonant (받침), else 를, judged by the last Hangul syllable of ``word``."""
    last = next((ch for ch in reversed(word) if "가" <= ch <= "힣"), None)
    return "을" if last is not None and (ord(last) - 0xAC00) % 28 else "를"


def _pick_steps(groups: list[Group]) -> list[Group]:
    shared = [g for g in groups if g.support >= 2]
    chosen = shared[:MAX_STEPS] if len(shared) >= 3 else groups[:MAX_STEPS]
    return sorted(chosen, key=lambda g: sum(g.positions) / len(g.positions))


def step_lines(
    said: Mapping[str, Sequence[Said]], topic_ids: Sequence[str], tag: str | None, tag_ids: Sequence[str]
) -> list[Line]:
    """Numbered instructions in the order resolutions take them, then the 상담태그 step."""
    steps = _pick_steps(group_statements(step_items(said)))
    lines = [make_line(g.text, g.tickets, "extracted", f"{n}. ") for n, g in enumerate(steps, start=1)]
    if not lines:
        lines.append(make_line(NO_STEPS, topic_ids, "generated"))
    if tag:
        n = len(steps) + 1
        prefix = f"{n}. " if steps else "- "
        lines.append(
            make_line(
                f'상담태그 "{tag}"{object_particle(tag)} 입력하세요.',
                tag_ids or topic_ids,
                "generated",
                prefix,
            )
        )
    return lines
