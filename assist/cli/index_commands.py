"""`kms index compact`: fold the incremental writes (the delta segment) into a new index folder."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assist.cli.app import CliConsole, app
from assist.cli.help_text import KmsGroup

out = CliConsole()
index_app = typer.Typer(
    name="index", cls=KmsGroup, no_args_is_help=True, help="The serving index: compaction of its delta."
)
app.add_typer(index_app, name="index")


@index_app.command("compact")
def compact_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Fold the resolves, approvals and article edits made since the last build into a new main
    index folder now (the server does it by itself past KMS_INDEX_DELTA_MAX_*); serving goes on."""
    from core.settings import Settings
    from indexes import compaction, store

    settings = Settings()
    done = compaction.compact_current(settings.index_root, store.IndexConfig.from_settings(settings))
    payload = {
        "compacted": done is not None,
        "pending": done[0] if done else 0,
        "folder": done[1].name if done else None,
    }
    if as_json:
        out.print_json(json.dumps(payload))
    elif done is None:
        out.print("nothing to compact: the index has no pending incremental writes")
    else:
        out.print(f"compacted {done[0]} pending chunks into {done[1].name}", highlight=False)
