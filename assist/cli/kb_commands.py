"""`kms init | ingest | reindex | search | stats`."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from assist.cli.app import CliConsole, app, console
from core.errors import KmsError

if TYPE_CHECKING:  # the library loads inside the commands: `kms --help` stays instant
    from assist.cli.progress import StageProgress
    from core.settings import Settings
    from ingest.pipeline import IngestEngine, IngestReport

out = CliConsole()
# ingest.sources.helpdesk.PRODUCTS, spelled out so that the help page needs no import of the
# readers (tests/unit/test_cli_lazy.py checks that the two agree).
PRODUCTS = ("zendesk", "freshdesk", "chatwoot", "channeltalk")


def _progress() -> AbstractContextManager[StageProgress]:
    """One progress line per pipeline stage (read, store, model, embed) on stderr."""
    from assist.cli.ingest_summary import STAGE_LABELS
    from assist.cli.progress import stage_progress

    return stage_progress(console, STAGE_LABELS)


EngineOption = Annotated[
    str,
    typer.Option(
        metavar="local|ray",
        help="Where chunking and embedding (and, for files, reading and masking) run: this process, "
        "or a Ray Data pipeline (the 'scale' extra); the same index either way.",
    ),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        metavar="ADDR",
        help="Ray cluster for --engine ray (ray://host:10001, host:6379 or auto); default: a local Ray.",
    ),
]
RayWorkersOption = Annotated[
    int | None,
    typer.Option("--ray-workers", min=1, help="Embedding actors for --engine ray (default: 1 per CPU)."),
]


def _check_engine(name: str, address: str | None, workers: int | None) -> None:
    """``--engine`` and the Ray options that go with it, checked before anything loads."""
    if name not in ("local", "ray"):
        raise typer.BadParameter(f"--engine must be local or ray, not {name!r}")
    if name != "ray" and (address is not None or workers is not None):
        raise typer.BadParameter("--ray-address and --ray-workers go with --engine ray")


def _engine(
    name: str, address: str | None, workers: int | None
) -> AbstractContextManager[IngestEngine | None]:
    """``--engine``: None (the local pipeline) or a Ray engine connected for the command's run."""
    if name == "local":
        return nullcontext(None)
    import logging

    from ingest.ray_engine import connect

    logging.getLogger("ingest.ray_engine").setLevel(logging.INFO)  # its progress lines, in logs too
    return connect(address, workers=workers)


def _print_report(report: IngestReport, as_json: bool) -> None:
    from assist.cli.ingest_summary import print_report

    print_report(report, as_json, out=out, err=console)


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
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings
    from indexes import store
    from ingest.pipeline import ingest_paths, reindex
    from ingest.sample import install_sample_lexicon, sample_paths

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
            _print_report(reindex(settings, progress=progress), False)
        return
    if not sample:
        out.print(f"database ready in {settings.data_dir}; ingest articles with `kms ingest PATH`")
        return
    if settings.colloquial_file is None and install_sample_lexicon(settings.data_dir / "colloquial.tsv"):
        out.print(
            f"sample colloquial words (포인트 = 적립금) written to {settings.data_dir / 'colloquial.tsv'}"
        )
    with _progress() as progress:
        report = ingest_paths(sample_paths(), settings, progress=progress)
    _print_report(report, False)
    if not report.ok:
        raise typer.Exit(1)


KINDS: dict[str, Literal["auto", "articles", "tickets"]] = {
    "auto": "auto",
    "articles": "articles",
    "article": "articles",
    "tickets": "tickets",
    "ticket": "tickets",
}


def parse_kind(value: str) -> Literal["auto", "articles", "tickets"]:
    """``--kind``: articles or tickets (singular or plural, any case) or auto."""
    kind = KINDS.get(value.strip().lower())
    if kind is None:
        raise typer.BadParameter(f"--kind must be articles, tickets or auto, not {value!r}")
    return kind


def parse_helpdesk(value: str, kind: str, columns: list[str] | None) -> str:
    """``--from``: a helpdesk product (any case); --kind and --column do not apply to it."""
    product = value.strip().lower().replace(" ", "")
    if product not in PRODUCTS:
        raise typer.BadParameter(f"--from must be one of {', '.join(PRODUCTS)}, not {value!r}")
    if columns or parse_kind(kind) != "auto":
        raise typer.BadParameter(
            "--from reads a helpdesk export as tickets; --kind and --column do not apply"
        )
    return product


def missing_paths_error(paths: list[Path]) -> KmsError | None:
    """The error for paths that do not exist, found before anything is loaded or written."""
    missing = [str(p) for p in paths if not p.exists()]
    if not missing:
        return None
    return KmsError(f"no such file or folder: {', '.join(missing)}; nothing was ingested")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (Markdown, HTML, JSON/JSONL, CSV).")],
    kind: Annotated[
        str,
        typer.Option(metavar="articles|tickets|auto", help="What the files hold; auto decides per file."),
    ] = "auto",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            "-c",
            metavar="FIELD=COLUMN",
            help="Ticket column mapping, e.g. inquiry='Customer text' (repeat for more).",
        ),
    ] = None,
    prune: Annotated[
        bool, typer.Option(help="Delete articles that vanished from re-read files/folders.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    helpdesk: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="|".join(PRODUCTS),
            help="Import a helpdesk export (tickets/conversations JSON or JSONL) as tickets.",
        ),
    ] = None,
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    ray_workers: RayWorkersOption = None,
) -> None:
    """Ingest KMS articles and resolved tickets (or, with --from, a helpdesk's export); exit code
    1 if any record failed."""
    k = parse_kind(kind)
    product = parse_helpdesk(helpdesk, kind, column) if helpdesk is not None else None
    mapping: dict[str, str] = {}
    for item in column or []:
        field, sep, col = item.partition("=")
        if not sep or not field.strip() or not col.strip():
            raise typer.BadParameter(f"--column expects FIELD=COLUMN, got {item!r}")
        mapping[field.strip()] = col.strip()
    _check_engine(engine, ray_address, ray_workers)
    error = missing_paths_error(paths)
    if error is not None:  # before the model loads or an index is written
        raise error
    from core.settings import Settings
    from ingest.pipeline import ingest_paths
    from ingest.sources.helpdesk import import_helpdesk

    settings = Settings()
    if product is not None:
        if as_json:
            with _engine(engine, ray_address, ray_workers) as runner:
                report = import_helpdesk(paths, product, settings, engine=runner)
        else:
            with _engine(engine, ray_address, ray_workers) as runner, _progress() as progress:
                report = import_helpdesk(paths, product, settings, progress=progress, engine=runner)
    elif as_json:
        with _engine(engine, ray_address, ray_workers) as runner:
            report = ingest_paths(
                paths, settings, kind=k, ticket_columns=mapping or None, prune=prune, engine=runner
            )
    else:
        with _engine(engine, ray_address, ray_workers) as runner, _progress() as progress:
            report = ingest_paths(
                paths,
                settings,
                kind=k,
                ticket_columns=mapping or None,
                prune=prune,
                progress=progress,
                engine=runner,
            )
    _print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


@app.command("reindex")
def reindex_cmd(
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    ray_workers: RayWorkersOption = None,
) -> None:
    """Rebuild the index from the database (after changing the model or chunking settings)."""
    _check_engine(engine, ray_address, ray_workers)
    from core.settings import Settings
    from ingest.pipeline import reindex

    settings = Settings()
    with _engine(engine, ray_address, ray_workers) as runner, _progress() as progress:
        _print_report(reindex(settings, progress=progress, engine=runner), False)


def parse_doc_type(value: str) -> str:
    """``--type``: article or ticket (singular or plural, any case)."""
    kind = KINDS.get(value.strip().lower())
    if kind not in ("articles", "tickets"):
        raise typer.BadParameter(f"--type must be article or ticket, not {value!r}")
    return kind.removesuffix("s")


def empty_kb_error(settings: Settings, nothing: str = "nothing to search") -> KmsError | None:
    """The error for a data dir with nothing indexed yet (read from the manifest: no model loads)."""
    from indexes import store

    folder = store.current_folder_or_none(settings.index_root)
    manifest = store.read_manifest(folder) if folder else None
    if manifest and manifest.get("counts", {}).get("chunks"):
        return None
    state = "no index" if manifest is None else "an empty index"
    return KmsError(
        f"{nothing}: {settings.data_dir} has {state}; run `kms ingest PATH` first "
        "(your articles and tickets) or `kms init --sample` (the sample KB)"
    )


def warm_up_analyser(query: str) -> None:
    """Build Kiwi's analyser (seconds the first time in a process) by tokenising the query."""
    from korean.colloquial import typo_tokens

    typo_tokens(query)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='The question, e.g. "환불 언제 되나요".')],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many documents.")] = 5,
    doc_type: Annotated[
        str | None, typer.Option("--type", metavar="article|ticket", help="Only this kind of document.")
    ] = None,
    fusion: Annotated[
        str | None,
        typer.Option(
            metavar="auto|weighted|rrf|adaptive|dense|bm25", help="How the dense and BM25 legs are combined."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the knowledge base: ranked documents, scores, legs and matching snippets."""
    from core.settings import Settings

    settings = Settings()
    empty = empty_kb_error(settings)
    if empty is not None:  # before the model loads: an empty data dir has nothing to search
        raise empty
    # One thing after another: Kiwi's build and tokenizer.json's parse hold the GIL, so loading the
    # model on a second thread meanwhile made the command slower, not faster (measured: Kiwi +
    # ONNX Runtime 11.1-15.5 s one after the other, 14.9-16.2 s on two threads, load avg 2-5).
    if fusion != "dense":
        warm_up_analyser(query)
    from rich.table import Table

    from assist.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings)
    types = {parse_doc_type(doc_type)} if doc_type else None
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
    if not hits:
        console.print(f"검색 결과 없음 (no results) for {query!r}", highlight=False, markup=False)
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
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings
    from indexes import store
    from storage import counts

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
        by_type = ", ".join(f"{n} {kind}" for kind, n in sorted(manifest["counts"]["chunks_by_type"].items()))
        out.print(f"  chunks: {manifest['counts']['chunks']} ({by_type or 'none'})", highlight=False)
    else:
        out.print("index: none (run `kms init --sample` or `kms ingest PATH`)")
