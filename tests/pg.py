"""A throwaway PostgreSQL server for tests.

``postgres_server()`` finds ``initdb``/``pg_ctl`` (PATH, then /usr/lib/postgresql/*/bin), runs
``initdb -U kms --auth=trust`` in a temporary folder, starts the server on a free port bound to
127.0.0.1 (unix socket in the same folder) and yields
``postgresql+psycopg://kms@127.0.0.1:<port>/postgres``; on exit it runs ``pg_ctl stop -m fast``
and removes the folder.

PostgreSQL refuses to run as root. Tests and CI do run as root, so when ``os.geteuid() == 0``
the server commands run as the ``postgres`` system user (``runuser -u postgres -- ...``) and the
temporary folder is handed to that user (chown).

``make_postgres_fixture()`` wraps it in a pytest fixture that skips when no server binary is
installed, or fails (saying to ``apt-get install postgresql``) when ``KMS_REQUIRE_POSTGRES=1``.
``fresh_database(url)`` creates an empty database on that server for one test and drops it.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

SERVER_USER = "postgres"
SUPERUSER = "kms"
REQUIRE_ENV = "KMS_REQUIRE_POSTGRES"


class PostgresUnavailable(RuntimeError):
    """No usable PostgreSQL server binaries on this machine."""


def find_pg_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: from PATH, else the newest
    /usr/lib/postgresql/<version>/bin."""
    initdb = shutil.which("initdb")
    if initdb:
        folder = Path(initdb).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates = [p for p in candidates if (p / "pg_ctl").exists()]
    return max(candidates, key=version) if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _others_can_enter(path: Path) -> bool:
    """Whether a non-root user can traverse every folder from / down to ``path``."""
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [path, *path.parents])


class _Runner:
    """Runs the server binaries as the current user, or as ``postgres`` when we are root."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.prefix: list[str] = []
        if self.as_root:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("running as root but 'runuser' is missing (util-linux)")
            try:
                self.user = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise PostgresUnavailable(
                    f"running as root and there is no {SERVER_USER!r} system user to run PostgreSQL as "
                    "(the postgresql package creates it)"
                ) from exc
            self.prefix = [runuser, "-u", SERVER_USER, "--"]

    def make_dir(self) -> Path:
        base = Path(tempfile.gettempdir())
        if self.as_root and not _others_can_enter(base):
            base = Path("/tmp")
        root = Path(tempfile.mkdtemp(prefix="kms-pg-", dir=base))
        if self.as_root:
            os.chown(root, self.user.pw_uid, self.user.pw_gid)
        return root

    def run(self, tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        cmd = [*self.prefix, str(self.bin_dir / tool), *args]
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _check(proc: subprocess.CompletedProcess[str], what: str, log: Path | None = None) -> None:
    if proc.returncode == 0:
        return
    tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
    raise RuntimeError(
        f"{what} failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}\n{tail}"
    )


@contextmanager
def postgres_server(bin_dir: Path | None = None) -> Iterator[str]:
    """Run a temporary PostgreSQL server; yields its SQLAlchemy URL (user ``kms``, trust auth)."""
    bin_dir = bin_dir or find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) found")
    runner = _Runner(bin_dir)
    root = runner.make_dir()
    data, log = root / "data", root / "server.log"
    started = False
    try:
        proc = runner.run(
            "initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
            "--locale=C", "--no-sync", cwd=root,
        )  # fmt: skip
        _check(proc, "initdb")
        for _attempt in range(3):  # a free port can be taken between probing and binding
            port = _free_port()
            options = (
                f"-k {root} -p {port} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            proc = runner.run(
                "pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start", cwd=root
            )
            if proc.returncode == 0:
                started = True
                break
        _check(proc, "pg_ctl start", log)
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres"
    finally:
        if started and data.is_dir():  # a folder removed under the server (a /tmp sweep) cannot stop it
            runner.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", cwd=root)
        shutil.rmtree(root, ignore_errors=True)


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it when ``KMS_REQUIRE_POSTGRES=1`` makes PostgreSQL mandatory."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(
            f"{reason}; {REQUIRE_ENV}=1 makes the PostgreSQL tests mandatory: install the server with "
            "`apt-get install postgresql` (or put initdb/pg_ctl on PATH)."
        )
    pytest.skip(f"{reason}; install it with `apt-get install postgresql` to run the PostgreSQL tests")


def make_postgres_fixture(scope: str = "session") -> Callable[[], Iterator[str]]:
    """A pytest fixture yielding a running server's URL; see ``unavailable`` when there is none."""

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def postgres_url() -> Iterator[str]:
        with ExitStack() as stack:
            try:
                url = stack.enter_context(postgres_server())
            except PostgresUnavailable as exc:
                unavailable(str(exc))
            yield url

    return postgres_url


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server at ``server_url``; yields its URL, drops it after."""
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
