"""Writes never block serving: an ingest of 1,000+ tickets while 20 clients query, and one
ingest per data folder (``ingest.lock``)."""

from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assist.answer import answer_question
from assist.consistency import log_writer
from assist.knowledge import KnowledgeBase
from assist.suggest import suggest
from assist.tickets import create_ticket
from core.settings import Settings
from ingest.lock import LOCK_NAME, IngestLockedError, ingest_lock
from ingest.pipeline import ingest_paths
from storage import QueryLogRow, TicketRow
from tests.tinykb import HASH_THRESHOLD, TINY

QUERIES = ["환불 언제 들어와요", "비밀번호를 잊어버렸어요", "배송 조회", "선물 포장 되나요"]
TOPICS = [
    ("환불 문의", "환불 언제 되나요 주문 {n}번", "카드 취소는 3~5영업일 걸립니다."),
    ("배송 지연", "택배가 아직 안 왔어요 {n}번 주문", "배송 조회 후 지연 사유를 안내했습니다."),
    ("비밀번호", "로그인이 안 돼요 {n}", "비밀번호 재설정 링크를 보내 드렸습니다."),
]


def _tickets_csv(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "channel", "subject", "inquiry", "resolution", "status", "tags", "created_at"])
        for i in range(n):
            subject, inquiry, resolution = TOPICS[i % len(TOPICS)]
            out.writerow([f"L-{i:05d}", "chat", subject, inquiry.format(n=i), resolution, "resolved",
                          "고객::문의", "2026-10-01T10:00:00"])  # fmt: skip
    return path


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedder="hash", answer_threshold=HASH_THRESHOLD)  # type: ignore[arg-type]


def ingest_under_load(settings: Settings, tmp_path: Path, tickets: int = 1000) -> str:
    """Ingest ``tickets`` tickets while 20 clients suggest, answer and create tickets; asserts
    0 failed requests, every query logged and the swap seen; returns the measured line."""
    assert ingest_paths([TINY], settings).ok
    kb = KnowledgeBase(settings)
    kb.search("환불", k=1)
    big = _tickets_csv(tmp_path / "big.csv", tickets)
    errors: list[str] = []
    served = [0] * 20
    done = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not done.is_set() or i < 3:
            query = QUERIES[(n + i) % len(QUERIES)]
            try:
                if n % 5 == 0:
                    create_ticket(kb, body=f"{query} 고객 {n}-{i}")
                elif n % 2:
                    suggest(kb, query)
                else:
                    answer_question(kb, query)
                served[n] += 1
            except Exception as exc:  # the measure: every failure of a request
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    try:
        report = ingest_paths([TINY, big], settings)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)
    elapsed = time.perf_counter() - t0
    assert log_writer(kb).flush(60)
    assert report.ok
    assert report.tickets["created"] == tickets
    assert errors == [], errors[:5]
    assert min(served) >= 3
    with kb.sessions() as session:
        logs = session.scalar(select(func.count()).select_from(QueryLogRow)) or 0
        stored = session.scalar(select(func.count()).select_from(TicketRow)) or 0
    assert logs >= sum(served[n] for n in range(20) if n % 5)  # every suggestion and answer logged
    assert stored >= 3 + tickets + sum(served[n] for n in range(0, 20, 5))
    assert sum(c.doc_id.startswith("ticket:L-") for c in kb.index.chunks) >= tickets  # swap seen
    kb.sessions.kw["bind"].dispose()
    return (f"ingest of {tickets} tickets: {elapsed:.1f} s, {sum(served)} requests by 20 clients, "
            f"0 errors, {log_writer(kb).deferred} log writes deferred")  # fmt: skip


def test_ingest_of_1000_tickets_while_20_clients_query_has_no_errors(tmp_path: Path) -> None:
    print("\n" + ingest_under_load(_settings(tmp_path / "kms"), tmp_path))


def test_a_second_ingest_exits_with_one_line_naming_the_running_one(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "kms")
    with ingest_lock(settings.data_dir):
        with pytest.raises(IngestLockedError) as caught:
            ingest_paths([TINY], settings)
        message = caught.value.message
        assert f"pid {os.getpid()}" in message and "\n" not in message
        assert "환불" not in message
    assert not (settings.data_dir / LOCK_NAME).exists()  # released
    assert ingest_paths([TINY], settings).ok


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    import json
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    data = tmp_path / "kms"
    data.mkdir()
    holder = {"pid": int(dead.stdout), "host": socket.gethostname(), "started_at": "2026-11-30T00:00:00"}
    (data / LOCK_NAME).write_text(json.dumps(holder), encoding="utf-8")
    assert ingest_paths([TINY], _settings(data)).ok


def test_a_second_ingest_waits_for_the_first(tmp_path: Path) -> None:
    data = tmp_path / "kms"
    held = threading.Event()

    def first() -> None:
        with ingest_lock(data):
            held.set()
            time.sleep(0.5)

    runner = threading.Thread(target=first)
    runner.start()
    held.wait(5)
    with pytest.raises(IngestLockedError), ingest_lock(data, wait_s=0.1, poll_s=0.02):
        pass
    t0 = time.perf_counter()
    with ingest_lock(data, wait_s=10, poll_s=0.02):  # waits for the first, then runs
        assert time.perf_counter() - t0 > 0.2
    runner.join()
