"""How long the VOC analytics report (``kms report``) takes at 100k or 1M synthetic tickets.

Generates N tickets over the last 365 days (with N/2 stored suggestions, 60% of them with agent
feedback, N chatbot questions in the query log, 300 articles, 60 topics, 40 drafts) into a
temporary SQLite database, then times ``build_report`` over the last 28 days (day buckets) and
over the whole year (week buckets). With ``--postgres URL`` (or ``KMS_BENCH_POSTGRES_URL``) the
same data goes into that PostgreSQL database too (an empty one, or one that already holds it);
``--postgres auto`` starts a throwaway server the way the tests do (tests/pg.py: initdb/pg_ctl
on PATH or under /usr/lib/postgresql).

    python benchmarks/analytics_report.py                 # 100k tickets, SQLite
    python benchmarks/analytics_report.py --n 1000000 --postgres auto
    python benchmarks/analytics_report.py --n 1000000 --data-dir /tmp/bench1m --postgres URL

With ``--data-dir`` the SQLite database is kept there, and a database (SQLite or PostgreSQL) that
already holds tickets is reused as it is (migrated to the head revision first), so that two
checkouts can be timed on the same data without generating it twice.

Rows are written with bulk Core inserts (no ORM events, so no PII masking: the text is made up),
through ``storage.bulk.bulk_insert``: the rollup triggers are off for each 20,000-row batch and
the batch's rollup sums are added once, in the same transaction.
Never asserts on wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import analytics_data as data  # benchmarks/ (the script's folder)

from assist.analytics import (
    agent_assist,
    answer_feedback,
    build_report,
    chatbot,
    health,
    make_period,
    service,
    volume,
)
from assist.analytics.unanswered import TextModels
from core.settings import Settings
from indexes.embedder import HashEmbedder
from storage import (
    ArticleRow,
    FeedbackRow,
    QueryLogRow,
    SuggestionRow,
    TicketRow,
    open_db,
)
from storage.bulk import bulk_insert

CHANNELS = ["chat", "app", "email", "phone", "kakao"]
CHANNEL_WEIGHTS = [40, 25, 15, 12, 8]
AREAS = ["결제", "주문", "배송", "환불", "교환", "회원", "쿠폰", "포인트", "판매자", "앱오류"]
TAGS = [f"고객::{a}::{i:02d}" for a in AREAS for i in range(6)]  # 60 tags
BATCH = 20_000
ARTICLES = [f"KB-{i:04d}" for i in range(300)]
MODELS = TextModels(lambda: HashEmbedder())  # the unanswered texts' clustering, as with KMS_EMBEDDER=hash


def batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(sessions: sessionmaker[Session], n: int, today: date, seed: int = 17) -> data.Extra:
    """Tickets, suggestions, feedback and questions; ``data.Extra`` notes what ``more`` needs."""
    rng = random.Random(seed)
    times = random.Random(seed + 1)  # service times (0010)
    end = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    start = end - timedelta(days=365)
    span = (end - start).total_seconds()
    tag_weights = [1 / (i + 1) ** 0.9 for i in range(len(TAGS))]
    customers = max(1, n // 3)
    articles = ARTICLES
    extra = data.Extra()

    def when() -> datetime:
        return start + timedelta(seconds=rng.random() * span)

    def tickets() -> Iterator[dict[str, Any]]:
        for i in range(n):
            created = when()
            resolved = created + timedelta(hours=rng.expovariate(1 / 20)) if rng.random() < 0.85 else None
            extra.ticket(i, created, resolved is not None)
            yield {
                "id": f"T-{i:07d}",
                "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
                "subject": "",
                "inquiry": "문의 내용",
                "resolution": "",
                "status": "resolved" if resolved else "open",
                "tags": rng.choices(TAGS, tag_weights, k=1 + (rng.random() < 0.2)),
                "created_at": created,
                "resolved_at": resolved,
                "csat": float(rng.choice([1, 2, 3, 4, 4, 5, 5, 5]))
                if resolved and rng.random() < 0.4
                else None,
                "customer_ref": f"C{rng.randrange(customers):07d}" if rng.random() < 0.7 else None,
                "source": "bench",
                "line": None,
                "content_hash": "x",
                "is_knowledge": resolved is not None,
                "ingested_at": created,
                "resolved_by": None,
                # 0010 (own random stream: the other columns stay as before): a first agent reply for
                # 90 % (mean 2 h), a reopen count for 95 % (8 % of the resolved reopened)
                "first_response_at": created + timedelta(hours=times.expovariate(1 / 2))
                if times.random() < 0.9
                else None,
                "reopens": (int(times.random() < 0.08) if resolved else 0) if times.random() < 0.95 else None,
            }

    def suggestions() -> Iterator[dict[str, Any]]:
        for i in range(n // 2):
            top = rng.sample(articles, 3)
            payload = {
                "id": f"S-{i:07d}",
                "articles": [
                    {"article_id": a, "title": f"{a} 안내", "score": 0.5, "sections": []} for a in top
                ],
                "tickets": [],
                "tag": None,
                "draft": {"text": "안녕하세요. 문의하신 내용은 다음과 같습니다."},
                "confidence": 0.5,
            }
            yield {
                "id": f"S-{i:07d}",
                "ticket_id": f"T-{rng.randrange(n):07d}",
                "query_log_id": None,
                "payload": payload,
                "created_at": when(),
            }

    def feedback() -> Iterator[dict[str, Any]]:
        for i in range(n // 2):
            if rng.random() < 0.6:
                verdict = rng.choices(["used", "edited", "rejected"], [50, 35, 15])[0]
                yield {
                    "suggestion_id": f"S-{i:07d}",
                    "verdict": verdict,
                    "final_text": None,
                    "reason": "정책 변경" if verdict == "rejected" and rng.random() < 0.5 else None,
                    "edit_distance": {"used": 0.0, "edited": rng.random() * 0.6, "rejected": None}[verdict],
                    "created_at": when(),
                    "author": None,
                }

    def questions() -> Iterator[dict[str, Any]]:
        for i in range(n):
            handed = rng.random() < 0.3
            hits = [] if handed and rng.random() < 0.4 else [f"article:{rng.choice(articles)}"]
            row: dict[str, Any] = {
                "id": f"q{i:09d}",
                "kind": rng.choice(["answer", "chat"]),
                "query_hash": f"{rng.randrange(n // 4 + 1):064x}",
                "hit_ids": hits,
                "timings_ms": {},
                "confidence": rng.random(),
                "abstained": handed,
                # the stored hand-off reason (0013), not drawn: the random stream stays as it was
                "handoff_reason": (("low_confidence", "no_answer")[i % 2] if hits else "no_evidence")
                if handed
                else None,
                "created_at": when(),
            }
            extra.question(i, row["created_at"], handed)  # after the row: the same random stream as before
            yield row

    with sessions.begin() as session:
        for i, aid in enumerate(articles):
            session.execute(
                insert(ArticleRow),
                [
                    {
                        "id": aid,
                        "title": f"{aid} 안내",
                        "source": "bench",
                        "content_hash": aid,
                        "status": "published",
                        "complete": i % 10 != 0,
                        "missing": ["steps"] if i % 10 == 0 else [],
                        "updated_at": today - timedelta(days=30 if i % 7 else 500),
                        "valid_until": today - timedelta(days=3) if i % 25 == 0 else None,
                        "summary": "",
                        "purpose": "",
                        "policy": "",
                        "steps": "",
                        "scripts": "",
                        "situations": "",
                        "refs": "",
                        "management": "",
                        "version": 1,
                        "lang": "ko",
                        "created_at": end,
                        "modified_at": end,
                    }
                ],
            )
    for model, rows in (
        (TicketRow, tickets()),
        (SuggestionRow, suggestions()),
        (FeedbackRow, feedback()),
        (QueryLogRow, questions()),
    ):
        for batch in batches(rows):
            with sessions.begin() as session:
                bulk_insert(session, model, batch)  # rollups added once per batch, not per row
    return extra


def more(sessions: sessionmaker[Session], extra: data.Extra, today: date, seed: int = 17) -> str:
    """Topics with members, drafts, coverage, answer feedback, unanswered texts (``analytics_data``)."""
    end = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    members = data.topics(sessions, extra, end - timedelta(days=365), end, seed + 2)
    covered = data.coverage(sessions, extra, ARTICLES, end, seed + 3)
    rated = data.answer_feedback(sessions, extra, end, seed + 4)
    texts = data.unanswered(sessions, extra, end, seed + 5)
    return (
        f"{data.CURRENT_TOPICS + data.OLD_TOPICS} topics ({members:,} member tickets), {data.DRAFTS} drafts, "
        f"{covered:,} coverage rows, {rated:,} answer ratings, {texts:,} unanswered texts"
    )


# the parts of the sections that read the newer tables, timed inside the timed report
PARTS: dict[str, tuple[Any, str]] = {
    "topic counts": (volume, "topic_counts"),
    "topics over time": (volume, "topics_over_time"),
    "first response": (service, "first_response_times"),
    "reopens": (service, "reopen_rate"),
    "repeat contacts": (service, "repeat_contacts"),
    "suggestions by topic": (agent_assist, "by_topic"),
    "answer feedback": (answer_feedback, "scan"),
    "answer feedback tables": (answer_feedback, "feedback_tables"),
    "unanswered topics": (chatbot, "unanswered_table"),
    "coverage": (health, "coverage_part"),
}


@contextmanager
def timed_parts() -> Iterator[dict[str, float]]:
    """Seconds spent in each of ``PARTS`` (patched where the sections call them) in the block."""
    spent: dict[str, float] = {}
    saved = [(module, attr, getattr(module, attr)) for module, attr in PARTS.values()]

    def timer(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0

        return timed

    for (name, (module, attr)), (_, _, fn) in zip(PARTS.items(), saved, strict=True):
        setattr(module, attr, timer(name, fn))
    try:
        yield spent
    finally:
        for module, attr, fn in saved:
            setattr(module, attr, fn)


def run(url: str | None, label: str, n: int, data_dir: Path, today: date) -> None:
    settings = Settings(data_dir=data_dir, embedder="hash", database_url=url)
    t0 = time.perf_counter()
    sessions = open_db(settings)  # migrates to the head revision (0006 back-fills the rollups)
    opened = time.perf_counter() - t0
    print(f"{label}: opened and migrated to the head revision in {opened:.1f} s", flush=True)
    try:
        with sessions() as session:
            existing = session.scalar(select(func.count()).select_from(TicketRow)) or 0
        if existing:
            print(f"{label}: reusing the {existing:,} tickets already there", flush=True)
        else:
            t0 = time.perf_counter()
            extra = generate(sessions, n, today)
            print(
                f"{label}: generated {n:,} tickets, {n // 2:,} suggestions, {n:,} chatbot questions "
                f"in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
            t0 = time.perf_counter()
            print(
                f"{label}: generated {more(sessions, extra, today)} in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
        for name, period in (
            ("last 28 days", make_period(today=today)),
            ("last 365 days", make_period(today - timedelta(days=364), today)),
        ):
            with sessions() as session, timed_parts() as parts:
                t1 = time.perf_counter()
                build_report(session, period, models=MODELS)  # cold: embeds the unanswered texts
                cold = time.perf_counter() - t1
                parts.clear()
                t1 = time.perf_counter()
                report = build_report(session, period, models=MODELS)
                elapsed = time.perf_counter() - t1
            figures = report.section("volume").figures
            print(
                f"{label}: report over the {name} ({period.bucket} buckets, {figures['tickets']:,} tickets "
                f"in the period): {elapsed:.2f} s (first build {cold:.2f} s)",
                flush=True,
            )
            by_section = ", ".join(f"{name} {ms / 1000:.2f}" for name, ms in report.section_ms.items())
            print(f"{label}:   by section (s): {by_section}", flush=True)
            print(
                f"{label}:   of which (s): {', '.join(f'{k} {v:.2f}' for k, v in parts.items())}", flush=True
            )
            bot = report.section("chatbot").figures
            print(
                f"{label}:   unanswered texts {bot.get('unanswered_texts')}, topics "
                f"{bot.get('unanswered_topics')}; topic rows {len(report.table('volume_by_topic').rows)}",
                flush=True,
            )
    finally:
        sessions.kw["bind"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="tickets to generate (default 100000)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("KMS_BENCH_POSTGRES_URL"),
        help="an empty PostgreSQL database URL, or 'auto' for a throwaway server",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="keep the SQLite database here (reused when it holds tickets)"
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the last day of the data and of the periods (default today)"
    )
    parser.add_argument(
        "--sqlite",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time SQLite too (--no-sqlite: PostgreSQL only)",
    )
    args = parser.parse_args()
    today = args.today or datetime.now(UTC).date()
    with ExitStack() as stack:
        if args.data_dir:
            tmp = args.data_dir
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kms-analytics-bench-")))
        if args.sqlite:
            run(None, "sqlite", args.n, tmp / "sqlite", today)
        if args.postgres:
            url = args.postgres
            if url == "auto":
                from tests.pg import postgres_server

                url = stack.enter_context(postgres_server())
            run(url, "postgresql", args.n, tmp / "pg", today)


if __name__ == "__main__":
    main()
