"""A long stage in a log (not a terminal) says where it is every interval, not only at its end."""

from __future__ import annotations

import io

from rich.console import Console

from assist.cli.progress import StageProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_long_stage_prints_where_it_is_once_per_interval_then_its_summary() -> None:
    out = io.StringIO()
    clock = Clock()
    progress = StageProgress(
        Console(file=out, width=200), {"embed": "임베딩 (chunks)"}, interval=10.0, clock=clock
    )
    progress("embed", 0, 240)  # the stage starts at 0 s
    for step in range(1, 31):  # 30 batches of 8 chunks, 1 s apart
        clock.now = float(step)
        progress("embed", 8, 240)
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines == [
        "임베딩 (chunks): 80/240 after 10.0 s (8.0/s)",
        "임베딩 (chunks): 160/240 after 20.0 s (8.0/s)",
        "임베딩 (chunks): 240/240 after 30.0 s (8.0/s)",
        "임베딩 (chunks): 240 in 30.0 s (8.0/s)",
    ]


def test_a_short_stage_prints_one_line() -> None:
    out = io.StringIO()
    clock = Clock()
    progress = StageProgress(Console(file=out, width=200), {"read": "읽기 (files)"}, clock=clock)
    progress("read", 0, 31)
    clock.now = 0.4
    progress("read", 31, 31)
    progress.close()
    assert out.getvalue().splitlines() == ["읽기 (files): 31 in 0.4 s (77.5/s)"]
