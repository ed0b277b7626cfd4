"""What one evaluation run produces, before it is written out (see :mod:`eval.report`)."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from eval.datasets import FileInfo, RetrievalSet

__all__ = ["EvalRun", "Figure", "Table", "dataset_fingerprint", "library_versions"]

_LIBRARIES = (
    "kms-assist",
    "numpy",
    "faiss-cpu",
    "bm25s",
    "kiwipiepy",
    "sentence-transformers",
    "torch",
    "transformers",
    "scikit-learn",
    "rapidfuzz",
    "matplotlib",
)


@dataclass
class Table:
    """A table for the HTML report (headers already labelled, Korean with English)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Figure:
    title: str
    png_base64: str


@dataclass
class EvalRun:
    """A finished run: flat metrics with one primary metric, plus everything needed to trust it."""

    kind: str
    primary_metric: str
    metrics: dict[str, float | int | None]
    config: dict[str, Any] = field(default_factory=dict)
    dataset: dict[str, Any] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    per_query: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # structured extras (curves, best config, …)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def primary_value(self) -> float | int | None:
        return self.metrics.get(self.primary_metric)


def dataset_fingerprint(name: str, files: list[FileInfo], **counts: int) -> dict[str, Any]:
    """Name, each input file's sha256 and row count, and the counts actually evaluated."""
    return {
        "name": name,
        "files": [{"path": _display(f.path), "sha256": f.sha256, "rows": f.rows} for f in files],
        **counts,
    }


def retrieval_fingerprint(rset: RetrievalSet, *, chunks: int, queries: int) -> dict[str, Any]:
    """:func:`dataset_fingerprint` of a corpus and its questions: documents, chunks, queries run."""
    return dataset_fingerprint(
        rset.name, rset.files, documents=len(rset.corpus), chunks=chunks, queries=queries
    )


def _display(path: str) -> str:
    """A path relative to the working directory when it lies below it (reports travel)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def library_versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
