"""`kms serve` runs uvicorn with the app factory; the factory reads KMS_* settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assist.api import create_app
from assist.cli.app import _register, app


def _captured_run(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    def fake_run(target: str, **kwargs: Any) -> None:
        calls.update(kwargs, target=target)

    monkeypatch.setattr("uvicorn.run", fake_run)
    _register()
    return calls


def test_serve_runs_uvicorn_with_the_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _captured_run(monkeypatch)
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--reload"])
    assert result.exit_code == 0, result.output
    assert calls["target"] == "assist.api.app:create_app" and calls["factory"] is True
    assert (calls["host"], calls["port"], calls["reload"]) == ("127.0.0.1", 8123, True)


def test_serve_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _captured_run(monkeypatch)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert (calls["host"], calls["port"], calls["reload"]) == ("127.0.0.1", 8000, False)
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"  # idle OpenMP threads sleep, not spin


def test_serve_keeps_an_explicit_omp_wait_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    _captured_run(monkeypatch)
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_bad_port_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    _captured_run(monkeypatch)
    assert CliRunner().invoke(app, ["serve", "--port", "0"]).exit_code == 2


def test_factory_reads_settings_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "env-kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    first, second = create_app(), create_app()
    assert first is not second
    assert first.state.settings.data_dir == tmp_path / "env-kms"
    assert first.state.settings.embedder == "hash"
