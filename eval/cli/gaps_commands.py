"""`kms eval gaps`: gap precision/recall, duplicate drafts and tickets attached, through the
product's ingest and draft generation (see :mod:`eval.gaps`); `kms eval gaps-fit`: the gap verdict
fitted on such runs (see :mod:`eval.gap_fit`)."""

from __future__ import annotations

import tempfile
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
from eval.errors import EvalConfigError

# assist.drafts.gap_model.MODEL_FILE, spelled out so that the help page needs no import of the
# drafts layer (tests/unit/test_cli_lazy.py checks that the two agree)
GAP_MODEL_FILE = "gap_model.json"


@eval_app.command("gaps")
@reported
def gaps_cmd(
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset", help="banking77, parakqc (paraphrase sets) or gaps_ko (bundled Korean set)."
        ),
    ] = None,
    items: Annotated[
        Path | None, typer.Option("--items", help="Any labelled JSONL (text + label) instead of --dataset.")
    ] = None,
    label_field: Annotated[str, typer.Option("--label-field", help="Label field of --items.")] = "label",
    text_field: Annotated[str, typer.Option("--text-field", help="Text field of --items.")] = "text",
    labels: Annotated[
        int | None, typer.Option("--labels", min=2, help="Use this many intents (random, --seed).")
    ] = None,
    per_label: Annotated[
        int | None, typer.Option("--per-label", min=1, help="Tickets per intent (banking77 default 12).")
    ] = None,
    covered_share: Annotated[
        float, typer.Option("--covered-share", min=0, max=1, help="Share of intents given an article.")
    ] = 0.5,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    report: ReportTo = REPORT_DEFAULTS,
    seed: Seed = 7,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Covered/uncovered intents in; gap precision and recall, duplicate-draft rate, tickets attached
    to their draft and NMI/ARI of the product's topics out (product ingest + `kms drafts generate`)."""
    from eval.gaps import run_gaps
    from eval.gaps_data import items_corpus, named_corpus

    with _errors():
        settings = _settings(embedder)
        if dataset and items:
            raise EvalConfigError("give either --dataset or --items, not both")
        if items:
            corpus = items_corpus(
                items,
                text_field=text_field,
                label_field=label_field,
                labels=labels,
                per_label=per_label,
                covered_share=covered_share,
                seed=seed,
            )
        elif dataset:
            corpus = named_corpus(dataset, data_root, limit=labels, per_label=per_label, seed=seed)
        else:
            raise EvalConfigError("give --dataset NAME or --items FILE")
        digest = "".join(f.sha256[:6] for f in corpus.files)
        model = settings.embedder.replace("/", "_")
        key = f"gaps-{corpus.name}-{len(corpus.tickets)}-{seed}-{digest}-{model}"
        cache = None if no_cache else settings.data_dir / "eval-cache" / key
        with tempfile.TemporaryDirectory(prefix="kms-eval-gaps-") as tmp, _progress() as progress:
            run = run_gaps(corpus, settings, Path(tmp), cache=cache, progress=progress)
        report.finish(run)


@eval_app.command("gaps-fit")
@reported
def gaps_fit_cmd(
    reports: Annotated[
        list[Path], typer.Argument(help="report.json files of kms eval gaps runs (two or more datasets).")
    ],
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help=f"Write the model fitted on all of them here (DATA_DIR/{GAP_MODEL_FILE} makes the product "
            "use it; assist/data/gap_model.json is the bundled one).",
        ),
    ] = None,
    veto: Annotated[
        float,
        typer.Option(
            "--veto",
            min=0,
            max=1,
            help="A rules gap below this probability is covered (KMS_DRAFTS_GAP_VETO).",
        ),
    ] = 0.4,
    override: Annotated[
        float,
        typer.Option(
            "--override",
            min=0,
            max=1,
            help="A rules-covered topic from this probability is a gap (KMS_DRAFTS_GAP_OVERRIDE).",
        ),
    ] = 0.7,
    report: ReportTo = REPORT_DEFAULTS,
) -> None:
    """Fit the gap verdict on labelled `kms eval gaps` runs: per dataset, verdict errors and gap P/R of
    the rules and of the rules overruled by a model fitted without that dataset; --save writes the
    model fitted on all of them."""
    from eval.gap_fit import load_fit_sets, run_gap_fit

    with _errors():
        run, model = run_gap_fit(load_fit_sets(reports), veto=veto, override=override)
        report.finish(run)
        if save is not None:
            model.save(save)
            typer.echo(f"gap model: {save}")
