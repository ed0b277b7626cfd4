"""The ingest-under-load measure of tests/unit/test_concurrency.py against a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from tests.tinykb import HASH_THRESHOLD
from tests.unit.test_concurrency import ingest_under_load


@pytest.mark.postgres
def test_ingest_of_1000_tickets_while_20_clients_query_on_postgres(
    postgres_db_url: str, tmp_path: Path
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "kms",
        embedder="hash",
        answer_threshold=HASH_THRESHOLD,
        database_url=postgres_db_url,
    )
    print("\n[postgres] " + ingest_under_load(settings, tmp_path))
