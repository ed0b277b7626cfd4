"""Retrieval shared by suggestions and answers: input checks, search, confidence."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from core.types import ChunkHit, DocHit
from indexes.hybrid import SearchTrace, aggregate
from korean.lang import detect_lang
from korean.pii import mask_pii


def clean_query(text: object, settings: Settings, *, field_name: str) -> str:
    """Validated, PII-masked query text; raises InvalidInputError naming the field."""
    if not isinstance(text, str):
        raise InvalidInputError(f"'{field_name}' must be a string", field=field_name)
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError(f"'{field_name}' is empty; send the customer's question", field=field_name)
    if len(stripped) > settings.max_inquiry_chars:
        raise InvalidInputError(
            f"'{field_name}' has {len(stripped)} characters; the limit is {settings.max_inquiry_chars} "
            "(KMS_MAX_INQUIRY_CHARS)",
            field=field_name,
            value=len(stripped),
        )
    return mask_pii(stripped, allow=settings.pii_allow)


@dataclass
class Evidence:
    """What one retrieval found: chunk hits (best first) and per-type documents.

    Confidence is not here: it belongs to a composed answer (:mod:`assist.confidence`)."""

    query: str
    chunk_hits: list[ChunkHit]
    articles: list[DocHit]
    tickets: list[DocHit]
    docs: list[DocHit]
    lang: str
    trace: SearchTrace = field(default_factory=SearchTrace)
    # more articles than ``articles``, ranked the same way, when ``gather`` was asked for a pool
    # (the suggestions' list re-ranks it: assist.sentence_rank); empty otherwise
    article_pool: list[DocHit] = field(default_factory=list)

    @property
    def knowledge(self) -> list[DocHit]:
        """Articles and plain documents, best first (what chatbot answers may cite)."""
        return sorted(self.articles + self.docs, key=lambda d: -d.score)


VOTING_TICKETS = 10  # the closest resolved tickets whose tags vote for articles


def ticket_votes(articles: Sequence[DocHit], tickets: Sequence[DocHit], weight: float) -> list[DocHit]:
    """Articles re-ranked by what resolved tickets say: an article whose consultation tag is a tag
    of one of the closest resolved tickets gains ``weight`` × that ticket's score (the best one).

    Customers word the same question in many ways; the tickets resolved under an article's tag are
    those ways, so a question close to them is evidence for the article even when its own words
    are far from the article's. Articles without a tag, or a KB without tickets, keep their order
    and scores exactly."""
    if not weight:
        return list(articles)
    votes: dict[str, float] = {}
    for ticket in tickets:
        for tag in ticket.meta.get("tags") or ():
            votes[str(tag)] = max(votes.get(str(tag), 0.0), max(ticket.score, 0.0))
    if not votes:
        return list(articles)
    lifted = [
        replace(a, score=a.score + weight * votes.get(str(a.meta.get("tag") or ""), 0.0)) for a in articles
    ]
    return sorted(lifted, key=lambda d: -d.score)


def gather(
    kb: KnowledgeBase,
    query: str,
    *,
    k: int = 5,
    doc_types: Collection[str] | None = None,
    exclude: Collection[str] = (),
    article_pool: int = 0,
) -> Evidence:
    """Search once over all chunk types and split the results per document type; articles are
    re-ranked by the closest resolved tickets' tags (:func:`ticket_votes`, ``KMS_TICKET_VOTE``).
    ``exclude``: document ids to leave out (a ticket asking about itself). ``article_pool``: also
    that many articles, from the same search and votes, in ``Evidence.article_pool`` (``articles``
    stay the first ``k``, as any other caller gets them)."""
    trace = SearchTrace()
    hits = kb.searcher.search_chunks(query, kb.params(doc_types=doc_types), trace=trace)
    if exclude:
        hits = [h for h in hits if h.chunk.doc_id not in exclude]
    by_type: dict[str, list[ChunkHit]] = {"article": [], "ticket": [], "doc": []}
    for hit in hits:
        by_type.setdefault(hit.chunk.doc_type, []).append(hit)
    weight = kb.settings.ticket_vote  # 0 (default): no votes, so k of each, as without them
    tickets = aggregate(by_type["ticket"], k=max(k, VOTING_TICKETS) if weight else k)
    voting = tickets[:VOTING_TICKETS]
    # aggregated once, as deep as the pool: the first n documents of a deeper aggregate are the
    # aggregate of n (documents in order of their first hit, each with its best chunks)
    depth = max(k, article_pool)
    ranked = aggregate(by_type["article"], k=2 * depth if weight else depth)
    pool = ticket_votes(ranked, voting, weight)[:article_pool] if article_pool > k else []
    return Evidence(
        query=query,
        chunk_hits=hits,
        articles=ticket_votes(ranked[: 2 * k if weight else k], voting, weight)[:k],
        article_pool=pool,
        tickets=tickets[:k],
        docs=aggregate(by_type["doc"], k=k),
        lang=detect_lang(query),
        trace=trace,
    )
