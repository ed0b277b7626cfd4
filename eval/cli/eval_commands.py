"""`kms eval retrieval|answers|abstention|topics|sample` and `kms bench`: thin glue over ``eval``.

Each command builds Settings (``--embedder`` overrides the model for the run), calls one
``eval`` function with a rich progress callback, compares with ``--baseline`` if given, writes
``report.json`` + ``report.html`` atomically into ``--out`` and prints a summary. Domain errors are
printed as one line (exit 2); ``--fail-on-regression`` exits 1 when a metric regressed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assist.cli.app import app
from eval.adapters import DEFAULT_DATA_ROOT, topic_dataset
from eval.cli.common import (
    REPORT_DEFAULTS,
    Corpus,
    DataRoot,
    Dataset,
    EmbedderOpt,
    Limit,
    NoCache,
    Out,
    Queries,
    ReportTo,
    Seed,
    _cache,
    _errors,
    _finish,
    _floats,
    _progress,
    _retrieval_set,
    _settings,
    eval_app,
    out,
    reported,
)
from eval.datasets import load_items
from eval.errors import EvalConfigError


@eval_app.command("retrieval")
@reported
def retrieval_cmd(
    corpus: Corpus = None,
    queries: Queries = None,
    qrels: Annotated[
        Path | None, typer.Option("--qrels", help="qid, doc_id[, score] (JSONL or TSV).")
    ] = None,
    dataset: Dataset = None,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    report: ReportTo = REPORT_DEFAULTS,
    fusions: Annotated[str | None, typer.Option("--fusions", help="Sweep fusions: weighted,rrf.")] = None,
    weights: Annotated[
        str | None, typer.Option("--weights", help="Sweep dense weights: 0.3,0.5,0.7.")
    ] = None,
    limit: Limit = None,
    seed: Seed = 0,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Recall@1/5/10, MRR@10, nDCG@10 for dense, BM25 and hybrid search (plus any sweep)."""
    from eval.retrieval import run_retrieval

    with _errors():
        settings = _settings(embedder)
        rset = _retrieval_set(dataset, data_root, corpus, queries, qrels=qrels)
        fusion_list = [f.strip() for f in fusions.split(",") if f.strip()] if fusions else None
        with _progress() as progress:
            run = run_retrieval(
                rset,
                settings,
                fusions=fusion_list,
                weights=_floats(weights, "--weights"),
                limit=limit,
                seed=seed,
                cache_dir=_cache(settings, no_cache),
                progress=progress,
            )
        report.finish(run)


@eval_app.command("answers")
@reported
def answers_cmd(
    corpus: Corpus = None,
    queries: Queries = None,
    dataset: Dataset = None,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    report: ReportTo = REPORT_DEFAULTS,
    limit: Limit = None,
    seed: Seed = 0,
    embedder: EmbedderOpt = None,
) -> None:
    """Token F1 / ROUGE-L vs. reference answers, citation precision, groundedness, abstention rate."""
    from eval.answers import run_answers

    with _errors():
        settings = _settings(embedder)
        rset = _retrieval_set(dataset, data_root, corpus, queries)
        with _progress() as progress:
            run = run_answers(rset, settings, limit=limit, seed=seed, progress=progress)
        report.finish(run)


@eval_app.command("abstention")
@reported
def abstention_cmd(
    corpus: Corpus = None,
    queries: Queries = None,
    out_of_scope: Annotated[
        Path | None, typer.Option("--out-of-scope", help="Out-of-scope questions JSONL.")
    ] = None,
    dataset: Dataset = None,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    report: ReportTo = REPORT_DEFAULTS,
    target_far: Annotated[
        float, typer.Option("--target-far", min=0, max=1, help="Target false-answer rate.")
    ] = 0.1,
    write_setting: Annotated[
        bool, typer.Option("--write-setting", help="Write KMS_ANSWER_THRESHOLD to --env-file.")
    ] = False,
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="Default DATA_DIR/recommended.env.")
    ] = None,
    limit: Limit = None,
    seed: Seed = 0,
    embedder: EmbedderOpt = None,
) -> None:
    """Coverage vs. false-answer rate over the confidence threshold, and the threshold to set."""
    from eval.abstention import ENV_KEY, run_abstention, write_env_setting

    with _errors():
        settings = _settings(embedder)
        rset = _retrieval_set(dataset, data_root, corpus, queries, out_of_scope=out_of_scope)
        with _progress() as progress:
            run = run_abstention(
                rset,
                settings,
                target_far=target_far,
                limit=limit,
                seed=seed,
                progress=progress,
            )
        report.finish(run)
        value = run.metrics.get("recommended_threshold")
        if write_setting:
            if not isinstance(value, float | int):
                raise EvalConfigError(
                    f"no threshold reaches a false-answer rate ≤ {target_far}; nothing written"
                )
            path = env_file or settings.data_dir / "recommended.env"
            write_env_setting(path, float(value))
            out.print(f"wrote {ENV_KEY}={value:g} to {path}")


@eval_app.command("topics")
@reported
def topics_cmd(
    items: Annotated[Path | None, typer.Option("--items", help="JSONL of texts with gold labels.")] = None,
    label_field: Annotated[
        str | None, typer.Option("--label-field", help="Gold label field (default label).")
    ] = None,
    text_field: Annotated[str | None, typer.Option("--text-field", help="Text field (default text).")] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="product (the drafts feature's own clustering, default); agglomerative,hdbscan,community "
            "(older eval-only clusterings, for comparison) or all.",
        ),
    ] = "product",
    param: Annotated[
        list[str] | None, typer.Option("--param", help="KEY=V[,V2…], e.g. threshold=0.85,0.9.")
    ] = None,
    dataset: Dataset = None,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    report: ReportTo = REPORT_DEFAULTS,
    limit: Limit = None,
    seed: Seed = 0,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Cluster the texts' embeddings; NMI, ARI, V-measure against gold labels, cluster sizes."""
    from eval.topics import METHODS, run_topics

    with _errors():
        settings = _settings(embedder)
        if dataset:
            if items:
                raise EvalConfigError("give either --dataset or --items, not both")
            item_set = topic_dataset(dataset, data_root, label_field=label_field, text_field=text_field)
        elif items:
            item_set = load_items(items, text_field=text_field or "text", label_field=label_field or "label")
        else:
            raise EvalConfigError("give --items FILE (with --label-field) or --dataset NAME")
        methods = list(METHODS) if method == "all" else [m.strip() for m in method.split(",") if m.strip()]
        params: dict[str, list[float]] = {}
        for item in param or []:
            key, sep, values = item.partition("=")
            parsed = _floats(values, f"--param {key}") if sep else None
            if not parsed or not key.strip():
                raise EvalConfigError(f"--param expects KEY=VALUE[,VALUE…], got {item!r}")
            params[key.strip()] = parsed
        with _progress() as progress:
            run = run_topics(
                item_set,
                settings,
                methods=methods,
                params=params,
                limit=limit,
                seed=seed,
                cache_dir=_cache(settings, no_cache),
                progress=progress,
            )
        report.finish(run)


@eval_app.command("sample")
@reported
def sample_cmd(
    report: ReportTo = REPORT_DEFAULTS,
    eval_file: Annotated[
        Path | None, typer.Option("--eval-file", help="Default eval/data/sample_kb_eval.jsonl.")
    ] = None,
    target_far: Annotated[float, typer.Option("--target-far", min=0, max=1)] = 0.1,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
) -> None:
    """Retrieval, answer and abstention metrics on the bundled sample KB (CI: --fail-on-regression)."""
    from eval.sample import SAMPLE_EVAL, run_sample

    with _errors():
        settings = _settings(embedder)
        cache = None if no_cache else settings.data_dir / "eval-cache" / "sample-index"
        with _progress() as progress:
            run = run_sample(
                settings,
                eval_file=eval_file or SAMPLE_EVAL,
                target_far=target_far,
                index_cache=cache,
                progress=progress,
            )
        report.finish(run)


@app.command("bench")
def bench_cmd(
    corpus: Corpus = None,
    sample: Annotated[
        bool, typer.Option("--sample", help="Start from the bundled sample KB's chunks.")
    ] = False,
    sizes: Annotated[str, typer.Option("--sizes", help="Corpus sizes in chunks.")] = "1000,10000,100000",
    queries: Annotated[int, typer.Option("--queries", min=1, help="Queries timed per size.")] = 200,
    embed_max: Annotated[
        int, typer.Option("--embed-max", min=1, help="Chunks embedded with the real model.")
    ] = 1000,
    data_root: DataRoot = DEFAULT_DATA_ROOT,
    out_dir: Out = None,
    dense_index: Annotated[
        str | None, typer.Option("--dense-index", help="flat | hnsw (KMS_DENSE_INDEX).")
    ] = None,
    suggest: Annotated[bool, typer.Option("--suggest/--no-suggest", help="Also time assist.suggest.")] = True,
    faiss_threads: Annotated[
        int | None, typer.Option("--faiss-threads", min=1, help="FAISS OpenMP threads (default: FAISS's).")
    ] = None,
    seed: Seed = 0,
    embedder: EmbedderOpt = None,
    no_cache: NoCache = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Latency p50/p95/p99 and throughput of search and suggestion, ingest rate and peak RSS."""
    from eval.bench import bench_queries, run_bench
    from eval.datasets import load_corpus
    from eval.textpool import build_pool, corpus_documents, sample_kb_chunks, shared_documents

    with _errors():
        settings = _settings(embedder)
        if dense_index:
            if dense_index not in ("flat", "hnsw"):
                raise EvalConfigError(f"--dense-index must be flat or hnsw, not {dense_index!r}")
            settings = settings.model_copy(update={"dense_index": dense_index})
        size_list = [int(x) for x in (_floats(sizes, "--sizes") or [])]
        files = []
        if corpus:
            docs_map, info = load_corpus(corpus)
            docs, source, files = corpus_documents(docs_map), corpus.name, [info]
        else:
            docs, source = [], "shared"
        with _progress() as progress:
            pool_chunks = sample_kb_chunks(settings) if sample else []
            if sample:
                source = "sample_kb"
            need = max(size_list or [0]) - len(pool_chunks)
            if need > 0:
                pool_docs = docs or shared_documents(data_root)
                seen = {c.chunk_id for c in pool_chunks}
                pool_chunks += [c for c in build_pool(pool_docs, need, seed=seed) if c.chunk_id not in seen]
                if not docs and sample:
                    source = "sample_kb+shared"
            run = run_bench(
                pool_chunks,
                size_list,
                settings,
                queries=bench_queries(data_root, queries, seed),
                embed_max=embed_max,
                seed=seed,
                with_suggest=suggest,
                progress=progress,
                source=source,
                files=files,
                faiss_threads=faiss_threads,
                cache_dir=_cache(settings, no_cache),
            )
        if as_json:
            out.print_json(json.dumps(run.metrics))
        _finish(run, out_dir, None, 0.0, False)
