"""``python -m eval …`` = ``kms …`` (``python -m eval eval sample``)."""

from __future__ import annotations

from eval.cli import main

if __name__ == "__main__":
    main()
