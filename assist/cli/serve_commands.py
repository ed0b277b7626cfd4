"""`kms serve`: the HTTP API (and the web pages) under uvicorn."""

from __future__ import annotations

import copy
import ipaddress
import logging
import os
from typing import Annotated, Any

import typer

from assist.cli.app import app, console

APP_FACTORY = "assist.api.app:create_app"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind; 0.0.0.0 exposes it to the network.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Restart on code changes (dev).")
    ] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level: debug, info, warning, error.")] = "info",
    sign_in_link: Annotated[
        bool, typer.Option("--sign-in-link", help="Print a one-time sign-in link for the first admin.")
    ] = False,
) -> None:
    """Serve the API and pages (settings from KMS_* environment variables); docs at /docs."""
    import uvicorn

    from assist.cli.access_commands import first_admin
    from assist.cli.access_commands import sign_in_link as make_link
    from core.settings import Settings

    settings = Settings()
    if settings.auth == "off":
        if not is_loopback(host):
            raise typer.BadParameter(
                f"KMS_AUTH=off serves everyone every role; it only binds a loopback address, not {host!r}. "
                "Unset KMS_AUTH (sign-in on) to serve the network.",
                param_hint="--host",
            )
        console.print("[bold yellow]WARNING: KMS_AUTH=off — no sign-in, every visitor has every role.[/]")
    elif sign_in_link:
        admin = first_admin()
        if admin is None:
            console.print("no active admin user: run `kms init` or `kms users create NAME --role admin`")
        else:
            shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            link = make_link(f"http://{shown}:{port}", admin)
            console.print(
                f"Sign in as {admin} (one-time link, 1 hour): {link}", highlight=False, soft_wrap=True
            )

    # Idle OpenMP threads sleep instead of spinning: on a small, shared CPU the spinning threads
    # of the embedder fight Kiwi, FAISS and other requests (p95 of a query embedding on 2 busy
    # cores: ~2 s spinning vs ~0.1 s passive; see benchmarks/latency.py suggest). Read when torch
    # loads its OpenMP runtime, i.e. with the model in the app's lifespan.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    console.print(f"KMS Assist API on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        reload=reload,
        log_level=log_level,
        log_config=access_log_config(),
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class DropQueryString(logging.Filter):
    """Access-log lines keep the path but never the query string (search terms may be customer text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def access_log_config() -> dict[str, Any]:
    """uvicorn's logging config with :class:`DropQueryString` on the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query"] = {"()": DropQueryString}
    config["handlers"]["access"]["filters"] = ["drop_query"]
    return config
