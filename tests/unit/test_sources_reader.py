"""read_paths: walking folders, choosing a reader per file, and turning failures into issues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.sources import discover_files, read_paths

ARTICLE = "# 결제 가이드\n## 목적\n설명\n"


def make_tree(root: Path) -> None:
    (root / "b").mkdir()
    (root / "a" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "z.md").write_text(ARTICLE, encoding="utf-8")
    (root / "b" / "page.html").write_text("<h1>HTML 가이드</h1><h2>목적</h2><p>설명</p>", encoding="utf-8")
    (root / "a" / "deep" / "faq.csv").write_text("question,answer\n질문,답\n", encoding="utf-8")
    (root / "a" / "notes.txt").write_text("메모 제목\n\n메모 내용", encoding="utf-8")
    (root / "a" / "manual.pdf").write_bytes(b"%PDF-1.7")
    (root / ".git" / "config.md").write_text(ARTICLE, encoding="utf-8")
    (root / ".hidden.md").write_text(ARTICLE, encoding="utf-8")


def test_directories_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    make_tree(tmp_path)
    files, issues = discover_files([tmp_path])
    assert issues == []
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a/deep/faq.csv",
        "a/manual.pdf",
        "a/notes.txt",
        "b/page.html",
        "z.md",
    ]


def test_mixed_folder_reads_articles_and_tickets_and_warns_on_unknown_types(tmp_path: Path) -> None:
    make_tree(tmp_path)
    result = read_paths([tmp_path])
    assert [a.title for a in result.articles] == ["메모 제목", "HTML 가이드", "결제 가이드"]
    assert [t.inquiry for t in result.tickets] == ["질문"]
    unsupported = [i for i in result.issues if "unsupported" in i.reason]
    assert [(i.severity, i.file) for i in unsupported] == [("warning", str(tmp_path / "a" / "manual.pdf"))]
    assert "'.pdf'" in unsupported[0].reason
    assert all(i.severity == "warning" for i in result.issues)


def test_same_order_every_time(tmp_path: Path) -> None:
    make_tree(tmp_path)
    first = read_paths([tmp_path])
    second = read_paths([tmp_path])
    assert first == second


def test_files_and_folders_can_be_mixed_and_duplicates_are_read_once(tmp_path: Path) -> None:
    make_tree(tmp_path)
    result = read_paths([tmp_path / "z.md", tmp_path / "b", tmp_path / "z.md"])
    assert [a.title for a in result.articles] == ["결제 가이드", "HTML 가이드"]


def test_missing_path_is_an_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text(ARTICLE, encoding="utf-8")
    missing = tmp_path / "nope.md"
    result = read_paths([missing, tmp_path / "ok.md"])
    assert len(result.articles) == 1
    assert [(i.severity, i.file) for i in result.issues if i.severity == "error"] == [("error", str(missing))]


def test_unreadable_file_is_an_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "ok.md").write_text(ARTICLE, encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = read_paths([tmp_path])
    assert [a.article_id for a in result.articles] == ["ok"]
    errors = [i for i in result.issues if i.severity == "error"]
    assert [(i.file, i.reason) for i in errors] == [(str(locked), "cannot read the file: Permission denied")]


def test_empty_markdown_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    result = read_paths([path])
    assert result.articles == []
    assert [(i.severity, i.file) for i in result.issues] == [("error", str(path))]


def test_progress_is_called_once_per_file(tmp_path: Path) -> None:
    make_tree(tmp_path)
    calls: list[int] = []
    read_paths([tmp_path], progress=calls.append)
    assert calls == [1] * 5


@pytest.mark.parametrize(
    ("name", "text", "articles", "tickets"),
    [
        ("a.csv", "제목,정책,단계별 절차\n가이드,규칙,1. 확인\n", 1, 0),
        ("b.csv", "title,inquiry\n결제,결제가 안 돼요\n", 0, 1),
        ("c.csv", "제목,문의내용\n결제,결제가 안 돼요\n", 0, 1),
        ("d.jsonl", '{"title": "결제", "message": "안 돼요"}\n', 0, 1),
        ("e.jsonl", '{"title": "결제", "content": "## 목적\\n설명"}\n', 1, 0),
        ("f.jsonl", '{"title": "결제", "body": "카드가 안 돼요"}\n', 0, 1),
        ("g.jsonl", '{"title": "결제", "body": "## 목적\\n설명\\n## 정책\\n규칙"}\n', 1, 0),
        ("h.json", json.dumps({"articles": [{"title": "결제", "body": "설명"}]}), 1, 0),
    ],
)
def test_auto_kind_is_decided_per_file_from_the_columns(
    tmp_path: Path, name: str, text: str, articles: int, tickets: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read_paths([path])
    assert (len(result.articles), len(result.tickets)) == (articles, tickets)
    assert [i for i in result.issues if i.severity == "error"] == []


def test_rows_of_unknown_shape_are_an_error_that_suggests_kind(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("text,category\nhello,greeting\n", encoding="utf-8")
    result = read_paths([path])
    assert result.articles == [] and result.tickets == []
    [issue] = result.issues
    assert issue.severity == "error"
    assert "text, category" in issue.reason
    assert "kind='tickets'" in issue.reason
    mapped = read_paths([path], ticket_columns={"inquiry": "text"})
    assert [t.inquiry for t in mapped.tickets] == ["hello"]


def test_explicit_kind_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("title,body\n결제,카드가 안 돼요\n", encoding="utf-8")
    assert len(read_paths([path], kind="tickets").tickets) == 1
    [article] = read_paths([path], kind="articles").articles
    assert (article.title, article.sections) == ("결제", {"summary": "카드가 안 돼요"})


def test_markdown_is_skipped_with_a_warning_when_kind_is_tickets(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    result = read_paths([tmp_path], kind="tickets")
    assert result.articles == []
    assert [i.severity for i in result.issues] == ["warning"]


def test_structured_file_without_records_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("question,answer\n", encoding="utf-8")
    result = read_paths([path])
    assert [(i.severity, i.reason) for i in result.issues] == [("warning", "no records in the file")]


def test_bad_kind_raises() -> None:
    with pytest.raises(ValueError, match="kind must be"):
        read_paths([], kind="faq")  # type: ignore[arg-type]


def test_a_single_path_is_accepted_as_well_as_a_list(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    assert read_paths(tmp_path) == read_paths([tmp_path])  # type: ignore[arg-type]
    assert discover_files(str(tmp_path))[0] == [tmp_path / "a.md"]
