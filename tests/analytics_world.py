"""A small database with known tickets, suggestions, feedback, chatbot answers (and their
feedback), articles, topics and drafts, for the analytics tests (every figure is hand-computed
in tests/unit/test_analytics.py).

The period under test is 2026-06-01..2026-06-07 (the previous one 2026-05-25..05-31); "now" is
2026-06-08 12:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings
from storage import (
    AnswerFeedbackRow,
    ArticleRow,
    DraftRow,
    FeedbackRow,
    QueryLogRow,
    SuggestionRow,
    TicketRow,
    TopicRow,
    log_query,
    open_db,
)

NOW = datetime(2026, 6, 8, 12, 0, tzinfo=UTC)
SINCE, UNTIL = date(2026, 6, 1), date(2026, 6, 7)
REPEATED_QUESTION = "환불 언제 되나요"
PII_ALLOW = ["re:cust-[a-z]"]  # customer refs kept as they are (else masked to [고객번호])


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


# service times (migration 0010): hours from creation to the first agent reply (absent: none
# recorded) and reopen counts (absent: not known). In the period: replies T1 0.5 T2 3 T3 1 T4 6.5
# T9 2 (T5 none); reopens known for T1 0, T2 1, T3 0, T4 0 (open, never resolved), T9 2.
FIRST_REPLY_HOURS = {"T1": 0.5, "T2": 3.0, "T3": 1.0, "T4": 6.5, "T9": 2.0, "T6": 1.0}
REOPENS = {"T1": 0, "T2": 1, "T3": 0, "T4": 0, "T9": 2, "T6": 1}

# id, created, resolved, channel, tags, csat, customer_ref
TICKETS: list[tuple[str, datetime, datetime | None, str, list[str], float | None, str | None]] = [
    ("T1", at(6, 1, 10), at(6, 1, 12), "chat", ["결제"], 5.0, "cust-a"),
    ("T2", at(6, 1, 11), at(6, 2, 11), "app", ["결제", "환불"], 3.0, "cust-a"),
    ("T3", at(6, 3, 9), at(6, 3, 13), "chat", ["배송"], 4.0, "cust-b"),
    ("T4", at(6, 5, 9), None, "chat", [], None, "cust-c"),
    ("T5", at(6, 6, 8), at(6, 6, 16), "email", ["배송"], None, "cust-a"),
    ("T6", at(5, 28, 9), at(5, 28, 10), "chat", ["결제"], 5.0, None),
    ("T7", at(5, 29, 9), at(5, 29, 10), "app", ["교환"], None, None),
    ("T8", at(6, 8, 9), None, "chat", ["배송"], None, "cust-b"),
    ("T9", at(6, 7, 23), at(6, 8, 1), "chat", ["배송"], 4.0, None),
]

# id, created, ticket, top article (None: no article), feedback [(verdict, distance, reason)]
SUGGESTIONS: list[
    tuple[str, datetime, str | None, str | None, list[tuple[str, float | None, str | None]]]
] = [
    ("S1", at(6, 2, 9), "T1", "KB-1", [("used", 0.0, None)]),
    ("S2", at(6, 2, 10), "T2", "KB-1", [("edited", 0.4, None)]),
    ("S3", at(6, 3, 10), "T3", "KB-2", [("rejected", None, "오래된 정책")]),
    ("S4", at(6, 4, 10), None, "KB-2", [("rejected", None, "오래된 정책"), ("edited", 0.2, None)]),
    ("S5", at(6, 5, 10), None, None, []),
    ("S6", at(5, 30, 10), None, "KB-1", [("used", 0.0, None)]),
]

# kind, created, abstained, confidence, hit ids, question
QUERIES: list[tuple[str, datetime, bool | None, float | None, list[str], str]] = [
    ("answer", at(6, 1, 9), False, 0.9, ["article:KB-1"], "배송 얼마나 걸려요"),
    ("chat", at(6, 1, 10), True, 0.3, ["article:KB-3"], REPEATED_QUESTION),
    ("answer", at(6, 2, 10), True, 0.1, [], "환불  언제 되나요"),
    ("answer", at(6, 3, 10), False, 0.8, ["article:KB-3", "article:KB-3"], "쿠폰 유효기간"),  # 2 sentences
    ("answer", at(5, 20, 10), True, 0.2, [], "기간 밖"),
    ("suggest", at(6, 2, 9), None, 0.7, ["article:KB-3", "ticket:T1"], "티켓 1"),
    ("suggest", at(6, 4, 9), None, 0.6, ["article:KB-30"], "티켓 2"),
]

# chatbot answer feedback: query index (q0 .. q4 above), verdict, reason
ANSWER_FEEDBACK: list[tuple[int, str, str | None]] = [
    (0, "helpful", None),  # 06-01, cites KB-1
    (1, "not_helpful", "상담원 연결이 늦어요"),  # 06-01, handed off: cites nothing
    (3, "not_helpful", "날짜가 틀려요"),  # 06-03, cites KB-3 (in two sentences)
    (4, "not_helpful", None),  # 05-20: outside the period
]


def _article(aid: str, **kw: Any) -> ArticleRow:
    base: dict[str, Any] = {
        "title": f"{aid} 제목",
        "source": "test",
        "content_hash": aid,
        "status": "published",
    }
    return ArticleRow(id=aid, **(base | kw))


def populate(session: Session) -> None:
    for tid, created, resolved, channel, tags, csat, ref in TICKETS:
        session.add(
            TicketRow(
                id=tid,
                channel=channel,
                inquiry=f"{tid} 문의",
                status="resolved" if resolved else "open",
                tags=tags,
                created_at=created,
                resolved_at=resolved,
                csat=csat,
                customer_ref=ref,
                source="test",
                content_hash=tid,
                is_knowledge=resolved is not None,
                first_response_at=created + timedelta(hours=FIRST_REPLY_HOURS[tid])
                if tid in FIRST_REPLY_HOURS
                else None,
                reopens=REOPENS.get(tid),
            )
        )
    session.flush()
    for sid, created, ticket, article, feedback in SUGGESTIONS:
        articles = [{"article_id": article, "title": "", "score": 0.5}] if article else []
        payload = {"articles": articles, "draft": {"text": "초안"}}
        session.add(SuggestionRow(id=sid, ticket_id=ticket, payload=payload, created_at=created))
        session.flush()
        for verdict, distance, reason in feedback:
            session.add(
                FeedbackRow(
                    suggestion_id=sid,
                    verdict=verdict,
                    edit_distance=distance,
                    reason=reason,
                    created_at=created,
                )
            )
    for i, (kind, created, abstained, conf, hits, question) in enumerate(QUERIES):
        log_query(
            session,
            kind=kind,
            query=question,
            hit_ids=hits,
            timings_ms={},
            confidence=conf,  # type: ignore[arg-type]
            abstained=abstained,
            log_id=f"q{i}",
        )
        session.flush()
        row = session.get(QueryLogRow, f"q{i}")
        assert row is not None
        row.created_at = created
    for i, verdict, reason in ANSWER_FEEDBACK:
        created = QUERIES[i][1] + timedelta(minutes=1)
        session.add(AnswerFeedbackRow(log_id=f"q{i}", verdict=verdict, reason=reason, created_at=created))
    session.add_all(
        [
            _article("KB-1", updated_at=date(2026, 5, 1)),
            _article(
                "KB-2", updated_at=date(2026, 5, 1), complete=False, missing=["steps", "scripts"], owner="kim"
            ),
            _article("KB-3", updated_at=date(2026, 5, 1), valid_until=date(2026, 5, 31)),
            _article("KB-30", updated_at=date(2024, 1, 1)),
            _article("KB-4", status="archived", valid_until=date(2026, 1, 1)),
        ]
    )
    topic_a = TopicRow(
        key="t-a",
        label="환불 지연",
        size=5,
        previous_size=2,
        last_seen=at(6, 6),
        member_ids=["T1", "T2", "T6"],
    )
    topic_b = TopicRow(
        key="t-b",
        label="배송 문의",
        size=8,
        previous_size=8,
        last_seen=at(6, 5),
        member_ids=["T3", "T5", "T9", "T8"],
    )
    topic_c = TopicRow(
        key="t-c", label="숨김", size=20, previous_size=1, status="suppressed", member_ids=["T1"]
    )
    session.add_all([topic_a, topic_b, topic_c])
    session.flush()
    session.add(DraftRow(topic_id=topic_a.id, title="환불 지연 안내", size=5, created_at=at(6, 1, 12)))
    session.flush()
    session.add(
        DraftRow(topic_id=topic_b.id, title="배송 안내", size=8, status="approved", created_at=at(5, 1))
    )
    session.flush()
    session.add(DraftRow(topic_id=topic_a.id, title="환불 지연 안내 2", size=5, created_at=at(6, 5)))


def build_world(settings: Settings) -> sessionmaker[Session]:
    sessions = open_db(settings)
    with sessions.begin() as session:
        populate(session)
    return sessions


# Repeat contacts (first-contact resolution): tickets of a few customers around the period.
REPEAT_T0 = datetime(2026, 6, 2, 9, tzinfo=UTC)
REPEAT_ROWS = [  # id, customer, created (False: ingested then), hours after REPEAT_T0, channel
    ("A1", "cust-a", True, 0, "chat"),
    ("A2", "cust-a", True, 0, "app"),  # the same time as A1: A1's next (a later id)
    ("A3", "cust-a", True, 24 * 7 + 1, "chat"),  # 7 days and an hour after A2: not a repeat
    ("E1", "cust-e", True, 30, "chat"),
    ("E2", "cust-e", False, 30 + 24 * 7, "app"),  # ingested only, exactly 7 days later: a repeat
    ("B1", "cust-b", True, 10, "chat"),
    ("B2", "cust-b", True, 10 + 24 * 7 + 1, "chat"),  # 7 days and an hour later: not a repeat
    ("C1", "cust-c", True, 24 * 5, "chat"),
    ("C2", "cust-c", True, 24 * 9, "email"),  # after the period, within 7 days of C1
    ("D1", "[고객번호]", True, 1, "chat"),
    ("D2", "[고객번호]", True, 2, "chat"),
]


def insert_repeat_rows(session: Session, rows: list[tuple[str, str, bool, int, str]]) -> None:
    """The tickets of ``rows`` (as :data:`REPEAT_ROWS`), written with Core inserts."""
    for tid, ref, created, hours, channel in rows:
        at_ = REPEAT_T0 + timedelta(hours=hours)
        session.execute(
            insert(TicketRow).values(
                id=tid, customer_ref=ref, channel=channel, inquiry="문의", status="open", source="t",
                content_hash="x", created_at=at_ if created else None, ingested_at=at_,
            )
        )  # fmt: skip
