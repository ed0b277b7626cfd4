"""Progress of a multi-stage job (read files, then embed chunks): one line per stage.

The library reports progress as ``(stage, advance, total)`` calls. :class:`StageProgress` turns
them into one progress line per stage: when a new stage starts, the previous one is closed, so
its count and time are its own (model loading or embedding never count as reading). On a
terminal each stage is a live rich bar that stays on screen when done; anywhere else (a pipe, a
CI log) nothing is redrawn and each stage prints one plain line when it ends, e.g.
``읽기 (files): 31 in 0.4 s``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


@dataclass
class _Stage:
    label: str
    total: int | None
    started: float
    done: int = 0


class StageProgress:
    """A ``(stage, advance, total)`` callback that shows each stage on a line of its own."""

    def __init__(self, console: Console, labels: Mapping[str, str] | None = None) -> None:
        self.console = console
        self.labels = dict(labels or {})
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

    def _start(self, stage: str, total: int | None) -> None:
        self._name = stage
        self._stage = _Stage(self.labels.get(stage, stage), total, time.monotonic())
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
        line = stage_line(stage.label, stage.done, stage.total, time.monotonic() - stage.started)
        self.console.print(line, markup=False, highlight=False)


def stage_line(label: str, done: int, total: int | None, seconds: float) -> str:
    """The line a finished stage leaves in a log: ``임베딩 (chunks): 720 in 12.3 s (58.5/s)``; a
    stage that counts nothing (loading the model) says only how long it took."""
    if not done:
        return f"{label}: {seconds:.1f} s" if total is None else f"{label}: none to do ({seconds:.1f} s)"
    rate = f" ({done / seconds:.1f}/s)" if done and seconds >= 0.05 else ""
    return f"{label}: {done} in {seconds:.1f} s{rate}"


@contextmanager
def stage_progress(console: Console, labels: Mapping[str, str] | None = None) -> Iterator[StageProgress]:
    """A :class:`StageProgress` whose last stage is closed on the way out (also on an error)."""
    progress = StageProgress(console, labels)
    try:
        yield progress
    finally:
        progress.close()
