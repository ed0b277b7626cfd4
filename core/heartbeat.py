"""A heartbeat for long steps that count nothing (converting the bundled model, the ONNX export,
its 4-bit rewrite): while one runs, something says it is still running.

The library wraps such a step in ``with heartbeat("ONNX 내보내기 (ONNX export)"):``. How it shows
is the caller's choice, set once with :func:`set_reporter` (the CLI shows a live spinner with the
elapsed time on a terminal and a plain line every few seconds in a log,
``assist.cli.progress.console_heartbeat``). With no reporter set (a server run by uvicorn, a
script, a test), :func:`ticking` logs ``  … ONNX 내보내기 (ONNX export) 진행 중 (12 s)`` as a
warning every :data:`INTERVAL` seconds, beside the warnings that announce the step.

The ticker is a daemon thread waiting on an :class:`threading.Event`: it stops, and is joined,
when the step ends or raises (the exception propagates), so no line follows the step's end.
This module imports nothing above ``core``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

log = logging.getLogger(__name__)

INTERVAL = 4.0  # seconds between two lines in a log (a few seconds of silence at most)

Reporter = Callable[[str], AbstractContextManager[object]]

_reporter: Reporter | None = None


def heartbeat_line(step: str, seconds: float) -> str:
    """``  … ONNX 내보내기 (ONNX export) 진행 중 (12 s)``."""
    return f"  … {step} 진행 중 ({seconds:.0f} s)"


@contextmanager
def ticking(
    step: str,
    emit: Callable[[str], object],
    *,
    interval: float = INTERVAL,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[None]:
    """Call ``emit`` with :func:`heartbeat_line` every ``interval`` seconds while the block runs;
    nothing once it has ended (normally or by an exception, which propagates)."""
    if interval <= 0:
        raise ValueError(f"interval must be positive, not {interval}")
    done = threading.Event()
    started = clock()

    def beat() -> None:
        while not done.wait(interval):
            emit(heartbeat_line(step, clock() - started))

    thread = threading.Thread(target=beat, name=f"heartbeat: {step}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()  # a line being written finishes before the step is over


def _logged(line: str) -> None:
    log.warning("%s", line)


def set_reporter(reporter: Reporter | None) -> Reporter | None:
    """Show the heartbeats of this process with ``reporter(step)`` (None: log them); returns the
    reporter that was set before."""
    global _reporter
    previous, _reporter = _reporter, reporter
    return previous


def heartbeat(step: str) -> AbstractContextManager[object]:
    """What a long uncountable step runs in: the reporter's display, else a logged ticker."""
    reporter = _reporter
    if reporter is None:
        return ticking(step, _logged, interval=INTERVAL)
    return reporter(step)
