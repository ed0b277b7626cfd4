"""CLI output that is not a terminal (a pipe, a file, a CI log) is never hard-wrapped: an error is
one line whatever its length, Markdown and tables come out as written."""

from __future__ import annotations

import importlib
import io

import pytest
from rich.table import Table

from assist.cli.app import CliConsole
from core.errors import KmsError

cli_app = importlib.import_module("assist.cli.app")  # the module (assist.cli.app is also the Typer app)
LONG_PATH = "/tmp/pytest-of-runner/pytest-1234/" + "very-long-folder-name/" * 12 + "kms/index"


def test_a_long_line_to_a_pipe_stays_one_line() -> None:
    sink = io.StringIO()
    line = "색인을 열 수 없습니다: " + LONG_PATH + " (run `kms reindex`)"
    CliConsole(file=sink).print(line, highlight=False)
    assert sink.getvalue() == line + "\n"


def test_markdown_written_to_a_file_is_not_rewrapped() -> None:
    sink = io.StringIO()
    sentence = "편의점 픽업 기간이 지나면 상품은 자동으로 반송되고 환불은 3~5영업일 안에 됩니다. "
    markdown = "## 제목\n" + sentence * 8 + "\n"
    CliConsole(file=sink).print(markdown, markup=False, highlight=False, end="")
    assert sink.getvalue() == markdown


@pytest.mark.parametrize("columns", [None, "80"])
def test_a_table_to_a_pipe_keeps_each_row_on_one_line(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    # COLUMNS=80 is what some CI runners (and pytest-xdist's workers) export: not a terminal's width
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    sink = io.StringIO()
    table = Table("섹션", "문장")
    table.add_row("scripts", "긴 문장 " * 60)
    CliConsole(file=sink).print(table)
    rows = [line for line in sink.getvalue().splitlines() if "scripts" in line]
    assert len(rows) == 1 and rows[0].count("긴 문장") == 60


def test_a_terminal_still_wraps() -> None:
    sink = io.StringIO()
    CliConsole(file=sink, force_terminal=True, width=40, color_system=None).print("word " * 30)
    assert len(sink.getvalue().splitlines()) > 1


def test_a_terminal_follows_the_columns_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    sink = io.StringIO()
    CliConsole(file=sink, force_terminal=True, color_system=None).print("word " * 30)
    assert max(len(line) for line in sink.getvalue().splitlines()) <= 40


def test_a_known_error_is_one_line_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = f"no index at {LONG_PATH}; run `kms init --sample` or `kms ingest PATH` first"

    def fail() -> None:
        raise KmsError(message)

    monkeypatch.setattr(cli_app, "_register", lambda: None)
    monkeypatch.setattr(cli_app, "app", fail)
    with pytest.raises(SystemExit) as exit_info:
        cli_app.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == f"error: {message}\n"
    assert "Traceback" not in err and len(message) > 200
