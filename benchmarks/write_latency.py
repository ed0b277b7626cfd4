"""Resolve and article edit, end to end, on a built data dir (e.g. the 100k-chunk corpus of
``latency.py suggest``): what an agent waits for, and whether the change is searchable at once.

In process, through the product's functions (what POST /v1/tickets/{id}/resolve and PUT
/v1/articles/{id} run after authentication): the database write, PII masking, chunking, embedding
the new chunks with the configured model, the delta-log append (fsync) and the in-memory delta
segment. ``benchmarks/incremental_index.py`` times the index write alone on a synthetic corpus.

* resolve: ``--tickets`` open tickets are created first (untimed; each gets its suggestion), then
  each is resolved (timed) with an answer holding a word made up for it.
* article edit: ``--edits`` articles each get one sentence added to 정책 (timed), holding a made-up
  word.
* approve: ``--approvals`` pending new-article drafts, each an existing article's sections with a
  made-up word added to 정책 and its chunks embedded ahead as generation leaves them, are approved
  (timed): the article is published and indexed.
* searchable at once: right after each call, the BM25 leg alone must return the document for its
  made-up word, and the default search for the text just written must hold it in its first 5 hits
  (counted separately: the default fusion may rank near-duplicate texts of other documents above a
  long chunk that gained one sentence).

The data dir is changed (tickets added, articles given new versions): use a copy or a bench dir.

    python benchmarks/write_latency.py --data-dir /tmp/kms-bench/kms-100000-flat
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench_common import summary

RESOLUTION = "{} 절차로 처리된다고 안내드렸습니다. 영업일 2일 안에 다시 연락드립니다."
POLICY_LINE = "- {} 신청은 영업일 기준 3일 안에 처리합니다."


def made_up_word(rng: random.Random, sentence: str) -> str:
    """A Hangul word no corpus holds (six random syllables) that Kiwi reads as one token alone (as
    written and with its typo model, as queries are read) and inside ``sentence`` (``{}`` marks
    where it goes), so BM25 can find exactly its text."""
    from indexes.lexical import tokenize

    while True:
        word = "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(6))
        alone = tokenize(word) == tokenize(word, typos=True) == [word]  # queries use the typo model
        if alone and word in tokenize(sentence.format(word)):
            return word


def found(kb: Any, query: str, doc_id: str, fusion: str | None = None) -> bool:
    """Is ``doc_id`` among the first 5 hits of a search for ``query`` (the configured fusion, or
    one leg: ``fusion="bm25"``)?"""
    params = kb.params() if fusion is None else replace(kb.params(), fusion=fusion)
    hits = kb.searcher.search_chunks(query, params)
    return doc_id in [h.chunk.doc_id for h in hits[:5]]


def searchable(kb: Any, word: str, text: str, doc_id: str) -> tuple[bool, bool]:
    """(the BM25 leg finds ``doc_id`` for its made-up word, the default search finds it among
    its first 5 for the text just written)."""
    return found(kb, word, doc_id, "bm25"), found(kb, text, doc_id)


def found_line(counts: list[int], n: int) -> str:
    return (
        f"right after the call: BM25 finds {counts[0]}/{n}, the default search's top 5 hold {counts[1]}/{n}"
    )


def pending_draft(kb: Any, article_id: str, word: str) -> int:
    """A pending new-article draft with ``article_id``'s sections and a made-up word in 정책, under
    a topic of its own, its chunks embedded ahead (what ``kms drafts generate`` leaves for review;
    untimed); its id."""
    from assist.articles import get_article_view
    from assist.drafts.ahead import embed_ahead
    from assist.drafts.review import draft_article_id
    from assist.drafts.store import require_draft
    from storage import DraftRow, TopicRow

    view = get_article_view(kb, article_id)
    sections = dict(view.sections)
    sections["policy"] = f"{sections.get('policy', '').rstrip()}\n{POLICY_LINE.format(word)}"
    with kb.sessions() as session, session.begin():
        topic = TopicRow(key=f"write-latency-{word}", label=view.title)
        session.add(topic)
        session.flush()
        draft = DraftRow(topic_id=topic.id, title=f"{view.title} {word}", sections=sections)
        session.add(draft)
        session.flush()
        draft_id = int(draft.id)
    with kb.sessions() as session:  # as `kms drafts generate` leaves it: its chunks embedded ahead
        embed_ahead(kb, [(require_draft(session, draft_id), draft_article_id(draft_id))])
    return draft_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--tickets", type=int, default=40)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--approvals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args()
    os.environ["KMS_DATA_DIR"] = str(args.data_dir)

    from assist.articles import edit_article, get_article_view
    from assist.drafts import approve_draft
    from assist.knowledge import KnowledgeBase
    from assist.tickets import create_ticket, resolve_ticket
    from core.settings import Settings

    rng = random.Random(args.seed)
    kb = KnowledgeBase(Settings(data_dir=args.data_dir))
    t0 = time.perf_counter()
    index = kb.index
    print(f"index loaded: {len(index.chunks):,} chunks in {time.perf_counter() - t0:.1f} s", flush=True)
    found(kb, "환불은 언제 되나요?", "")  # model and caches warm

    opened = []
    for i in range(args.tickets):
        ticket, _ = create_ticket(kb, body=f"주문한 상품 {i + 1}번 문의드립니다. 언제 받을 수 있나요?")
        opened.append(ticket.id)
    resolve_ms, resolve_found = [], [0, 0]
    for ticket_id in opened:
        word = made_up_word(rng, RESOLUTION)
        answer = RESOLUTION.format(word)
        t = time.perf_counter()
        resolve_ticket(kb, ticket_id, resolution=answer, actor="write-latency-bench")
        resolve_ms.append((time.perf_counter() - t) * 1000)
        for n, ok in enumerate(searchable(kb, word, answer, f"ticket:{ticket_id}")):
            resolve_found[n] += ok
    print(f"resolve      {summary(resolve_ms)} ms; {found_line(resolve_found, len(opened))}", flush=True)

    articles = sorted({c.doc_id.split(":", 1)[1] for c in kb.index.chunks if c.doc_type == "article"})
    edit_ms, edit_found = [], [0, 0]
    for article_id in rng.sample(articles, min(args.edits, len(articles))):
        view = get_article_view(kb, article_id)
        sections = {"title": view.title, **view.sections}
        word = made_up_word(rng, POLICY_LINE)
        added = POLICY_LINE.format(word)
        sections["policy"] = f"{sections.get('policy', '').rstrip()}\n{added}"
        t = time.perf_counter()
        edit_article(kb, article_id, sections, "write latency benchmark", "write-latency-bench")
        edit_ms.append((time.perf_counter() - t) * 1000)
        for n, ok in enumerate(searchable(kb, word, added, f"article:{article_id}")):
            edit_found[n] += ok
    print(f"article edit {summary(edit_ms)} ms; {found_line(edit_found, len(edit_ms))}", flush=True)

    approve_ms, approve_found = [], [0, 0]
    for article_id in rng.sample(articles, min(args.approvals, len(articles))):
        word = made_up_word(rng, POLICY_LINE)
        draft_id = pending_draft(kb, article_id, word)
        t = time.perf_counter()
        published = approve_draft(
            kb, draft_id, owner="bench", author="write-latency-bench", override="write latency benchmark"
        )
        approve_ms.append((time.perf_counter() - t) * 1000)
        doc_id = f"article:{published.article_id}"
        for n, ok in enumerate(searchable(kb, word, POLICY_LINE.format(word), doc_id)):
            approve_found[n] += ok
    print(f"approve      {summary(approve_ms)} ms; {found_line(approve_found, len(approve_ms))}", flush=True)

    figures = {
        "chunks": len(kb.index.chunks),
        "resolve_ms": summary(resolve_ms),
        "resolve_searchable": [resolve_found, len(opened)],
        "edit_ms": summary(edit_ms),
        "edit_searchable": [edit_found, len(edit_ms)],
        "approve_ms": summary(approve_ms),
        "approve_searchable": [approve_found, len(approve_ms)],
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(figures, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
