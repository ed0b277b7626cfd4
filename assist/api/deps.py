"""FastAPI dependencies shared by every router: the KnowledgeBase opened in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assist.knowledge import KnowledgeBase


def get_kb(request: Request) -> KnowledgeBase:
    """The app's KnowledgeBase (set on ``app.state.kb`` by the app factory's lifespan)."""
    return request.app.state.kb  # type: ignore[no-any-return]


KB = Annotated[KnowledgeBase, Depends(get_kb)]
