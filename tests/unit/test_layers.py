"""Imports point one way, down: eval → assist → ingest → indexes → storage → core → korean
(prompts: templates only).

Every ``import``/``from … import`` in a package, including ones inside functions, may name only
its own layer or a lower one; core logic (everything outside the HTTP/web layers) never imports
FastAPI.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {
    "korean": 0, "prompts": 0, "core": 1, "storage": 2, "indexes": 3, "ingest": 4, "assist": 5, "eval": 6
}  # fmt: skip
WEB_LAYERS = ("assist/api/", "assist/web/")


def _imports(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _sources() -> list[tuple[str, Path]]:
    return [(pkg, path) for pkg in LAYERS for path in sorted((ROOT / pkg).rglob("*.py"))]


def test_every_import_points_down() -> None:
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for pkg, path in _sources()
        for line, module in _imports(path)
        if LAYERS.get(module.split(".")[0], -1) > LAYERS[pkg]
    ]
    assert not upward, "imports that point up a layer:\n" + "\n".join(upward)


def test_core_logic_never_imports_fastapi() -> None:
    found = []
    for _, path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(WEB_LAYERS):
            continue
        found += [
            f"{rel}:{line} imports {module}"
            for line, module in _imports(path)
            if module.split(".")[0] in ("fastapi", "starlette")
        ]
    assert not found, "FastAPI outside assist/api and assist/web:\n" + "\n".join(found)
