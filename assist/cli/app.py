"""The typer app and the error boundary shared by every command."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from indexes.errors import KmsError

app = typer.Typer(
    name="kms",
    help="KMS Assist: Korean-first retrieval assistant for customer-support teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def _register() -> None:
    from assist.cli import (  # noqa: F401  (registers commands on import)
        access_commands,
        draft_commands,
        kb_commands,
        serve_commands,
    )


def main() -> None:
    """Console-script entry: run the app, turning domain errors into one-line messages."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _register()
    try:
        app()
    except KmsError as exc:
        console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(2)
