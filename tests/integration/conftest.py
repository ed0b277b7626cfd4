"""Integration fixtures: a real PostgreSQL server (session-wide) and one fresh database per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings

try:
    from tests import pg
except ModuleNotFoundError:  # tests/ is not a package: import it from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests import pg
from tests.dbhelp import opened

postgres_url = pg.make_postgres_fixture(scope="session")


@pytest.fixture
def postgres_db_url(postgres_url: str) -> Iterator[str]:
    """URL of an empty database on the session's PostgreSQL server, dropped after the test."""
    with pg.fresh_database(postgres_url) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated database on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kms.db'}"
    else:
        url = request.getfixturevalue("postgres_db_url")
    with opened(Settings(database_url=url)) as maker:
        yield maker
