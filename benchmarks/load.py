"""Load: `kms serve` under 50 / 200 / 1,000 concurrent clients (backpressure, not a timed test).

Starts `kms serve` (a separate process) on a data dir holding the sample KB (built here with the
hash embedder unless ``--embedder`` says otherwise), creates its own API key (role bot + agent),
then for each client count runs ``--seconds`` of closed-loop load: every client POSTs
``/v1/answer`` (or ``--endpoint suggestions``) again as soon as it has an answer; a shed client
(503) waits its Retry-After (capped at 2 s) like a well-behaved caller. Meanwhile a prober in
its own process GETs /healthz every 50 ms. The load generator shares the machine's CPUs with
the server (on 2 cores that costs the server part of its capacity); ``--generator-nice 10`` runs
the generator at a lower CPU priority than the server and the prober, closer to clients on other
machines.

Printed per client count: goodput (200 answers/s), p50/p95 latency of the 200s, the share of
requests shed (503 overloaded), timed out by the server (503 request_timeout), failed otherwise
(other status or client-side timeout), the count of server errors (5xx other than those 503s),
and /healthz p50/p99/max. Percentiles and the sample KB come from ``bench_common.py`` (shared
with ``latency.py``).

    .venv/bin/python benchmarks/load.py --clients 50,200,1000 --seconds 15   # ~2.5 minutes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from bench_common import build_sample_kb, pct

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = multiprocessing.get_context("spawn")
GROUP = 10  # load clients per httpx connection pool
QUESTIONS = [
    "환불은 언제 되나요?",
    "결제가 두 번 됐어요",
    "배송이 너무 늦어요",
    "비밀번호를 잊어버렸어요",
    "쿠폰은 어떻게 쓰나요?",
    "교환 신청은 어디서 하나요?",
    "주문 취소하고 싶어요",
    "포인트 적립이 안 됐어요",
]


def prepare(data_dir: Path, embedder: str, fresh: bool) -> str:
    """Sample KB in ``data_dir`` (built once) and a new API key for the benchmark."""
    os.environ["KMS_DATA_DIR"] = str(data_dir)
    os.environ["KMS_EMBEDDER"] = embedder
    from assist.access import create_key
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    build_sample_kb(data_dir, embedder)
    settings = Settings()
    _info, key = create_key(KnowledgeBase(settings).sessions, "load-benchmark", ("bot", "agent"))
    return key


@dataclass
class Round:
    clients: int
    latencies: list[float] = field(default_factory=list)  # seconds, 200s only
    server_ms: list[float] = field(default_factory=list)  # Server-Timing queue + app, 200s only
    codes: dict[str, int] = field(default_factory=dict)
    health: list[float] = field(default_factory=list)
    health_failures: int = 0
    elapsed: float = 0.0

    def count(self, code: str) -> None:
        self.codes[code] = self.codes.get(code, 0) + 1


async def drive(
    base: str, key: str, clients: int, seconds: float, endpoint: str, client_timeout: float
) -> Round:
    """``clients`` closed-loop clients for ``seconds``; their counts and latencies."""
    result = Round(clients)
    stop = time.monotonic() + seconds
    path, field_name = ("/v1/answer", "question") if endpoint == "answer" else ("/v1/suggestions", "inquiry")
    # one small httpx client per GROUP workers: one pool of 1,000 connections spends the load
    # generator's CPU managing the pool (measured: 1,000 clients, every answer ~36 s late)
    limits = httpx.Limits(max_connections=GROUP, max_keepalive_connections=GROUP)
    headers = {"Authorization": f"Bearer {key}"}

    async def worker(http: httpx.AsyncClient, n: int) -> None:
        i = n
        while time.monotonic() < stop:
            question = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = await http.post(path, json={field_name: question})
            except httpx.TimeoutException:
                result.count("client_timeout")
                continue
            except httpx.TransportError as exc:
                result.count(f"transport:{type(exc).__name__}")
                await asyncio.sleep(0.1)
                continue
            spent = time.perf_counter() - t0
            if r.status_code == 200:
                result.latencies.append(spent)
                timing = r.headers.get("server-timing", "")
                result.server_ms.append(
                    sum(float(p.split("dur=")[1]) for p in timing.split(",") if "dur=" in p)
                )
                result.count("200")
            elif r.status_code == 503:
                code = r.json().get("error", {}).get("code", "503")
                result.count(code)
                await asyncio.sleep(min(2.0, float(r.headers.get("retry-after", "1"))))
            else:
                result.count(str(r.status_code))

    t_start = time.monotonic()
    pools = [
        httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=client_timeout)
        for _ in range(0, clients, GROUP)
    ]
    try:
        await asyncio.gather(*(worker(pools[n // GROUP], n) for n in range(clients)))
    finally:
        for pool in pools:
            await pool.aclose()
    result.elapsed = time.monotonic() - t_start
    return result


def generate(args: tuple[str, str, int, float, str, float], nice: int, out: Any) -> None:
    """The load generator's process: lowered in priority by ``nice`` (0: as the server)."""
    if nice:
        os.nice(nice)
    out.put(asyncio.run(drive(*args)))


def one_round(
    base: str, key: str, clients: int, seconds: float, endpoint: str, client_timeout: float, nice: int
) -> Round:
    """One client count: the generator and the /healthz prober, each in its own process."""
    found: Any = PROCESSES.Queue()
    loads: Any = PROCESSES.Queue()
    work = (base, key, clients, seconds, endpoint, client_timeout)
    generator = PROCESSES.Process(target=generate, args=(work, nice, loads), daemon=True)
    probe = PROCESSES.Process(target=probe_healthz, args=(base, seconds, found), daemon=True)
    generator.start()
    probe.start()
    result: Round = loads.get(timeout=seconds + client_timeout + 120)
    generator.join(timeout=30)
    probe.join(timeout=30)
    result.health, result.health_failures = found.get(timeout=30)
    return result


def probe_healthz(base: str, seconds: float, out: Any) -> None:
    """GET /healthz every 50 ms for ``seconds`` from its own process (so the load generator's
    busy event loop does not delay the probe); puts (latencies in s, failures) on ``out``."""
    latencies: list[float] = []
    failures = 0
    stop = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=10) as probe:
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                if probe.get("/healthz").status_code == 200:
                    latencies.append(time.perf_counter() - t0)
                else:
                    failures += 1
            except httpx.HTTPError:
                failures += 1
            time.sleep(0.05)
    out.put((latencies, failures))


def report(r: Round) -> dict[str, Any]:
    total = sum(r.codes.values())
    ok = r.codes.get("200", 0)
    ms = [x * 1000 for x in r.latencies]
    hz = [x * 1000 for x in r.health]
    other = total - ok - r.codes.get("overloaded", 0) - r.codes.get("request_timeout", 0)
    errors = sum(n for code, n in r.codes.items() if code.isdigit() and int(code) >= 500)
    return {
        "clients": r.clients,
        "seconds": round(r.elapsed, 1),
        "requests": total,
        "goodput_rps": round(ok / r.elapsed, 2) if r.elapsed else 0.0,
        "p50_ms": round(pct(ms, 0.50), 1),
        "p95_ms": round(pct(ms, 0.95), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
        "server_p50_ms": round(pct(r.server_ms, 0.50), 1),
        "server_p95_ms": round(pct(r.server_ms, 0.95), 1),
        "shed_share": round(r.codes.get("overloaded", 0) / total, 3) if total else 0.0,
        "timeout_share": round(r.codes.get("request_timeout", 0) / total, 3) if total else 0.0,
        "other_share": round(other / total, 3) if total else 0.0,
        "errors_5xx": errors,
        "codes": r.codes,
        "healthz_p50_ms": round(pct(hz, 0.50), 1),
        "healthz_p99_ms": round(pct(hz, 0.99), 1),
        "healthz_max_ms": round(max(hz), 1) if hz else float("nan"),
        "healthz_probes": len(hz),
        "healthz_failures": r.health_failures,
    }


def wait_ready(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 300
    with httpx.Client(base_url=base, timeout=10) as client:
        while True:
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"`kms serve` did not become ready; see {log_path}")
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", default="50,200,1000", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=20.0, help="load per client count")
    parser.add_argument("--endpoint", choices=["answer", "suggestions"], default="answer")
    parser.add_argument("--embedder", default="hash", help="KMS_EMBEDDER of the server (default: hash)")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kms-load"))
    parser.add_argument("--fresh", action="store_true", help="rebuild the data dir")
    parser.add_argument("--port", type=int, default=8777)
    parser.add_argument("--client-timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument(
        "--generator-nice",
        type=int,
        default=0,
        help="lower the load generator's CPU priority by this much (the server and the /healthz "
        "prober keep theirs), as if the clients ran on other machines; 0: the same priority",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        help="KEY=VALUE for the server, e.g. KMS_MAX_CONCURRENT_REQUESTS=8 (repeatable)",
    )
    args = parser.parse_args()
    key = prepare(args.data_dir, args.embedder, args.fresh)
    env = {
        **os.environ,
        "KMS_DATA_DIR": str(args.data_dir),
        "KMS_EMBEDDER": args.embedder,
        "KMS_WARM_SENTENCES": "false",
    }
    env.update(dict(item.split("=", 1) for item in args.server_env))
    kms = str(Path(sys.executable).with_name("kms"))
    cmd = [kms, "serve", "--port", str(args.port), "--log-level", "warning"]
    base = f"http://127.0.0.1:{args.port}"
    log_path = args.data_dir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    rows = []
    try:
        wait_ready(base, server, log_path)
        limits = {k: v for k, v in env.items() if k.startswith(("KMS_MAX_", "KMS_REQUEST_TIMEOUT"))}
        print(
            f"kms serve on {base} (embedder {args.embedder}; {limits or 'default limits'}); "
            f"{os.cpu_count()} CPUs; {args.seconds:g} s per round on /v1/{args.endpoint}; "
            f"load generator nice {args.generator_nice}",
            flush=True,
        )
        for clients in (int(c) for c in args.clients.split(",")):
            result = one_round(
                base, key, clients, args.seconds, args.endpoint, args.client_timeout, args.generator_nice
            )
            row = report(result)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            time.sleep(2)  # let the server drain abandoned work between rounds
    finally:
        server.terminate()
        server.wait(timeout=30)
    header = f"{'clients':>7} {'goodput/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'shed':>6} {'timeout':>7} "
    print("\n" + header + f"{'other':>6} {'5xx':>5} {'hz p50':>7} {'hz p99':>7} {'hz max':>7}")
    for r in rows:
        print(
            f"{r['clients']:>7} {r['goodput_rps']:>9} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['shed_share']:>6} {r['timeout_share']:>7} {r['other_share']:>6} {r['errors_5xx']:>5} "
            f"{r['healthz_p50_ms']:>7} {r['healthz_p99_ms']:>7} {r['healthz_max_ms']:>7}"
        )
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
