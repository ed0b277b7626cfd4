"""A spy on a knowledge base's embedder: the passage texts it is asked to embed (the real
embedder still embeds them)."""

from __future__ import annotations

import numpy as np
import pytest

from assist.knowledge import KnowledgeBase


def embedded_texts(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, every text ``kb.embedder.embed_documents`` embeds is appended to the list."""
    texts: list[str] = []
    embed = kb.embedder.embed_documents

    def counting(batch: list[str]) -> np.ndarray:
        texts.extend(batch)
        return embed(batch)

    monkeypatch.setattr(kb.embedder, "embed_documents", counting)
    return texts
