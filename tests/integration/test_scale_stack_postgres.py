"""The scale-out parts wired together as a platform team would run them, each replaced by its
embedded equivalent: `kms ingest --engine ray` (a local Ray, 2 workers) writing to PostgreSQL,
searches and answers served by the Milvus backend (Milvus Lite), against the embedded default
(local engine, SQLite, FAISS + BM25 folder) on the same tiny KB. The same records land in both
databases and both stacks give the same documents, answers and hand-offs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from assist.answer import answer_question
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from ingest import ray_engine
from ingest.pipeline import ingest_paths
from storage.models import ArticleRow, ChunkRow, TicketRow
from tests.tinykb import HASH_THRESHOLD, QUESTIONS, TINY, calibrate_hash_model

ray = pytest.importorskip("ray")
pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install -e '.[milvus]')")


def _counts(url: str) -> tuple[int, ...]:
    """Articles, tickets and chunk rows stored in the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(
                int(conn.execute(select(func.count()).select_from(row)).scalar_one())
                for row in (ArticleRow, TicketRow, ChunkRow)
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_ray_ingest_into_postgres_served_by_milvus_gives_what_the_embedded_default_gives(
    postgres_db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "kb"
    shutil.copytree(TINY, source)
    embedded = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "embedded", embedder="hash", answer_threshold=HASH_THRESHOLD
    )
    scaled = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "scaled",
        embedder="hash",
        answer_threshold=HASH_THRESHOLD,
        database_url=postgres_db_url,
        index_backend="milvus",
        milvus_uri=str(tmp_path / "milvus.db"),
    )
    local_report = ingest_paths([source], embedded)
    assert local_report.ok, local_report.issues

    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # Ray's FutureWarning otherwise
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        with ray_engine.connect(workers=2) as engine:
            ray_report = ingest_paths([source], scaled, engine=engine)
    finally:
        ray.shutdown()
    assert ray_report.ok, ray_report.issues
    assert (ray_report.articles, ray_report.tickets) == (local_report.articles, local_report.tickets)
    assert ray_report.build == local_report.build
    assert _counts(scaled.db_url) == _counts(embedded.db_url)
    assert scaled.db_url.startswith("postgresql")

    # the same confidence model on both (fitted on the embedded stack), so answers are comparable
    calibrate_hash_model(embedded, QUESTIONS)
    shutil.copy(embedded.data_dir / "confidence_model.json", scaled.data_dir / "confidence_model.json")
    local_kb, milvus_kb = KnowledgeBase(embedded), KnowledgeBase(scaled)
    assert type(milvus_kb.searcher).__name__ == "MilvusBackend"
    assert milvus_kb.backend_problem() is None
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    for question in questions:
        want = [d.doc_id for d in local_kb.search(question, k=3)]
        got = [d.doc_id for d in milvus_kb.search(question, k=3)]
        assert got[:1] == want[:1], (question, got, want)
        assert set(got) == set(want), (question, got, want)
        local_answer = answer_question(local_kb, question, log=False)
        milvus_answer = answer_question(milvus_kb, question, log=False)
        assert milvus_answer.abstained == local_answer.abstained, question
        assert [c.doc_id for c in milvus_answer.citations] == [c.doc_id for c in local_answer.citations]
