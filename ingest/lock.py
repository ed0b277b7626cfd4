"""One writer of the whole knowledge base at a time: ``DATA_DIR/ingest.lock``.

``kms ingest`` and ``kms reindex`` hold the lock for their run. The file is created with
``O_EXCL`` and holds ``{"pid", "host", "started_at"}``; a second run waits up to
``wait_s`` seconds (0 by default) and then stops with one line naming the running one. A lock
left by a process that no longer exists on this host is stale and taken over.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import KmsError

log = logging.getLogger(__name__)

LOCK_NAME = "ingest.lock"


class IngestLockedError(KmsError):
    code = "ingest_locked"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_lock(path: Path) -> dict[str, Any] | None:
    """The holder written in the lock file, ``{}`` if unreadable, None if there is no lock."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_stale(holder: dict[str, Any]) -> bool:
    """A lock of this host whose process is gone (another host's lock is never guessed stale)."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    return pid != os.getpid() and not _alive(pid)


def _try_create(path: Path) -> bool:
    payload = {"pid": os.getpid(), "host": socket.gethostname(),
               "started_at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(payload))
        fh.flush()
        os.fsync(fh.fileno())
    return True


def _age_s(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _describe(holder: dict[str, Any] | None, path: Path) -> str:
    if not holder:
        return f"another ingest holds {path}"
    return (
        f"another ingest is running (pid {holder.get('pid')} on {holder.get('host')}, "
        f"started {holder.get('started_at')})"
    )


@contextmanager
def ingest_lock(data_dir: Path, *, wait_s: float = 0.0, poll_s: float = 0.2) -> Iterator[Path]:
    """Hold ``data_dir/ingest.lock`` for the block; ``IngestLockedError`` if another live run
    holds it for longer than ``wait_s``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    deadline = time.monotonic() + max(0.0, wait_s)
    while not _try_create(path):
        holder = read_lock(path)
        if holder == {} and _age_s(path) > 60:  # a run killed between creating and writing it
            holder = {"pid": None, "host": None}
            path.unlink(missing_ok=True)
            continue
        if holder is not None and is_stale(holder):
            log.warning("removing a stale ingest lock of pid %s (the process is gone)", holder.get("pid"))
            path.unlink(missing_ok=True)
            continue
        if time.monotonic() >= deadline:
            raise IngestLockedError(
                f"{_describe(holder, path)}; wait for it to finish, or delete {path} if that process is gone",
                details={"lock": str(path), "holder": holder or {}},
            )
        time.sleep(poll_s)
    try:
        yield path
    finally:
        if (read_lock(path) or {}).get("pid") == os.getpid():
            path.unlink(missing_ok=True)
