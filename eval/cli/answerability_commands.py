"""`kms eval answerability`: coverage, wrong-answer and false-answer rates of the chatbot's answers
on a public dataset, measured through the product path (see :mod:`eval.answerability`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eval.adapters import DEFAULT_DATA_ROOT
from eval.cli.common import (
    REPORT_DEFAULTS,
    DataRoot,
    EmbedderOpt,
    NoCache,
    ReportTo,
    Seed,
    _errors,
    _progress,
    _settings,
    eval_app,
    reported,
)


@eval_app.command("answerability")
@reported
def answerability_cmd(
    dataset: Annotated[
        str,
        typer.Option(
            "--dataset", help="welfare_qa_ko (Korean) or banking77 (English, half the intents held out)."
        ),
    ],
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, help="Answerable questions (welfare) / test utterances (banking77)."),
    ] = 300,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold", min=0, max=1, help="Confidence threshold (default KMS_ANSWER_THRESHOLD)."
        ),
    ] = None,
    tickets: Annotated[
        int,
        typer.Option(
            "--tickets",
            min=0,
            help="Also ingest N labelled utterances per gold document as resolved tickets tagged with "
            "their article's tag (never an evaluated question); 0 = articles only.",
        ),
    ] = 0,
    target_far: Annotated[
        float, typer.Option("--target-far", min=0, max=1, help="False-answer rate to find a threshold for.")
    ] = 0.1,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    report: ReportTo = REPORT_DEFAULTS,
    seed: Seed = 0,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Does the chatbot answer what its KB covers and abstain on the rest? (coverage, wrong-answer
    rate, false-answer rate at the threshold, a threshold sweep, the threshold for FAR ≤ target)."""
    from eval.answerability import run_answerability

    with _errors():
        settings = _settings(embedder)
        name = f"answerability-{dataset}-tickets-index" if tickets else f"answerability-{dataset}-index"
        cache: Path | None = None if no_cache else settings.data_dir / "eval-cache" / name
        with _progress() as progress:
            run = run_answerability(
                settings,
                dataset,
                data_root=data_root,
                limit=limit,
                seed=seed,
                tickets=tickets,
                threshold=threshold,
                target_far=target_far,
                index_cache=cache,
                progress=progress,
            )
        report.finish(run)
