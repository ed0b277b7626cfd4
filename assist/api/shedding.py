"""Backpressure: the outermost ASGI middleware (pure ASGI, no thread pool, no database).

* ``GET /healthz`` (liveness) is answered here, on the event loop, before anything else runs:
  it stays instant however long the work queue is.
* Heavy requests (answers, chat completions, suggestions, the web search page) hold one of
  ``KMS_MAX_CONCURRENT_REQUESTS`` slots while they run; up to ``KMS_MAX_QUEUED_REQUESTS`` more
  wait for a slot, and the rest are shed at once with 503 ``overloaded`` and ``Retry-After``.
* A heavy request that has not started its response within ``KMS_REQUEST_TIMEOUT_S`` (waiting
  included) gets 503 ``request_timeout`` with ``Retry-After``. Work already running in a thread
  cannot be interrupted: it keeps its slot until it finishes (so the bound is real), and its
  late response is dropped.

A heavy response carries ``Server-Timing: queue;dur=…, app;dur=…`` (milliseconds waiting for a
slot and in the app until the response started). Everything else (ticket CRUD, pages, /readyz)
passes straight through.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assist.api.security import CSP

log = logging.getLogger(__name__)

HEAVY_EXACT = frozenset({"/v1/answer", "/v1/chat/completions", "/v1/suggestions", "/try"})
HEAVY_PATTERN = re.compile(r"^/v1/tickets/[^/]+/suggestions$")
LIVENESS_PATH = "/healthz"
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]

__all__ = ["LoadStats", "SheddingMiddleware", "install_shedding", "is_heavy"]


def is_heavy(method: str, path: str) -> bool:
    """Does this request count against the concurrency limit?"""
    if method not in ("GET", "POST"):
        return False
    if path == "/try":
        return method == "POST"
    return path in HEAVY_EXACT or bool(HEAVY_PATTERN.match(path))


@dataclass
class LoadStats:
    """Counters shown by /healthz and /readyz."""

    in_flight: int = 0
    queued: int = 0
    served: int = 0
    shed: int = 0
    timed_out: int = 0
    service_s: float = 0.5  # moving average of a heavy request's time in a slot
    waiters: deque[asyncio.Future[None]] = field(default_factory=deque, repr=False)

    def snapshot(self) -> dict[str, int | float]:
        return {
            "in_flight": self.in_flight,
            "queued": self.queued,
            "served": self.served,
            "shed": self.shed,
            "timed_out": self.timed_out,
        }


class SheddingMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_concurrent: int, max_queued: int, timeout_s: float, stats: LoadStats
    ) -> None:
        self.app = app
        self.max_concurrent = max_concurrent
        self.max_queued = max_queued
        self.timeout_s = timeout_s
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope.get("path", "")
        if path == LIVENESS_PATH and method in ("GET", "HEAD"):
            await self._liveness(send, head=method == "HEAD")
            return
        if not is_heavy(method, path):
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        deadline = arrived + self.timeout_s
        if not await self._acquire(deadline):
            await self._refuse(send, "overloaded", "the service is at capacity; retry after a moment")
            return
        await self._run(scope, receive, send, deadline, arrived)

    # --- slots -----------------------------------------------------------------------------
    async def _acquire(self, deadline: float) -> bool:
        stats = self.stats
        if stats.in_flight < self.max_concurrent and not stats.waiters:
            stats.in_flight += 1
            return True
        if len(stats.waiters) >= self.max_queued:
            stats.shed += 1
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        stats.waiters.append(waiter)
        stats.queued = len(stats.waiters)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), max(0.0, deadline - time.monotonic()))
            return True  # the releasing request handed its slot over
        except BaseException as exc:  # timed out waiting, or the caller went away
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed over just as we gave up: pass it on
            else:
                waiter.cancel()
            if not isinstance(exc, TimeoutError):
                raise
            stats.shed += 1
            return False
        finally:
            if waiter in stats.waiters:
                stats.waiters.remove(waiter)
            stats.queued = len(stats.waiters)

    def _release(self) -> None:
        stats = self.stats
        while stats.waiters:
            waiter = stats.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes to the oldest waiter
                stats.queued = len(stats.waiters)
                return
        stats.queued = 0
        stats.in_flight -= 1

    # --- one heavy request ------------------------------------------------------------------
    async def _run(self, scope: Scope, receive: Receive, send: Send, deadline: float, arrived: float) -> None:
        started = time.monotonic()
        state = {"started": False, "abandoned": False}

        async def guarded_send(message: Message) -> None:
            if state["abandoned"]:
                return  # the caller already got 503 request_timeout
            if message["type"] == "http.response.start":
                state["started"] = True
                now = time.monotonic()
                timing = f"queue;dur={(started - arrived) * 1000:.1f}, app;dur={(now - started) * 1000:.1f}"
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"server-timing", timing.encode())]
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))

        def finished(done_task: asyncio.Future[None]) -> None:
            if state["abandoned"] and not done_task.cancelled():
                done_task.exception()  # retrieved: an abandoned request's error is not news
            spent = time.monotonic() - started
            self.stats.service_s = 0.8 * self.stats.service_s + 0.2 * spent
            self.stats.served += 1
            self._release()

        task.add_done_callback(finished)
        remaining = deadline - time.monotonic()
        done, _ = await asyncio.wait({task}, timeout=max(0.0, remaining))
        if done:
            task.result()  # re-raise what the app raised, as without this middleware
            return
        if state["started"]:  # a streaming response is under way: let it finish
            await task
            return
        state["abandoned"] = True
        task.cancel()  # a thread keeps running (and holds its slot) until its work is done
        self.stats.timed_out += 1
        await self._refuse(
            send, "request_timeout", f"the request took longer than {self.timeout_s:g} s; retry later"
        )

    # --- answers ----------------------------------------------------------------------------
    def retry_after(self) -> int:
        """Seconds until a slot is likely free: the backlog times the mean service time."""
        stats = self.stats
        backlog = stats.in_flight + len(stats.waiters)
        return max(1, min(60, math.ceil(stats.service_s * backlog / self.max_concurrent)))

    async def _refuse(self, send: Send, code: str, message: str) -> None:
        retry = self.retry_after()
        body = {"error": {"code": code, "message": message, "details": {"retry_after_s": retry}}}
        await _send_json(send, 503, body, [(b"retry-after", str(retry).encode())])

    async def _liveness(self, send: Send, *, head: bool) -> None:
        body = {"status": "ok", "live": True, "load": self.stats.snapshot()}
        await _send_json(send, 200, body, [], head=head)


async def _send_json(
    send: Send, status: int, body: object, extra: list[tuple[bytes, bytes]], *, head: bool = False
) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *SECURITY_HEADERS,
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else payload})


def install_shedding(app: FastAPI) -> LoadStats:
    """Add the shedding middleware outermost (call after every other ``add_middleware``)."""
    settings = app.state.settings
    stats = LoadStats()
    app.state.load_stats = stats
    app.add_middleware(
        SheddingMiddleware,
        max_concurrent=settings.max_concurrent_requests,
        max_queued=settings.max_queued_requests,
        timeout_s=settings.request_timeout_s,
        stats=stats,
    )
    return stats
