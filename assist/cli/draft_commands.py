"""`kms drafts generate | list | show | approve | reject | merge | apply`: auto-drafted KMS articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assist.cli.access_commands import audited, cli_actor
from assist.cli.app import CliConsole, app, console

if TYPE_CHECKING:  # the drafts layer (clustering, the model) loads inside the commands
    from assist.cli.progress import StageProgress
    from assist.drafts import DraftDetail, GenerateResult
    from assist.drafts.apply_proposal import ProposalPlan
    from assist.knowledge import KnowledgeBase

drafts = typer.Typer(
    name="drafts",
    help="Recurring inquiry topics the KB does not answer, as draft articles to review.",
    no_args_is_help=True,
)
app.add_typer(drafts, name="drafts")
out = CliConsole()
_STAGES = {
    "vectors": "티켓 벡터 (tickets)",
    "topics": "주제 분석·초안 (topics)",
    "embed ahead": "승인 대비 초안 벡터 (embedding drafts ahead of approval)",
}


def _kb() -> KnowledgeBase:
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    return KnowledgeBase(Settings())


def _both(key: str, **values: object) -> str:
    """A message of ``assist.drafts.messages`` as the CLI prints it: ``Korean (English)``; an
    unknown key (a status or code with no label yet) as it is."""
    from assist.drafts.messages import DRAFT_MESSAGES, text

    if key not in DRAFT_MESSAGES:
        return key.rsplit(".", 1)[-1]
    return f"{text(key, 'ko', **values).rstrip(':')} ({text(key, 'en', **values)})"


def _ko(key: str, **values: object) -> str:
    """The Korean text alone (inside a ``Korean (English, …)`` gloss); an unknown key as it is."""
    from assist.drafts.messages import DRAFT_MESSAGES, text

    return text(key, "ko", **values) if key in DRAFT_MESSAGES else key.rsplit(".", 1)[-1]


@contextmanager
def _korean_errors() -> Iterator[None]:
    """A review error (not found, conflict, invalid input) is shown Korean first, the domain's
    English message in parentheses: ``error: 초안을 찾을 수 없습니다. (draft 9 does not exist; …)``.
    The exception itself (type, details) and the exit code stay as they are."""
    from assist.drafts.messages import error_text
    from assist.errors import ConflictError, InvalidInputError, NotFoundError

    try:
        yield
    except (NotFoundError, ConflictError, InvalidInputError) as exc:
        exc.message = f"{error_text(exc, 'ko', cli=True)} ({exc.message})"
        raise


def _progress() -> AbstractContextManager[StageProgress]:
    """One progress line per stage (ticket vectors, then topics) on stderr."""
    from assist.cli.progress import stage_progress

    return stage_progress(console, _STAGES)


def _print_detail(draft: DraftDetail) -> None:
    head = f"[bold]#{draft.id} {escape(draft.title)}[/]  {_both(f'drafts.status.{draft.status}')}"
    out.print(f"{head} · 티켓 (tickets) {draft.size}건 · 증가 (growth) +{draft.growth:g}", highlight=False)
    if draft.coverage is not None:
        reasons = ", ".join(_both(f"drafts.reason.{r}") for r in draft.reasons) or "-"
        chance = (
            f" · {_both('drafts.gap_probability')} {draft.gap_probability:.2f}"
            if draft.gap_probability is not None
            else ""
        )
        why = f"{_both('drafts.cli.reasons')}: {reasons}"
        out.print(f"{_both('drafts.coverage')} {draft.coverage:.3f}{chance} · {why}")
    if draft.article_id:
        out.print(f"{_both('drafts.published_as')}: {draft.article_id}", highlight=False)
    elif draft.merged_into:
        out.print(f"{_both('drafts.merged_into')}: {draft.merged_into}", highlight=False)
    if draft.reject_reason:
        out.print(f"{_both('drafts.reject_reason')}: {draft.reject_reason}", highlight=False, markup=False)
    if draft.unanswered:
        near = _both("drafts.cli.unanswered_near")
        out.print(f"{_both('drafts.unanswered_count', n=draft.unanswered)} — {near}", highlight=False)
        for question in draft.unanswered_examples:
            out.print(f"  - {question}", highlight=False, markup=False)
    for note in draft.review_notes:
        out.print(f"[dim]{_both('drafts.cli.review_note')}: {escape(note)}[/]", highlight=False)
    proposal = draft.evidence.get("proposal") or {}
    if proposal.get("kind") == "update":
        title = _both("drafts.proposal.title", article_id=proposal.get("article_id"))
        out.print(f"[bold]{escape(title)}[/] — {_both('drafts.cli.not_new')}", highlight=False)
        for pair in proposal.get("add_scripts", []):
            out.print(
                f"  + Q: {pair['question']}\n    A: {pair['answer']}  ({pair['ticket']})",
                highlight=False,
                markup=False,
            )
        if proposal.get("add_situations"):
            situations = ", ".join(proposal["add_situations"])
            out.print(
                f"  + {_both('drafts.proposal.situations')}: {situations}", highlight=False, markup=False
            )
        applied = draft.evidence.get("applied") or {}
        if applied:
            values = {k: applied.get(k) or "-" for k in ("author", "at", "version")}
            article = f"{_both('drafts.proposal.article')}: {applied.get('article_id')}"
            out.print(
                f"{article} · {_both('drafts.proposal.applied_by', **values)}", highlight=False, markup=False
            )
        elif draft.status == "pending":
            out.print(_both("drafts.cli.apply_hint", id=draft.id), highlight=False, markup=False)


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

    with _korean_errors():
        kb = _kb()
        if as_json:
            result = generate(kb, DraftSettings(), since=since, min_size=min_size)
            out.print_json(result.model_dump_json())
            return
        with _progress() as progress:
            result = generate(kb, DraftSettings(), since=since, min_size=min_size, progress=progress)
    for line in _summary(result, since):
        out.print(line, highlight=False, markup=False)


def _summary(result: GenerateResult, since: str) -> list[str]:
    """What `kms drafts generate` prints after a run, one subject a line, Korean (English)."""
    counts = {
        "tickets": result.tickets,
        "topics": result.topics,
        "gaps": result.gaps,
        "created": len(result.created),
        "updated": len(result.updated),
        "suppressed": len(result.suppressed),
        "skipped": len(result.skipped),
    }
    lines = ["  ".join(f"{_both(f'drafts.cli.{key}')}: {n}" for key, n in counts.items())]
    if result.outside_window:
        lines.append(_both("drafts.cli.outside_window", n=result.outside_window, since=since))
    if result.update_proposals:
        ids = ", ".join(f"#{d}" for d in result.update_proposals)
        lines.append(_both("drafts.cli.update_proposals", n=len(result.update_proposals), ids=ids))
    if result.unanswered:
        matched = {"n": result.unanswered, "matched": result.unanswered_matched}
        lines.append(_both("drafts.cli.unanswered_matched", **matched))
    if result.created or result.updated:
        lines.append(_both("drafts.cli.see_list"))
    for gap in result.unanswered_gaps:
        questions = _both("drafts.gap_questions", n=gap.questions)
        lines.append(f"{_both('drafts.gaps')}: {questions}, {', '.join(gap.keywords)}")
    return lines


@drafts.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option(help="pending | approved | rejected | merged")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Drafts, most asked (tickets + unanswered chatbot questions) and fastest-growing first."""
    from assist.drafts import list_draft_summaries

    with _korean_errors():
        rows = list_draft_summaries(_kb(), status=status, limit=limit)
    if as_json:
        out.print_json(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False))
        return
    table = Table(title="초안 (drafts)")
    for col in ("#", "상태", "제목", "티켓", "챗봇 미응답", "증가", "유사도", "이유"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r.id), _both(f"drafts.status.{r.status}"), escape(r.title), str(r.size), str(r.unanswered),
            f"+{r.growth:g}", f"{r.coverage:.3f}" if r.coverage is not None else "-",
            ", ".join(_both(f"drafts.reason.{reason}") for reason in r.reasons),
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

    with _korean_errors():
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
        out.print(f"[green]{_both('drafts.lint')}: {_both('drafts.lint_ok')}[/]")
        return
    count = _both("drafts.lint_count", n=len(draft.lint))
    table = Table(title=f"{_both('drafts.lint')}: {count} {_both('drafts.cli.lint_override')}")
    for col in ("섹션", "코드", "문장", "설명"):
        table.add_column(col)
    for f in draft.lint:
        table.add_row(f.section, _both(f"drafts.lint.{f.code}"), escape(f.text), escape(f.message))
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

    with _korean_errors(), audited("draft.approve", str(draft_id)):
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

    with _korean_errors(), audited("draft.reject", str(draft_id)):
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
        raise typer.BadParameter(_both("drafts.cli.err.merge_target"))
    with _korean_errors(), audited("draft.merge", str(draft_id)):
        if into_draft is not None:
            draft = merge_into_draft(_kb(), draft_id, into_draft, author=cli_actor())
        else:
            draft = merge_draft(_kb(), draft_id, into or "", author=cli_actor())
    _print_detail(draft)


def _print_plan(plan: ProposalPlan) -> None:
    """What an applied proposal added to the article and what it left out, and why."""
    left_out, dropped = _ko("drafts.proposal.left_out"), _ko("drafts.cli.dropped")

    def line(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    def why(code: str | None) -> str:
        return _ko(f"drafts.leftout.{code or 'unsafe'}")

    for pair in plan.added:
        line(f"  + Q: {pair.question}\n    A: {pair.answer}  ({pair.ticket})")
        for note, rewrite in pair.rewritten:
            line(f"      {_both('drafts.proposal.rewritten')}: {note} → {rewrite}")
        for sentence in pair.dropped:
            line(f"      {dropped} (dropped, {why(sentence.reason)}): {sentence.text}")
    for keyword in plan.situations:
        line(f"  + 주요 상황 (검토 필요): {keyword}")
    for pair in plan.skipped:
        line(f"  - {left_out} (left out, {why(pair.skip)}): Q: {pair.question}  ({pair.ticket})")
        for sentence in pair.dropped:
            line(f"      {dropped} (dropped, {why(sentence.reason)}): {sentence.text}")
    for keyword in plan.situations_present:
        line(f"  - {_both('drafts.proposal.present')}: {keyword}")


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
    from assist.drafts.apply_proposal import apply_proposal, preview_proposal, update_proposal

    if dry_run:
        with _korean_errors():
            kb = _kb()
            evidence = get_draft(kb, draft_id).evidence
            update_proposal(draft_id, evidence)  # a "new" proposal: the same error as applying it
            preview = preview_proposal(kb, evidence)
        if preview is None:
            article_id = evidence["proposal"]["article_id"]
            raise typer.BadParameter(_both("drafts.proposal.unavailable", article_id=article_id))
        dry = _both("drafts.cli.dry_run")
        out.print(f"[bold]#{draft_id} → {preview.article_id} ({dry})[/]", highlight=False)
        _print_plan(preview)
        return
    with _korean_errors(), audited("draft.apply", str(draft_id)):
        result = apply_proposal(_kb(), draft_id, author=cli_actor())
    plan = result.plan
    counts = {"added": len(plan.added), "situations": len(plan.situations), "skipped": len(plan.skipped)}
    done = _both("drafts.cli.applied", **counts)
    out.print(f"[bold]#{draft_id} → {plan.article_id} v{result.version}[/]: {done}", highlight=False)
    _print_plan(plan)
