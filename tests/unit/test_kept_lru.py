"""assist.kept_lru.KeptLRU: least recently used dropped first, a reserve raises the size only."""

from __future__ import annotations

from assist.kept_lru import KeptLRU


def test_the_least_recently_used_goes_and_a_reserve_never_lowers_the_size() -> None:
    cache: KeptLRU[str, int] = KeptLRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now the most recent
    cache.put("c", 3)  # drops "b"
    assert "b" not in cache and cache.get("b") is None and len(cache) == 2
    cache.reserve(3)
    cache.reserve(1)
    assert cache.size == 3
    cache.put("d", 4)
    assert len(cache) == 3 and {k for k in "acd" if k in cache} == {"a", "c", "d"}
