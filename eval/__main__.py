"""``python -m eval …`` = ``kms …`` with the eval commands registered (``python -m eval eval sample``)."""

from __future__ import annotations

from assist.cli import eval_commands  # noqa: F401  (registers `kms eval` and `kms bench`)
from assist.cli.app import main

if __name__ == "__main__":
    main()
