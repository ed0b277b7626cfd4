"""Progress of a multi-stage job (read files, then embed chunks): one line per stage.

The library reports progress as ``(stage, advance, total)`` calls. :class:`StageProgress` turns
them into one progress line per stage: when a new stage starts, the previous one is closed, so
its count and time are its own (model loading or embedding never count as reading). On a
terminal each stage is a live rich bar that stays on screen when done; anywhere else (a pipe, a
CI log) nothing is redrawn and each stage prints one plain line when it ends, e.g.
``읽기 (files): 31 in 0.4 s``; a stage still running after ``interval`` seconds (5 by default)
also prints where it is, at most once per interval (``임베딩 (chunks): 240/724 after 20.1 s
(12.0/s)``), so a log never sits silent through a long embedding.

Steps that count nothing (converting the bundled model, the ONNX export, its 4-bit rewrite) run
in a :func:`core.heartbeat.heartbeat`; :func:`console_heartbeat` shows them on the CLI's console:
a transient spinner with the elapsed time on a terminal (below a stage's bar when one is live),
else ``  … ONNX 내보내기 (ONNX export) 진행 중 (12 s)`` every few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from core.heartbeat import INTERVAL, ticking


@dataclass
class _Stage:
    label: str
    total: int | None
    started: float
    done: int = 0
    reported: float = 0.0  # when its last line went to the log


class StageProgress:
    """A ``(stage, advance, total)`` callback that shows each stage on a line of its own."""

    def __init__(
        self,
        console: Console,
        labels: Mapping[str, str] | None = None,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.labels = dict(labels or {})
        self.interval = interval
        self._clock = clock
        self._stage: _Stage | None = None
        self._name: str | None = None
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, stage: str, advance: int, total: int | None) -> None:
        if stage != self._name:
            self.close()
            self._start(stage, total)
        current = self._stage
        assert current is not None
        if total is not None:
            current.total = total
        current.done += advance
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, total=current.total, completed=current.done)
        elif self._bar is None and current.done:
            now = self._clock()
            if now - max(current.started, current.reported) >= self.interval:
                current.reported = now
                line = running_line(current.label, current.done, current.total, now - current.started)
                self.console.print(line, markup=False, highlight=False)

    def _start(self, stage: str, total: int | None) -> None:
        self._name = stage
        self._stage = _Stage(self.labels.get(stage, stage), total, self._clock())
        if self.console.is_terminal:
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._stage.label, total=total)

    def close(self) -> None:
        """End the current stage: its bar stops at its own count and time (or its line is printed)."""
        stage, bar = self._stage, self._bar
        self._stage, self._name, self._bar, self._task = None, None, None, None
        if stage is None:
            return
        if bar is not None:
            task = bar.tasks[0].id
            bar.update(task, total=stage.done, completed=stage.done)  # a stage ends complete
            bar.stop()
            return
        line = stage_line(stage.label, stage.done, stage.total, self._clock() - stage.started)
        self.console.print(line, markup=False, highlight=False)


def stage_line(label: str, done: int, total: int | None, seconds: float) -> str:
    """The line a finished stage leaves in a log: ``임베딩 (chunks): 720 in 12.3 s (58.5/s)``; a
    stage that counts nothing (loading the model) says only how long it took."""
    if not done:
        return f"{label}: {seconds:.1f} s" if total is None else f"{label}: none to do ({seconds:.1f} s)"
    rate = f" ({done / seconds:.1f}/s)" if done and seconds >= 0.05 else ""
    return f"{label}: {done} in {seconds:.1f} s{rate}"


def running_line(label: str, done: int, total: int | None, seconds: float) -> str:
    """Where a long stage is, for a log: ``임베딩 (chunks): 240/724 after 20.1 s (12.0/s)``."""
    count = f"{done}/{total}" if total else str(done)
    return f"{label}: {count} after {seconds:.1f} s ({done / max(seconds, 1e-9):.1f}/s)"


@contextmanager
def stage_progress(console: Console, labels: Mapping[str, str] | None = None) -> Iterator[StageProgress]:
    """A :class:`StageProgress` whose last stage is closed on the way out (also on an error)."""
    progress = StageProgress(console, labels)
    try:
        yield progress
    finally:
        progress.close()


@contextmanager
def console_heartbeat(console: Console, step: str, *, interval: float = INTERVAL) -> Iterator[None]:
    """A long uncountable ``step`` on ``console`` while the block runs (a
    :data:`core.heartbeat.Reporter`): a spinner and the elapsed time on a terminal, gone when the
    step ends (the step's own log lines say how long it took); elsewhere a plain line every
    ``interval`` seconds."""
    if not console.is_terminal:

        def emit(line: str) -> None:
            console.print(line, markup=False, highlight=False)

        with ticking(step, emit, interval=interval):
            yield
        return
    spinner = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with spinner:  # nested under a live stage bar (rich >= 14), else a live display of its own
        spinner.add_task(f"{step} 진행 중", total=None)
        yield
