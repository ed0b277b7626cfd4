"""The one process-wide Kiwi analyser, shared by tokenising, sentence splitting and roles."""

from __future__ import annotations

import functools
import threading

__all__ = ["KIWI_LOCK", "KIWI_OPTIONS", "kiwi"]

# load_multi_dict=False: Kiwi's built-in multi-word dictionary (252k WikiData proper nouns with a
# space in them, such as '더글러스 애덤스') is not loaded. Loading it was half of the build (6.66 s ->
# 3.29 s on a quiet machine; 17.42 s -> 4.73 s on a busy one), which every cold `kms search` waits
# for. benchmarks/kiwi_tokens.py, old options vs these: the same BM25 tokens, query tokens, sentence
# splits and analyses on the sample KB (744 chunks) and its 311 safety questions; on welfare_qa_ko
# 4 of 731 chunks, 3 of 9,547 questions and 3 of 9,547 reference answers differ, on parakqc 10 of
# 10,000 utterances (11 with typo-tolerant query tokens), every one a WikiData name that was one
# token with its space ('자연어 처리', '조혈모세포 이식', '네이버 블로그') and is now its words.
# tests/unit/test_kiwi.py keeps support sentences (colloquial, misspelt) to the old tokens.
KIWI_OPTIONS: dict[str, object] = {"num_workers": 1, "load_multi_dict": False}


@functools.lru_cache(maxsize=1)
def kiwi():  # type: ignore[no-untyped-def]
    """The one process-wide Kiwi analyser (seconds and ~100 MB to create); use with KIWI_LOCK."""
    from kiwipiepy import Kiwi

    return Kiwi(**KIWI_OPTIONS)


KIWI_LOCK = threading.RLock()
