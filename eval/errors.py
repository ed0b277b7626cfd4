"""Domain errors of the evaluation harness.

    KmsError (core.errors)
    └── EvalError          - anything the harness refuses to do, with a message saying what to fix
        ├── DatasetError   - an input file is missing, unreadable, or has a bad row (file and line named)
        └── EvalConfigError - an option has a bad value (which option, which value, what is allowed)

Library code raises these; the CLI prints them as one friendly line and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import KmsError

__all__ = ["DatasetError", "EvalConfigError", "EvalError"]


class EvalError(KmsError):
    code = "eval_error"


class DatasetError(EvalError):
    """A problem with an input file; ``file`` and ``line`` (1-based, if any) say where."""

    code = "dataset_error"

    def __init__(self, file: str | Path, problem: str, *, line: int | None = None, hint: str = "") -> None:
        where = f"{file}:{line}" if line is not None else str(file)
        message = f"{where}: {problem}" + (f" ({hint})" if hint else "")
        super().__init__(message, details={"file": str(file), "line": line})
        self.file = str(file)
        self.line = line


class EvalConfigError(EvalError):
    """An option value the harness cannot use."""

    code = "eval_config_error"
