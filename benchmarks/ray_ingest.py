"""Ingest throughput: the local pipeline against `--engine ray` on a local Ray, in the same run.

    .venv/bin/python benchmarks/ray_ingest.py [--repeat 3] [--workers 2] [--embedder NAME]

The corpus is the bundled sample KB (ingest/sample_kb: 31 articles, 428 tickets) copied
``--repeat`` times with the ids made unique (``KB-001-r2``, ``T-10001-r2``), so every copy is new
knowledge. Each engine ingests it into a fresh data folder (whole ``ingest_paths``: read, mask,
store, chunk, embed, BM25, write, swap), with the model (settings default: the bundled e5 model
on ONNX) already loaded in this process; the Ray figure includes starting its workers and
loading the model in each actor, which is what a run pays. Both runs must give the same chunk
ids, or the benchmark fails. Prints docs/s and chunks/s per engine and per-stage seconds.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path


def _corpus(dest: Path, repeat: int) -> Path:
    from ingest.sample import SAMPLE_DIR

    articles = dest / "articles"
    articles.mkdir(parents=True)
    with (SAMPLE_DIR / "tickets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    with (dest / "tickets.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for r in range(1, repeat + 1):
            for row in rows:
                writer.writerow({**row, "id": row["id"] if r == 1 else f"{row['id']}-r{r}"})
            for md in sorted((SAMPLE_DIR / "articles").glob("*.md")):
                name = md.name if r == 1 else f"{md.stem}-r{r}.md"  # the id is the file name
                shutil.copyfile(md, articles / name)
    return dest


class _Stages:
    """Seconds per pipeline stage, from the ``(stage, advance, total)`` progress calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stage: str | None = None
        self._since = time.perf_counter()

    def __call__(self, stage: str, advance: int, total: int | None) -> None:
        if stage != self._stage:
            self.close()
            self._stage, self._since = stage, time.perf_counter()

    def close(self) -> None:
        if self._stage is not None:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + time.perf_counter() - self._since
            self._stage = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="copies of the sample KB")
    parser.add_argument("--workers", type=int, default=2, help="Ray embedding actors (1 CPU each)")
    parser.add_argument("--embedder", default=None, help="KMS_EMBEDDER (default: the settings default)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")

    from core.settings import Settings
    from indexes import store
    from indexes.embedder import load_embedder
    from ingest.pipeline import ingest_paths
    from ingest.ray_engine import connect

    work = Path(tempfile.mkdtemp(prefix="kms-ray-bench-"))
    corpus = _corpus(work / "corpus", args.repeat)
    extra = {"embedder": args.embedder} if args.embedder else {}
    shared = Settings(data_dir=work / "shared", **extra)  # type: ignore[arg-type]
    embedder = load_embedder(shared)  # the model prepared once (materialised, ONNX export) and loaded
    print(
        f"corpus: sample KB x{args.repeat}; model {embedder.model_id} "
        f"({embedder.runtime} {embedder.precision}); {os.cpu_count()} CPUs here; "
        f"Ray: {args.workers} workers x 1 CPU",
        flush=True,
    )
    results = {}
    for engine in ("local", "ray"):
        data = work / engine
        data.mkdir()
        (data / "models").symlink_to(shared.models_dir.resolve(), target_is_directory=True)
        settings = Settings(data_dir=data, **extra)  # type: ignore[arg-type]
        stages = _Stages()
        started = time.perf_counter()
        if engine == "local":
            report = ingest_paths([corpus], settings, progress=stages)
        else:
            with connect(workers=args.workers) as ray_engine:
                report = ingest_paths([corpus], settings, progress=stages, engine=ray_engine)
        wall = time.perf_counter() - started
        stages.close()
        if not report.ok:
            raise SystemExit(f"{engine} ingest failed: {report.errors[:3]}")
        docs = sum(report.articles.values()) + sum(report.tickets.values())
        chunks = report.build.chunks
        ids = [c.chunk_id for c in store.load_current(settings.index_root, embedder).chunks]
        results[engine] = (wall, docs, chunks, ids)
        per_stage = ", ".join(f"{k} {v:.1f} s" for k, v in stages.seconds.items())
        print(
            f"{engine:5}: {docs} docs, {chunks} chunks in {wall:.1f} s -> {docs / wall:.1f} docs/s, "
            f"{chunks / wall:.1f} chunks/s ({per_stage}; embed counted from the Ray pass for ray)",
            flush=True,
        )
    if results["local"][3] != results["ray"][3]:
        raise SystemExit("the two engines gave different chunks")
    print(f"same chunk ids: yes; ray / local throughput: {results['local'][0] / results['ray'][0]:.2f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
