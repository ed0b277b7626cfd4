"""A web app over a small seeded KB, shared by the page tests (TestClient) and the browser tests.

The KB is tests/data/tinykb (3 articles, 3 tickets) plus six resolved gift-wrapping tickets
(a recurring topic no article covers), one pending draft generated from them by the drafts
module, and one eval run folder whose report.html embeds a PNG plot. It is built once per
process and copied for each user (tests that write get their own copy).
"""

from __future__ import annotations

import atexit
import base64
import functools
import json
import shutil
import tempfile
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.settings import Settings
from tests.tinykb import HASH_THRESHOLD, QUESTIONS, TINY, calibrate_hash_model, copy_kb

HERE = Path(__file__).resolve().parent
GIFT_TICKETS = HERE / "data" / "gift_tickets.csv"
EVAL_RUN = "retrieval-smoke"
HTML = {"accept": "text/html"}


def make_app(settings: Settings) -> FastAPI:
    """The product app (``create_app``) when it exists, else a bare app with the pages."""
    try:
        from assist.api.app import create_app
    except ImportError:  # the API package is written by another team
        from assist.knowledge import KnowledgeBase
        from assist.web import mount_web

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            app.state.kb = KnowledgeBase(settings)
            yield

        app = FastAPI(lifespan=lifespan)
        mount_web(app)
        return app
    return create_app(settings)


def page_client(settings: Settings) -> TestClient:
    """A ``TestClient`` over :func:`make_app` that asks for HTML pages, with a key of every role."""
    from tests.auth import api_client

    return api_client(make_app(settings), headers=HTML)


def png_data_uri(width: int = 24, height: int = 16) -> str:
    """A tiny valid PNG (a blue gradient) as a data: URI, like the eval report's plots."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    raw = b"".join(
        b"\x00" + b"".join(bytes([40 + x * 8, 90 + y * 6, 220]) for x in range(width)) for y in range(height)
    )
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
    png += chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def seed_eval_run(data_dir: Path) -> Path:
    """One run folder under DATA_DIR/eval-runs with report.json and a report.html with a plot."""
    run = data_dir / "eval-runs" / EVAL_RUN
    run.mkdir(parents=True, exist_ok=True)
    report = {
        "kind": "retrieval",
        "created_at": "2026-11-01T09:30:00+00:00",
        "primary_metric": "hybrid/ndcg@10",
        "primary_value": 0.8123,
        "metrics": {"hybrid/ndcg@10": 0.8123, "hybrid/recall@5": 0.9},
        "dataset": {"name": "tinykb-smoke", "files": []},
    }
    (run / "report.json").write_text(json.dumps(report), encoding="utf-8")
    html = (
        "<!doctype html><html lang='ko'><head><meta charset='utf-8'><title>평가 보고서</title></head>"
        "<body><h1>검색 평가 보고서</h1><p>nDCG@10: 0.8123</p>"
        f"<figure><img id='plot' alt='recall@k plot' width='240' height='160' src='{png_data_uri()}'>"
        "<figcaption>recall@k</figcaption></figure></body></html>"
    )
    (run / "report.html").write_text(html, encoding="utf-8")
    return run


def seed_draft(settings: Settings) -> list[int]:
    """Generate drafts from the resolved tickets with the drafts module (hash-embedder settings)."""
    from assist.drafts.config import DraftSettings
    from assist.drafts.generate import generate
    from assist.knowledge import KnowledgeBase

    config = DraftSettings(cluster_threshold=0.5, coverage_threshold=0.99)
    result = generate(KnowledgeBase(settings), config, since="all", min_size=3)
    return result.created


def build_web_kb(data_dir: Path) -> Settings:
    from ingest.pipeline import ingest_paths

    settings = Settings(data_dir=data_dir, embedder="hash", answer_threshold=HASH_THRESHOLD)
    report = ingest_paths([TINY, GIFT_TICKETS], settings)
    calibrate_hash_model(settings, QUESTIONS)
    assert report.ok, report.issues
    created = seed_draft(settings)
    assert created, "the drafts module generated no draft from the gift-wrapping tickets"
    seed_eval_run(data_dir)
    return settings


@functools.cache
def _built() -> Path:
    root = Path(tempfile.mkdtemp(prefix="kms-web-kb-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    build_web_kb(root / "kb")
    return root / "kb"


def web_kb_copy(dest: Path) -> Settings:
    """A private copy of the seeded KB at ``dest`` (built once per process)."""
    return copy_kb(_built(), dest)
