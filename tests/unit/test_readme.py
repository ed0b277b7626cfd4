"""README.md stays true: the two commands come first and every setting is documented."""

from __future__ import annotations

import importlib
import shlex
import sys
from pathlib import Path

import pytest

from core.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
cli_app = importlib.import_module("assist.cli.app")  # the module (assist.cli.app is also the Typer app)


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    head = text[: text.index("## ")]
    assert "make run" in head and "make test" in head


def test_every_setting_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"\n| `KMS_{name.upper()}` |" not in text]
    assert not missing, f"settings missing from README.md's table: {missing} (run: python -m core.settings)"


def test_every_setting_has_a_description() -> None:
    assert all(f.description for f in Settings.model_fields.values())


FIRST_HOUR = "### Your first hour with your own data"


def first_hour_commands() -> list[list[str]]:
    """The `kms` command lines of the README's first-hour walk-through, in order."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(FIRST_HOUR) :]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [words[1:] for words in lines if words and words[0] == ".venv/bin/kms"]


def test_the_first_hour_walk_through_runs_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every documented command, on a fresh data dir (hash embedder), from the repository root."""
    monkeypatch.chdir(README.parent)
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms-trial"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    monkeypatch.delenv("KMS_AUTH", raising=False)
    commands = first_hour_commands()
    assert [c[0] for c in commands] == ["init", "ingest", "ingest", "search", "ask", "stats", "users"]
    outputs = []
    for args in commands:
        monkeypatch.setattr(sys, "argv", ["kms", *args])
        with pytest.raises(SystemExit) as exit_info:
            cli_app.main()
        captured = capsys.readouterr()
        assert exit_info.value.code in (0, None), f"kms {shlex.join(args)}: {captured.err}"
        assert "{'" not in captured.out and "Traceback" not in captured.err
        outputs.append(captured.out)
    init, articles, tickets, search, ask, stats, user = outputs
    assert "/signin/link/" in init
    assert articles.splitlines()[0].startswith("문서 (articles): 31 new")
    assert tickets.splitlines()[1] == "티켓 (tickets): 428 new"
    assert "검색: 환불 언제 되나요" in search and "KB-003-refund" in search
    assert ask.startswith(("답변 (sent)\n", "상담원 연결 (hand-off)\n")) and "신뢰도 (confidence) " in ask
    assert "index: idx-" in stats
    assert "user kim created (agent)" in user and "/signin/link/" in user
