"""A tiny knowledge base (3 articles, 3 tickets) built with the hash embedder for fast tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.settings import Settings
from ingest.pipeline import ingest_paths

TINY = Path(__file__).resolve().parent / "data" / "tinykb"
# the answer threshold for the hash embedder's own confidence model (the default 0.81 is the
# bundled e5 model's); 0.45 is what calibrate_hash_model recommends on the tiny KB's questions
HASH_THRESHOLD = 0.45
QUESTIONS = Path(__file__).resolve().parent / "data" / "tinykb_questions.jsonl"


def build_tiny_kb(data_dir: Path, **overrides: object) -> Settings:
    """Ingest tests/data/tinykb into ``data_dir`` and return its settings."""
    settings = Settings(  # type: ignore[arg-type]
        data_dir=data_dir, embedder="hash", **{"answer_threshold": HASH_THRESHOLD, **overrides}
    )
    report = ingest_paths([TINY], settings)
    assert report.ok, report.issues
    calibrate_hash_model(settings, QUESTIONS)
    return settings


def calibrate_hash_model(settings: Settings, questions: Path) -> None:
    """Fit the confidence model for the hash embedder on a test KB's labelled questions (the
    bundled model assumes the e5 model), as ``kms eval calibrate --kb --questions`` would."""
    from assist.confidence import MODEL_FILE
    from assist.knowledge import KnowledgeBase
    from eval.calibrate import calibrate, from_queries

    model, _ = calibrate(KnowledgeBase(settings), from_queries(questions), source=questions.name)
    model.save(settings.data_dir / MODEL_FILE)


def copy_kb(src: Path, dest: Path, **overrides: object) -> Settings:
    """A private copy of a built KB (for tests that write)."""
    shutil.copytree(src, dest, symlinks=True)
    return Settings(  # type: ignore[arg-type]
        data_dir=dest, embedder="hash", **{"answer_threshold": HASH_THRESHOLD, **overrides}
    )


def article_kb(root: Path, name: str, text: str) -> Settings:
    """A knowledge base of one Markdown article (hash embedder), ingested under ``root``."""
    (root / "src").mkdir(parents=True)
    (root / "src" / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "kms", embedder="hash")  # type: ignore[call-arg]
    report = ingest_paths([root / "src"], settings)
    assert report.ok, report.issues
    return settings
