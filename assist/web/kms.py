"""KMS pages: article list and search, one article in the 9-section layout with its version
history, a diff between two versions, and the edit form (new version + incremental re-index)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from assist import articles
from assist.api.deps import KB
from assist.errors import InvalidInputError
from assist.web.render import PageRoute, recall, remember, render
from indexes.db import ARTICLE_STATUSES
from ingest.records import REQUIRED_SECTIONS, SECTION_KEYS

router = APIRouter(route_class=PageRoute, include_in_schema=False)

AUTHOR_COOKIE = "kms_author"


@router.get("/kms")
def kms_list(
    request: Request,
    kb: KB,
    q: Annotated[str, Query(max_length=500)] = "",
    tag: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=20)] = "published",
) -> Response:
    items = articles.list_articles(kb, q=q, tag=tag, status=status or "published")
    return render(
        request,
        "kms_list.html",
        {
            "items": items,
            "q": q,
            "tag": tag,
            "status": status or "published",
            "statuses": (*ARTICLE_STATUSES, "all"),
        },
    )


@router.get("/kms/{article_id}")
def article_page(request: Request, kb: KB, article_id: str) -> Response:
    view = articles.get_article_view(kb, article_id)
    context = {"a": view, "keys": [k for k in SECTION_KEYS if k != "title"], "required": REQUIRED_SECTIONS}
    return render(request, "article.html", context)


def _edit_form(
    request: Request,
    view: articles.ArticleView,
    values: dict[str, str],
    *,
    error: str | None = None,
    error_field: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "a": view,
        "keys": SECTION_KEYS,
        "required": REQUIRED_SECTIONS,
        "values": values,
        "error": error,
        "error_field": error_field,
        "notice": notice,
    }
    return render(request, "article_edit.html", context, status_code=status_code)


@router.get("/kms/{article_id}/edit")
def edit_form(request: Request, kb: KB, article_id: str) -> Response:
    view = articles.get_article_view(kb, article_id)
    values = {"title": view.title, **view.sections, "change_note": "", "author": ""}
    values["author"] = recall(request, AUTHOR_COOKIE)
    return _edit_form(request, view, values)


@router.post("/kms/{article_id}/edit")
async def edit_submit(request: Request, kb: KB, article_id: str) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in (*SECTION_KEYS, "change_note", "author")}
    view = articles.get_article_view(kb, article_id)
    sections = {key: values[key] for key in SECTION_KEYS}
    try:
        result = articles.edit_article(
            kb, article_id, sections, change_note=values["change_note"], author=values["author"]
        )
    except InvalidInputError as exc:
        field = str(exc.details.get("field") or "")
        return _edit_form(request, view, values, error=exc.message, error_field=field, status_code=400)
    if result.outcome == "unchanged":
        return _edit_form(request, view, values, notice="msg.unchanged")
    response = RedirectResponse(f"/kms/{article_id}?msg=saved&version={result.version}", status_code=303)
    remember(response, AUTHOR_COOKIE, values["author"])
    return response


@router.get("/kms/{article_id}/diff")
def diff_page(
    request: Request,
    kb: KB,
    article_id: str,
    from_version: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> Response:
    revs = articles.revisions(kb, article_id)  # newest first
    versions = [r.version for r in revs]
    to_v = to_version if to_version is not None else (versions[0] if versions else 1)
    if from_version is not None:
        from_v = from_version
    else:
        older = [v for v in versions if v < to_v]
        from_v = older[0] if older else to_v
    diff = articles.diff_revisions(kb, article_id, from_v, to_v)
    return render(request, "diff.html", {"d": diff, "versions": versions, "revs": revs})
