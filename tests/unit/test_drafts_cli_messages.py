"""`kms drafts …` speaks Korean first, the English in parentheses: every error path (as main()
prints it: ``error: 한국어 (English)``, exit 2, the same exception type and details) and the
lines of the generate summary. The Korean is the review page's own (assist.drafts.messages)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import test_drafts_data as data
from test_drafts_approval import CLEAN, add_draft
from test_drafts_cli import cli_env  # noqa: F401  (fixture)
from typer.testing import CliRunner

from assist.cli import draft_commands
from assist.cli.app import app
from assist.drafts import GenerateResult
from assist.drafts.messages import DRAFT_MESSAGES, error_text, text
from assist.drafts.schemas import QuestionGap
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase

template_dir = data.template_dir  # fixture
cli_app = importlib.import_module("assist.cli.app")  # the module (assist.cli.app is also the Typer app)


def _error(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """``kms ARGS`` through main(): the one error line it prints (exit code 2)."""
    monkeypatch.setattr(sys, "argv", ["kms", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli_app.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err.removeprefix("error: ").rstrip("\n")


def _ids(cli: CliRunner) -> list[int]:
    generated = cli.invoke(app, ["drafts", "generate", "--since", "30d", "--json"])
    assert generated.exit_code == 0, generated.output
    listed = json.loads(cli.invoke(app, ["drafts", "list", "--json", "--status", "pending"]).stdout)
    return [d["id"] for d in listed]


def test_every_review_error_is_korean_first(
    cli_env: CliRunner,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    first, second = _ids(cli_env)
    kb = KnowledgeBase(data.Settings(data_dir=tmp_path / "kms", embedder="hash"))
    sections = {**CLEAN, "policy": "- 고객님은 50만 원까지 상향 가능하여 한도를 변경해 드립니다."}
    case = add_draft(kb, sections, title="한도 상향 안내", tickets=["PU-3", "PU-4"])  # one lint finding
    data.close(kb)

    def shown(*args: str) -> str:
        return _error(["drafts", *args], monkeypatch, capsys)

    assert shown("show", "999") == (
        "초안을 찾을 수 없습니다. (draft 999 does not exist; `kms drafts list` shows the drafts)"
    )
    assert shown("approve", str(case), "--owner", "결제팀") == (
        "초안 점검에서 1건이 발견되었습니다. 고치거나, 그대로 승인하려면 사유를 적어 주세요. "
        "(the draft has 1 lint finding(s) (case_specific); fix them, or approve with an override reason)"
    )
    assert shown("approve", str(first), "--owner", " ", "--override", "확인") == (
        "담당자를 입력해 주세요. (the article's owner (담당자) is required)"
    )
    assert shown("approve", str(first), "--owner", "물류팀", "--article-id", "!") == (
        "문서 ID는 영문·숫자·'.'·'_'·'-'로 2~64자여야 합니다 (예: KB-012-gift-refund). (article id '!' is "
        "not valid: use 2-64 letters, digits, '.', '_' or '-' (for example KB-012-gift-refund))"
    )
    assert shown(
        "approve", str(first), "--owner", "물류팀", "--override", "확인", "--article-id", "KB-PW"
    ) == (
        "문서 KB-PW이(가) 이미 있습니다. 다른 문서 ID를 정해 주세요. (article KB-PW already exists; choose "
        "another article id)"
    )
    assert shown("reject", str(second), "--reason", " ") == (
        "반려 사유를 입력해 주세요. (a rejection needs a reason (what is wrong with the draft))"
    )
    assert shown("merge", str(first), "--into", "KB-NOPE") == (
        "문서 KB-NOPE을(를) 찾을 수 없습니다. (article 'KB-NOPE' does not exist)"
    )
    assert shown("merge", str(first), "--into-draft", str(first)) == (
        "병합할 초안을 다시 골라 주세요. (a draft cannot be merged into itself; choose another draft)"
    )
    assert shown("apply", str(first)) == (
        "이 초안은 기존 문서 보완 제안이 아닙니다. 새 문서로 승인하거나 병합해 주세요. "
        f"(draft {first} proposes no update of an existing article (proposal: new); approve it as a new "
        "article or merge it instead)"
    )
    assert shown("list", "--status", "done") == (
        "알 수 없는 상태입니다: done (검토 대기 pending, 승인됨 approved, 반려됨 rejected, 병합됨 merged, "
        "전체 all 중 하나) (status must be one of pending, approved, rejected, merged, not 'done')"
    )
    assert shown("generate", "--since", "soon") == (
        "기간은 90d, 12w, 3m 같은 형식이나 all이어야 합니다 (최대 100년). (since must look like '90d', "
        "'12w' or '3m' (or 'all'), not 'soon')"
    )
    with monkeypatch.context() as patch:  # the reviewer is the shell user: empty only if that is
        patch.setattr(draft_commands, "cli_actor", lambda: "")
        assert shown("reject", str(second), "--reason", "불필요") == (
            "검토자를 알 수 없습니다. 셸 사용자 이름을 확인해 주세요. (the reviewer is required)"
        )
    approved = cli_env.invoke(
        app, ["drafts", "approve", str(first), "--owner", "물류팀", "--override", "확인"]
    )
    assert approved.exit_code == 0, approved.output
    assert shown("reject", str(first), "--reason", "불필요") == (
        "이미 처리된 초안이거나 병합할 수 없는 대상입니다. "
        f"(draft {first} is approved; only a pending draft can be rejected)"
    )


def test_errors_keep_their_type_and_details(cli_env: CliRunner) -> None:  # noqa: F811
    """Only what is shown changes: the exception, its details and str() stay the domain's."""
    missing = cli_env.invoke(app, ["drafts", "merge", "42", "--into", "KB-PW"])
    assert isinstance(missing.exception, NotFoundError) and missing.exception.details == {"draft_id": 42}
    assert str(missing.exception) == "draft 42 does not exist; `kms drafts list` shows the drafts"
    assert missing.exception.message.startswith("초안을 찾을 수 없습니다. (draft 42 does not exist")
    bad = cli_env.invoke(app, ["drafts", "list", "--status", "done"])
    assert isinstance(bad.exception, InvalidInputError)
    assert bad.exception.details == {"field": "status", "value": "done"}


def test_merge_needs_one_target_in_korean(cli_env: CliRunner) -> None:  # noqa: F811
    both = cli_env.invoke(app, ["drafts", "merge", "1"])
    assert both.exit_code == 2  # click's usage error
    assert "--into 문서 ID 또는 --into-draft 초안 ID 중 하나만 주세요." in both.output
    assert "(Give exactly one of --into ARTICLE_ID or --into-draft DRAFT_ID.)" in both.output


def test_generate_summary_lines() -> None:
    result = GenerateResult(
        tickets=12, outside_window=19, topics=3, gaps=2, created=[4, 5], updated=[6], suppressed=[7],
        skipped=[], update_proposals=[5], unanswered=7, unanswered_matched=4, min_size=4, method="agglo",
        unanswered_gaps=[QuestionGap(questions=3, keywords=["관세", "통관"], examples=[])],
    )  # fmt: skip
    assert draft_commands._summary(result, "30d") == [
        "티켓 (tickets): 12  주제 (topics): 3  공백 (gaps): 2  새 초안 (created): 2  갱신 (updated): 1  "
        "반려로 보류 (suppressed): 1  이미 결정된 주제 (already covered by a decision): 0",
        "해결된 티켓 19건이 기간(30d) 밖이라 빠졌습니다. 포함하려면 `kms drafts generate --since all` (또는 "
        "--since 180d처럼 더 긴 기간)로 다시 실행하세요. (19 resolved ticket(s) are older than the window "
        "(30d) and were left out; include them with `kms drafts generate --since all` (or a longer window "
        "such as --since 180d))",
        "이 중 초안 1건은 새 문서 대신 기존 문서 보완을 제안합니다: #5 (1 of these drafts propose updating "
        "an existing article instead of a new one: #5)",
        "챗봇 미응답 질문: 7건 중 4건이 초안에 연결됨 (7 unanswered chatbot question(s), 4 attached to "
        "drafts)",
        "`kms drafts list`로 확인하세요 (see them with `kms drafts list`)",
        "티켓이 없는 공백 — 직접 작성 필요 (Gaps no ticket shows — write these by hand): 질문 3건 (3 "
        "question(s)), 관세, 통관",
    ]


def test_generate_says_how_to_include_older_tickets(cli_env: CliRunner) -> None:  # noqa: F811
    result = cli_env.invoke(app, ["drafts", "generate", "--since", "1d"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("티켓 (tickets): ")
    outside = [line for line in lines if line.startswith("해결된 티켓 ")]
    assert len(outside) == 1 and "기간(1d) 밖이라 빠졌습니다" in outside[0]
    assert (
        "`kms drafts generate --since all`" in outside[0] and "are older than the window (1d)" in outside[0]
    )


def test_one_text_per_message_for_page_and_cli() -> None:
    """The page and the CLI read the same table; the web module only re-exports it."""
    from assist.web.draft_labels import DRAFT_MESSAGES as PAGE

    assert PAGE is DRAFT_MESSAGES
    found = NotFoundError("draft 3 does not exist", details={"draft_id": 3})
    assert error_text(found) == text("drafts.err.no_draft") == "초안을 찾을 수 없습니다."
    assert error_text(found, "en") == "Draft not found."
    author = InvalidInputError("the reviewer is required", field="author")
    assert error_text(author) == text("drafts.err.author")  # the page: sign in again
    assert error_text(author, cli=True) == text("drafts.cli.err.author")  # the shell: no sign-in
    taken = ConflictError(
        "article KB-1 already exists", details={"article_id": "KB-1", "field": "article_id"}
    )
    assert error_text(taken, "en") == "Article KB-1 already exists; choose another id."


def test_the_shared_messages_load_no_web_server() -> None:
    """The CLI reads the page texts without FastAPI (``assist.web`` loads it on import)."""
    probe = "import sys, assist.drafts.messages; print('fastapi' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
