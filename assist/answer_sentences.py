"""The sentences an answer may quote: every answer-section sentence of an article, with its role.

:func:`candidates_of` splits a document's 정책, 단계별 절차, 주요 상황 및 해결책 and 상담 스크립트
answers into :class:`Candidate` sentences, each labelled by :mod:`korean.roles` (general, case
report or agent note; a script answer sentence repeating a value of its own question, "4주", is
that customer's case) and carrying the situation heading or script question it sits under, and
the sentence before it when it points back ("이때 …"). The split and the role analysis run once
per chunk version (cached); the serving warm-up (:mod:`assist.sentence_warmup`) does it for every
article ahead of the first questions. :func:`answer_texts` is what each chosen sentence sends.
Which sentences answer a question is decided by :mod:`assist.compose`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assist.kept_lru import KeptLRU
from assist.script_case import echoed, reports_a_check, sentence_role, values_of
from core.records import REVIEW_MARKER
from core.types import Chunk
from indexes.chunk_store import read_through, unkept
from indexes.hybrid import HybridIndex
from korean.roles import RoleLabel, classify
from korean.sentences import split_sentences

__all__ = [
    "ANSWER_SECTIONS",
    "Candidate",
    "answer_chunks",
    "answer_texts",
    "asked_the_same",
    "candidates_of",
    "chunk_candidates",
    "doc_chunks",
    "headroom",
    "points_back",
    "reserve_candidates",
    "script_answer_text",
    "script_questions",
    "vector_text",
    "without_article_ids",
    "without_reply_word",
]

ANSWER_SECTIONS = ("policy", "scripts", "situations", "steps", "body", "ticket")
_HEADING_WORDS = re.compile(r"[\s()\[\]·,/]+")
# "고객이 … 하는 경우" speaks of the customer; "다른 고객 주문 상품이 온 경우" of someone else
_THIRD_PERSON = re.compile(r"(?<!다른 )고객|(?<!other )\bcustomers?\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s*(?:\*\*(?P<b>.+?)\*\*|#{1,6}\s*(?P<h>.+?))\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
# "(KB-012)", "(KB-007 참조)", "(KB-017, KB-018)", "(see PF-002)": a parenthesis holding only
# document ids; "(노쇼 제한 기준은 CL-002)": one saying where the rule is written
_DOC_ID = r"[A-Z]{2,}-(?:EN-)?\d+[\w-]*"
_ID_ASIDE = re.compile(
    rf"\s*\((?:see\s+)?(?:{_DOC_ID}(?:\s*,\s*)?)+(?:\s*(?:참조|참고))?\)|\s*\([^()]*?(?:은|는)\s+{_DOC_ID}\)"
)
# an id beside other words in a parenthesis ("(TR-001 수수료 적용)", "(취소수수료 적용, TI-001)") or
# naming the article a rule comes from ("PC-006의 지역 할증", "FD-002 지연 보상 기준"): the id goes.
# Not an error code told to the customer ("SN-2002 오류는 …"): only before a rule's word
_RULE_WORDS = (
    r"(?:[가-힣]+\s+){0,2}[가-힣]*(?:기준|절차|규정|지침|문서|적용|참조|참고|표)"
    r"(?:을|를|은|는|이|가|에|의|으로|로)?(?![가-힣])"
)
_ID_WORD = re.compile(
    rf"(?<=\()\s*{_DOC_ID}\s+(?={_RULE_WORDS})|\s*,\s*{_DOC_ID}(?=\))|{_DOC_ID}의\s+|{_DOC_ID}\s+(?={_RULE_WORDS})"
)
# "No. Your friend keeps …", "네, 가능합니다.": a script answer opening with a reply to its own
# question. Sent for another question the reply word answers nothing that was asked, or the
# opposite of it (a fresh English gym KB: "Can I hand my leftover PT sessions to a friend?" got
# "No. Your friend keeps your plan …", the reply to "Does my friend have to pay a joining fee?")
_REPLY_WORD = re.compile(r"^(?:yes|yeah|yep|no|nope|sure|네|예|아니요|아니오|아뇨)\s*[.,!]+\s*", re.I)
# a sentence that points back at the one before it: "이때 …", an exception to it ("단, …",
# "다만 …"), "이는/이를/이에 …", "… 경우가 이에 해당합니다"
_POINTS_BACK = re.compile(
    r"^(?:이|그)\s*(?:때|경우|런\s*경우|럴\s*때)(?:에|에는|에도|는|도)?[\s,]|^(?:in that case|then)\b|"
    r"^(?:단|다만)\s*[,\s]|^이(?:는|를|에|러한|와\s*같은)\s|이에\s*해당",
    re.I,
)
# ... or names what it points at in its first clause: "환불 가능한 금액에서 이 금액을 뺀 만큼
# 돌려드립니다" after the sentence giving the amount (a fresh travel KB sent it alone), "위 서류에
# …를 추가로 제출합니다", "Those amounts are set by your bank". After a clause boundary the words
# point inside their own sentence ("… 반송되며, 이 경우 왕복 운임은 …"), so only the first clause counts.
_NAMES_BACK = re.compile(
    r"(?<![가-힣])(?:이|그|위)\s+(?P<head>금액|기간|수수료|비용|위약금|날짜|시점|시각|서류|조건|요금|차액|횟수|"
    r"한도|경우)(?:을|를|은|는|이|가|의|에|에서|에는|만큼|까지|부터|과|와|도|로|으로|만)?(?![가-힣])|"
    r"\b(?:this|that|these|those)\s+(?P<head_en>amount|fee|period|date|charge|price|limit|time)s?\b",
    re.I,
)
_CONDITION = re.compile(r"(?:면|뒤|후|때)\s")


@dataclass(frozen=True)
class Candidate:
    """One sentence that could go into an answer, with where it came from and its role."""

    chunk: Chunk
    text: str  # the exact source sentence (bullets stripped)
    order: int  # position within its document
    role: RoleLabel
    context: str = ""  # the situation heading it sits under, if any
    # the sentence before it, when it opens by pointing back ("이때 …", "이 경우 …"): what it means
    antecedent: str = ""
    # values of its script question it repeats ("4주"): that customer's case (see _role)
    echo: frozenset[str] = frozenset()
    # the lead-in of the long nested list it is an item of ("Time for the money to appear …:" above
    # "- Credit card: 3-7 business days …"), sent before the first item quoted (:func:`answer_texts`);
    # the item is matched as written
    lead: str = ""

    @property
    def sendable(self) -> bool:
        """General as written, or an agent note with a safe customer-facing rewrite. 단계별 절차
        is written to the agent: from it only what the agent is told to say ("… 걸린다고
        안내합니다") reaches a customer, never the agent's own steps. Nothing marked "검토 필요"
        (a rule or situation nobody has written yet) is sent, nor anything under such a heading."""
        if REVIEW_MARKER in self.text or REVIEW_MARKER in self.context:
            return False
        if self.chunk.section == "steps":
            return bool(self.role.rewrite) and not self.role.sendable
        return self.role.sendable or bool(self.role.rewrite)

    @property
    def pool_text(self) -> str:
        """What its words count as among the candidates (local IDF, :func:`assist.term_fit.weights`):
        the sentence with the heading or question it sits under and what it points back at."""
        return f"{self.context} {self.antecedent} {self.text}"

    @property
    def fit_text(self) -> str:
        """What its words are matched against the inquiry as: :attr:`pool_text` as it is sent."""
        return f"{self.context} {self.antecedent} {self.send_text}"

    @functools.cached_property
    def send_text(self) -> str:
        """What a customer may be sent: the sentence, or its safe rewrite ("… 걸린다고
        안내합니다" in 단계별 절차 → "… 걸립니다"), without the article ids in parentheses the
        customer cannot open ("… 신청할 수 있습니다(KB-012)." → "… 신청할 수 있습니다.").
        Computed once per candidate (candidates are cached per chunk; composing one answer reads
        this ~220 times on the sample KB)."""
        text = self.role.rewrite or self.text  # a general sentence's is its wording to the customer
        return without_article_ids(text)


def without_article_ids(text: str) -> str:
    """``text`` without the article ids a customer cannot open: parentheses that hold only ids or
    say where a rule is written ("(KB-012)", "(KB-007 참조)", "(본인인증은 CL-008)") go, and so
    does an id beside other words ("(TR-001 수수료 적용)" → "(수수료 적용)", "PC-006의 지역 할증이
    추가됩니다" → "지역 할증이 추가됩니다")."""
    return _ID_WORD.sub("", _ID_ASIDE.sub("", text))


def without_reply_word(text: str) -> str:
    """``text`` without a leading reply to a question ("No. Your friend …" → "Your friend …",
    "네, 가능합니다." → "가능합니다."); ``text`` itself when nothing would be left."""
    match = _REPLY_WORD.match(text)
    rest = text[match.end() :] if match else ""
    if not re.search(r"\w", rest):
        return text
    return rest[0].upper() + rest[1:]


def answer_texts(sentences: Sequence[Candidate], *, whole_script: bool = False) -> list[str]:
    """What each chosen sentence sends. A 주요 상황 및 해결책 sentence holds only under its
    situation ("두 주문 모두 오배송입니다" is true when the labels were swapped), so the first one
    quoted from a situation leads with its heading, unless the sentence already names it, the
    heading speaks of the customer in the third person ("고객이 … 하는 경우") or the joined
    sentence would no longer be sendable. So does the first item quoted from a nested list with
    its lead-in ("중도해지 이율(…): 3개월 이상 6개월 미만: 기본금리의 50%"). A script answer's reply
    word ("No.", "네,") is kept only when the Q/A is sent whole (``whole_script``: its question is
    the inquiry's)."""
    out: list[str] = []
    named: set[str] = set()
    for cand in sentences:
        text = cand.send_text
        if cand.chunk.section == "scripts" and not whole_script:
            text = without_reply_word(text)
        if cand.lead and cand.lead not in named:
            named.add(cand.lead)
            joined = f"{cand.lead} {text}"
            if classify(joined).sendable:
                text = joined
        if cand.chunk.section == "situations" and cand.context and cand.context not in named:
            named.add(cand.context)
            words = [w for w in _HEADING_WORDS.split(cand.context) if len(w) >= 2]
            in_text = all(w in text for w in words)
            third_person = _THIRD_PERSON.search(cand.context)
            joined = f"{cand.context}: {text}"
            if not in_text and not third_person and classify(joined).sendable:
                text = joined
        out.append(text)
    return out


def script_answer_text(chunk: Chunk) -> str:
    body = chunk.body
    marker = body.find("A: ")
    return body[marker + 3 :].strip() if marker >= 0 else str(chunk.meta.get("answer", "")).strip()


def script_questions(chunks: Sequence[Chunk]) -> list[str]:
    """The script questions (상담 스크립트 ``Q:`` lines, kept in the chunk's meta) of ``chunks``, in order."""
    return [str(c.meta["question"]) for c in chunks if c.section == "scripts" and c.meta.get("question")]


def doc_chunks(index: HybridIndex, doc_id: str) -> list[Chunk]:
    """Every chunk of one document, in chunk order (the index's per-document rows: nothing is
    rebuilt over the corpus after an incremental write)."""
    return index.doc_chunks(doc_id)


# chunks; the warm-up raises it to every answer chunk of the index
_CANDIDATES: KeptLRU[tuple[str, str], list[Candidate]] = KeptLRU(20_000)


def reserve_candidates(n: int) -> None:
    """Keep the sentences of at least ``n`` chunks (splitting and role analysis cost ~12 ms a chunk:
    at 100k chunks the 26,676 article chunks did not fit in 20k, and the warm-up's work on the
    first ones was gone by the time it reached the last)."""
    _CANDIDATES.reserve(n)


def headroom(n: int) -> int:
    """A cache size for ``n`` items now and the articles added before the next start."""
    return n + n // 10


def chunk_candidates(chunk: Chunk) -> list[Candidate]:
    """The sentences of one chunk with their roles (cached by chunk id and content hash: Kiwi
    sentence splitting and role analysis run once per chunk version, not once per query)."""
    key = (chunk.chunk_id, chunk.hash)
    hit = _CANDIDATES.get(key)
    if hit is not None:
        return hit
    held = unkept(chunk)  # cached: the sentences are kept, not the chunk's text, body and meta
    chunk = read_through(chunk)
    body = script_answer_text(chunk) if chunk.section == "scripts" else chunk.body
    if chunk.doc_type == "ticket":
        body = str(chunk.meta.get("resolution") or body)
    out: list[Candidate] = []
    # a script answer's sentences answer its question; a situation's sentences sit under its heading
    context = str(chunk.meta.get("question") or "") if chunk.section == "scripts" else ""
    # what a sentence pointing back points at: the sentence before it in the same block -- the
    # same line, or the line (bullet) above; a heading or a blank line starts a new block
    previous = ""
    # a script answer that reported what was checked for one customer ("확인해 보니 고객님 계정은
    # 카카오로 가입된 계정입니다.") goes on from that case: what follows rests on it ("로그인 화면에서
    # '카카오로 로그인'을 눌러 주시면 …", "제한은 3월 11일에 자동으로 해제됩니다.")
    checked = False
    lines = body.splitlines()
    lead, lead_indent = "", -1  # a nested list's lead-in and its indentation, when sent item by item
    skip_to = 0
    for at, line in enumerate(lines):
        if at < skip_to:
            continue
        heading = _HEADING.match(line)
        if heading:
            context = (heading.group("b") or heading.group("h") or "").strip()
            previous, lead = "", ""
            continue
        if not line.strip():
            previous = ""
        indent = _indent(line)
        if lead and indent <= lead_indent:
            lead = ""
        items = list_items(lines, at)
        if items:
            head = _BULLET.sub("", line).strip()
            whole = whole_list(head, [_BULLET.sub("", lines[i]).strip() for i in items])
            if whole:  # a short list is one answer: its lead-in says what the items are values of
                out.append(Candidate(held, whole, 0, sentence_role(whole, frozenset()), context))
                skip_to, previous = items[-1] + 1, ""
            else:  # a long one item by item, each sent after its lead-in, never the lead-in alone
                lead, lead_indent, previous = head, indent, ""
            continue
        for sentence in split_sentences(_BULLET.sub("", line)):
            text = sentence.strip()
            # a bare reply ("Yes.", "아니요.") says nothing without its own question
            if len(text) >= 4 and not _REPLY_WORD.fullmatch(text):
                before = previous if points_back(text) else ""
                echo = echoed(text, context) if chunk.section == "scripts" else frozenset()
                role = sentence_role(text, echo)
                if chunk.section == "scripts":
                    if checked and role.role == "general":
                        role = RoleLabel("case_report", "follows what was checked for one customer")
                    checked = checked or (role.role == "case_report" and reports_a_check(text, role))
                out.append(Candidate(held, text, 0, role, context, before, echo, lead))
                previous = text
    _CANDIDATES.put(key, out)
    return out


_WHOLE_LIST = 400  # characters up to which a nested list is sent whole, with its lead-in


def list_items(lines: Sequence[str], at: int) -> list[int]:
    """The lines of the nested list ``lines[at]`` introduces (it ends with a colon and the bullets
    under it are indented deeper: "- 중도해지 이율(…):" / "  - 1개월 미만: 연 0.1%"); [] if none."""
    line = lines[at]
    if not line.rstrip().endswith(":") or _HEADING.match(line):
        return []
    indent = _indent(line)
    out: list[int] = []
    for i in range(at + 1, len(lines)):
        nxt = lines[i]
        if not nxt.strip():
            break
        if _indent(nxt) <= indent or not (_BULLET.match(nxt) or out):
            break  # the first item must be a bullet; lines after it may continue an item
        out.append(i)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def whole_list(lead: str, items: Sequence[str]) -> str:
    """The lead-in and its items as one sentence ("중도해지 이율(…): 1개월 미만: 연 0.1%, 1개월 이상
    …"), or "" when that would be longer than :data:`_WHOLE_LIST` characters."""
    sep = " " if all(i.rstrip().endswith((".", "다", "요")) for i in items) else ", "
    text = f"{lead} " + sep.join(i.rstrip(",;") for i in items)
    return text if len(text) <= _WHOLE_LIST else ""


def points_back(sentence: str) -> bool:
    """The sentence means what it says only after the one before it ("이때 …", "단, …")."""
    if _POINTS_BACK.search(sentence):
        return True
    first_clause = sentence.split(",", 1)[0]
    return any(not _names_its_own(sentence[: m.start()], m) for m in _NAMES_BACK.finditer(first_clause))


def _names_its_own(before: str, named: re.Match[str]) -> bool:
    """ "… 결제에 실패하면 그 금액은 …" names the amount of its own condition; "… receives a full
    refund of that charge" a charge of its own sentence. "위 서류" always points above."""
    if named.group("head_en"):
        return named.group("head_en").lower() in before.lower()
    return not named.group().startswith("위") and bool(_CONDITION.search(before))


def asked_the_same(cand: Candidate, inquiry: str) -> bool:
    """A script sentence held back only for repeating its question's values ("4주"), and this
    inquiry asks about those values too: for this customer it is the answer."""
    return bool(cand.echo) and not cand.echo - values_of(inquiry)


def answer_chunks(chunks: Sequence[Chunk]) -> list[Chunk]:
    """The chunks answers may quote: the answer sections; a document written without the
    template's sections (plain text, an FAQ page) has only a summary, which then is its body."""
    answer = [c for c in chunks if c.section in ANSWER_SECTIONS]
    if answer or any(c.section not in _UNTEMPLATED for c in chunks):
        return answer
    return [c for c in chunks if c.section == "summary"]


_UNTEMPLATED = frozenset({"summary", "title", "management", "references"})


def candidates_of(chunks: Sequence[Chunk]) -> list[Candidate]:
    """The answer sentences of a document's chunks, de-duplicated (chunks overlap by a sentence)."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for chunk in answer_chunks(chunks):
        for cand in chunk_candidates(chunk):
            if cand.text not in seen:
                seen.add(cand.text)
                out.append(replace(cand, order=len(out)))
    return out


def vector_text(cand: Candidate) -> str:
    """What a sentence is embedded as: a 주요 상황 sentence with its heading, which says when it
    holds (safety eval halves: wrong 9/10 -> 8/9 of 79/74; a script's question first: 11/14)."""
    text = f"{cand.antecedent} {cand.send_text}" if cand.antecedent else cand.send_text
    if cand.context and cand.chunk.section == "situations":
        return f"{cand.context}: {text}"
    return text
