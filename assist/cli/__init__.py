"""`kms` command line: thin glue over the library; domain errors become friendly messages."""

from __future__ import annotations

from assist.cli.app import app, main

__all__ = ["app", "main"]
