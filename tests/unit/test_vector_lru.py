"""assist.vector_lru.VectorLRU: each text embedded once per call and kept, least recently used
dropped first, a text pushed out by another caller mid-call embedded again, never under the lock."""

from __future__ import annotations

import numpy as np

from assist.vector_lru import VectorLRU


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[float(len(t)), float(ord(t[0]))] for t in texts], dtype=np.float32)


def test_once_per_text_in_order_and_kept() -> None:
    cache, embed = VectorLRU(size=10), Recorder()
    rows = cache.vectors(["ab", "c", "ab"], embed, 2)
    assert embed.calls == [["ab", "c"]]
    np.testing.assert_array_equal(rows, [[2, ord("a")], [1, ord("c")], [2, ord("a")]])
    cache.vectors(["c"], embed, 2)
    assert embed.calls == [["ab", "c"]]
    assert cache.vectors([], embed, 2).shape == (0, 2)


def test_least_recently_used_dropped_and_held_keeps_the_order() -> None:
    cache, embed = VectorLRU(size=2), Recorder()
    cache.vectors(["a", "b", "a"], embed, 2)  # "a" used last
    assert set(cache.held(["a", "b", "z"])) == {"a", "b"}
    cache.vectors(["c"], embed, 2)  # drops "b"
    assert set(cache.held(["a", "b", "c"])) == {"a", "c"}
    cache.put({"d": np.zeros(2, np.float32)})  # drops "a"
    assert set(cache.held(["a", "c", "d"])) == {"c", "d"}


def test_a_batch_larger_than_the_cache_still_gets_every_row() -> None:
    cache, embed = VectorLRU(size=2), Recorder()
    rows = cache.vectors(["a", "bb", "ccc", "dddd"], embed, 2)
    assert rows[:, 0].tolist() == [1, 2, 3, 4] and embed.calls == [["a", "bb", "ccc", "dddd"]]


def test_a_text_pushed_out_meanwhile_is_embedded_again() -> None:
    cache, embed = VectorLRU(size=2), Recorder()
    cache.vectors(["a"], embed, 2)

    def crowding(texts: list[str]) -> np.ndarray:  # another caller fills the cache meanwhile
        cache.put({"x": np.ones(2, np.float32), "y": np.ones(2, np.float32)})
        return embed(texts)

    rows = cache.vectors(["a", "bb"], crowding, 2)  # "a" was cached when looked up, gone when read
    assert embed.calls == [["a"], ["bb"], ["a"]]
    assert rows[:, 0].tolist() == [1, 2]


def test_reserve_grows_the_cache_and_never_shrinks_it() -> None:
    cache, embed = VectorLRU(size=2), Recorder()
    cache.reserve(3)
    cache.vectors(["a", "b", "c"], embed, 2)
    assert set(cache.held(["a", "b", "c"])) == {"a", "b", "c"}
    cache.reserve(1)  # a smaller reservation keeps the larger size
    cache.vectors(["d"], embed, 2)  # drops only the least recent, "a"
    assert set(cache.held(["a", "b", "c", "d"])) == {"b", "c", "d"}


def test_rows_of_dropped_texts_are_reused_and_float16_is_handed_out_as_float32() -> None:
    cache = VectorLRU(size=3, dtype=np.float16)
    for i in range(50):  # 50 texts through a cache of 3: the matrix never holds more than 3 rows
        cache.put({f"t{i}": np.full(4, i / 7, np.float32)})
    assert len(cache) == 3 and cache.nbytes == 3 * 4 * 2
    got = cache.vectors(["t48", "t49"], Recorder(), 4)  # held: nothing embedded
    assert got.dtype == np.float32 and got.shape == (2, 4)
    np.testing.assert_array_equal(got[1], np.full(4, np.float16(49 / 7), np.float32))


def test_a_vector_of_another_size_is_refused() -> None:
    cache = VectorLRU(size=3)
    cache.put({"a": np.zeros(2, np.float32)})
    try:
        cache.put({"b": np.zeros(3, np.float32)})
    except ValueError as exc:
        assert "3 dimensions in a cache of 2" in str(exc)
    else:
        raise AssertionError("a 3-dimensional vector went into a 2-dimensional cache")


def test_a_large_put_allocates_its_rows_once_and_rows_come_back_as_stored() -> None:
    cache = VectorLRU(size=100, dtype=np.float16)
    cache.put({f"t{i}": np.full(4, i, np.float32) for i in range(50)})  # a warm-up reading its file
    assert cache.nbytes == 50 * 4 * 2  # exactly the rows it holds, no growth steps left spare
    assert cache.held(["t3", "zz", "t3", "t7"]) == ["t3", "t7"]
    held, rows = cache.rows(["t7", "zz", "t3"])
    assert held == ["t7", "t3"] and rows.dtype == np.float16
    np.testing.assert_array_equal(rows, [[7] * 4, [3] * 4])
    assert cache.rows(["zz"])[1].shape == (0, 4)
