"""The one process-wide Kiwi analyser, shared by tokenising, sentence splitting and roles."""

from __future__ import annotations

import functools
import threading

__all__ = ["KIWI_LOCK", "kiwi"]


@functools.lru_cache(maxsize=1)
def kiwi():  # type: ignore[no-untyped-def]
    """The one process-wide Kiwi analyser (about 1 s and ~100 MB to create); use with KIWI_LOCK."""
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=1)


KIWI_LOCK = threading.RLock()
