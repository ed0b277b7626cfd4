"""An unchanged re-ingest loads no model and writes no index: the serving folder already holds it
(ingest.unchanged.serving_match); anything that differs still builds, and `reindex` always does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from core.records import TicketRecord
from core.settings import Settings
from indexes import embedder as embedder_module
from indexes import store
from ingest.pipeline import ingest_paths, reindex
from ingest.reconcile import MEMO_FILE, memo_key, plan, read_memo
from storage import open_db, upsert_ticket
from tests.tinykb import TINY, build_tiny_kb


def _folders(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.index_root.iterdir() if p.is_dir() and p.name.startswith("idx-"))


def test_an_unchanged_re_ingest_keeps_the_serving_folder_and_loads_no_model(tmp_path: Path) -> None:
    settings = build_tiny_kb(tmp_path / "kms")
    serving = store.current_folder(settings.index_root)
    before = _folders(settings)
    embedder_module._CACHE.clear()  # the process forgets every loaded model
    report = ingest_paths([TINY], settings)
    assert report.ok and report.index_unchanged
    assert report.index_folder == serving.name and store.current_folder(settings.index_root) == serving
    assert _folders(settings) == before  # nothing written
    assert report.build.embedded == 0 and report.build.chunks == report.build.reused > 0
    assert embedder_module._CACHE == {}  # no embedder was loaded
    assert report.articles["unchanged"] == 3
    # the documents seen to agree are remembered: the next unchanged run chunks none of them
    memo = json.loads((settings.data_dir / "cache" / MEMO_FILE).read_text(encoding="utf-8"))
    index = store.load_current(settings.index_root, embedder_module.load_embedder(settings))
    assert set(memo["docs"]) == {key.doc_id for key in index.chunk_keys()}  # every indexed document
    again = ingest_paths([TINY], settings)
    assert again.index_unchanged and again.index_folder == serving.name


def test_a_changed_article_builds_and_swaps_as_before(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(TINY, src)
    settings = build_tiny_kb(tmp_path / "kms")
    ingest_paths([src], settings)  # the same content from another folder: same chunks
    serving = store.current_folder(settings.index_root)
    page = src / "refund.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("## 정책\n", "## 정책\n- 환불 문의는 평일 9시부터 받습니다.\n", 1), encoding="utf-8"
    )
    report = ingest_paths([src], settings)
    assert not report.index_unchanged and report.build.embedded > 0
    assert store.current_folder(settings.index_root) != serving


def test_records_stored_by_a_run_that_never_swapped_are_indexed_by_the_next(tmp_path: Path) -> None:
    """A failed ingest keeps the records it stored; the re-run finds them unchanged, but the index
    lacks their chunks, so it is not 'unchanged' and builds them in."""
    settings = build_tiny_kb(tmp_path / "kms")
    factory = open_db(settings)
    with factory() as session, session.begin():
        upsert_ticket(
            session,
            TicketRecord("T-NEW", "선물 포장도 되나요?", "test", resolution="선물 포장은 2,000원입니다."),
            resolved_statuses=settings.resolved_statuses,
        )
    factory.kw["bind"].dispose()
    report = ingest_paths([TINY], settings)
    assert report.articles["unchanged"] == 3 and not report.index_unchanged
    index = store.load_current(settings.index_root, embedder_module.load_embedder(settings))
    assert any(key.doc_id == "ticket:T-NEW" for key in index.chunk_keys())


def test_other_settings_or_reindex_always_build(tmp_path: Path) -> None:
    settings = build_tiny_kb(tmp_path / "kms")
    serving = store.current_folder(settings.index_root)
    rescored = ingest_paths([TINY], replace_settings(settings, bm25_k1=2.0))
    assert not rescored.index_unchanged and rescored.index_folder != serving.name
    other_model = ingest_paths([TINY], replace_settings(settings, embedder="hash-64"))
    assert not other_model.index_unchanged and other_model.build.embedded == other_model.build.chunks
    rebuilt = reindex(replace_settings(settings, embedder="hash-64"))
    assert not rebuilt.index_unchanged and rebuilt.index_folder != other_model.index_folder


def replace_settings(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update=changes)


def test_a_build_remembers_that_its_documents_agree(tmp_path: Path) -> None:
    """After an ingest the reconcile memo holds every document: the next comparison (an unchanged
    re-ingest, a server start) chunks none of them."""
    settings = build_tiny_kb(tmp_path / "kms")
    index = store.load_current(settings.index_root, embedder_module.load_embedder(settings))
    factory = open_db(settings)
    with factory() as session:
        todo = plan(
            session,
            settings,
            index,
            memo=read_memo(settings.data_dir / "cache" / MEMO_FILE, memo_key(settings)),
        )
    factory.kw["bind"].dispose()
    assert todo.empty and todo.chunked == 0
