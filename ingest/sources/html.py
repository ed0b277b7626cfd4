"""HTML articles: render the page into the Markdown line structure, then parse it as Markdown.

``h1``-``h6`` become ``#`` headings (deeper than ``####`` are capped at four), ``<strong>``/``<b>``
become ``**bold**`` (so a paragraph holding only a bold label is a bold line), ``li`` becomes a
``- `` line (``1. ``, ``2. ``, ... in an ``ol``, from its ``start``), ``br``/``p``/block elements
become line breaks and table rows ``a | b`` lines.
``script``, ``style``, ``noscript``, ``template`` and ``head`` are dropped; the ``<title>`` serves
as the article title when the page has no ``h1``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from core.records import ReadResult

from .markdown import read_markdown

_DROP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "button", "form"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote",
    "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "figure", "figcaption", "hr",
    "address", "details", "summary", "body", "html",
}  # fmt: skip
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def html_to_markdown(html: str) -> str:
    """The Markdown-like text of an HTML page (see the module docstring for the rules)."""
    with warnings.catch_warnings():
        # a page holding only a URL-like line, or XHTML, is still a page to read
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    out: list[str] = []
    if page_title and soup.find("h1") is None:
        out.append(f"# {page_title}\n\n")
    for tag in soup.find_all(sorted(_DROP)):
        tag.decompose()
    _render(soup, out)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def read_html(text: str, path: Path) -> ReadResult:
    """Read the article held in an ``.html``/``.htm`` file's decoded ``text``."""
    return read_markdown(html_to_markdown(text), path)


def _inline(tag: Tag) -> str:
    out: list[str] = []
    _render(tag, out, inline=True)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _render(node: Tag, out: list[str], *, inline: bool = False) -> None:
    for child in node.children:
        if isinstance(child, _SKIP_STRINGS):
            continue
        if isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            out.append(" " if inline else "\n")
        elif name in ("strong", "b"):
            text = _inline(child)
            if text:
                out.append(f"**{text}**")
        elif inline:
            _render(child, out, inline=True)
        elif name in _HEADINGS:
            out.append(f"\n\n{'#' * _HEADINGS[name]} {_inline(child)}\n\n")
        elif name == "li":
            inner: list[str] = []
            _render(child, inner)
            lines = [line.strip() for line in "".join(inner).split("\n") if line.strip()]
            out.append(f"\n{_marker(child)} " + "\n".join(lines) if lines else "")
        elif name == "pre":
            out.append("\n" + child.get_text() + "\n")
        elif name == "tr":
            cells = [_inline(cell) for cell in child.find_all(("td", "th"), recursive=False)]
            out.append("\n" + " | ".join(cells))
        elif name in _BLOCKS:
            gap = "\n\n" if name == "p" else "\n"
            out.append(gap)
            _render(child, out)
            out.append(gap)
        else:
            _render(child, out)


def _marker(item: Tag) -> str:
    """``- `` for an item of a ``ul``; its number (``3.``) for an item of an ``ol``."""
    parent = item.parent
    if not isinstance(parent, Tag) or parent.name != "ol":
        return "-"
    start = str(parent.get("start") or "1")
    first = int(start) if start.isdigit() else 1
    before = sum(1 for sibling in item.find_previous_siblings("li"))
    return f"{first + before}."
