"""What `kms` says to a newcomer: help pages in plain words, readable summaries, one-line errors
that name the problem (a missing path, an empty data dir, a binary file) and progress lines that
read well in a log. Every command runs in-process through the console-script entry, with the hash
embedder on a fresh data dir; output is not a terminal, so nothing wraps."""

from __future__ import annotations

import importlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.core import TyperArgument, TyperOption
from typer.testing import CliRunner

from assist.cli.app import _register, app
from assist.cli.progress import stage_line, stage_progress

cli_app = importlib.import_module("assist.cli.app")  # the module (assist.cli.app is also the Typer app)
ROOT = Path(__file__).resolve().parents[2]
ARTICLE = """# 환불 처리 가이드
## 요약
결제수단별 환불 기간을 안내합니다.
## 목적
"환불 언제 되나요" 문의에 정확히 답합니다.
## 정책
카드 결제는 취소 후 3~5영업일 안에 환불됩니다.
## 단계별 절차
1. 주문 상태를 확인합니다.
## 상담 스크립트
Q: 환불 언제 되나요? A: 카드사에 따라 3~5영업일 걸립니다.
## 주요 상황 및 해결책
- 지연: 카드사에 문의하도록 안내합니다.
## 참고 자료
- 없음
## 문서 관리 및 업데이트
담당자: 김담당
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


Kms = Callable[..., Run]


@pytest.fixture
def kms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Kms:
    """``kms(*args)`` runs the console script in-process on a fresh data dir (hash embedder)."""
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    monkeypatch.delenv("KMS_AUTH", raising=False)

    def run(*args: str) -> Run:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["kms", *args])
        with pytest.raises(SystemExit) as exit_info:
            cli_app.main()
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Run(code if isinstance(code, int) else 0 if code is None else 1, captured.out, captured.err)

    return run


# --- help pages -----------------------------------------------------------------------------
def _commands() -> list[tuple[list[str], typer.core.TyperCommand]]:
    _register()
    root = typer.main.get_command(app)
    found: list[tuple[list[str], typer.core.TyperCommand]] = []

    def walk(path: list[str], command: typer.core.TyperCommand) -> None:
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk([*path, name], sub)

    walk([], root)  # type: ignore[arg-type]
    return found


def test_every_parameter_has_a_human_label() -> None:
    python_looking = []
    for path, command in _commands():
        for param in command.params:
            label = param.metavar
            if isinstance(param, TyperOption | TyperArgument) and (
                label is None or any(c in label for c in "<>{}[]") or "list" in label
            ):
                python_looking.append(f"kms {' '.join(path)} {param.name}: {label!r}")
    assert not python_looking


@pytest.mark.parametrize("command", [["ingest"], ["search"], ["drafts", "show"], ["keys", "create"]])
def test_help_pages_read_like_a_manual(command: list[str]) -> None:
    _register()
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for python_type in ("<bool>", "<str>", "<int", "<list[", "{paths}", "{query}", "{draft_id}"):
        assert python_type not in result.output


def test_ingest_help_names_paths_and_kinds() -> None:
    _register()
    text = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: kms ingest [OPTIONS] PATH..." in " ".join(text.split())
    assert "articles|tickets|auto" in text and "FIELD=COLUMN" in text


# --- ingest -------------------------------------------------------------------------------
def test_a_missing_path_fails_at_once_without_loading_the_model_or_writing_an_index(
    kms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_model(*_: object, **__: object) -> None:
        raise AssertionError("the model must not load for a path that does not exist")

    monkeypatch.setattr("ingest.pipeline.load_embedder", no_model)
    missing = tmp_path / "nonexistent"
    run = kms("ingest", str(missing))
    assert run.code == 2
    assert run.err == f"error: no such file or folder: {missing}; nothing was ingested\n"
    assert not (tmp_path / "kms" / "indexes").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reindex", "--engine", "spark"], "--engine must be local or ray, not 'spark'"),
        (["reindex", "--ray-workers", "2"], "--ray-address and --ray-workers go with --engine ray"),
        (["ingest", "--from", "zendesk", "--ray-address", "auto", "x.json"], "go with --engine ray"),
    ],
)
def test_engine_options_are_checked_before_anything_runs(
    kms: Kms, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    def no_model(*_: object, **__: object) -> None:
        raise AssertionError("a wrong engine option must not load the model")

    monkeypatch.setattr("ingest.pipeline.load_embedder", no_model)
    run = kms(*args)
    assert run.code == 2 and message in " ".join(run.err.split()), run.err


def test_reindex_runs_on_the_local_engine_by_default(kms: Kms, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    assert kms("ingest", str(tmp_path / "a.md")).code == 0
    run = kms("reindex")
    assert run.code == 0, run.err


def test_kind_article_singular_and_a_readable_summary(kms: Kms, tmp_path: Path) -> None:
    (tmp_path / "refund.md").write_text(ARTICLE, encoding="utf-8")
    run = kms("ingest", "--kind", "article", str(tmp_path / "refund.md"))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[:2] == ["문서 (articles): 1 new", "티켓 (tickets): none"]
    assert (
        lines[2].startswith("색인 (index): ")
        and " chunks (" in lines[2]
        and " embedded, 0 reused) in idx-" in lines[2]
    )
    assert "{" not in run.out and "'" not in run.out  # no Python dicts
    again = kms("ingest", "--kind", "ARTICLES", str(tmp_path / "refund.md"))
    assert again.out.splitlines()[0] == "문서 (articles): 1 unchanged"
    assert "--kind must be articles, tickets or auto" in str(
        CliRunner().invoke(app, ["ingest", "--kind", "faq", str(tmp_path)]).output
    )


def test_progress_is_one_plain_line_per_stage_in_a_log(kms: Kms, tmp_path: Path) -> None:
    (tmp_path / "refund.md").write_text(ARTICLE, encoding="utf-8")
    err = kms("ingest", str(tmp_path / "refund.md")).err
    assert "\r" not in err and "━" not in err
    stages = [line.split(":")[0] for line in err.splitlines()]
    assert stages == ["읽기 (files)", "저장 (records)", "모델 로드 (model)", "임베딩 (chunks)"]
    read = err.splitlines()[0]
    assert read.startswith("읽기 (files): 1 in ") and read.split(" in ")[1].split(" ")[1] == "s"


def test_a_binary_file_is_called_binary_not_wrongly_encoded(kms: Kms, tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    run = kms("ingest", str(tmp_path / "tickets.csv"))
    assert run.code == 1
    problem = [line for line in run.err.splitlines() if line.startswith("error:")]
    assert problem == [
        f"error: {tmp_path / 'tickets.csv'}: not a text file but a ZIP archive (an Excel .xlsx or Word "
        ".docx file is one): export it as CSV/JSONL (tickets, article rows) or Markdown/HTML (articles) "
        "and ingest that"
    ]
    assert "UTF-8" not in run.err
    assert run.err.splitlines()[-1] == "1 error(s), listed above; nothing was ingested"


# --- search ---------------------------------------------------------------------------------
def test_search_on_a_fresh_data_dir_says_to_ingest_first(kms: Kms, tmp_path: Path) -> None:
    run = kms("search", "환불 언제 되나요")
    assert run.code == 2 and run.out == ""
    assert run.err == (
        f"error: nothing to search: {tmp_path / 'kms'} has no index; run `kms ingest PATH` first "
        "(your articles and tickets) or `kms init --sample` (the sample KB)\n"
    )
    assert kms("reindex").code == 0  # an index of an empty database
    empty = kms("search", "환불 언제 되나요")
    assert empty.code == 2 and "has an empty index; run `kms ingest PATH` first" in empty.err


def test_search_results_and_no_results(kms: Kms, tmp_path: Path) -> None:
    (tmp_path / "refund.md").write_text(ARTICLE, encoding="utf-8")
    assert kms("ingest", str(tmp_path / "refund.md")).code == 0
    found = kms("search", "환불 언제 되나요", "--type", "articles")
    assert found.code == 0 and "환불 처리 가이드" in found.out
    none = kms("search", "환불 언제 되나요", "--type", "ticket")
    assert none.code == 0 and none.out == ""
    assert none.err == "검색 결과 없음 (no results) for '환불 언제 되나요'\n"


def test_stats_prints_words_not_dicts(kms: Kms, tmp_path: Path) -> None:
    (tmp_path / "refund.md").write_text(ARTICLE, encoding="utf-8")
    kms("ingest", str(tmp_path / "refund.md"))
    out = kms("stats").out
    assert "{" not in out
    index_lines = out.split("\nindex: ", 1)[1].splitlines()
    chunk_lines = [line.strip() for line in index_lines if line.strip().startswith("chunks:")]
    assert len(chunk_lines) == 1 and re.fullmatch(r"chunks: (\d+) \(\1 article\)", chunk_lines[0])


# --- what commands load ---------------------------------------------------------------------
MODEL_MODULES = ("torch", "sentence_transformers", "transformers", "onnxruntime")
NO_MODEL_COMMANDS = [
    ["--help"],
    ["ingest", "--help"],
    ["eval", "--help"],
    ["init"],
    ["stats"],
    ["keys", "list"],
    ["users", "list"],
    ["audit"],
    ["drafts", "list"],
    ["search", "환불"],  # a fresh data dir: refused before the model loads
    ["ingest", "/nonexistent/kb"],  # refused before the model loads
]
_PROBE = """
import sys
from eval.cli import main
for args in {commands!r}:
    sys.argv = ["kms", *args]
    try:
        main()
    except SystemExit:
        pass
loaded = [m for m in {modules!r} if m in sys.modules]
print("MODEL MODULES:", ",".join(loaded) or "none")
"""


def test_commands_that_need_no_model_never_import_one(tmp_path: Path) -> None:
    """One fresh interpreter runs every command that needs no model, with the default (real)
    embedder configured: none of them may import torch, sentence-transformers or ONNX Runtime."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KMS_")}
    env["KMS_DATA_DIR"] = str(tmp_path / "kms")
    probe = _PROBE.format(commands=NO_MODEL_COMMANDS, modules=MODEL_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert "MODEL MODULES: none" in done.stdout, done.stdout + done.stderr


def test_model_libraries_draw_no_progress_bars_of_their_own(
    kms: Kms, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No "Loading weights: 100%|████|" on every command: the CLI shows its own progress."""
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "info")  # a user's explicit choice wins
    kms("--help")
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"
    assert os.environ["TRANSFORMERS_VERBOSITY"] == "info"


def test_on_a_terminal_each_stage_bar_ends_before_the_next_starts() -> None:
    sink = io.StringIO()
    terminal = Console(file=sink, force_terminal=True, width=100, color_system=None)
    with stage_progress(terminal, {"read": "읽기 (files)", "embed": "임베딩 (chunks)"}) as progress:
        progress("read", 1, None)
        progress("read", 1, None)
        progress("embed", 0, 3)
        progress("embed", 3, None)
    screen = sink.getvalue()
    read_done, embed_start = screen.rindex("읽기 (files)"), screen.index("임베딩 (chunks)")
    assert read_done < embed_start  # the read bar is final (2/2) before embedding starts
    assert "2/2" in screen[read_done:embed_start] and "3/3" in screen[embed_start:]
    assert stage_line("임베딩 (chunks)", 0, 0, 1.0) == "임베딩 (chunks): none to do (1.0 s)"
    assert stage_line("모델 로드 (model)", 0, None, 2.0) == "모델 로드 (model): 2.0 s"
