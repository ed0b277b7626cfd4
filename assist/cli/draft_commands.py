"""`kms drafts generate | list | show | approve | reject | merge | apply`: auto-drafted KMS articles."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from assist.cli.access_commands import audited, cli_actor
from assist.cli.app import CliConsole, app, console

if TYPE_CHECKING:  # the drafts layer (clustering, the model) loads inside the commands
    from assist.cli.progress import StageProgress
    from assist.drafts import DraftDetail
    from assist.drafts.apply_proposal import ProposalPlan
    from assist.knowledge import KnowledgeBase

drafts = typer.Typer(
    name="drafts",
    help="Recurring inquiry topics the KB does not answer, as draft articles to review.",
    no_args_is_help=True,
)
app.add_typer(drafts, name="drafts")
out = CliConsole()
_STAGES = {"vectors": "티켓 벡터 (tickets)", "topics": "주제 분석·초안 (topics)"}


def _kb() -> KnowledgeBase:
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    return KnowledgeBase(Settings())


def _progress() -> AbstractContextManager[StageProgress]:
    """One progress line per stage (ticket vectors, then topics) on stderr."""
    from assist.cli.progress import stage_progress

    return stage_progress(console, _STAGES)


def _print_detail(draft: DraftDetail) -> None:
    out.print(f"[bold]#{draft.id} {draft.title}[/]  ({draft.status}, 티켓 {draft.size}건, +{draft.growth:g})")
    if draft.coverage is not None:
        out.print(f"coverage {draft.coverage:.3f}  reasons: {', '.join(draft.reasons) or '-'}")
    if draft.article_id or draft.merged_into:
        out.print(f"article: {draft.article_id or draft.merged_into}")
    if draft.reject_reason:
        out.print(f"rejected: {draft.reject_reason}")
    if draft.unanswered:
        out.print(f"챗봇 미응답 질문 {draft.unanswered}건 (같은 기간, 이 주제에 가장 가까운 질문)")
        for question in draft.unanswered_examples:
            out.print(f"  - {question}", highlight=False, markup=False)
    for note in draft.review_notes:
        out.print(f"[dim]검토 메모: {note}[/]", highlight=False)
    proposal = draft.evidence.get("proposal") or {}
    if proposal.get("kind") == "update":
        out.print(f"[bold]proposal: update article {proposal.get('article_id')}[/] (not a new article)")
        for pair in proposal.get("add_scripts", []):
            out.print(f"  + Q: {pair['question']}\n    A: {pair['answer']}  ({pair['ticket']})")
        if proposal.get("add_situations"):
            out.print(f"  + situations: {', '.join(proposal['add_situations'])}")
        applied = draft.evidence.get("applied") or {}
        if applied:
            out.print(
                f"applied to {applied.get('article_id')} v{applied.get('version')} by {applied.get('author')}"
            )
        elif draft.status == "pending":
            out.print(f"apply it with `kms drafts apply {draft.id}`")


@drafts.command("generate")
def generate_cmd(
    since: Annotated[str, typer.Option(help="Window of resolved tickets: 90d, 12w, 3m or all.")] = "90d",
    min_size: Annotated[
        int | None, typer.Option("--min-size", min=2, help="Fewest tickets of a topic.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Mine recurring topics and create/refresh drafts for those the KB does not cover."""
    from assist.drafts import DraftSettings, generate

    kb = _kb()
    if as_json:
        result = generate(kb, DraftSettings(), since=since, min_size=min_size)
        out.print_json(result.model_dump_json())
        return
    with _progress() as progress:
        result = generate(kb, DraftSettings(), since=since, min_size=min_size, progress=progress)
    out.print(
        f"tickets: {result.tickets}  topics: {result.topics}  gaps: {result.gaps}  "
        f"created: {len(result.created)}  updated: {len(result.updated)}  "
        f"suppressed: {len(result.suppressed)}  already covered by a decision: {len(result.skipped)}"
    )
    if result.outside_window:
        out.print(
            f"{result.outside_window} resolved tickets are older than the window ({since}) and were left "
            "out; "
            "include them with `kms drafts generate --since all` (or a longer window such as --since 180d)"
        )
    if result.update_proposals:
        out.print(
            f"{len(result.update_proposals)} of these drafts propose updating an existing article instead of "
            "a new one: " + ", ".join(f"#{d}" for d in result.update_proposals)
        )
    if result.unanswered:
        out.print(f"챗봇 미응답 질문: {result.unanswered}건 중 {result.unanswered_matched}건이 초안에 연결됨")
    if result.created or result.updated:
        out.print("see them with `kms drafts list`")
    for gap in result.unanswered_gaps:
        out.print(
            f"티켓이 없는 공백 — 직접 작성 필요: 질문 {gap.questions}건, {', '.join(gap.keywords)}",
            highlight=False,
            markup=False,
        )


@drafts.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option(help="pending | approved | rejected | merged")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Drafts, most asked (tickets + unanswered chatbot questions) and fastest-growing first."""
    from assist.drafts import list_draft_summaries

    rows = list_draft_summaries(_kb(), status=status, limit=limit)
    if as_json:
        out.print_json(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False))
        return
    table = Table(title="초안 (drafts)")
    for col in ("#", "상태", "제목", "티켓", "챗봇 미응답", "증가", "유사도", "이유"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id), r.status, r.title, str(r.size), str(r.unanswered), f"+{r.growth:g}",
            f"{r.coverage:.3f}" if r.coverage is not None else "-", ", ".join(r.reasons),
        )  # fmt: skip
    out.print(table)


@drafts.command("show")
def show_cmd(
    draft_id: Annotated[int, typer.Argument(help="Draft id (see `kms drafts list`).")],
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the raw Markdown only.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (with provenance).")] = False,
) -> None:
    """A draft with its evidence: rendered article, per-sentence sources, source tickets."""
    from assist.drafts import get_draft

    draft = get_draft(_kb(), draft_id)
    if markdown:
        out.print(draft.markdown, markup=False, highlight=False, end="")
        return
    if as_json:
        out.print_json(draft.model_dump_json())
        return
    _print_detail(draft)
    if out.is_terminal:
        from rich.markdown import Markdown

        out.print(Markdown(draft.markdown))
    else:  # rendered Markdown centres headings across the line: a pipe gets the Markdown itself
        out.print(draft.markdown, markup=False, highlight=False)
    table = Table(title="근거 (provenance)", show_lines=False)
    for col in ("섹션", "문장", "티켓", "종류"):
        table.add_column(col)
    for section, sentences in draft.provenance.items():
        for s in sentences:
            table.add_row(
                section, s.text, ", ".join(s.tickets[:6]) + (" …" if len(s.tickets) > 6 else ""), s.kind
            )
    out.print(table)
    _print_lint(draft)


def _print_lint(draft: DraftDetail) -> None:
    if not draft.lint:
        out.print("[green]초안 점검 (lint): 문제 없음[/]")
        return
    table = Table(title=f"초안 점검 (lint): {len(draft.lint)}건 — 승인하려면 고치거나 --override 사유 필요")
    for col in ("섹션", "코드", "문장", "설명"):
        table.add_column(col)
    for f in draft.lint:
        table.add_row(f.section, f.code, f.text, f.message)
    out.print(table)


@drafts.command("approve")
def approve_cmd(
    draft_id: Annotated[int, typer.Argument(help="Draft id.")],
    owner: Annotated[str, typer.Option(help="Owner (담당자) of the new article (required).")],
    article_id: Annotated[
        str | None, typer.Option("--article-id", help="Id of the new article (default KB-D-<draft id>).")
    ] = None,
    override: Annotated[
        str | None,
        typer.Option(help="Why the draft is published despite its lint findings (needed when it has any)."),
    ] = None,
) -> None:
    """Publish a pending draft as a new article (indexed at once); lint findings block it.
    The reviewer is recorded as cli:<os user>, in the revision log and the audit log."""
    from assist.drafts import approve_draft

    with audited("draft.approve", str(draft_id)):
        draft = approve_draft(
            _kb(), draft_id, owner=owner, author=cli_actor(), article_id=article_id, override=override
        )
    _print_detail(draft)


@drafts.command("reject")
def reject_cmd(
    draft_id: Annotated[int, typer.Argument(help="Draft id.")],
    reason: Annotated[str, typer.Option(help="Why the draft is rejected.")],
) -> None:
    """Reject a pending draft; its topic stays suppressed until it grows (reviewer: cli:<os user>)."""
    from assist.drafts import reject_draft

    with audited("draft.reject", str(draft_id)):
        draft = reject_draft(_kb(), draft_id, reason, author=cli_actor())
    _print_detail(draft)


@drafts.command("merge")
def merge_cmd(
    draft_id: Annotated[int, typer.Argument(help="Draft id.")],
    into: Annotated[str | None, typer.Option("--into", help="Id of the published article to extend.")] = None,
    into_draft: Annotated[
        int | None, typer.Option("--into-draft", help="Or: id of another pending draft that absorbs it.")
    ] = None,
) -> None:
    """Append a pending draft's scripts and situations to an existing article or another draft."""
    from assist.drafts import merge_draft, merge_into_draft

    if (into is None) == (into_draft is None):
        raise typer.BadParameter("give exactly one of --into ARTICLE_ID or --into-draft DRAFT_ID")
    with audited("draft.merge", str(draft_id)):
        if into_draft is not None:
            draft = merge_into_draft(_kb(), draft_id, into_draft, author=cli_actor())
        else:
            draft = merge_draft(_kb(), draft_id, into or "", author=cli_actor())
    _print_detail(draft)


def _print_plan(plan: ProposalPlan, reasons: dict[str, str]) -> None:
    """What an applied proposal added to the article and what it left out, and why."""
    for pair in plan.added:
        out.print(
            f"  + Q: {pair.question}\n    A: {pair.answer}  ({pair.ticket})", markup=False, highlight=False
        )
        for note, rewrite in pair.rewritten:
            out.print(f"      고쳐 씀 (rewritten): {note} → {rewrite}", markup=False, highlight=False)
        for dropped in pair.dropped:
            why = reasons.get(dropped.reason, dropped.reason)
            out.print(f"      뺀 문장 (dropped, {why}): {dropped.text}", markup=False, highlight=False)
    for keyword in plan.situations:
        out.print(f"  + 주요 상황 (검토 필요): {keyword}", markup=False, highlight=False)
    for pair in plan.skipped:
        why = reasons.get(pair.skip or "", pair.skip or "")
        out.print(
            f"  - 제외 (left out, {why}): Q: {pair.question}  ({pair.ticket})", markup=False, highlight=False
        )
        for dropped in pair.dropped:
            why = reasons.get(dropped.reason, dropped.reason)
            out.print(f"      뺀 문장 (dropped, {why}): {dropped.text}", markup=False, highlight=False)
    for keyword in plan.situations_present:
        out.print(f"  - 이미 있는 상황 (already in the article): {keyword}", markup=False, highlight=False)


@drafts.command("apply")
def apply_cmd(
    draft_id: Annotated[int, typer.Argument(help="Draft id of an 'update article X' proposal.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be added and left out; write nothing.")
    ] = False,
) -> None:
    """Apply a pending draft's "update article X" proposal: the customer-facing Q/A pairs go into
    X's 상담 스크립트, the situations into 주요 상황 및 해결책 as 검토 필요 entries (a new version,
    indexed at once) and the draft becomes merged. Case reports and agent notes in the ticket
    answers are rewritten or left out. The reviewer is recorded as cli:<os user>, in the revision
    log and the audit log."""
    from assist.drafts import get_draft
    from assist.drafts.apply_proposal import REASONS, apply_proposal, preview_proposal, update_proposal

    if dry_run:
        kb = _kb()
        evidence = get_draft(kb, draft_id).evidence
        update_proposal(draft_id, evidence)  # a "new" proposal: the same error as applying it
        preview = preview_proposal(kb, evidence)
        if preview is None:
            raise typer.BadParameter(
                f"article {evidence['proposal']['article_id']} is missing or not published"
            )
        out.print(f"[bold]#{draft_id} → {preview.article_id} (dry run, nothing written)[/]", highlight=False)
        _print_plan(preview, REASONS)
        return
    with audited("draft.apply", str(draft_id)):
        result = apply_proposal(_kb(), draft_id, author=cli_actor())
    plan = result.plan
    out.print(
        f"[bold]#{draft_id} → {plan.article_id} v{result.version}[/]: 상담 스크립트 {len(plan.added)}건, "
        f"주요 상황 {len(plan.situations)}건 추가, 제외 {len(plan.skipped)}건 (draft merged)",
        highlight=False,
    )
    _print_plan(plan, REASONS)
