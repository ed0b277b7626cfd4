"""`kms drafts ...` on the tiny KB (settings from the environment, as the CLI reads them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import test_drafts_data as data
from typer.testing import CliRunner

from assist.cli.access_commands import cli_actor
from assist.cli.app import _register, app
from assist.errors import ConflictError, NotFoundError

template_dir = data.template_dir  # fixture


@pytest.fixture
def cli_env(template_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    shutil.copytree(template_dir, tmp_path / "kms", symlinks=True)
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    for name, value in data.CONFIG.model_dump(exclude_none=True).items():
        monkeypatch.setenv(f"KMS_DRAFTS_{name.upper()}", str(value))
    _register()
    return CliRunner()


def test_generate_list_show_and_decide(cli_env: CliRunner) -> None:
    generated = cli_env.invoke(app, ["drafts", "generate", "--since", "30d", "--json"])
    assert generated.exit_code == 0, generated.output
    assert len(json.loads(generated.stdout)["created"]) == 2
    listed = json.loads(cli_env.invoke(app, ["drafts", "list", "--json", "--status", "pending"]).stdout)
    first, second = (d["id"] for d in listed)
    shown = cli_env.invoke(app, ["drafts", "show", str(first), "--markdown"])
    assert shown.exit_code == 0 and shown.stdout.startswith("## 제목\n편의점 픽업")
    table = cli_env.invoke(app, ["drafts", "show", str(first)])
    assert (
        table.exit_code == 0
        and "근거 (provenance)" in table.stdout
        and "초안 점검 (Draft lint)" in table.stdout
    )
    approved = cli_env.invoke(
        app,
        ["drafts", "approve", str(first), "--owner", "물류팀", "--override", "확인"],
    )
    assert approved.exit_code == 0 and f"KB-D-{first}" in approved.stdout
    rejected = cli_env.invoke(app, ["drafts", "reject", str(second), "--reason", "불필요"])
    assert rejected.exit_code == 0 and "반려됨 (rejected)" in rejected.stdout
    again = cli_env.invoke(app, ["drafts", "approve", str(first), "--owner", "물류팀"])
    assert isinstance(again.exception, ConflictError)  # main() turns it into "error: ..." + exit 2
    missing = cli_env.invoke(app, ["drafts", "merge", "42", "--into", "KB-PW"])
    assert isinstance(missing.exception, NotFoundError)
    assert cli_env.invoke(app, ["drafts", "list"]).exit_code == 0
    # the reviewer is the shell user, never a typed name; every decision is in the audit log
    audit = [json.loads(line) for line in cli_env.invoke(app, ["audit", "--json"]).stdout.splitlines()]
    assert [(e["action"], e["outcome"]) for e in audit] == [
        ("draft.merge", "failed"),
        ("draft.approve", "failed"),
        ("draft.reject", "ok"),
        ("draft.approve", "ok"),
    ]
    assert {e["actor"] for e in audit} == {cli_actor()}


def test_generate_shows_progress_and_a_summary(cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["drafts", "generate", "--min-size", "4"])
    assert result.exit_code == 0, result.output
    assert "주제 (topics): 3" in result.stdout and "새 초안 (created): 2" in result.stdout
    assert "`kms drafts list`로 확인하세요 (see them with `kms drafts list`)" in result.stdout
