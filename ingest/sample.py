"""The bundled sample KB (fictional shop 바로마켓): articles and resolved tickets."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent / "sample_kb"


def sample_paths() -> list[Path]:
    """Files `kms init --sample` ingests: the article folder and the ticket CSV."""
    return [SAMPLE_DIR / "articles", SAMPLE_DIR / "tickets.csv"]
