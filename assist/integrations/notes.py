"""The text an agent sees in the helpdesk: a suggestion (draft, its citations, article links) as
a private/internal note, and a chatbot answer with its sources. Built from the knowledge base
only: the customer's own words are never repeated into a note."""

from __future__ import annotations

from html import escape

from assist.schemas import Answer, Citation, Suggestion

MAX_NOTE_CHARS = 8000
__all__ = ["answer_text", "note_html", "suggestion_note"]


def _link(base: str | None, article_id: str | None) -> str:
    return f" {base.rstrip('/')}/kms/{article_id}" if base and article_id else ""


def _citation_lines(citations: list[Citation], base: str | None) -> list[str]:
    return [f"[{c.n}] {c.title} · {c.section}{_link(base, c.article_id)}" for c in citations]


def answer_text(answer: Answer) -> str:
    """The answer with a source line per citation ([n] title)."""
    lines = [answer.answer]
    if answer.citations:
        lines += ["", "참고 자료:"] + [f"[{c.n}] {c.title}" for c in answer.citations]
    return "\n".join(lines)


def suggestion_note(
    suggestion: Suggestion, *, threshold: float, link_base: str | None, reason: str = ""
) -> str:
    """A plain-text internal note: why it is here, the draft, its citations, related articles."""
    confident = suggestion.confidence >= threshold
    head = f"[KMS Assist] 추천 답변 (신뢰도 {suggestion.confidence:.2f}, 기준 {threshold:.2f})"
    lines = [head + (f" · {reason}" if reason else "")]
    if suggestion.draft.text.strip() and suggestion.draft.strategy != "none":
        lines += ["", "초안:" if confident else "초안 (확인 필요):", suggestion.draft.text.strip()]
    else:
        lines += ["", "지식베이스에서 바로 쓸 답변을 찾지 못했습니다. 아래 문서를 확인해 주세요."]
    if suggestion.draft.citations:
        lines += ["", "근거:", *_citation_lines(suggestion.draft.citations, link_base)]
    elif suggestion.articles:  # no draft: the closest sections, numbered, as the evidence to check
        lines += ["", "근거 (검색된 문서):"]
        for n, article in enumerate(suggestion.articles[:3], start=1):
            best = article.sections[0] if article.sections else None
            where = f" · {best.label} — {best.snippet[:120].strip()}" if best else ""
            lines.append(f"[{n}] {article.title}{where}{_link(link_base, article.article_id)}")
    if suggestion.articles:
        lines += ["", "관련 문서:"]
        lines += [f"- {a.title}{_link(link_base, a.article_id)}" for a in suggestion.articles[:5]]
    if suggestion.tickets:
        lines += ["", "비슷한 해결 티켓: " + ", ".join(t.ticket_id for t in suggestion.tickets[:3])]
    if suggestion.tag is not None:
        lines += [f"추천 상담태그: {suggestion.tag.value}"]
    return "\n".join(lines)[:MAX_NOTE_CHARS]


def note_html(text: str) -> str:
    """Plain text as the HTML a Freshdesk note body expects (escaped, line breaks kept)."""
    return "<div>" + "<br>".join(escape(line) for line in text.split("\n")) + "</div>"
