"""Decode the bytes of an input file: UTF-8 first, then CP949/EUC-KR, then a confident guess.

Korean exports (Excel "CSV", older KMS tools) are often CP949, a superset of EUC-KR.
"""

from __future__ import annotations

import unicodedata

from charset_normalizer import from_bytes

_SNIFF_BYTES = 8192  # a binary file shows itself (NUL bytes, a file signature) in its first bytes
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or Word .docx file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls/.doc)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3", "an SQLite database"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 text holds NUL bytes too: it is text to re-save
MAX_GUESS_CHAOS = 0.1  # charset-normalizer's mess ratio above which a guess is not trusted
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}


class SourceDecodeError(ValueError):
    """An input file's bytes are not text in any encoding we can trust."""

    def __init__(self, path: str, reason: str | None = None) -> None:
        self.path = path
        self.reason = reason or "cannot decode the file as UTF-8 or CP949/EUC-KR; re-save it as UTF-8"
        super().__init__(f"{path}: {self.reason}")


def decode_bytes(data: bytes, path: str) -> str:
    """The text held in ``data`` (read from ``path``, named in errors).

    UTF-8 (a BOM is dropped) first; else CP949 when it decodes cleanly (no control characters and
    mostly Hangul among non-ASCII letters); else charset-normalizer's best guess when its mess ratio
    is low and the text is clean. Raises :class:`SourceDecodeError` otherwise, saying so when the
    bytes are not text at all (an image, a PDF, a spreadsheet saved in Excel's own format).
    """
    binary = binary_kind(data)
    if binary is not None:
        raise SourceDecodeError(
            path,
            f"not a text file but {binary}: export it as CSV/JSONL (tickets, article rows) or "
            "Markdown/HTML (articles) and ingest that",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        pass
    else:
        if _clean(text) and _mostly_hangul(text):
            return text
    best = from_bytes(data).best()
    if best is not None and best.chaos <= MAX_GUESS_CHAOS:
        text = str(best)
        if _clean(text):
            return text.removeprefix("\ufeff")
    raise SourceDecodeError(path)


def binary_kind(data: bytes) -> str | None:
    """What a binary file holds ("a PDF document", "binary data"), or None for bytes that may be text."""
    head = data[:_SNIFF_BYTES]
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        return "binary data"
    return None


def _clean(text: str) -> bool:
    """No control characters besides tab/newlines, and no private-use or unassigned code points."""
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in _ALLOWED_CONTROLS) or category in ("Co", "Cn"):
            return False
    return True


def _mostly_hangul(text: str) -> bool:
    letters = [ch for ch in text if not ch.isascii() and ch.isalpha()]
    if not letters:
        return True
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return hangul / len(letters) >= 0.5
