"""`kms --help` and the commands that need no model stay instant: the CLI's modules import the
library (FastAPI app, scikit-learn, torch, FAISS, ONNX Runtime, SQLAlchemy, Kiwi) only inside the
commands that use it."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "sklearn", "faiss", "onnxruntime", "fastapi")
ALSO_LAZY = ("numpy", "sqlalchemy", "kiwipiepy", "scipy", "uvicorn", "argon2", "pydantic_settings")


def _imported(code: str, names: tuple[str, ...]) -> list[str]:
    probe = f"{code}; import sys, json; print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))"
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_app_imports_no_model_or_server_library() -> None:
    assert _imported("import assist.cli.app", HEAVY) == []


def test_registering_every_command_imports_no_library() -> None:
    """What `kms --help` runs: every command module of assist/cli and eval/cli, registered."""
    code = "import eval.cli; eval.cli.register(); from assist.cli.app import _register; _register()"
    assert _imported(code, HEAVY + ALSO_LAZY) == []


def test_names_spelled_out_for_the_help_pages_match_the_library() -> None:
    from assist.access import ROLES
    from assist.cli.access_commands import ROLES as CLI_ROLES
    from assist.cli.kb_commands import PRODUCTS as CLI_PRODUCTS
    from assist.confidence import MODEL_FILE
    from assist.drafts.gap_model import MODEL_FILE as GAP_MODEL_FILE
    from eval.cli.gaps_commands import GAP_MODEL_FILE as CLI_GAP_MODEL_FILE
    from eval.cli.safety_commands import MODEL_FILE as CLI_MODEL_FILE
    from ingest.sources.helpdesk import PRODUCTS

    assert CLI_ROLES == ROLES
    assert CLI_PRODUCTS == PRODUCTS
    assert CLI_MODEL_FILE == MODEL_FILE
    assert CLI_GAP_MODEL_FILE == GAP_MODEL_FILE
