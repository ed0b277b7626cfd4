"""`kms eval fusion`: every fusion on every dataset in one report, and the adaptive model's fit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eval.adapters import DEFAULT_DATA_ROOT
from eval.cli.common import (
    DataRoot,
    EmbedderOpt,
    NoCache,
    Out,
    Seed,
    _cache,
    _errors,
    _finish,
    _progress,
    _settings,
    eval_app,
)


@eval_app.command("fusion")
def fusion_cmd(
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    out_dir: Out = None,
    limit: Annotated[int, typer.Option("--limit", help="Test queries per public dataset.")] = 300,
    fit_limit: Annotated[
        int, typer.Option("--fit-limit", help="Fit queries per public dataset (disjoint from the test ones).")
    ] = 150,
    seed: Seed = 0,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Write the fitted adaptive model here (DATA_DIR/fusion_model.json: the product uses it).",
        ),
    ] = None,
    save_weights: Annotated[
        Path | None,
        typer.Option(
            "--save-weights",
            help="Write the fitted auto (query-weighted) model here (DATA_DIR/fusion_weight.json: the "
            "product uses it).",
        ),
    ] = None,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """R@1, R@5, MRR@10, nDCG@10 of dense, BM25, weighted, RRF, auto and adaptive fusion on every dataset."""
    from eval.fusion_eval import run_fusion

    with _errors():
        settings = _settings(embedder)
        with _progress() as progress:
            run = run_fusion(
                settings,
                data_root,
                limit=limit,
                fit_limit=fit_limit,
                seed=seed,
                cache_dir=_cache(settings, no_cache),
                save=save,
                save_weights=save_weights,
                progress=progress,
            )
        _finish(run, out_dir, None, 0.0, False)
