"""What the benchmarks share: one percentile helper, one process-memory reader and one sample-KB builder.

``latency.py`` (answers and suggestions) and ``load.py`` (``kms serve`` under concurrent
clients) report percentiles the same way and build the bundled sample KB the same way, through
the product's ingest pipeline. Library imports happen inside the functions, so the load
benchmark's driver never loads the model.
"""

from __future__ import annotations

import statistics
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1): the project's one percentile (:func:`eval.metrics.percentile`,
    linear interpolation), so benchmark scripts and eval reports give the same figure for the
    same timings."""
    from eval.metrics import percentile

    return percentile(values, q)


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """Resident memory of a process (``VmHWM``: its peak), in MiB; 0.0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def summary(values: list[float]) -> dict[str, float]:
    """p50 / p95 / mean, rounded to 0.01."""
    return {
        "p50": round(pct(values, 0.50), 2),
        "p95": round(pct(values, 0.95), 2),
        "mean": round(statistics.fmean(values), 2) if values else float("nan"),
    }


def build_sample_kb(data_dir: Path, embedder: str | None = None) -> bool:
    """The bundled sample KB in ``data_dir`` (what ``kms init --sample`` builds), unless an index
    is already there; True when it was built now. ``embedder`` overrides KMS_EMBEDDER."""
    from core.settings import Settings
    from indexes import store
    from ingest.pipeline import ingest_paths
    from ingest.sample import sample_paths

    settings = Settings(data_dir=data_dir, **({"embedder": embedder} if embedder else {}))
    if store.current_folder_or_none(settings.index_root) is not None:
        return False
    print(f"building the sample KB in {data_dir} …", flush=True)
    report = ingest_paths(sample_paths(), settings)
    if not report.ok:
        raise SystemExit(f"sample KB did not build: {report}")
    return True
