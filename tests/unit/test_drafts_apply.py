"""Applying an "update article X" proposal (assist.drafts.apply_proposal), in the domain and the CLI.

The tiny drafts KB (test_drafts_data) with the update thresholds of test_topic_clusters makes the
password topic an "update KB-PW" proposal. Its real answers are all case reports, so the first
test applies it as generated (nothing safe: refused); the others store a mixed proposal in the
draft's evidence, as generation would (agent notes, case reports, PII, a duplicate question).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import test_drafts_data as data
from sqlalchemy.orm.attributes import flag_modified
from typer.testing import CliRunner

from assist.cli.access_commands import cli_actor
from assist.cli.app import _register, app
from assist.drafts import generate, get_draft
from assist.drafts.apply_proposal import SITUATION_NOTE, apply_proposal, preview_proposal
from assist.errors import ConflictError, InvalidInputError, NotFoundError
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import DraftRow, get_article, list_revisions

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures
UPDATE = data.CONFIG.model_copy(
    update={"coverage_threshold": 0.99, "coverage_ceiling": 0.99, "update_floor": 0.5, "update_share": 0.6}
    | {"update_question_floor": 0.0}  # the hash embedder's cosines are not e5's
)
PHONE = "010-1234-5678"
MIXED: list[dict[str, str]] = [
    {  # a rule, then a report of this case: the rule stays
        "question": "비밀번호 재설정 링크는 얼마나 유효한가요",
        "answer": "비밀번호 재설정 링크는 24시간 동안 유효합니다. 재설정 메일을 다시 발송해 드렸습니다.",
        "ticket": "PW-11",
    },
    {  # an agent note with a customer-facing rewrite
        "question": "다른 이메일로 재설정 메일을 받을 수 있나요",
        "answer": "가입한 이메일로만 재설정 메일이 발송된다고 안내드렸습니다.",
        "ticket": "PW-12",
    },
    {  # a case report only: not added
        "question": "계정이 잠겼어요",
        "answer": "고객님 계정 잠금을 해제해 드렸습니다.",
        "ticket": "PW-13",
    },
    {  # an agent note without a rewrite: not added
        "question": "재설정 페이지가 안 열려요",
        "answer": "개발팀에 이관 요청함.",
        "ticket": "PW-14",
    },
    {  # the article asks it already (spacing differs)
        "question": "비밀번호  재설정 메일이   안 와요",
        "answer": "스팸함을 확인해 달라고 말씀드렸습니다.",
        "ticket": "PW-15",
    },
    {  # a masked value in the question: not a customer's question for a script
        "question": "제 이메일은 [이메일] 입니다",
        "answer": "비밀번호 재설정 링크는 24시간 동안 유효합니다.",
        "ticket": "PW-16",
    },
    {  # a rule, then a phone number: the number never reaches the article
        "question": "재설정 링크를 두 번 써도 되나요",
        "answer": f"재설정 링크는 한 번만 사용할 수 있습니다. 급하시면 {PHONE}로 연락 주세요.",
        "ticket": "PW-17",
    },
]
ADDED = (
    "Q: 비밀번호 재설정 링크는 얼마나 유효한가요\nA: 비밀번호 재설정 링크는 24시간 동안 유효합니다.\n\n"
    "Q: 다른 이메일로 재설정 메일을 받을 수 있나요\nA: 가입한 이메일로만 재설정 메일이 발송됩니다.\n\n"
    "Q: 재설정 링크를 두 번 써도 되나요\nA: 재설정 링크는 한 번만 사용할 수 있습니다."
)


def update_draft(kb: KnowledgeBase) -> int:
    result = generate(kb, UPDATE)
    [draft_id] = result.update_proposals
    return draft_id


def store_proposal(kb: KnowledgeBase, draft_id: int, **changes: Any) -> None:
    """Replace parts of a draft's proposal in its evidence (as a generation run stores it)."""
    with kb.sessions.begin() as session:
        row = session.get(DraftRow, draft_id)
        assert row is not None
        row.evidence = {**row.evidence, "proposal": {**row.evidence["proposal"], **changes}}
        flag_modified(row, "evidence")


@pytest.fixture
def mixed(drafts_kb: KnowledgeBase) -> int:
    draft_id = update_draft(drafts_kb)
    store_proposal(drafts_kb, draft_id, add_scripts=MIXED, add_situations=["인증번호", "스팸함"])
    return draft_id


def test_the_generated_proposal_has_nothing_safe_and_is_refused(drafts_kb: KnowledgeBase) -> None:
    draft_id = update_draft(drafts_kb)
    draft = get_draft(drafts_kb, draft_id)
    plan = preview_proposal(drafts_kb, draft.evidence)
    assert plan is not None and plan.article_id == "KB-PW" and plan.added == []
    # "… 다시 발송해 드렸습니다" reports one case; two of the questions are in the article already
    assert sorted(p.skip or "" for p in plan.pairs) == [
        "duplicate",
        "duplicate",
        "unsafe",
        "unsafe",
        "unsafe",
    ]
    with pytest.raises(
        InvalidInputError, match=rf"nothing of draft {draft_id}.s proposal can be added to article KB-PW"
    ):
        apply_proposal(drafts_kb, draft_id, author="이검토")
    assert get_draft(drafts_kb, draft_id).status == "pending"


def test_apply_adds_exactly_the_safe_pairs_and_merges_the_draft(drafts_kb: KnowledgeBase, mixed: int) -> None:
    result = apply_proposal(drafts_kb, mixed, author="이검토")
    plan = result.plan
    assert [p.ticket for p in plan.added] == ["PW-11", "PW-12", "PW-17"]
    assert {p.ticket: p.skip for p in plan.skipped} == {
        "PW-13": "unsafe",
        "PW-14": "unsafe",
        "PW-15": "duplicate",
        "PW-16": "question",
    }
    dropped = {d.text: d.reason for p in plan.pairs for d in p.dropped}
    assert dropped == {
        "재설정 메일을 다시 발송해 드렸습니다.": "case_report",
        "고객님 계정 잠금을 해제해 드렸습니다.": "case_report",
        "개발팀에 이관 요청함.": "agent_note",
        "급하시면 [전화번호]로 연락 주세요.": "placeholder",
    }
    assert plan.situations == ["인증번호"] and plan.situations_present == ["스팸함"]
    with drafts_kb.sessions() as session:
        row = get_article(session, "KB-PW")
        assert row is not None and row.version == 2 and row.status == "published"
        scripts, situations = row.sections()["scripts"], row.sections()["situations"]
        assert scripts.startswith("Q: 비밀번호 재설정 메일이 안 와요")  # the article's own pairs stay first
        assert scripts.endswith(ADDED)
        assert situations.endswith(f"### 인증번호 관련 문의 (검토 필요)\n{SITUATION_NOTE}")
        assert "### 스팸함" not in situations
        body = "\n".join(row.sections().values())
        for unsafe in ("잠금을 해제해", "이관 요청", "[이메일]", PHONE, "[전화번호]", "안내드렸습니다"):
            assert unsafe not in body.replace("스팸함을 확인하도록 안내합니다.", "")
        log = row.sections()["management"]
        assert f"초안 #{mixed} 보완 제안 적용: 상담 스크립트 3건·주요 상황 1건 추가 (검토: 이검토)" in log
        revision = list_revisions(session, "KB-PW")[-1]
        assert revision.author == "이검토" and revision.change_note == f"초안 #{mixed} 보완 제안 적용"
    draft = get_draft(drafts_kb, mixed)
    assert draft.status == "merged" and draft.merged_into == "KB-PW" and result.version == 2
    assert draft.evidence["applied"]["author"] == "이검토" and draft.evidence["applied"]["version"] == 2
    # indexed at once: the added rule is searchable in the article's chunks
    [hit] = drafts_kb.search("재설정 링크는 한 번만 사용할 수 있습니다", k=1, doc_types={"article"})
    assert hit.doc_id == "article:KB-PW"
    assert any("한 번만 사용할 수 있습니다" in c.chunk.text for c in hit.chunks)


def test_a_second_apply_and_bad_requests_are_refused(drafts_kb: KnowledgeBase, mixed: int) -> None:
    with pytest.raises(InvalidInputError, match="the reviewer is required"):
        apply_proposal(drafts_kb, mixed, author="  ")
    apply_proposal(drafts_kb, mixed, author="이검토")
    with pytest.raises(ConflictError) as again:
        apply_proposal(drafts_kb, mixed, author="박검토")
    message = str(again.value)
    assert "\n" not in message and f"draft {mixed} was already applied to article KB-PW by 이검토" in message
    with pytest.raises(NotFoundError, match="draft 999 does not exist"):
        apply_proposal(drafts_kb, 999, author="이검토")
    new = next(d for d in generate(drafts_kb, UPDATE).updated if d != mixed)  # 편의점 픽업: a new article
    assert get_draft(drafts_kb, new).evidence["proposal"]["kind"] == "new"
    with pytest.raises(InvalidInputError, match=f"draft {new} proposes no update of an existing article"):
        apply_proposal(drafts_kb, new, author="이검토")
    assert preview_proposal(drafts_kb, get_draft(drafts_kb, new).evidence) is None
    with drafts_kb.sessions() as session:
        row = get_article(session, "KB-PW")
        assert row is not None and row.version == 2  # nothing written twice


def test_an_unpublished_article_is_not_updated(drafts_kb: KnowledgeBase, mixed: int) -> None:
    store_proposal(drafts_kb, mixed, article_id="KB-NOPE")
    with pytest.raises(NotFoundError, match="article 'KB-NOPE' of the proposal does not exist"):
        apply_proposal(drafts_kb, mixed, author="이검토")
    assert get_draft(drafts_kb, mixed).status == "pending"


def test_cli_apply_prints_what_was_added_and_left_out(
    template_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(template_dir, tmp_path / "kms", symlinks=True)
    kb = KnowledgeBase(Settings(data_dir=tmp_path / "kms", embedder="hash"))  # type: ignore[call-arg]
    draft_id = update_draft(kb)
    store_proposal(kb, draft_id, add_scripts=MIXED, add_situations=["인증번호"])
    data.close(kb)
    monkeypatch.setenv("KMS_DATA_DIR", str(tmp_path / "kms"))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    _register()
    cli = CliRunner()
    shown = cli.invoke(app, ["drafts", "show", str(draft_id)])
    assert shown.exit_code == 0 and f"apply it with `kms drafts apply {draft_id}`" in shown.stdout
    dry = cli.invoke(app, ["drafts", "apply", str(draft_id), "--dry-run"])
    assert dry.exit_code == 0 and "(dry run, nothing written)" in dry.stdout
    assert "- 제외 (left out, 문서에 이미 있는 질문): Q: 비밀번호 재설정 메일이 안 와요" in dry.stdout
    done = cli.invoke(app, ["drafts", "apply", str(draft_id)])
    assert done.exit_code == 0, done.output
    text = done.stdout
    assert f"#{draft_id} → KB-PW v2: 상담 스크립트 3건, 주요 상황 1건 추가, 제외 4건" in text
    assert "+ Q: 다른 이메일로 재설정 메일을 받을 수 있나요" in text
    assert "고쳐 씀 (rewritten): 가입한 이메일로만 재설정 메일이 발송된다고 안내드렸습니다. → " in text
    assert "- 제외 (left out, 고객에게 안내할 문장이 남지 않음): Q: 계정이 잠겼어요" in text
    assert "뺀 문장 (dropped, 사례 보고): 고객님 계정 잠금을 해제해 드렸습니다." in text
    assert "- 제외 (left out, 문서에 이미 있는 질문): Q: 비밀번호 재설정 메일이 안 와요" in text
    assert "+ 주요 상황 (검토 필요): 인증번호" in text and PHONE not in text
    again = cli.invoke(app, ["drafts", "apply", str(draft_id)])
    assert isinstance(again.exception, ConflictError)  # main() prints "error: …" and exits 2
    audit = [json.loads(line) for line in cli.invoke(app, ["audit", "--json"]).stdout.splitlines()]
    assert [(e["action"], e["outcome"], e["actor"]) for e in audit] == [
        ("draft.apply", "failed", cli_actor()),
        ("draft.apply", "ok", cli_actor()),
    ]
    revision = cli.invoke(app, ["drafts", "show", str(draft_id)]).stdout
    assert f"대상 문서 (Article): KB-PW · {cli_actor()}님이 " in revision
    assert "에 적용함 (문서 v2) (Applied by " in revision
