"""The bundled sample KB (fictional shop 바로마켓): articles and resolved tickets."""

from __future__ import annotations

import shutil
from pathlib import Path

SAMPLE_DIR = Path(__file__).parent / "sample_kb"
# the sample shop's colloquial words (포인트 = 적립금), a user file like any KMS owner's
SAMPLE_LEXICON = SAMPLE_DIR / "colloquial.tsv"


def sample_paths() -> list[Path]:
    """Files `kms init --sample` ingests: the article folder and the ticket CSV."""
    return [SAMPLE_DIR / "articles", SAMPLE_DIR / "tickets.csv"]


def install_sample_lexicon(target: Path) -> bool:
    """Copy the sample shop's colloquial file to ``target`` unless a file is there (True if copied)."""
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE_LEXICON, target)
    return True
