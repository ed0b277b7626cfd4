"""`kms ask`: the answer the chatbot would send, from the command line.

A KMS owner trying the knowledge base (or an evaluator on the first day) sees what `/v1/answer`
would return for a question without running the server: the reply and its citations, or the
hand-off with its reason, and the confidence against the threshold. When the answer was held back
for low confidence, the reply that was held back is shown too, so that the owner can tell whether
the knowledge base lacks the answer or only the confidence to send it. Nothing is written to the
query log: trying the knowledge base is not customer traffic.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from assist.cli.app import app
from assist.cli.kb_commands import empty_kb_error, out, warm_up_analyser

if TYPE_CHECKING:
    from assist.schemas import Answer


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help='The customer\'s question, e.g. "환불 언제 되나요?".')],
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Answer from this confidence (default KMS_ANSWER_THRESHOLD)."),
    ] = None,
    locale: Annotated[
        str | None, typer.Option(metavar="ko|en", help="Reply language (default: the question's).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the /v1/answer JSON.")] = False,
) -> None:
    """The answer the chatbot would send (or its hand-off), its citations and confidence."""
    from core.settings import Settings

    settings = Settings()
    empty = empty_kb_error(settings, "nothing to answer from")
    if empty is not None:  # before the model loads: an empty data dir has nothing to answer from
        raise empty
    warm_up_analyser(question)
    from assist.answer import answer_question
    from assist.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings)
    limit = settings.answer_threshold if threshold is None else threshold
    answer = answer_question(kb, question, locale=locale, threshold=limit, log=False)
    held: Answer | None = None
    if answer.abstained and (answer.handoff_reason or "").startswith("low_confidence"):
        held = answer_question(kb, question, locale=locale, threshold=0.0, log=False)
    if as_json:
        data = answer.model_dump(mode="json", exclude={"log_id"})
        data["threshold"] = limit
        if held is not None:
            data["held_back"] = held.model_dump(mode="json", include={"answer", "citations"})
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    _print(answer, limit, held)


def _print(answer: Answer, limit: float, held: Answer | None) -> None:
    from rich.table import Table

    sent = "답변 (sent)" if not answer.abstained else "상담원 연결 (hand-off)"
    out.print(f"[bold]{sent}[/]")
    out.print(answer.answer, markup=False, highlight=False)
    sign = "≥" if answer.confidence >= limit else "<"
    line = f"신뢰도 (confidence) {answer.confidence:.2f} {sign} 기준 (threshold) {limit:.2f}"
    if answer.handoff_reason:
        line += f" · {answer.handoff_reason}"
    out.print(line, markup=False, highlight=False)
    shown = held if held is not None else answer
    if held is not None:
        out.print("[bold]기준 미달로 보내지 않은 답변 (held back: confidence below the threshold)[/]")
        out.print(held.answer, markup=False, highlight=False)
    if not shown.citations:
        return
    table = Table(show_lines=True)
    for col in ("#", "문서", "섹션", "인용"):
        table.add_column(col)
    for c in shown.citations:
        table.add_row(f"[{c.n}]", f"{c.title}\n[dim]{c.doc_id}[/]", c.section, c.snippet[:160])
    out.print(table)
