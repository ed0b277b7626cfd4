"""Optional LLM polish of a draft (only with ``KMS_LLM_BASE_URL`` set), grounded sentence by sentence.

Only lines taken from tickets are sent (policy, steps, situations); structural lines, scripts
(real Q/A) and management stay as composed. The model returns ``[n] sentence`` lines; each
sentence is kept only when ``assist.grounding.is_supported`` finds it in the texts of the
tickets line ``n`` came from (``llm_min_support``). A line whose rewrite is entirely unsupported
keeps its extracted text, and any endpoint failure keeps the whole draft as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from assist.drafts.compose import DraftContent
from assist.drafts.lines import Line, make_line
from assist.errors import UpstreamError
from assist.grounding import is_supported
from assist.llm import chat_completion
from core.records import TicketRecord
from core.settings import Settings
from korean.sentences import split_sentences

__all__ = ["REWRITE_SECTIONS", "rewrite"]

log = logging.getLogger(__name__)
REWRITE_SECTIONS: tuple[str, ...] = ("policy", "steps", "situations")
_REPLY_LINE = re.compile(r"^\s*\[(\d+)\]\s*(.+?)\s*$")
PROMPT = """당신은 고객센터 KMS 문서 편집자입니다. 아래 문장들은 상담 티켓의 처리 내용에서 뽑은 것입니다.
각 문장을 KMS 문서에 맞게 자연스러운 하십시오체로 다듬되, 내용(조건, 숫자, 기간, 금액)은 바꾸거나
더하지 마십시오. 새로운 정책이나 사실을 만들지 마십시오. 문장마다 같은 번호를 붙여 한 줄에 하나씩 답하십시오.
형식: [번호] 다듬은 문장

{sentences}"""


def _grounded(text: str, sources: Sequence[str], min_support: float) -> str:
    kept = [s for s in split_sentences(text) if is_supported(s, sources, min_support=min_support)]
    dropped = len(split_sentences(text)) - len(kept)
    if dropped:
        log.info("dropped %d unsupported LLM sentence(s)", dropped)
    return " ".join(kept)


def _rewrite_section(settings: Settings, lines: list[Line], texts: dict[str, str]) -> list[Line]:
    numbered = [(i, line) for i, line in enumerate(lines) if line.kind == "extracted"]
    if not numbered:
        return lines
    listing = "\n".join(f"[{n}] {line.text}" for n, (_, line) in enumerate(numbered, start=1))
    reply = chat_completion(settings, [{"role": "user", "content": PROMPT.format(sentences=listing)}])
    out = list(lines)
    for raw in reply.splitlines():
        m = _REPLY_LINE.match(raw)
        if m is None or not 1 <= int(m.group(1)) <= len(numbered):
            continue
        i, line = numbered[int(m.group(1)) - 1]
        sources = [texts[t] for t in line.tickets if t in texts]
        text = _grounded(m.group(2), sources, settings.llm_min_support) if sources else ""
        if text and text != line.text:
            out[i] = replace(make_line(text, line.tickets, "extracted", line.prefix), kind="rewritten")
    return out


def rewrite(settings: Settings, content: DraftContent, tickets: Sequence[TicketRecord]) -> DraftContent:
    """``content`` with its extracted lines polished where the LLM's sentences are grounded."""
    texts = {t.ticket_id: f"{t.subject}\n{t.inquiry}\n{t.resolution}" for t in tickets}
    lines = dict(content.lines)
    for key in REWRITE_SECTIONS:
        if key not in lines:
            continue
        try:
            lines[key] = _rewrite_section(settings, lines[key], texts)
        except UpstreamError as exc:
            log.warning("%s; keeping the extractive draft", exc.message)
            return content
    return replace(content, lines=lines)
