"""KMS pages: article list and search, one article in the 9-section layout with its version
history, a diff between two versions, and the edit form (new version + incremental re-index)."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from assist import articles
from assist.api.deps import KB
from assist.api.security import principal_of
from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from assist.web.i18n import pick_lang, translate
from assist.web.markdown import ID_CANDIDATE
from assist.web.render import PageRoute, render
from core.records import REQUIRED_SECTIONS, SECTION_KEYS
from korean import lexicon
from storage import ARTICLE_STATUSES

router = APIRouter(route_class=PageRoute, include_in_schema=False)


_COLLOQUIAL_LOCK = threading.Lock()  # one read-modify-write of the user file at a time


def _colloquial_section(
    request: Request, kb: KnowledgeBase, *, error: str | None = None, values: dict[str, str] | None = None
) -> dict[str, Any]:
    """The "구어체·약어 사전" section: this site's entries, the add form and its error."""
    path = kb.settings.colloquial_user_file
    entries: list[tuple[str, str]] = []
    try:
        entries = lexicon.read_user_entries(path)
    except (OSError, ValueError) as exc:
        error = error or translate("coll.err.file", pick_lang(request), detail=str(exc))
    return {
        "path": str(path),
        "entries": entries,
        "bundled": len(lexicon.load_lexicon(None).replacements),
        "error": error,
        "values": values or {"variant": "", "standard": ""},
    }


def _list_page(
    request: Request,
    kb: KnowledgeBase,
    *,
    q: str = "",
    tag: str = "",
    status: str = "published",
    incomplete: bool = False,
    coll: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    items = articles.list_articles(kb, q=q, tag=tag, status=status or "published", incomplete=incomplete)
    return render(
        request,
        "kms_list.html",
        {
            "items": items,
            "q": q,
            "tag": tag,
            "status": status or "published",
            "statuses": (*ARTICLE_STATUSES, "all"),
            "incomplete": incomplete,
            "coll": coll or _colloquial_section(request, kb),
        },
        status_code=status_code,
    )


@router.get("/kms")
def kms_list(
    request: Request,
    kb: KB,
    q: Annotated[str, Query(max_length=500)] = "",
    tag: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=20)] = "published",
    incomplete: bool = False,
) -> Response:
    return _list_page(request, kb, q=q, tag=tag, status=status, incomplete=incomplete)


@router.post("/kms/colloquial")
async def colloquial_submit(request: Request, kb: KB) -> Response:
    """Add (or replace) or remove one entry of this site's colloquial lexicon file."""
    form = await request.form()
    action = str(form.get("action") or "add")
    variant = str(form.get("variant") or "")
    standard = str(form.get("standard") or "")
    lang = pick_lang(request)
    path = kb.settings.colloquial_user_file

    def fail(message: str) -> Response:
        values = {"variant": variant, "standard": standard}
        coll = _colloquial_section(request, kb, error=message, values=values)
        return _list_page(request, kb, coll=coll, status_code=400)

    if action not in ("add", "remove"):
        return fail(translate("coll.err.action", lang))
    problem = lexicon.check_entry(variant, standard if action == "add" else "-")
    if problem is not None:
        return fail(translate(f"coll.err.{problem}", lang, max=lexicon.MAX_FIELD_CHARS))
    variant, standard = variant.strip(), standard.strip()
    key = lexicon.entry_key(variant)
    with _COLLOQUIAL_LOCK:
        try:
            entries = lexicon.read_user_entries(path)
        except (OSError, ValueError) as exc:
            return fail(translate("coll.err.file", lang, detail=str(exc)))
        kept = [(v, s) for v, s in entries if lexicon.entry_key(v) != key]
        if action == "remove" and len(kept) == len(entries):
            return fail(translate("coll.err.missing", lang, variant=variant))
        try:
            lexicon.write_user_entries(path, kept if action == "remove" else [*kept, (variant, standard)])
        except (OSError, ValueError) as exc:
            return fail(translate("coll.err.file", lang, detail=str(exc)))
    msg = "colloquial_added" if action == "add" else "colloquial_removed"
    return RedirectResponse(f"/kms?msg={msg}#colloquial", status_code=303)


@router.get("/kms/{article_id}")
def article_page(request: Request, kb: KB, article_id: str) -> Response:
    view = articles.get_article_view(kb, article_id)
    mentioned = ID_CANDIDATE.findall(view.sections.get("references", ""))
    context = {
        "a": view,
        "keys": [k for k in SECTION_KEYS if k != "title"],
        "required": REQUIRED_SECTIONS,
        "ref_ids": articles.existing_ids(kb, mentioned) - {view.article_id},
    }
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
        "author": principal_of(request).actor,
    }
    return render(request, "article_edit.html", context, status_code=status_code)


@router.get("/kms/{article_id}/edit")
def edit_form(request: Request, kb: KB, article_id: str) -> Response:
    view = articles.get_article_view(kb, article_id)
    values = {"title": view.title, **view.sections, "change_note": ""}
    return _edit_form(request, view, values)


@router.post("/kms/{article_id}/edit")
async def edit_submit(request: Request, kb: KB, article_id: str) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in (*SECTION_KEYS, "change_note")}
    view = articles.get_article_view(kb, article_id)
    sections = {key: values[key] for key in SECTION_KEYS}
    try:
        result = articles.edit_article(
            kb, article_id, sections, change_note=values["change_note"], author=principal_of(request).actor
        )
    except InvalidInputError as exc:
        field = str(exc.details.get("field") or "")
        return _edit_form(request, view, values, error=exc.message, error_field=field, status_code=400)
    if result.outcome == "unchanged":
        return _edit_form(request, view, values, notice="msg.unchanged")
    return RedirectResponse(f"/kms/{article_id}?msg=saved&version={result.version}", status_code=303)


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
