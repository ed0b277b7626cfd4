"""`kms serve`: the HTTP API (and the web pages) under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

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
) -> None:
    """Serve the API (settings from KMS_* environment variables); docs at /docs."""
    import uvicorn

    # Idle OpenMP threads sleep instead of spinning: on a small, shared CPU the spinning threads
    # of the embedder fight Kiwi, FAISS and other requests (p95 of a query embedding on 2 busy
    # cores: ~2 s spinning vs ~0.1 s passive; see benchmarks/suggest_latency.py). Read when torch
    # loads its OpenMP runtime, i.e. with the model in the app's lifespan.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    console.print(f"KMS Assist API on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, reload=reload, log_level=log_level)
