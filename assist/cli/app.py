"""The typer app and the error boundary shared by every command."""

from __future__ import annotations

import logging
import os
import sys
from contextlib import AbstractContextManager
from typing import Any

import typer
from rich.console import Console, ConsoleDimensions

from assist.cli.help_text import KmsGroup
from core import heartbeat
from core.errors import KmsError

NO_WRAP_WIDTH = 10_000  # the width output that is not a terminal is laid out for: no hard wraps


class CliConsole(Console):
    """A rich Console that wraps only on a terminal.

    Written to a pipe, a file or a CI log it soft-wraps (a line is as long as its text) and lays
    tables out without a width limit, so an error stays one line and ``kms drafts show
    --markdown > file`` writes the Markdown as it is. Whether the stream is a terminal is decided
    at each print (a test runner swaps sys.stdout/sys.stderr). A width from the COLUMNS
    environment variable (set by some CI runners and by pytest-xdist's workers) applies to a
    terminal only; one given in code applies everywhere."""

    def __init__(self, *args: Any, width: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, width=width, **kwargs)
        self._width_in_code = width is not None

    @property  # type: ignore[override]
    def size(self) -> ConsoleDimensions:
        dimensions = super().size
        if not self._width_in_code and not self.is_terminal:
            return ConsoleDimensions(NO_WRAP_WIDTH, dimensions.height)
        return dimensions

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size
        self._width_in_code = True

    @property  # type: ignore[override]
    def soft_wrap(self) -> bool:
        return self._soft_wrap or not self.is_terminal

    @soft_wrap.setter
    def soft_wrap(self, value: bool) -> None:
        self._soft_wrap = value


app = typer.Typer(
    name="kms",
    cls=KmsGroup,  # help pages say PATH..., TEXT, INTEGER rather than <list[Path]>, <str>, <int>
    help="KMS Assist: Korean-first retrieval assistant for customer-support teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = CliConsole(stderr=True)


def _register() -> None:
    from assist.cli import (  # noqa: F401  (registers commands on import)
        access_commands,
        ask_command,
        draft_commands,
        index_commands,
        integration_commands,
        kb_commands,
        report_commands,
        serve_commands,
    )


# Model libraries draw their own progress bars and chatter ("Loading weights: 100%|████| 199/199")
# on every command that loads the model; the CLI shows its own progress. Set before they are
# imported (they read these once); an explicit value in the environment still wins.
QUIET_MODEL_LOADING = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # huggingface_hub and transformers' tqdm bars
    "TRANSFORMERS_VERBOSITY": "error",  # transformers' info/warning logging (load reports)
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def quiet_model_loading() -> None:
    for name, value in QUIET_MODEL_LOADING.items():
        os.environ.setdefault(name, value)


def console_heartbeat(step: str) -> AbstractContextManager[object]:
    """The CLI's way to show a long uncountable step (converting or exporting the model): a
    spinner on a terminal, a line every few seconds in a log (``assist.cli.progress``)."""
    from assist.cli.progress import console_heartbeat as show

    return show(console, step)


# the one-time model steps (converting the bundled model, the ONNX export): progress a user waits
# through, so shown as plain lines, not as warnings
_STEP_LOGGERS = ("indexes.e5_convert", "indexes.onnx_export")


class _CliFormatter(logging.Formatter):
    """A progress line (INFO) as its message alone; a warning or error with its level and source."""

    def format(self, record: logging.LogRecord) -> str:
        if record.levelno < logging.WARNING:
            return record.getMessage()
        return f"{record.levelname} {record.name}: {record.getMessage()}"


def configure_logging() -> None:
    """Warnings and errors of every library; the model steps' progress lines too."""
    handler = logging.StreamHandler()
    handler.setFormatter(_CliFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    for name in _STEP_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)


def main() -> None:
    """Console-script entry: run the app, turning domain errors into one-line messages."""
    quiet_model_loading()
    configure_logging()
    heartbeat.set_reporter(console_heartbeat)
    _register()
    try:
        app()
    except KmsError as exc:
        console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(2)
