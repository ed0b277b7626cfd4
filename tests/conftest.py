"""Shared fixtures: isolated settings with the tiny hash embedder, and the real bundled model."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: own data dir and SQLite DB, hash embedder (fast, deterministic)."""
    return Settings(data_dir=tmp_path / "kms", embedder="hash")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One materialised copy of the bundled model for the whole test session."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def real_settings(tmp_path: Path, model_dir: Path) -> Settings:
    """Settings with the real bundled e5 model (models dir shared across tests)."""
    data = tmp_path / "kms"
    data.mkdir()
    (data / "models").symlink_to(model_dir, target_is_directory=True)
    return Settings(data_dir=data)


@pytest.fixture(scope="session")
def real_sample_kb(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Path:
    """The bundled sample KB built once with the real model (about a minute of embedding)."""
    from ingest.pipeline import ingest_paths
    from ingest.sample import sample_paths

    data = tmp_path_factory.mktemp("sample-kb") / "kms"
    data.mkdir()
    (data / "models").symlink_to(model_dir, target_is_directory=True)
    report = ingest_paths(sample_paths(), Settings(data_dir=data))
    assert report.ok, [str(i) for i in report.errors]
    return data


@pytest.fixture
def real_sample_settings(real_sample_kb: Path, tmp_path: Path) -> Settings:
    """A private, writable copy of the real-model sample KB (model folder shared)."""
    import shutil

    data = tmp_path / "kms"
    shutil.copytree(real_sample_kb, data, symlinks=True)
    return Settings(data_dir=data)


def shared_dataset(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test where that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"dataset {path} not available (../shared/data is absent here)")
    return path
