"""Help text that reads like a manual, not like Python: ``PATH...``, ``TEXT``, ``INTEGER``.

typer 0.29 labels a parameter with its Python annotation (``<list[Path]>``, ``<bool>``, a usage
line ``{paths}...``). :class:`KmsGroup`, the class of the root ``kms`` group, relabels every
parameter of every command below it once the command tree is built: an option shows the kind of
value it takes (nothing for a flag), an argument its name in capitals (``PATH...`` for files).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, get_args

from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

# the names click itself prints for these value types
_TYPE_NAMES: dict[Any, str] = {
    str: "TEXT",
    int: "INTEGER",
    float: "NUMBER",
    bool: "BOOLEAN",
    datetime: "DATETIME",
}


def type_label(param: TyperArgument | TyperOption) -> str:
    """The human name of the value a parameter takes: ``TEXT``, ``PATH``, ``a|b|c``."""
    desc = param.type_descriptor
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    if desc.is_path or desc.is_file:
        return "PATH"
    annotation = desc.annotation
    if desc.is_list:
        (annotation,) = get_args(annotation) or (str,)
        if annotation is Path:
            return "PATH"
    return _TYPE_NAMES.get(annotation, "VALUE")


def argument_label(param: TyperArgument) -> str:
    """An argument as the usage line shows it: ``PATH...``, ``QUERY``, ``DRAFT_ID``."""
    base = "PATH" if type_label(param) == "PATH" else (param.name or "value").upper()
    return base + ("..." if param.nargs != 1 else "")


class HumanArgument(TyperArgument):
    """A typer argument labelled ``PATH...`` in the usage line and the help table."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        label = type_label(self)
        return None if label in ("PATH", "TEXT") else label  # the name already says it

    def _usage_display_name(self) -> str:
        label = argument_label(self)
        return label if self.required else f"[{label}]"


def humanize(command: _click.Command) -> None:
    """Relabel the parameters of ``command`` and of every command below it (idempotent)."""
    ctx = _click.Context(command, **command.context_settings)
    help_option = command.get_help_option(ctx)  # created once and cached by click
    for param in [*command.params, *([help_option] if help_option else [])]:
        if isinstance(param, TyperOption):
            if param.metavar is None:
                param.metavar = "" if param.is_flag else type_label(param)
        elif isinstance(param, TyperArgument) and not isinstance(param, HumanArgument):
            param.metavar = argument_label(param)
            param.__class__ = HumanArgument  # adds behaviour only, no state
    for sub in getattr(command, "commands", {}).values():
        humanize(sub)


class KmsGroup(TyperGroup):
    """The root ``kms`` group: built last, it relabels the whole command tree below it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        humanize(self)
