"""`kms init | ingest | reindex | search | stats`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from assist.cli.app import CliConsole, app, console
from assist.knowledge import KnowledgeBase
from indexes import store
from indexes.settings import Settings
from ingest.pipeline import IngestReport, ingest_paths, reindex
from ingest.sample import sample_paths
from korean.pii import PLACEHOLDER_BY_KIND

out = CliConsole()


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """A rich progress bar fed by the pipeline's (stage, advance, total) callback."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, advance: int, total: int | None) -> None:
            label = {"read": "읽기 (files)", "embed": "임베딩 (chunks)"}.get(stage, stage)
            if stage not in tasks:
                tasks[stage] = bar.add_task(label, total=total, rate="")
            task_id = tasks[stage]
            if total is not None:
                bar.update(task_id, total=total)
            bar.advance(task_id, advance)
            task = bar.tasks[task_id]
            if task.speed:
                bar.update(task_id, rate=f"{task.speed:.1f}/s")

        yield update


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        payload = {
            "ok": report.ok,
            "articles": dict(report.articles),
            "tickets": dict(report.tickets),
            "incomplete_articles": report.incomplete,
            "pii_masked": dict(report.masked),
            "chunks": report.build.chunks,
            "embedded": report.build.embedded,
            "reused": report.build.reused,
            "index": report.index_folder,
            "issues": [i.__dict__ for i in report.issues],
        }
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    for issue in report.issues:
        style = "red" if issue.severity == "error" else "yellow"
        console.print(str(issue), style=style, highlight=False, markup=False)
    out.print(
        f"articles: {dict(report.articles) or 0}  tickets: {dict(report.tickets) or 0}  "
        f"incomplete: {len(report.incomplete)}"
    )
    if report.masked:  # counts per kind only: the values themselves are never printed
        shown = ", ".join(f"{PLACEHOLDER_BY_KIND.get(k, k)} {n}" for k, n in sorted(report.masked.items()))
        out.print(f"PII masked: {shown}", highlight=False, markup=False)
    out.print(
        f"chunks: {report.build.chunks}  embedded: {report.build.embedded}  reused: {report.build.reused}  "
        f"index: {report.index_folder}"
    )
    if not report.ok:
        console.print(f"[red]{len(report.errors)} error(s); everything else was ingested.[/]")


@app.command()
def init(
    sample: Annotated[bool, typer.Option("--sample", help="Build the bundled sample KB (바로마켓).")] = False,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="Do nothing if an index exists.")] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-embed everything from the database.")
    ] = False,
    url: Annotated[str, typer.Option(help="Base URL printed in the admin's sign-in link.")] = (
        "http://127.0.0.1:8000"
    ),
) -> None:
    """Create the data directory and database (and, the first time, the admin user with a
    one-time sign-in link); with --sample, ingest the sample KB."""
    from assist.cli.access_commands import bootstrap_admin

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _ = KnowledgeBase(settings).sessions  # creates and migrates the database
    link = bootstrap_admin(url)
    if link is not None:
        out.print(f"admin user created. Sign in once with this link (valid 1 hour): {link}", soft_wrap=True)
    if if_missing and store.current_folder_or_none(settings.index_root) is not None:
        out.print(f"index exists in {settings.index_root}; nothing to do")
        return
    if rebuild:
        with _progress() as progress:
            _print_report(reindex(settings, progress=progress), False)  # type: ignore[arg-type]
        return
    if not sample:
        out.print(f"database ready in {settings.data_dir}; ingest articles with `kms ingest PATH`")
        return
    with _progress() as progress:
        report = ingest_paths(sample_paths(), settings, progress=progress)  # type: ignore[arg-type]
    _print_report(report, False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (Markdown, HTML, JSON/JSONL, CSV).")],
    kind: Annotated[str, typer.Option(help="articles | tickets | auto (decide per file).")] = "auto",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column", "-c", help="Ticket column mapping FIELD=COLUMN, e.g. inquiry='Customer text'."
        ),
    ] = None,
    prune: Annotated[
        bool, typer.Option(help="Delete articles that vanished from re-read files/folders.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Ingest KMS articles and resolved tickets; exit code 1 if any record failed."""
    if kind not in ("auto", "articles", "tickets"):
        raise typer.BadParameter(f"--kind must be articles, tickets or auto, not {kind!r}")
    mapping: dict[str, str] = {}
    for item in column or []:
        field, sep, col = item.partition("=")
        if not sep or not field.strip() or not col.strip():
            raise typer.BadParameter(f"--column expects FIELD=COLUMN, got {item!r}")
        mapping[field.strip()] = col.strip()
    settings = Settings()
    k: Literal["auto", "articles", "tickets"] = kind  # type: ignore[assignment]
    if as_json:
        report = ingest_paths(paths, settings, kind=k, ticket_columns=mapping or None, prune=prune)
    else:
        with _progress() as progress:
            report = ingest_paths(
                paths, settings, kind=k, ticket_columns=mapping or None, prune=prune, progress=progress
            )
    _print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@app.command("reindex")
def reindex_cmd() -> None:
    """Rebuild the index from the database (after changing the model or chunking settings)."""
    settings = Settings()
    with _progress() as progress:
        _print_report(reindex(settings, progress=progress), False)  # type: ignore[arg-type]


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='The question, e.g. "환불 언제 되나요".')],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many documents.")] = 5,
    doc_type: Annotated[str | None, typer.Option("--type", help="article | ticket")] = None,
    fusion: Annotated[str | None, typer.Option(help="weighted | rrf | dense | bm25")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the knowledge base: ranked documents, scores, legs and matching snippets."""
    kb = KnowledgeBase(Settings())
    types = {doc_type} if doc_type else None
    if fusion:
        hits = kb.search(query, k=k, doc_types=types, fusion=fusion)
    else:
        hits = kb.search(query, k=k, doc_types=types)
    if as_json:
        rows = [
            {
                "rank": r,
                "doc_id": h.doc_id,
                "type": h.doc_type,
                "title": h.title,
                "score": round(h.score, 4),
                "legs": h.legs,
                "tag": h.meta.get("tag") or h.meta.get("tags"),
                "sections": [
                    {
                        "chunk_id": c.chunk.chunk_id,
                        "section": c.chunk.section,
                        "score": round(c.score, 4),
                        "dense": c.dense,
                        "bm25": c.lexical,
                        "snippet": c.chunk.body[:200],
                    }
                    for c in h.chunks
                ],
            }
            for r, h in enumerate(hits, start=1)
        ]
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"검색: {query}", show_lines=True)
    for col in ("#", "문서", "점수", "검색 경로", "일치 구간"):
        table.add_column(col)
    for r, h in enumerate(hits, start=1):
        best = h.best.chunk
        table.add_row(
            str(r),
            f"{h.title}\n[dim]{h.doc_id}[/]",
            f"{h.score:.3f}",
            "+".join(h.legs),
            f"[bold]{best.meta.get('section_label', best.section)}[/] {best.body[:160]}",
        )
    out.print(table)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """What is stored and indexed."""
    from indexes.db import counts

    settings = Settings()
    kb = KnowledgeBase(settings)
    with kb.sessions() as session:
        db_counts = counts(session)
    folder = store.current_folder_or_none(settings.index_root)
    manifest = store.read_manifest(folder) if folder else None
    payload = {"data_dir": str(settings.data_dir), "database": db_counts, "index": manifest}
    if as_json:
        out.print_json(json.dumps(payload, ensure_ascii=False, default=str))
        return
    out.print(f"data dir: {settings.data_dir}")
    for key, value in db_counts.items():
        out.print(f"  {key}: {value}")
    if manifest:
        out.print(f"index: {manifest['name']} ({manifest['created_at']})")
        out.print(f"  embedder: {manifest['embedder']['id']} (dim {manifest['embedder']['dim']})")
        out.print(
            f"  chunks: {manifest['counts']['chunks']}  by type: {manifest['counts']['chunks_by_type']}"
        )
    else:
        out.print("index: none (run `kms init --sample` or `kms ingest PATH`)")
