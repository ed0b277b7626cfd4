"""What every `kms eval` command shares: the eval Typer group, the common options, one-line
domain errors, the progress callback, baseline comparison and report writing + summary.

A command that writes a report compared with a baseline takes ``report: ReportTo`` and is
decorated with :func:`reported`: its ``--out``, ``--baseline``, ``--tolerance`` and
``--fail-on-regression`` options are declared once, here, and ``report.finish(run)`` writes it."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assist.cli.app import CliConsole, app, console
from core.errors import KmsError
from eval.errors import EvalConfigError

if TYPE_CHECKING:  # the eval library (numpy, the model, reports) loads inside the commands
    from rich.progress import TaskID

    from core.settings import Settings
    from eval.compare import Comparison
    from eval.datasets import RetrievalSet
    from eval.progress import Progress as ProgressFn
    from eval.result import EvalRun

out = CliConsole()
eval_app = typer.Typer(
    name="eval",
    help="Measure answer quality on your own data (reports: report.json + report.html).",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

# ----------------------------------------------------------------------------- shared options
Out = Annotated[
    Path | None, typer.Option("--out", help="Report folder (default eval-runs/<kind>-<name>-<time>).")
]
Dataset = Annotated[
    str | None, typer.Option("--dataset", help="Named dataset under --data-root, e.g. welfare_qa_ko.")
]
DataRoot = Annotated[Path, typer.Option("--data-root", help="Folder of the shared datasets.")]
Corpus = Annotated[
    Path | None, typer.Option("--corpus", help="Corpus JSONL: doc_id + text/body/content (+ title).")
]
Queries = Annotated[
    Path | None, typer.Option("--queries", help="Queries JSONL: qid, question/query, doc_id(s).")
]
Limit = Annotated[
    int | None, typer.Option("--limit", min=1, help="Sample this many queries/items (deterministic).")
]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the --limit sample.")]
EmbedderOpt = Annotated[
    str | None, typer.Option("--embedder", help="Embedding model for this run (KMS_EMBEDDER).")
]
Baseline = Annotated[Path | None, typer.Option("--baseline", help="Previous report.json to diff against.")]
Tolerance = Annotated[
    float, typer.Option("--tolerance", min=0, help="Allowed absolute drop before a regression.")
]
FailOnRegression = Annotated[
    bool, typer.Option("--fail-on-regression", help="Exit 1 if any metric regressed (CI).")
]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Do not reuse/store embeddings in DATA_DIR/eval-cache.")
]


@dataclass(frozen=True)
class ReportTo:
    """Where a run's report goes (``--out``) and what it is judged against (``--baseline``,
    ``--tolerance``, ``--fail-on-regression``)."""

    out_dir: Path | None = None
    baseline: Path | None = None
    tolerance: float = 0.02
    fail_on_regression: bool = False

    def finish(self, run: EvalRun) -> None:
        """Compare, write ``report.json`` + ``report.html``, print the summary (see :func:`_finish`)."""
        _finish(run, self.out_dir, self.baseline, self.tolerance, self.fail_on_regression)


REPORT_DEFAULTS = ReportTo()
_REPORT_OPTIONS = [
    inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)
    for name, annotation, default in (
        ("out_dir", Out, None),
        ("baseline", Baseline, None),
        ("tolerance", Tolerance, 0.02),
        ("fail_on_regression", FailOnRegression, False),
    )
]


def reported(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` as Typer sees it: its ``report`` parameter replaced by the four report options,
    which reach it as one :class:`ReportTo` (put ``@reported`` under ``@eval_app.command``)."""
    signature = inspect.signature(command, eval_str=True)
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        params.extend(_REPORT_OPTIONS if param.name == "report" else [param])

    @functools.wraps(command)
    def with_report(**options: object) -> None:
        report = ReportTo(**{p.name: options.pop(p.name) for p in _REPORT_OPTIONS})  # type: ignore[arg-type]
        command(report=report, **options)

    with_report.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    with_report.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return with_report


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Domain errors → one friendly line and exit 2; Ctrl-C → exit 130 (no report is written)."""
    try:
        yield
    except KmsError as exc:
        console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    except KeyboardInterrupt as exc:
        console.print("[yellow]interrupted: no report was written[/]")
        raise typer.Exit(130) from exc


_STAGES = {
    "embed": "임베딩 (embedding)",
    "queries": "질의 임베딩 (query vectors)",
    "search": "검색 (search)",
    "answers": "답변 (answers)",
    "confidence": "신뢰도 (confidence)",
    "cluster": "군집화 (clustering)",
    "read": "읽기 (files)",
}


@contextlib.contextmanager
def _progress() -> Iterator[ProgressFn]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, advance: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            elif total is not None:
                bar.update(tasks[stage], total=total)
            if advance:
                bar.advance(tasks[stage], advance)

        yield update


def _settings(embedder: str | None) -> Settings:
    from core.settings import Settings

    settings = Settings()
    return settings.model_copy(update={"embedder": embedder}) if embedder else settings


def _cache(settings: Settings, no_cache: bool) -> Path | None:
    return None if no_cache else settings.data_dir / "eval-cache"


def _floats(text: str | None, option: str) -> list[float] | None:
    if not text:
        return None
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise EvalConfigError(f"{option} expects comma-separated numbers, got {text!r}") from exc


def _retrieval_set(
    dataset: str | None,
    data_root: Path,
    corpus: Path | None,
    queries: Path | None,
    *,
    qrels: Path | None = None,
    out_of_scope: Path | None = None,
) -> RetrievalSet:
    from eval.adapters import retrieval_dataset
    from eval.datasets import add_out_of_scope, load_retrieval_set

    if dataset:
        if corpus or queries:
            raise EvalConfigError("give either --dataset or --corpus/--queries, not both")
        rset = retrieval_dataset(dataset, data_root)
        if out_of_scope:
            add_out_of_scope(rset, out_of_scope)
        return rset
    if not corpus or not queries:
        raise EvalConfigError("give --corpus and --queries (JSONL files), or --dataset NAME")
    return load_retrieval_set(corpus, queries, qrels_path=qrels, out_of_scope_path=out_of_scope)


def _default_out(kind: str, name: str) -> Path:
    return Path("eval-runs") / f"{kind}-{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"


def _finish(
    run: EvalRun, out_dir: Path | None, baseline: Path | None, tolerance: float, fail_on_regression: bool
) -> None:
    from eval.compare import compare, dataset_changes, load_baseline
    from eval.report import write_report

    comparison: Comparison | None = None
    if baseline is not None:
        base = load_baseline(baseline)
        comparison = compare(run.metrics, base, tolerance=tolerance, baseline_path=str(baseline))
        changes = dataset_changes(run.dataset, base.get("dataset", {}))
        if changes:
            shown = "; ".join(changes[:5]) + (f"; … ({len(changes)} in all)" if len(changes) > 5 else "")
            run.notes.append(f"inputs differ from the baseline's: {shown}")
    folder = write_report(
        run, out_dir or _default_out(run.kind, str(run.dataset.get("name", "run"))), comparison=comparison
    )
    _print_summary(run, comparison)
    out.print(f"report: {folder / 'report.html'}  ({folder / 'report.json'})")
    if comparison is not None and comparison.regressions:
        console.print(
            f"[bold red]{len(comparison.regressions)} regression(s)[/] beyond ±{tolerance}: "
            + ", ".join(r.metric for r in comparison.regressions),
            highlight=False,
        )
        if fail_on_regression:
            raise typer.Exit(1)


def _print_summary(run: EvalRun, comparison: Comparison | None) -> None:
    """Retrieval/topics/bench/gaps-fit: their result tables; other kinds: the flat metrics (with the diff)."""
    from rich.table import Table

    from eval.report import metric_label

    if run.kind in ("retrieval", "topics", "bench", "gaps-fit") and comparison is None:
        for t in run.tables:
            table = Table(title=t.title)
            for col in t.columns:
                table.add_column(col)
            for row in t.rows:
                table.add_row(*(_fmt(c) for c in row))
            out.print(table)
    else:
        table = Table(title=f"{run.kind} · {run.dataset.get('name', '')}")
        table.add_column("metric")
        table.add_column("value", justify="right")
        if comparison is not None:
            table.add_column("baseline", justify="right")
            table.add_column("diff", justify="right")
        base = {r.metric: r for r in comparison.rows} if comparison else {}
        for key, value in run.metrics.items():
            cells = [metric_label(key), _fmt(value)]
            if comparison is not None:
                diff = base.get(key)
                mark = " [red]✗[/]" if diff and diff.regressed else ""
                delta = f"{diff.delta:+.4f}" if diff and diff.delta is not None else "–"
                cells += [_fmt(diff.baseline if diff else None), delta + mark]
            table.add_row(*cells)
        out.print(table)
    out.print(f"primary: {run.primary_metric} = {_fmt(run.primary_value)}")
    for note in run.notes:
        out.print(f"• {note}", highlight=False)


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 100 else f"{value:,.1f}"
    return str(value)


# ----------------------------------------------------------------------------- commands
