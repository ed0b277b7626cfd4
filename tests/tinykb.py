"""A tiny knowledge base (3 articles, 3 tickets) built with the hash embedder for fast tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexes.settings import Settings
from ingest.pipeline import ingest_paths

TINY = Path(__file__).resolve().parent / "data" / "tinykb"


def build_tiny_kb(data_dir: Path, **overrides: object) -> Settings:
    """Ingest tests/data/tinykb into ``data_dir`` and return its settings."""
    settings = Settings(data_dir=data_dir, embedder="hash", **overrides)  # type: ignore[arg-type]
    report = ingest_paths([TINY], settings)
    assert report.ok, report.issues
    return settings


def copy_kb(src: Path, dest: Path, **overrides: object) -> Settings:
    """A private copy of a built KB (for tests that write)."""
    shutil.copytree(src, dest, symlinks=True)
    return Settings(data_dir=dest, embedder="hash", **overrides)  # type: ignore[arg-type]
