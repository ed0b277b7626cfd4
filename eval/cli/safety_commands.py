"""`kms eval safety` (is what the bot sends safe?) and `kms eval calibrate` (fit its confidence)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assist.cli.app import console
from eval.cli.common import (
    Baseline,
    EmbedderOpt,
    FailOnRegression,
    NoCache,
    Out,
    Tolerance,
    _cache,
    _errors,
    _finish,
    _progress,
    _settings,
    eval_app,
    out,
)

if TYPE_CHECKING:  # the knowledge base, SQLAlchemy and the model load inside the commands
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings
    from eval.progress import Progress

# assist.confidence.MODEL_FILE, spelled out so that the help page needs no import of the answer
# layer (tests/unit/test_cli_lazy.py checks that the two agree).
MODEL_FILE = "confidence_model.json"

Threshold = Annotated[
    float | None, typer.Option("--threshold", min=0, max=1, help="Default KMS_ANSWER_THRESHOLD.")
]
UseKb = Annotated[
    bool,
    typer.Option("--kb", help="Use the knowledge base in KMS_DATA_DIR instead of the bundled sample KB."),
]


@contextlib.contextmanager
def _kb(settings: Settings, use_kb: bool, no_cache: bool, progress: Progress) -> Iterator[KnowledgeBase]:
    if use_kb:
        from assist.knowledge import KnowledgeBase

        yield KnowledgeBase(settings)
        return
    from eval.sample import sample_kb

    cache = None if no_cache else settings.data_dir / "eval-cache" / "sample-index"
    with sample_kb(settings, index_cache=cache, progress=progress) as kb:
        yield kb


@eval_app.command("safety")
def safety_cmd(
    out_dir: Out = None,
    baseline: Baseline = None,
    tolerance: Tolerance = 0.02,
    fail_on_regression: FailOnRegression = False,
    eval_file: Annotated[
        Path | None, typer.Option("--eval-file", help="Default eval/data/sample_kb_safety.jsonl.")
    ] = None,
    threshold: Threshold = None,
    use_kb: UseKb = False,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Answer safety per class: coverage, wrong answers, case claims, abstention (CI gate)."""
    from eval.safety import SAFETY_EVAL, run_safety

    with _errors():
        settings = _settings(embedder)
        with _progress() as progress, _kb(settings, use_kb, no_cache, progress) as kb:
            run = run_safety(kb, eval_file=eval_file or SAFETY_EVAL, threshold=threshold, progress=progress)
        _finish(run, out_dir, baseline, tolerance, fail_on_regression)


@eval_app.command("safety-kbs")
def safety_kbs_cmd(
    out_dir: Out = None,
    baseline: Baseline = None,
    tolerance: Tolerance = 0.02,
    fail_on_regression: FailOnRegression = False,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root", help="Folder of KBs, each articles/ + questions.jsonl. Default eval/data/fresh_kbs."
        ),
    ] = None,
    kbs: Annotated[
        str | None, typer.Option("--kbs", help="Comma-separated KB names under --root (default: all).")
    ] = None,
    threshold: Threshold = None,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Answer safety on the fifteen held-out support KBs, each in its own index: pooled and per KB."""
    from eval.fusion_kbs import FRESH_KBS
    from eval.safety_kbs import run_safety_kbs

    with _errors():
        settings = _settings(embedder)
        names = [n.strip() for n in kbs.split(",") if n.strip()] if kbs else None
        with _progress() as progress:
            run = run_safety_kbs(
                settings,
                root=root or FRESH_KBS,
                names=names,
                threshold=threshold,
                cache=_cache(settings, no_cache),
                progress=progress,
            )
        _finish(run, out_dir, baseline, tolerance, fail_on_regression)


@eval_app.command("calibrate")
def calibrate_cmd(
    questions: Annotated[
        Path | None,
        typer.Option(
            "--questions", help="Labelled questions JSONL: qid, question, doc_id(s) or in_scope false."
        ),
    ] = None,
    tickets: Annotated[
        bool, typer.Option("--tickets/--no-tickets", help="Also learn from stored tickets and their tags.")
    ] = True,
    write: Annotated[
        Path | None, typer.Option("--write", help=f"Model file to write (default KMS_DATA_DIR/{MODEL_FILE}).")
    ] = None,
    target_precision: Annotated[float, typer.Option("--target-precision", min=0.5, max=1.0)] = 0.95,
    use_kb: UseKb = False,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Fit the answer-confidence model on labelled questions and tickets (the product's answer path)."""
    from sqlalchemy import select

    from eval.calibrate import Labelled, calibrate, from_queries, from_tickets
    from eval.sample import SAMPLE_EVAL
    from storage import TicketRow

    with _errors():
        settings = _settings(embedder)
        target = write or settings.data_dir / MODEL_FILE
        with _progress() as progress, _kb(settings, use_kb, no_cache, progress) as kb:
            labelled: list[Labelled] = []
            source = []
            if questions or not use_kb:
                path = questions or SAMPLE_EVAL
                labelled += from_queries(path)
                source.append(path.name)
            if tickets:
                with kb.sessions() as session:
                    rows = session.execute(select(TicketRow.inquiry, TicketRow.tags, TicketRow.id)).all()
                labelled += from_tickets(kb, [(inquiry, tags or [], tid) for inquiry, tags, tid in rows])
                source.append(f"{len(rows)} stored tickets")
            if not labelled:
                console.print("[bold red]error:[/] no labelled questions: give --questions FILE or --tickets")
                raise typer.Exit(2)
            model, summary = calibrate(
                kb, labelled, source=", ".join(source), target_precision=target_precision, progress=progress
            )
        model.save(target)
    out.print(f"confidence model: {target}")
    for key, value in summary.items():
        out.print(f"  {key}: {value}")
    out.print(
        f"recommended: KMS_ANSWER_THRESHOLD={summary['recommended_threshold']} "
        f"(answers right ≥ {target_precision:.0%} of the time on these questions)"
    )
