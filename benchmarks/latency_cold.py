"""``benchmarks/latency.py cold``: what a cold process pays (index load at N chunks, ``kms search``).

Kept apart from ``benchmarks/latency.py`` (which documents and dispatches every mode): ``store.load``
of a synthetic index folder in fresh processes, as written now and as written before the BM25 arrays,
and ``kms search`` wall and CPU time from a cold process, optionally alternating with another
checkout (``--baseline``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import build_sample_kb, pct

from indexes import store
from indexes.dense import DenseIndex
from indexes.hybrid import HybridIndex
from indexes.lexical import LexicalIndex

ROOT = Path(__file__).resolve().parents[1]

_LOAD_PROBE = """
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from indexes import store
from indexes.embedder import HashEmbedder
emb = HashEmbedder(int(sys.argv[2])); emb.model_id = sys.argv[3]
t1 = time.perf_counter()
index = store.load(Path(sys.argv[1]), emb)
t2 = time.perf_counter()
index.segments.lex_scores(["w3", "w40", "w400"])  # BM25 alone: a search would also build Kiwi
t3 = time.perf_counter()
status = Path("/proc/self/status").read_text().splitlines()
rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS"))
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "first_bm25_ms": (t3 - t2) * 1000,
                  "rss_mb": rss / 1024, "chunks": len(index.chunks)}))
"""


def _probe_env(code: Path | None) -> dict[str, str]:
    env = {**os.environ}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def _legacy_copy(folder: Path, dest: Path) -> Path:
    """``folder`` as written before the BM25 arrays: no ``lexical_store``, tokens.jsonl only."""
    import shutil

    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(folder, dest)
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("lexical_store", None)
    (dest / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    params = json.loads((dest / "lexical" / "params.json").read_text(encoding="utf-8"))
    params = {k: params[k] for k in ("k1", "b", "tokenizer", "bm25s") if k in params}
    (dest / "lexical" / "params.json").write_text(json.dumps(params), encoding="utf-8")
    for extra in dest.joinpath("lexical").iterdir():
        if extra.name not in ("params.json", "tokens.jsonl"):
            extra.unlink()
    return dest


def cold_main(args: argparse.Namespace) -> None:
    """``cold``: index load at ``--chunks`` chunks, and ``kms search`` from a cold process; with
    ``--baseline``, that checkout's processes alternate with this one's (a busy machine slows both)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from incremental_index import DIM, Corpus
    from incremental_index import build as synthetic

    from indexes.embedder import HashEmbedder

    args.work.mkdir(parents=True, exist_ok=True)
    codes: dict[str, Path | None] = {"now": None}
    if args.baseline is not None:
        codes["baseline"] = args.baseline
    print(f"load average at start: {os.getloadavg()}; now: {ROOT}; baseline: {args.baseline}", flush=True)
    if not args.skip_load:
        root = args.work / f"load-{args.chunks}"
        folder = store.current_folder_or_none(root)
        if folder is None or args.rebuild:
            t0 = time.perf_counter()
            chunks, vectors, tokens = synthetic(Corpus(0), args.chunks)
            emb = HashEmbedder(DIM)
            emb.model_id = "synthetic-384"
            ids = np.array([c.vid for c in chunks], dtype=np.int64)
            dense = DenseIndex.build(vectors, ids, DIM, vectors_type=store.IndexConfig().dense_vectors)
            index = HybridIndex(chunks, dense, LexicalIndex(tokens), emb)
            del chunks, vectors, tokens, dense
            print(f"built {args.chunks} synthetic chunks in {time.perf_counter() - t0:.1f} s", flush=True)
            folder = store.persist(index, root, store.IndexConfig())
            del index
        # both written by this checkout; a baseline without the arrays reads tokens.jsonl from either
        folders = {"with arrays": folder, "tokens.jsonl only": _legacy_copy(folder, args.work / "legacy")}
        runs: dict[tuple[str, str], list[dict[str, float]]] = {}
        for _ in range(args.repeat):  # interleaved: the shared machine's load hits all alike
            for code_name, code in codes.items():
                for name, path in folders.items():
                    probe = [sys.executable, "-c", _LOAD_PROBE, str(path), str(DIM), "synthetic-384"]
                    out = subprocess.run(
                        probe, env=_probe_env(code), cwd=args.work, capture_output=True, text=True
                    )
                    if out.returncode:
                        raise SystemExit(f"{code_name}, {name}: the load probe failed:\n{out.stderr[-2000:]}")
                    runs.setdefault((code_name, name), []).append(
                        json.loads(out.stdout.strip().splitlines()[-1])
                    )
        print(f"\nindex load at {args.chunks} chunks (store.load in a fresh process, n={args.repeat} each):")
        for (code_name, name), rows in runs.items():
            load_s, label = [r["load_s"] for r in rows], f"{code_name:<8} {name:<17}"
            print(f"  {label} load p50 {pct(load_s, 0.5):6.2f} s  min {min(load_s):5.2f} s  "
                  f"first BM25 query {pct([r['first_bm25_ms'] for r in rows], 0.5):6.1f} ms  "
                  f"RSS after load {pct([r['rss_mb'] for r in rows], 0.5):6.1f} MB", flush=True)  # fmt: skip
    if not args.skip_search:
        build_sample_kb(args.data_dir)
        entry = "import sys; from eval.cli import main; sys.argv[0] = 'kms'; sys.exit(main())"
        cmd = [sys.executable, "-c", entry, "search", args.query, *(["--json"] if args.json else [])]
        wall: dict[str, list[float]] = {name: [] for name in codes}
        cpu: dict[str, list[float]] = {name: [] for name in codes}  # the process's user + sys time
        outputs: set[str] = set()
        for _ in range(args.repeat):
            for code_name, code in codes.items():
                data_dir = (
                    args.baseline_data_dir
                    if code_name == "baseline" and args.baseline_data_dir
                    else args.data_dir
                )
                env = {**_probe_env(code), "KMS_DATA_DIR": str(data_dir), "COLUMNS": "200"}
                t0, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                # cwd: `python -c` puts the working directory first on sys.path, before PYTHONPATH;
                # run from this checkout, the baseline's processes imported this checkout's code
                out = subprocess.run(cmd, env=env, cwd=code or ROOT, capture_output=True, text=True)
                wall[code_name].append(time.perf_counter() - t0)
                now = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[code_name].append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
                if out.returncode:
                    raise SystemExit(f"{code_name}: kms search failed:\n{out.stderr[-2000:]}")
                outputs.add(out.stdout)
        print(f"\n`kms search {args.query!r}` from a cold process (n={args.repeat} each):")
        for code_name, values in wall.items():
            print(f"  {code_name:<8} p50 {pct(values, 0.5):6.2f} s  min {min(values):6.2f} s  "
                  f"max {max(values):6.2f} s  CPU (user+sys) p50 {pct(cpu[code_name], 0.5):6.2f} s",
                  flush=True)  # fmt: skip
        print(f"  distinct outputs over all runs: {len(outputs)}")
        if args.save_output:
            args.save_output.write_text(next(iter(outputs)), encoding="utf-8")
    print(f"load average at end: {os.getloadavg()}")


def add_cold_parser(sub: Any) -> None:
    """The ``cold`` subcommand's arguments (``sub``: the parent parser's subparsers)."""
    c = sub.add_parser("cold", help="index load at N chunks and `kms search` wall time, cold processes")
    c.add_argument("--chunks", type=int, default=100_000)
    c.add_argument("--repeat", type=int, default=3)
    c.add_argument("--work", type=Path, default=Path("/tmp/kms-bench-cold"), help="index folders (reused)")
    c.add_argument("--rebuild", action="store_true", help="write the synthetic index folder again")
    c.add_argument(
        "--data-dir", type=Path, default=Path("/tmp/kms-bench-sample"), help="sample KB for search"
    )
    c.add_argument("--query", default="환불은 언제 되나요?")
    c.add_argument("--baseline", type=Path, default=None, help="another checkout, measured alternately")
    c.add_argument(
        "--baseline-data-dir",
        type=Path,
        default=None,
        help="the baseline's sample KB (default --data-dir): a copy made before this checkout's code "
        "first ran on it, where that code rewrites files of the data dir (such as the ONNX export)",
    )
    c.add_argument("--json", action="store_true", help="kms search --json (outputs compared exactly)")
    c.add_argument("--save-output", type=Path, default=None, help="write what `kms search` printed here")
    c.add_argument("--skip-load", action="store_true")
    c.add_argument("--skip-search", action="store_true")
