"""`kms integrations retry|status`: the outbox of the live integrations (Chatwoot, Zendesk,
Freshdesk). Calls that could not be sent (the helpdesk was down) wait there; ``retry`` sends the
due ones (``--now``: every waiting one) and each is delivered once."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assist.cli.app import CliConsole, app

out = CliConsole()
integrations = typer.Typer(
    help="Helpdesk and messenger integrations: retry the outbox, show its state.", no_args_is_help=True
)
app.add_typer(integrations, name="integrations")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@integrations.command("retry")
def retry(
    now: Annotated[bool, typer.Option("--now", help="Also calls whose backoff has not passed yet.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Send the calls waiting in the outbox; exit code 1 if any is still not delivered."""
    from assist.integrations import outbox
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    settings = Settings()
    report = outbox.deliver(settings, KnowledgeBase(settings).sessions, force=now)
    if json_out:
        out.print_json(json.dumps(report.as_dict()))
    else:
        out.print(
            f"delivered {report.delivered}, retry later {report.retry_later}, "
            f"failed {report.failed}, skipped {report.skipped}"
        )
        for line in report.errors:
            out.print(f"  {line}", markup=False, highlight=False)
    if report.retry_later or report.failed:
        raise typer.Exit(1)


@integrations.command("status")
def status(json_out: JsonOpt = False) -> None:
    """Calls in the outbox per status (pending, sending, delivered, failed)."""
    from assist.integrations import outbox
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings

    counts = outbox.counts(KnowledgeBase(Settings()).sessions)
    if json_out:
        out.print_json(json.dumps(counts))
        return
    for name in ("pending", "sending", "delivered", "failed"):
        out.print(f"{name:<10} {counts.get(name, 0)}")
