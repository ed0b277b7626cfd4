"""The progress callback the harness reports through (the CLI draws rich bars from it).

``progress(stage, advance, total)``: ``total`` is given once when a stage starts (``advance`` 0),
then calls advance it. Library code never prints.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "report"]

Progress = Callable[[str, int, int | None], None]


def report(progress: Progress | None, stage: str, advance: int, total: int | None = None) -> None:
    if progress is not None:
        progress(stage, advance, total)
