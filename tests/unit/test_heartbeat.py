"""A long uncountable step (model conversion, ONNX export, 4-bit rewrite) says it is still running:
a line with its name and elapsed seconds every interval, nothing once it has ended, and an error in
the step stops the heartbeat and propagates. Short intervals (50 ms) keep the tests fast."""

from __future__ import annotations

import io
import itertools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

from assist.cli.progress import StageProgress, console_heartbeat
from core import heartbeat
from core.heartbeat import heartbeat_line, ticking

TICK = 0.05
LINE = re.compile(r"^  … (?P<step>.+) 진행 중 \((?P<seconds>\d+) s\)$")


def _heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("heartbeat: ")]


def _wait_for(lines: Sequence[object], count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(lines) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_slow_step_emits_lines_with_its_name_and_elapsed_seconds() -> None:
    lines: list[str] = []
    clock = itertools.count(0.0, 4.0).__next__  # started at 0 s, then 4 s, 8 s, ... per line
    with ticking("ONNX 내보내기 (ONNX export)", lines.append, interval=TICK, clock=clock):
        _wait_for(lines, 3)
    assert len(lines) >= 3
    assert lines[:3] == [
        "  … ONNX 내보내기 (ONNX export) 진행 중 (4 s)",
        "  … ONNX 내보내기 (ONNX export) 진행 중 (8 s)",
        "  … ONNX 내보내기 (ONNX export) 진행 중 (12 s)",
    ]
    assert all(LINE.match(line) for line in lines)


def test_nothing_is_emitted_once_the_step_has_ended() -> None:
    lines: list[str] = []
    with ticking("모델 변환 (model conversion)", lines.append, interval=TICK):
        _wait_for(lines, 1)
    ended = len(lines)
    assert ended >= 1 and not _heartbeat_threads()  # the thread is joined, not left to run
    time.sleep(4 * TICK)
    assert len(lines) == ended


def test_a_quick_step_emits_nothing() -> None:
    lines: list[str] = []
    with ticking("4비트 ONNX 쓰기 (q4 rewrite)", lines.append, interval=10.0):
        pass
    assert lines == [] and not _heartbeat_threads()


def test_an_error_in_the_step_stops_the_heartbeat_and_propagates() -> None:
    lines: list[str] = []
    with (
        pytest.raises(RuntimeError, match="export failed"),
        ticking("ONNX 내보내기 (ONNX export)", lines.append, interval=TICK),
    ):
        _wait_for(lines, 1)
        raise RuntimeError("export failed")
    ended = len(lines)
    assert ended >= 1 and not _heartbeat_threads()
    time.sleep(4 * TICK)
    assert len(lines) == ended


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError), ticking("x", print, interval=0):
        pass


def test_without_a_reporter_the_heartbeat_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(heartbeat, "_reporter", None)
    monkeypatch.setattr(heartbeat, "INTERVAL", TICK)
    with (
        caplog.at_level(logging.WARNING, logger="core.heartbeat"),
        heartbeat.heartbeat("ONNX 내보내기 (ONNX export)"),
    ):
        _wait_for(caplog.records, 1)  # the handler's own list, growing (caplog.messages is a copy)
    assert caplog.messages and all(LINE.match(m) and "ONNX 내보내기" in m for m in caplog.messages)


@contextmanager
def _recording(steps: list[str]) -> Iterator[None]:
    @contextmanager
    def reporter(step: str) -> Iterator[None]:
        steps.append(step)
        yield

    previous = heartbeat.set_reporter(reporter)
    try:
        yield
    finally:
        heartbeat.set_reporter(previous)


def test_a_reporter_set_by_the_caller_shows_the_steps() -> None:
    steps: list[str] = []
    with _recording(steps), heartbeat.heartbeat("모델 변환 (model conversion)"):
        pass
    assert steps == ["모델 변환 (model conversion)"]


# the CLI's reporter (assist.cli.progress.console_heartbeat)


def test_the_cli_prints_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, width=200)
    assert not console.is_terminal
    with console_heartbeat(console, "ONNX 내보내기 (ONNX export)", interval=TICK):
        deadline = time.monotonic() + 10
        while "진행 중" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    lines = out.getvalue().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    assert LINE.match(lines[0])["step"] == "ONNX 내보내기 (ONNX export)"  # type: ignore[index]
    time.sleep(4 * TICK)
    assert out.getvalue().splitlines() == lines


def test_the_cli_shows_a_transient_spinner_on_a_terminal_also_under_a_stage_bar() -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True)
    with console_heartbeat(console, "모델 변환 (model conversion)", interval=TICK):
        time.sleep(3 * TICK)
    assert not LINE.search(out.getvalue())  # no log lines on a terminal: a live display instead
    stages = StageProgress(console, {"model": "모델 로드 (model)"})
    stages("model", 0, None)  # a live stage bar, as while `kms init` loads the model
    with pytest.raises(RuntimeError), console_heartbeat(console, "ONNX 내보내기 (ONNX export)"):
        time.sleep(0.25)  # the stage bar redraws 10 times a second, the spinner below it
        raise RuntimeError("boom")
    stages.close()
    assert "ONNX 내보내기" in out.getvalue() and "모델 로드" in out.getvalue()
    assert not console._live_stack  # every live display stopped


# where the library uses it


def test_the_onnx_export_and_its_rewrites_run_in_a_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexes import onnx_export

    events: list[str] = []

    @contextmanager
    def reporter(step: str) -> Iterator[None]:
        events.append(f"start {step}")
        yield
        events.append(f"end {step}")

    def fake(name: str) -> Callable[..., None]:
        def run(*args: Path) -> None:
            events.append(name)
            args[-1].write_bytes(b"onnx")  # the file it writes is its last argument

        return run

    monkeypatch.setattr(onnx_export, "_export_fp32", fake("export"))
    monkeypatch.setattr(onnx_export, "_quantise", fake("quantise"))
    monkeypatch.setattr(onnx_export, "_repack_q4", fake("repack"))
    previous = heartbeat.set_reporter(reporter)
    try:
        onnx_export.ensure_onnx(tmp_path, "int8")
        onnx_export.ensure_onnx(tmp_path, "q4", source=tmp_path / "e5-small-q4.bin")
    finally:
        heartbeat.set_reporter(previous)
    fp32, int8, q4 = (onnx_export.STEPS[p] for p in ("fp32", "int8", "q4"))
    assert events == [
        f"start {fp32}", "export", f"end {fp32}",
        f"start {int8}", "quantise", f"end {int8}",
        f"start {q4}", "repack", f"end {q4}",
    ]  # fmt: skip


def test_converting_the_bundled_model_runs_in_a_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from indexes import e5_convert

    steps: list[str] = []

    def convert(source: Path, dest: Path) -> Path:
        assert steps == [e5_convert.CONVERT_STEP]
        dest.mkdir(parents=True)
        return dest

    monkeypatch.setattr(e5_convert, "convert", convert)
    with _recording(steps), caplog.at_level(logging.INFO, logger="indexes.e5_convert"):
        e5_convert.materialise(tmp_path / "models")
    assert steps == [e5_convert.CONVERT_STEP]
    assert any(m.startswith("converting the bundled embedding model") for m in caplog.messages)
    assert any(m.startswith("converted the model in") for m in caplog.messages)


def test_heartbeat_line() -> None:
    assert heartbeat_line("ONNX 내보내기", 12.4) == "  … ONNX 내보내기 진행 중 (12 s)"
