"""Knowledge bases over an evaluation corpus.

:func:`corpus_kb` is the product path, used by ``kms eval answers`` and ``kms eval abstention``:
every document becomes an article file ingested by :func:`ingest.pipeline.ingest_paths` (reader,
PII masking, section-aware chunker, index build), so answers and confidences are the product's.
``kms eval retrieval`` still measures the search engine alone: :func:`corpus_chunks` cuts each
document with :func:`ingest.split.split_text` into ``Chunk(doc_type="doc", section="body")`` and
:func:`build_index` indexes them with the configured embedder (cached on disk between runs);
:func:`temporary_kb` serves such an index from a temporary data dir.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from assist.knowledge import KnowledgeBase
from core.settings import Settings
from core.types import Chunk
from eval.cache import CachedEmbedder
from eval.datasets import Doc
from eval.progress import Progress, report
from indexes import store
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex
from ingest.pipeline import IngestReport
from ingest.split import split_text

__all__ = [
    "build_index",
    "cache_note",
    "corpus_chunks",
    "corpus_kb",
    "ingested_kb",
    "open_embedder",
    "strip_doc_prefix",
    "temporary_kb",
]

PREFIXES = ("doc:", "article:", "ticket:")


def strip_doc_prefix(doc_id: str) -> str:
    """``doc:X`` / ``article:X`` / ``ticket:X`` → ``X`` (gold ids are written without prefix)."""
    for prefix in PREFIXES:
        if doc_id.startswith(prefix):
            return doc_id[len(prefix) :]
    return doc_id


def corpus_chunks(corpus: Mapping[str, Doc], *, max_chars: int, overlap: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in corpus.values():
        pieces = split_text(doc.text, max_chars, overlap) or [doc.title]
        for n, piece in enumerate(pieces):
            text = f"{doc.title}\n{piece}" if doc.title and doc.title != piece else piece
            chunks.append(
                Chunk(
                    chunk_id=f"doc:{doc.doc_id}#body-{n}",
                    doc_id=f"doc:{doc.doc_id}",
                    doc_type="doc",
                    title=doc.title or doc.doc_id,
                    section="body",
                    text=text,
                    body=piece,
                )
            )
    return chunks


def open_embedder(settings: Settings, cache_dir: Path | None = None) -> Embedder:
    """The configured embedder, wrapped in an on-disk vector cache when ``cache_dir`` is given."""
    embedder = load_embedder(settings)
    return CachedEmbedder(embedder, cache_dir) if cache_dir is not None else embedder


def cache_note(embedder: Embedder) -> str | None:
    """Flush a cached embedder; a note for the report when some vectors came from the cache."""
    if not isinstance(embedder, CachedEmbedder):
        return None
    embedder.flush()
    if not embedder.hits:
        return None
    return (
        f"{embedder.hits:,} vectors came from the embedding cache: timings that include "
        "embedding understate its cost (use --no-cache to measure it)"
    )


def build_index(
    chunks: list[Chunk], embedder: Embedder, settings: Settings, *, progress: Progress | None = None
) -> HybridIndex:
    report(progress, "embed", 0, len(chunks))
    index, _ = store.build(
        chunks,
        embedder,
        store.IndexConfig.from_settings(settings),
        batch_size=settings.embed_batch_size,
        progress=(lambda n: report(progress, "embed", n)) if progress else None,
    )
    if isinstance(embedder, CachedEmbedder):
        embedder.flush()
    return index


@contextlib.contextmanager
def temporary_kb(index: HybridIndex, settings: Settings) -> Iterator[KnowledgeBase]:
    """A KnowledgeBase serving ``index`` from a temporary data dir (the model folder is shared)."""
    with tempfile.TemporaryDirectory(prefix="kms-eval-") as tmp:
        data = Path(tmp) / "kms"
        data.mkdir()
        models = settings.models_dir.resolve()
        models.mkdir(parents=True, exist_ok=True)
        os.symlink(models, data / "models", target_is_directory=True)
        local = settings.model_copy(update={"data_dir": data, "database_url": None})
        folder = store.persist(index, local.index_root, store.IndexConfig.from_settings(local))
        kb = KnowledgeBase(local)
        kb.adopt(index, folder)
        yield kb


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _article_markdown(doc: Doc) -> str:
    """One corpus document as a KMS article file: its id in front matter, its title as the
    heading and its text as written (untemplated text becomes the article's summary/body)."""
    doc_id = _one_line(doc.doc_id).replace('"', "")
    title = _one_line(doc.title) or doc_id
    return f"---\nid: {doc_id}\n---\n# {title}\n\n{doc.text.strip()}\n"


@contextlib.contextmanager
def ingested_kb(
    settings: Settings,
    files: Mapping[str, str],
    *,
    tickets: Mapping[str, str] | None = None,
    index_cache: Path | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[KnowledgeBase, IngestReport]]:
    """Article files (name → Markdown) ingested by :func:`ingest.pipeline.ingest_paths` into a
    temporary data dir, with the ingest report.

    ``tickets`` (name → ticket file text, e.g. ``{"tickets": [...]}`` JSON) are ingested after the
    articles from a folder of their own (``kind="tickets"``, ``prune=False``); the report returned
    is then the tickets' ingest with the articles' issues and counts merged in.

    The configured models folder is linked in (no re-conversion) and the data dir's fitted
    confidence model, if any, is copied, so answers score as they would in that installation.
    ``index_cache`` seeds the index build and keeps a clean build's index for the next run."""
    from assist.confidence import MODEL_FILE
    from eval.sample import _save, _seed
    from ingest.pipeline import ingest_paths

    with tempfile.TemporaryDirectory(prefix="kms-eval-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        data = Path(tmp) / "kms"
        data.mkdir()
        models = settings.models_dir.resolve()
        models.mkdir(parents=True, exist_ok=True)
        os.symlink(models, data / "models", target_is_directory=True)
        fitted = settings.data_dir / MODEL_FILE
        if fitted.is_file():
            shutil.copy2(fitted, data / MODEL_FILE)
        local = settings.model_copy(update={"data_dir": data, "database_url": None})
        if index_cache is not None:
            _seed(index_cache, local.index_root)
        result = ingest_paths([folder], local, kind="articles", progress=progress)
        if tickets and result.ok:
            result = _ingest_tickets(Path(tmp) / "tickets", tickets, local, result, index_cache, progress)
        if index_cache is not None and result.ok:
            _save(local.index_root, index_cache)
        yield KnowledgeBase(local), result


def _ingest_tickets(
    folder: Path,
    files: Mapping[str, str],
    local: Settings,
    articles: IngestReport,
    index_cache: Path | None,
    progress: Progress | None,
) -> IngestReport:
    """The ticket files ingested into ``local`` after its articles; one report for both."""
    from ingest.pipeline import ingest_paths

    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if index_cache is not None and (index_cache / store.MANIFEST).is_file():
        # seed again: the articles' ingest built an index without the cache's ticket vectors
        seeded = local.index_root / f"{index_cache.name}-tickets"
        shutil.copytree(index_cache, seeded)
        store.swap(local.index_root, seeded)
    result = ingest_paths([folder], local, kind="tickets", prune=False, progress=progress)
    result.issues = [*articles.issues, *result.issues]
    result.articles.update(articles.articles)
    result.incomplete = [*articles.incomplete, *result.incomplete]
    result.masked.update(articles.masked)
    return result


@contextlib.contextmanager
def corpus_kb(
    corpus: Mapping[str, Doc], settings: Settings, *, progress: Progress | None = None
) -> Iterator[tuple[KnowledgeBase, list[str]]]:
    """The corpus ingested exactly as the product ingests articles, with the notes to report.

    Every document becomes a Markdown article file (front-matter id = the corpus id, so gold
    labels still match) and goes through :func:`ingested_kb`: the real reader, PII masking, the
    section-aware chunker and the index build. Answers and confidences measured on it are what
    the product would give on the same content.
    """
    from eval.errors import EvalError

    files = {
        f"doc-{n:06d}.md": _article_markdown(doc) for n, doc in enumerate(corpus.values()) if doc.text.strip()
    }
    if not files:
        raise EvalError("the corpus has no document with text to ingest")
    with ingested_kb(settings, files, progress=progress) as (kb, result):
        written = len(files)
        failed = len({i.file for i in result.errors})
        if failed >= written:
            raise EvalError("no corpus document ingested: " + "; ".join(str(i) for i in result.errors[:3]))
        notes = [f"corpus ingested as {written} articles through the product pipeline"]
        if failed:
            notes.append(f"{failed} of {written} documents were not ingested (ingest errors)")
        yield kb, notes
