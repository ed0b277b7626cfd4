"""The server's background retry pass: every ``KMS_INTEGRATION_RETRY_INTERVAL_S`` seconds, send
the outbox calls that are due (a helpdesk that was down gets its notes once it is back)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from assist.integrations import outbox
from assist.integrations.client import CONNECTORS, endpoint_for
from core.settings import Settings

log = logging.getLogger(__name__)
__all__ = ["RetryLoop", "start_retry_loop"]


class RetryLoop:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kms-outbox-retry", daemon=True)

    def start(self) -> RetryLoop:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.wait(self.settings.integration_retry_interval_s):
            try:
                report = outbox.deliver(self.settings, self.sessions)
            except Exception as exc:  # a database hiccup: try again next round
                log.warning("outbox retry pass failed: %s", type(exc).__name__)
                continue
            if report.delivered or report.failed:
                log.info("outbox retry pass: %s", report.as_dict())


def start_retry_loop(settings: Settings, sessions: sessionmaker[Session]) -> RetryLoop | None:
    """A running loop when a connector is configured and the interval is not 0; else None."""
    configured = any(endpoint_for(settings, name) for name in CONNECTORS)
    if not configured or settings.integration_retry_interval_s <= 0:
        return None
    return RetryLoop(settings, sessions).start()
