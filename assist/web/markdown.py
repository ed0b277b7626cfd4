"""Article Markdown as safe HTML for the pages, and one-line plain snippets.

Article sections are light Markdown (``- `` bullets, ``1.`` steps, ``###`` sub-headings,
``**bold**``, ``a | b`` table rows). :func:`render_markdown` renders them with markdown-it-py
(CommonMark plus tables): raw HTML in an article is shown as text (``html=False``), links with
``javascript:`` and other unsafe schemes are not made, images show their alt text (nothing is
loaded from elsewhere), a single line break stays a line break (Q:/A: scripts), and headings
start at ``<h3>`` (the section title is the ``<h2>``). Article ids named in the text become links
to ``/kms/<id>`` when ``link_ids`` holds them (the 참고 자료 section).

:func:`snippet` gives a Markdown body as one plain line cut at a word boundary with "…".
"""

from __future__ import annotations

import re
from collections.abc import Collection

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

__all__ = ["ID_CANDIDATE", "render_markdown", "render_marked", "snippet"]

ELLIPSIS = "…"
ID_CANDIDATE = re.compile(r"(?<![\w/.-])[A-Za-z0-9][A-Za-z0-9._-]{0,62}[A-Za-z0-9](?![\w/-])")

_MD = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
_MD.enable("table")


def _tidy(tokens: list[Token]) -> None:
    """The body's top heading level becomes h3, the next h4, ... (at most h6: the section title
    above is the h2); an image becomes its alt text (the page loads nothing from elsewhere);
    links leave no referrer."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 3 - min(levels, default=3)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        for child in token.children or ():
            if child.type == "image":
                child.type, child.tag, child.content = "text", "", child.content or ""
                child.children = None
            elif child.type == "link_open" and not str(child.attrGet("href") or "").startswith("/"):
                child.attrSet("rel", "noopener noreferrer")


def _link_ids(tokens: list[Token], ids: Collection[str]) -> None:
    """Split text tokens so each known article id becomes a link to its page."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            inside_link += token.type == "link_open"
            inside_link -= token.type == "link_close"
            if token.type != "text" or inside_link:
                children.append(token)
                continue
            children.extend(_split_text(token.content, ids))
        block.children = children


def _split_text(text: str, ids: Collection[str]) -> list[Token]:
    out: list[Token] = []
    at = 0
    for match in ID_CANDIDATE.finditer(text):
        if match.group(0) not in ids:
            continue
        if match.start() > at:
            out.append(_text(text[at : match.start()]))
        link = Token("link_open", "a", 1)
        link.attrSet("href", f"/kms/{match.group(0)}")
        link.attrSet("class", "article-ref")
        out.extend([link, _text(match.group(0)), Token("link_close", "a", -1)])
        at = match.end()
    if at < len(text):
        out.append(_text(text[at:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def render_markdown(text: str, link_ids: Collection[str] = ()) -> Markup:
    """``text`` (Markdown) as safe HTML; see the module docstring."""
    env: dict[str, object] = {}
    tokens = _MD.parse(text or "", env)
    _tidy(tokens)
    if link_ids:
        _link_ids(tokens, link_ids)
    return Markup(_MD.renderer.render(tokens, _MD.options, env))


_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks: plain text to the Markdown parser


def render_marked(text: str, part: str) -> Markup:
    """:func:`render_markdown` of ``text`` with ``part`` (or its first line) wrapped in <mark>.

    Each line of the matched span is marked on its own, after its list or heading mark, so a
    match over several list items stays inside each item's HTML.
    """
    text = (text or "").replace(_OPEN, "").replace(_CLOSE, "")
    for needle in (part.strip(), part.strip().split("\n")[0].strip()):
        at = text.find(needle) if needle else -1
        if at >= 0:
            break
    else:
        return render_markdown(text)
    end, out, pos = at + len(needle), [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        start, stop = pos, pos + len(body)
        prefix = _LINE_MARK.match(body)
        content = start + (len(prefix.group(0)) if prefix else 0)
        lo, hi = max(at, content), min(end, stop)
        if lo < hi and text[lo:hi].strip():
            out.append(f"{text[start:lo]}{_OPEN}{text[lo:hi]}{_CLOSE}{text[hi : pos + len(line)]}")
        else:
            out.append(line)
        pos += len(line)
    html = str(render_markdown("".join(out)))
    return Markup(html.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)+")


def snippet(text: str, limit: int = 200) -> str:
    """A Markdown body as one plain line of at most ``limit`` characters (plus "…").

    Heading marks, bullets, step numbers, quote marks and ``**`` are dropped, lines are joined
    with " · ", and a longer text is cut at the last space before ``limit`` (Korean words are
    separated by spaces) or, with no space in reach, at ``limit``; then "…" is added.
    """
    lines = [_LINE_MARK.sub("", line).strip() for line in (text or "").split("\n")]
    plain = " · ".join(line for line in lines if line and set(line) - set("|-: "))
    plain = re.sub(r"\s+", " ", plain.replace("**", "")).strip()
    if len(plain) <= limit:
        return plain
    cut = plain[: limit + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 2 else plain[:limit]
    return cut.rstrip(" ·,;:") + ELLIPSIS
