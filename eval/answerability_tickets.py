"""Resolved tickets for ``kms eval answerability --tickets N``.

In production a KB holds resolved tickets tagged with the consultation tag of the article that
answered them. With ``--tickets N`` every generated article gets a front-matter ``tag:`` (its
article id) and N labelled utterances per gold document become resolved tickets carrying that
tag, ingested after the articles as ``kind="tickets"``:

- ``banking77``: the train utterances of each intent after the first ``SCRIPT_PAIRS`` (those in
  the article's scripts), N per intent, in file order; a held-out intent (no article) gets N too,
  tagged ``held-<intent>`` (no article has that tag: resolved tickets on topics the KB lacks).
- ``welfare_qa_ko``: N welfare questions per document with one gold document, drawn with the fixed
  seed :data:`TICKET_SEED` from the questions that are not evaluated in this run.

A text equal to an evaluated question (spacing and case ignored) is never a ticket. The resolution
is one fixed neutral sentence, so the tickets add their inquiries and tags, not answers.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "HELD_TAG_PREFIX",
    "RESOLUTION_EN",
    "RESOLUTION_KO",
    "TICKET_SEED",
    "Ticket",
    "banking_tickets",
    "tagged_markdown",
    "text_key",
    "tickets_json",
    "welfare_tickets",
]

TICKET_SEED = 20261201  # fixed: the welfare tickets do not move with --seed's other draws
HELD_TAG_PREFIX = "held-"
RESOLUTION_EN = "The agent answered the customer's question and the ticket was closed as resolved."
RESOLUTION_KO = "상담원이 문의에 답변하여 처리가 완료되었습니다."


@dataclass(frozen=True)
class Ticket:
    """One resolved ticket: ``origin`` names the utterance or question it was made from."""

    ticket_id: str
    inquiry: str
    tag: str
    resolution: str
    origin: str


def text_key(text: str) -> str:
    """What two texts must share to count as the same question (spacing and case ignored)."""
    return " ".join(str(text).split()).casefold()


def tagged_markdown(markdown: str, tag: str) -> str:
    """``markdown`` with a front-matter ``tag:`` (the article id still comes from the file name)."""
    return f"---\ntag: {tag}\n---\n{markdown}"


def tickets_json(tickets: Iterable[Ticket]) -> str:
    """The tickets as the JSON file the product's ticket reader takes."""
    rows = [
        {
            "id": t.ticket_id,
            "inquiry": t.inquiry,
            "resolution": t.resolution,
            "status": "resolved",
            "tags": t.tag,
        }
        for t in tickets
    ]
    return json.dumps({"tickets": rows}, ensure_ascii=False, indent=1) + "\n"


def banking_tickets(
    intents: Sequence[str],
    train: Mapping[str, Sequence[str]],
    article_of: Mapping[str, str],
    asked: Iterable[str],
    *,
    per_intent: int,
    skip: int,
) -> list[Ticket]:
    """``per_intent`` train utterances of each intent after its first ``skip``, in file order;
    tag = the intent's article id, or ``held-<intent>`` when it has no article."""
    if per_intent <= 0:
        return []
    seen = {text_key(t) for t in asked}
    tickets: list[Ticket] = []
    for i, intent in enumerate(intents):
        tag = article_of.get(intent) or f"{HELD_TAG_PREFIX}{intent}"
        taken = 0
        for k, text in enumerate(train.get(intent, ())):
            if taken >= per_intent:
                break
            key = text_key(text)
            if k < skip or not key or key in seen:
                continue
            seen.add(key)  # a repeated utterance is one ticket
            inquiry = " ".join(text.split())
            tickets.append(Ticket(f"T-B77-{i:02d}-{k:03d}", inquiry, tag, RESOLUTION_EN, intent))
            taken += 1
    return tickets


def welfare_tickets(
    candidates: Sequence[tuple[str, str, str]],
    order: Sequence[str],
    asked: Iterable[str],
    *,
    per_doc: int,
    seed: int = TICKET_SEED,
) -> list[Ticket]:
    """``per_doc`` of the ``(qid, question, article id)`` candidates per article (in ``order``),
    drawn with ``seed`` and the article id; a question equal to an ``asked`` one is never drawn."""
    if per_doc <= 0:
        return []
    seen = {text_key(t) for t in asked}
    by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for qid, question, article_id in candidates:
        by_doc[article_id].append((qid, question))
    tickets: list[Ticket] = []
    for article_id in order:
        pool = list(by_doc.get(article_id, ()))
        random.Random(f"{seed}:{article_id}").shuffle(pool)  # a document's draw ignores the others
        taken = 0
        for qid, question in pool:
            if taken >= per_doc:
                break
            key = text_key(question)
            if not key or key in seen:
                continue
            seen.add(key)
            tickets.append(Ticket(f"T-WQ-{qid}", " ".join(question.split()), article_id, RESOLUTION_KO, qid))
            taken += 1
    return tickets
