"""The CLI's log lines: the one-time model steps read as progress, not as warnings."""

from __future__ import annotations

import logging

import pytest

from assist.cli.app import _STEP_LOGGERS, _CliFormatter, configure_logging


def _record(level: int, name: str, msg: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, (), None)


def test_a_progress_line_is_its_message_and_a_warning_names_its_level_and_source() -> None:
    fmt = _CliFormatter()
    info = _record(logging.INFO, "indexes.onnx_export", "exported model.onnx in 13 s")
    warning = _record(logging.WARNING, "indexes.e5_convert", "cannot add sentencepiece.bpe.model")
    assert fmt.format(info) == "exported model.onnx in 13 s"
    assert fmt.format(warning) == "WARNING indexes.e5_convert: cannot add sentencepiece.bpe.model"


def test_the_cli_shows_the_model_steps_and_only_warnings_of_everything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a fresh process (pytest's own handlers kept aside)
    monkeypatch.setattr(root, "level", root.level)
    for name in (*_STEP_LOGGERS, "indexes.embedder"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    configure_logging()
    assert all(logging.getLogger(n).isEnabledFor(logging.INFO) for n in _STEP_LOGGERS)
    assert not logging.getLogger("indexes.embedder").isEnabledFor(logging.INFO)
    assert isinstance(root.handlers[0].formatter, _CliFormatter)
