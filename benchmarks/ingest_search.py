"""`make bench`: search/suggest latency and ingest rate at 1k/10k/100k chunks (same as `kms bench`).

Prints the figures and writes eval-runs/bench-<time>/report.json + report.html. Arguments are
passed through to `kms bench`, e.g. ``python benchmarks/ingest_search.py --sizes 1000,10000``.
Never asserts on wall time.
"""

from __future__ import annotations

import sys

from assist.cli.app import app
from eval.cli import eval_commands  # noqa: F401  (registers `kms bench` on the app)


def main() -> None:
    app(["bench", *sys.argv[1:]])


if __name__ == "__main__":
    main()
