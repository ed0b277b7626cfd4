"""Several API workers on one data dir and database (the local backend with SQLite, and with
PostgreSQL, as `deploy/` runs N `kms serve` processes): a ticket resolved through one worker is
found by the next request to the other, and an ingest by a third process (a new index version) is
served by both at their next request. Two real `kms serve` processes on free 127.0.0.1 ports; no
waiting or retrying after the write, so "at once" is what is checked (the latency is printed, not
asserted)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assist import access
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from ingest.pipeline import ingest_paths
from tests.tinykb import build_tiny_kb

_SERVE = "import sys; from eval.cli import main; sys.argv = ['kms', *sys.argv[1:]]; main()"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"kms serve exited with {proc.returncode}: {out[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"kms serve at {url} did not answer /healthz in time")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def workers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Settings, list[str], dict[str, str]]]:
    """(settings, [worker A URL, worker B URL], auth header) over one tiny KB."""
    url = request.getfixturevalue("postgres_db_url") if request.param == "postgres" else None
    settings = build_tiny_kb(tmp_path / "kms", database_url=url)
    _, key = access.create_key(KnowledgeBase(settings).sessions, "workers-test", ["agent", "kms_owner"])
    env = {
        **os.environ,
        "KMS_DATA_DIR": str(settings.data_dir),
        "KMS_EMBEDDER": "hash",
        "KMS_ANSWER_THRESHOLD": str(settings.answer_threshold),
        "OMP_NUM_THREADS": "1",
        **({"KMS_DATABASE_URL": url} if url else {}),
    }
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SERVE, "serve", "--port", str(p), "--log-level", "warning"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for p in ports
    ]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        deadline = time.monotonic() + 120
        for url, proc in zip(urls, procs, strict=True):
            _wait_ready(url, proc, deadline)
        yield settings, urls, {"authorization": f"Bearer {key}"}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _similar_tickets(url: str, auth: dict[str, str], inquiry: str) -> list[str]:
    r = httpx.post(f"{url}/v1/suggestions", json={"inquiry": inquiry}, headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    return [t["ticket_id"] for t in r.json()["tickets"]]


def _article_ids(url: str, auth: dict[str, str], inquiry: str) -> list[str]:
    r = httpx.post(f"{url}/v1/suggestions", json={"inquiry": inquiry}, headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    return [a["article_id"] for a in r.json()["articles"]]


def test_a_resolve_on_one_worker_is_served_by_the_other_at_once(
    workers: tuple[Settings, list[str], dict[str, str]],
) -> None:
    _, (a, b), auth = workers
    inquiry = "얼음정수기 필터 교체 주기가 궁금해요"
    _similar_tickets(b, auth, inquiry)  # worker B has served (and loaded its index) before the write
    made = httpx.post(f"{a}/v1/tickets", json={"body": inquiry, "channel": "chat"}, headers=auth, timeout=30)
    assert made.status_code == 201, made.text
    ticket_id = made.json()["ticket"]["id"]
    assert ticket_id not in _similar_tickets(b, auth, inquiry)  # open tickets are not knowledge
    resolved = httpx.post(
        f"{a}/v1/tickets/{ticket_id}/resolve",
        json={"resolution": "얼음정수기 필터는 6개월마다 교체합니다.", "tags": ["고객::정수기::필터"]},
        headers=auth,
        timeout=30,
    )
    assert resolved.status_code == 200, resolved.text
    t0 = time.perf_counter()
    seen = _similar_tickets(b, auth, inquiry)  # the very next request to the other worker
    print(f"resolve on worker A -> found by worker B's next suggestion in {time.perf_counter() - t0:.3f} s")
    assert ticket_id in seen
    assert ticket_id in _similar_tickets(a, auth, inquiry)


def test_an_ingest_elsewhere_is_served_by_every_worker_at_their_next_request(
    workers: tuple[Settings, list[str], dict[str, str]], tmp_path: Path
) -> None:
    settings, urls, auth = workers
    inquiry = "반려동물 동반 입장 가능한 매장이 어디인가요"
    for url in urls:
        assert "KB-PET-01" not in _article_ids(url, auth, inquiry)
    src = tmp_path / "new"
    src.mkdir()
    (src / "KB-PET-01.md").write_text(
        "# 반려동물 동반 입장 안내\n\n## 요약\n반려동물 동반 입장 가능한 매장을 안내합니다.\n\n"
        "## 정책\n- 반려동물 동반 입장은 1층 펫 라운지 매장에서만 가능합니다.\n",
        encoding="utf-8",
    )
    report = ingest_paths([src], settings, prune=False)  # a `kms ingest` beside the workers
    assert report.ok, report.issues
    for url in urls:
        assert "KB-PET-01" in _article_ids(url, auth, inquiry)
