"""Query logs and stored suggestions written without ever failing the request.

A log write is tried once in its own short transaction. If the database refuses it (locked by a
writer past the busy timeout, a server hiccup), the request still succeeds: the write is handed
to one background thread that retries it a few times with a back-off, and is dropped with a
warning naming only the error class (never the query or the ticket text) if it keeps failing.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

LogWrite = Callable[[Session], object]
RETRIES = 5
BACKOFF_S = 0.5


class LogWriter:
    """Best-effort writer of log rows; ``write`` never raises a database error."""

    def __init__(self, sessions: Callable[[], sessionmaker[Session]]) -> None:
        self._sessions = sessions
        self._queue: queue.Queue[tuple[LogWrite, int]] = queue.Queue(maxsize=10_000)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.dropped = 0
        self.deferred = 0

    def _run(self, write: LogWrite) -> None:
        with self._sessions()() as session, session.begin():
            write(session)

    def write(self, write: LogWrite) -> bool:
        """True when written now; False when it was deferred to the background writer."""
        try:
            self._run(write)
            return True
        except SQLAlchemyError as exc:
            log.warning("log write deferred (%s); the request is served anyway", type(exc).__name__)
            self._defer(write, 1)
            return False

    def _defer(self, write: LogWrite, attempt: int) -> None:
        try:
            self._queue.put_nowait((write, attempt))
        except queue.Full:
            self.dropped += 1
            log.warning("log write dropped: the deferred queue is full")
            return
        self.deferred += 1
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._drain, name="kms-log-writer", daemon=True)
                self._thread.start()

    def _drain(self) -> None:
        while True:
            try:
                write, attempt = self._queue.get(timeout=5.0)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            time.sleep(BACKOFF_S * attempt)
            try:
                self._run(write)
            except SQLAlchemyError as exc:
                if attempt >= RETRIES:
                    self.dropped += 1
                    log.warning("log write dropped after %d tries (%s)", attempt, type(exc).__name__)
                else:
                    self._queue.put((write, attempt + 1))
            finally:
                self._queue.task_done()

    def flush(self, timeout_s: float = 30.0) -> bool:
        """Wait until the deferred writes are done (tests, shutdown); True if the queue emptied."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._queue.unfinished_tasks
