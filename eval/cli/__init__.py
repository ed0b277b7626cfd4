"""`kms eval …`, `kms bench` and `kms eval calibrate`: the eval layer's commands.

The eval layer sits above ``assist`` (imports point down only), so it registers its own
commands on the ``kms`` typer app of :mod:`assist.cli.app`; the ``kms`` console script is
:func:`main` here, which registers them and then runs the app as ``assist.cli.main`` does.
"""

from __future__ import annotations

import importlib

from assist.cli.app import main as _assist_main

__all__ = ["main", "register"]

_COMMAND_MODULES = (
    "eval_commands",
    "answerability_commands",
    "safety_commands",
    "gaps_commands",
    "fusion_commands",
)


def register() -> None:
    """Import the command modules (each registers its commands on import), in help order."""
    for name in _COMMAND_MODULES:
        importlib.import_module(f"eval.cli.{name}")


def main() -> None:
    """Console-script entry: every command of the product, the eval ones included."""
    register()
    _assist_main()
