"""Unit fixtures: a migrated SQLite database (``sessions``: test_db, test_db_schema), a private
copy of the tiny KB (``data_dir``) with the API over it (``client``: the test_api_* files; a file
that needs other settings defines its own ``client``), and an empty term cache of two texts that
records what it tokenises (``tokenised``: test_term_fit, test_sentence_store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings
from tests.dbhelp import opened


@pytest.fixture
def sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The test's own SQLite database (``settings.data_dir``/kms.db), migrated; disposed after."""
    with opened(settings) as maker:
        yield maker


@pytest.fixture
def data_dir(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy (``tmp_path``/kms) of the tiny KB, which is built once per session."""
    from test_api_kb import copy_kb, shared_tiny_kb

    return copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path / "kms")


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    """The API over ``data_dir`` with the tiny KB's settings; requests carry a key with every role."""
    from test_api_kb import tiny_settings

    from assist.api import create_app
    from tests.auth import api_client

    with api_client(create_app(tiny_settings(data_dir))) as c:
        yield c


@pytest.fixture
def tokenised(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """``assist.term_fit``'s caches emptied, the tuples' cut to two texts, for the test; the list
    grows by each text it sends to Kiwi (a miss of both)."""
    from assist import term_fit
    from assist.kept_lru import KeptLRU

    monkeypatch.setattr(term_fit, "_TERMS", KeptLRU(2))
    texts: list[str] = []
    tokenize = term_fit.tokenize

    def counting(text: str, *, typos: bool = False) -> list[str]:
        texts.append(text)
        return tokenize(text, typos=typos)

    monkeypatch.setattr(term_fit, "tokenize", counting)
    term_fit.term_set.cache_clear()  # the sets of the texts used last, held over other tests
    yield texts
    term_fit.term_set.cache_clear()
