"""Unit fixtures: a migrated SQLite database for one test (test_db, test_db_schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from indexes.settings import Settings
from tests.dbhelp import opened


@pytest.fixture
def sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The test's own SQLite database (``settings.data_dir``/kms.db), migrated; disposed after."""
    with opened(settings) as maker:
        yield maker
