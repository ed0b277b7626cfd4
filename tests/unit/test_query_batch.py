"""Concurrent one-inquiry embeddings share a run (indexes.query_batch): each caller gets its own
text's vector, an idle call runs at once, a failed run fails its waiters and nothing hangs."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from indexes.query_batch import QueryBatcher


def _vector(text: str) -> np.ndarray:
    return np.array([len(text), sum(map(ord, text)) % 997], dtype=np.float32)


class GatedRun:
    """A run that records its batches and, while ``gate`` is closed, blocks its first call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.started = threading.Event()
        self.fail_on: str | None = None

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.started.set()
        if len(self.calls) == 1:
            assert self.gate.wait(10), "the test never opened the gate"
        if self.fail_on in texts:
            raise RuntimeError(f"cannot embed {self.fail_on!r}")
        return np.vstack([_vector(t) for t in texts])


def _queued(batcher: QueryBatcher, n: int) -> None:
    deadline = time.monotonic() + 10
    while len(batcher._queue) < n:  # the test's own view of the queue: waiters have arrived
        assert time.monotonic() < deadline, "callers never queued"
        time.sleep(0.001)


def _call_in_threads(
    batcher: QueryBatcher, texts: Sequence[str]
) -> tuple[dict[str, object], list[threading.Thread]]:
    results: dict[str, object] = {}

    def call(text: str) -> None:
        try:
            results[text] = batcher.one(text)
        except Exception as exc:
            results[text] = exc

    threads = [threading.Thread(target=call, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    return results, threads


def _behind_a_held_run(
    batcher: QueryBatcher, run: GatedRun, groups: Sequence[Sequence[str]]
) -> dict[str, object]:
    """Every caller's result: "first" is called and its run held at the gate, then each group of
    texts is called at once and has queued before the next group is; then the gate opens."""
    calls = [_call_in_threads(batcher, ["first"])]
    assert run.started.wait(10)
    waiting = 0
    for group in groups:
        calls.append(_call_in_threads(batcher, group))
        waiting += len(group)
        _queued(batcher, waiting)
    run.gate.set()
    threads = [t for _, started in calls for t in started]
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)
    return {text: got for results, _ in calls for text, got in results.items()}


def test_a_call_alone_runs_at_once_with_its_own_text() -> None:
    run = GatedRun()
    run.gate.set()
    batcher = QueryBatcher(run)
    for text in ("환불 언제 돼요", "비밀번호 잊어버렸어요"):
        assert np.array_equal(batcher.one(text), _vector(text))
    assert run.calls == [["환불 언제 돼요"], ["비밀번호 잊어버렸어요"]]
    assert (batcher.batches, batcher.texts) == (2, 2)


def test_calls_that_arrive_during_a_run_share_the_next_one() -> None:
    run = GatedRun()
    batcher = QueryBatcher(run, max_batch=8)
    results = _behind_a_held_run(batcher, run, [["b", "cc", "ddd"]])
    assert run.calls[0] == ["first"] and sorted(run.calls[1]) == ["b", "cc", "ddd"] and len(run.calls) == 2
    for text, vector in results.items():
        assert np.array_equal(vector, _vector(text)), text  # each caller its own row
    assert (batcher.batches, batcher.texts) == (2, 4)


def test_a_batch_takes_at_most_max_batch_texts_oldest_first() -> None:
    run = GatedRun()
    batcher = QueryBatcher(run, max_batch=2)
    _behind_a_held_run(batcher, run, [[t] for t in "abcde"])  # one by one: the queue's order is known
    assert run.calls == [["first"], ["a", "b"], ["c", "d"], ["e"]]


def test_a_failed_run_fails_each_of_its_callers_and_the_next_call_works() -> None:
    run = GatedRun()
    run.fail_on = "bad"
    batcher = QueryBatcher(run)
    results = _behind_a_held_run(batcher, run, [["bad", "good"]])
    assert np.array_equal(results["first"], _vector("first"))
    assert all(isinstance(results[t], RuntimeError) for t in ("bad", "good"))
    run.fail_on = None
    assert np.array_equal(batcher.one("good"), _vector("good"))


def test_a_run_that_returns_too_few_rows_is_an_error() -> None:
    batcher = QueryBatcher(lambda texts: np.zeros((0, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="embedded 1 texts, got 0 vectors"):
        batcher.one("환불")


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        QueryBatcher(lambda texts: np.zeros((len(texts), 2)), max_batch=0)
