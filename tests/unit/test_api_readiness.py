"""Backpressure and health: load shedding, request timeouts, liveness outside the work queue,
readiness turning red (locked database, read-only data folder, low disk) and start-up on a
damaged index falling back to the retained previous one."""

from __future__ import annotations

import asyncio
import errno
import json
import sqlite3
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send
from test_api_kb import assert_error, tiny_settings

from assist.api import create_app, readiness
from assist.api.shedding import LoadStats, SheddingMiddleware, is_heavy
from indexes import store
from indexes.dense import DenseIndex
from indexes.embedder import HashEmbedder
from tests.auth import api_client


# --- shedding middleware (pure ASGI, a fake slow app) ----------------------------------------
class SlowApp:
    """Answers 200 once ``release`` is set; counts the requests it saw. Like work in a thread,
    it cannot be cancelled: it finishes when released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.started += 1
        while not self.release.is_set():
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                continue  # a thread runs on; so does this
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _run_in_own_loop(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run an async scenario on a fresh event loop in its own thread: a session-wide fixture
    (Playwright's sync API in the browser tests) may keep a loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(scenario())).result()


def _shed_client(app: SlowApp, **limits: float) -> tuple[httpx.AsyncClient, LoadStats]:
    stats = LoadStats()
    options = {"max_concurrent": 1, "max_queued": 1, "timeout_s": 30.0, **limits}
    middleware = SheddingMiddleware(
        app,
        max_concurrent=int(options["max_concurrent"]),
        max_queued=int(options["max_queued"]),
        timeout_s=options["timeout_s"],
        stats=stats,
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=middleware), base_url="http://t"), stats


def test_heavy_endpoints_are_the_answering_and_searching_ones() -> None:
    assert is_heavy("POST", "/v1/answer") and is_heavy("POST", "/v1/chat/completions")
    assert is_heavy("POST", "/v1/suggestions") and is_heavy("GET", "/v1/tickets/T-1/suggestions")
    assert is_heavy("POST", "/try") and not is_heavy("GET", "/try")
    assert not is_heavy("GET", "/v1/tickets") and not is_heavy("GET", "/readyz")


def test_excess_requests_are_shed_with_503_and_retry_after_while_healthz_answers() -> None:
    async def scenario() -> None:
        app = SlowApp()
        client, stats = _shed_client(app)
        async with client:
            first = asyncio.create_task(client.post("/v1/answer"))
            second = asyncio.create_task(client.post("/v1/answer"))
            while app.started < 1 or stats.queued < 1:
                await asyncio.sleep(0.001)
            third = await client.post("/v1/answer")  # 1 running + 1 queued: no room
            assert_error(third, 503, "overloaded")
            assert int(third.headers["retry-after"]) >= 1
            assert third.json()["error"]["details"]["retry_after_s"] >= 1
            live = await client.get("/healthz")  # never waits behind the backlog
            assert live.status_code == 200 and live.json()["load"]["in_flight"] == 1
            assert live.headers["x-frame-options"] == "DENY"
            app.release.set()
            done = [await first, await second]
            assert [r.status_code for r in done] == [200, 200]
            assert all(r.headers["server-timing"].startswith("queue;dur=") for r in done)
            assert app.started == 2 and stats.shed == 1 and stats.in_flight == 0

    _run_in_own_loop(scenario)


def test_a_request_past_its_timeout_gets_503_and_keeps_its_slot_until_done() -> None:
    async def scenario() -> None:
        app = SlowApp()
        client, stats = _shed_client(app, timeout_s=0.05)
        async with client:
            late = await client.post("/v1/suggestions")
            error = assert_error(late, 503, "request_timeout")
            assert "0.05" in error["message"] and "retry-after" in late.headers
            assert stats.timed_out == 1
            app.release.set()
            for _ in range(1000):  # up to 10 s on a loaded machine (pytest workers)
                if stats.in_flight == 0:
                    break
                await asyncio.sleep(0.01)
            assert stats.in_flight == 0 and stats.served == 1

    _run_in_own_loop(scenario)


def test_a_queued_request_that_waits_past_its_timeout_is_shed() -> None:
    async def scenario() -> None:
        app = SlowApp()
        client, stats = _shed_client(app, timeout_s=0.1)
        async with client:
            first = asyncio.create_task(client.post("/v1/answer"))
            while app.started < 1:
                await asyncio.sleep(0.001)
            queued = await client.post("/v1/answer")  # the first still holds the only slot
            assert_error(queued, 503, "overloaded")
            assert_error(await first, 503, "request_timeout")
            assert stats.in_flight == 1  # its work is still running
            app.release.set()
            for _ in range(1000):  # up to 10 s on a loaded machine (pytest workers)
                if stats.in_flight == 0:
                    break
                await asyncio.sleep(0.01)
            assert app.started == 1 and stats.queued == 0 and stats.in_flight == 0

    _run_in_own_loop(scenario)


# --- liveness and readiness of the real app --------------------------------------------------
def test_healthz_is_liveness_and_readyz_reports_every_check(client: TestClient) -> None:
    live = client.get("/healthz", headers={"authorization": ""})
    assert live.status_code == 200 and live.json()["live"] is True
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["ready"] is True and body["status"] == "ok" and body["warnings"] == []
    assert set(body["checks"]) == {
        "database",
        "index",
        "data_dir_writable",
        "database_writable",
        "disk",
        "index_matches_database",
    }
    assert set(body["checks"].values()) == {"ok"}
    assert set(body["load"]) >= {"in_flight", "queued", "shed", "timed_out"}


def test_readiness_turns_red_on_a_locked_database(client: TestClient, data_dir: Path) -> None:
    probe = TestClient(client.app)  # a public probe: no key (whose use would be a write)
    holder = sqlite3.connect(data_dir / "kms.db", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        ready = probe.get("/readyz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ready.status_code == 503
    assert ready.json()["checks"]["database_writable"].startswith("database is not writable")
    assert "locked" in ready.json()["checks"]["database_writable"]
    assert probe.get("/readyz").status_code == 200  # green again once the lock is gone


def test_readiness_turns_red_on_a_read_only_data_dir(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(folder: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(folder))

    monkeypatch.setattr(readiness, "probe_write", read_only)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["ready"] is False
    assert "Read-only file system" in ready.json()["checks"]["data_dir_writable"]
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_readiness_turns_red_on_low_disk(data_dir: Path) -> None:
    settings = tiny_settings(data_dir, min_free_disk_mb=10**12)
    with api_client(create_app(settings)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503 and "KMS_MIN_FREE_DISK_MB" in ready.json()["checks"]["disk"]


# --- a damaged index at start-up -------------------------------------------------------------
def _new_current(data_dir: Path) -> tuple[Path, Path]:
    """Persist the serving index again (a new `current`); returns (previous, new) folders."""
    root = data_dir / "indexes"
    previous = store.current_folder(root)
    index = store.load(previous, HashEmbedder(256))
    return previous, store.persist(index, root, store.IndexConfig())


def _drop_dense_entry(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["dense"]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _damage_id_map(folder: Path) -> None:
    dense = DenseIndex.load(folder / "dense.faiss", "flat")
    ids = np.array(dense.ids(), dtype=np.int64)
    vectors = dense.vectors_for([int(i) for i in ids])
    DenseIndex.build(vectors, ids + 1, dense.dim).save(folder / "dense.faiss")


def _truncate_faiss(folder: Path) -> None:
    data = (folder / "dense.faiss").read_bytes()
    (folder / "dense.faiss").write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", [_drop_dense_entry, _damage_id_map, _truncate_faiss])
def test_a_damaged_index_starts_degraded_on_the_previous_one(data_dir: Path, damage: object) -> None:
    previous, broken = _new_current(data_dir)
    damage(broken)  # type: ignore[operator]
    with api_client(create_app(tiny_settings(data_dir))) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["ready"] is True and body["status"] == "degraded" and body["index"] == previous.name
        assert len(body["warnings"]) == 1 and broken.name in body["warnings"][0]
        assert previous.name in body["warnings"][0]
        answer = client.post("/v1/suggestions", json={"inquiry": "환불 언제 되나요?"})
        assert answer.status_code == 200, answer.text


def test_a_damaged_index_without_a_previous_one_starts_not_ready(data_dir: Path) -> None:
    root = data_dir / "indexes"
    _drop_dense_entry(store.current_folder(root))
    with api_client(create_app(tiny_settings(data_dir))) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["index_loaded"] is False
        assert any("'dense'" in p for p in ready.json()["problems"])
        assert client.get("/healthz").status_code == 200
        assert_error(client.post("/v1/suggestions", json={"inquiry": "환불"}), 503, "index_corrupt")
