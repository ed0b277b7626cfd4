"""The unit of a draft: a line of a section with the ticket ids it came from.

A section is a list of :class:`Line`. Each line keeps its Markdown marker (``prefix``: ``"1. "``,
``"Q: "``, ``"- "``, ``"### "``) apart from its text, so the same lines give the Markdown body
(:func:`section_markdown`) and the per-sentence provenance reviewers see (:func:`provenance`).
``kind`` says where the text came from: ``extracted`` (a ticket's words, endings normalised),
``generated`` (template/structural text about the topic, attributed to the topic's tickets),
``rewritten`` (an extracted line polished by the optional LLM, still grounded in its tickets) or
``edited`` (a reviewer's words). Every line's text is PII-masked when it is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from korean.pii import mask_pii
from korean.sentences import split_sentences

__all__ = ["BLANK", "Kind", "Line", "make_line", "provenance", "section_markdown"]

Kind = Literal["extracted", "rewritten", "generated", "edited", "blank"]


@dataclass(frozen=True)
class Line:
    text: str
    tickets: tuple[str, ...]
    kind: Kind = "extracted"
    prefix: str = ""

    @property
    def markdown(self) -> str:
        return f"{self.prefix}{self.text}" if self.text else ""


BLANK = Line("", (), "blank")


def make_line(text: str, tickets: Iterable[str], kind: Kind = "extracted", prefix: str = "") -> Line:
    """A line with whitespace collapsed and PII masked; ticket ids deduplicated in order."""
    return Line(mask_pii(" ".join(text.split())), tuple(dict.fromkeys(tickets)), kind, prefix)


def section_markdown(lines: Sequence[Line]) -> str:
    """The section body: one Markdown line per line, blank lines between groups, trimmed."""
    return "\n".join(line.markdown for line in lines).strip()


def provenance(lines: Sequence[Line]) -> list[dict[str, Any]]:
    """One entry per sentence of the section: ``{"text", "tickets", "kind"}``."""
    out: list[dict[str, Any]] = []
    for line in lines:
        if line.kind == "blank" or not line.text:
            continue
        for sentence in split_sentences(line.text) or [line.text]:
            out.append({"text": sentence, "tickets": list(line.tickets), "kind": line.kind})
    return out
