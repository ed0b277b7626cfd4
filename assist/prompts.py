"""Jinja2 templates from the ``prompts`` package (reply drafts, chatbot answers, LLM prompts)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain-text prompts; HTML pages use their own autoescaping environment
        keep_trailing_newline=False,
    )


@dataclass(frozen=True)
class Rendered:
    text: str
    greeting: list[str]
    closing: list[str]


def render(name: str, **variables: Any) -> Rendered:
    """Render a template; top-level ``{% set greeting/closing %}`` values are returned too."""
    module = environment().get_template(name).make_module(variables)
    return Rendered(
        text=str(module).strip(),
        greeting=list(getattr(module, "greeting", []) or []),
        closing=list(getattr(module, "closing", []) or []),
    )


def render_text(name: str, **variables: Any) -> str:
    return environment().get_template(name).render(**variables).strip()
