"""Limits of every free-text field the service stores or echoes, and the checks the core applies.

The API models declare the same limits (``max_length``), so the OpenAPI schema shows them and a
request over one is a 422 naming the field; the core checks them again for every other caller
(the web pages, the CLI), as a 400 ``invalid_input`` naming the field and the limit. One channel
of a megabyte once made every agent's inbox a megabyte.
"""

from __future__ import annotations

from collections.abc import Sequence

from assist.errors import InvalidInputError

MAX_CHANNEL_CHARS = 64  # tickets.channel is VARCHAR(64)
MAX_SUBJECT_CHARS = 500
MAX_REF_CHARS = 255  # tickets.customer_ref is VARCHAR(255)
MAX_TAG_CHARS = 200
MAX_TAGS = 20
MAX_NAME_CHARS = 200  # ids, owners, model names
MAX_NOTE_CHARS = 2000  # reasons, notes, overrides
MAX_TEXT_CHARS = 50_000  # a sent reply, a draft section
MAX_LOCALE_CHARS = 35  # BCP 47 tags are at most 35 characters
MAX_HISTORY_TURNS = 50  # /v1/answer history turns accepted (the last 10 are used)
MAX_MESSAGES = 200  # /v1/chat/completions messages accepted


def check_text(value: str | None, *, field: str, limit: int) -> str | None:
    """``value`` unchanged, or InvalidInputError (400) naming ``field`` and ``limit`` when it is
    longer or holds a NUL character / lone surrogate."""
    if value is None:
        return None
    if len(value) > limit:
        raise InvalidInputError(
            f"'{field}' has {len(value)} characters; the limit is {limit}", field=field, value=len(value)
        )
    if "\x00" in value:
        raise InvalidInputError(f"'{field}' holds a NUL character", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        message = f"'{field}' holds a lone surrogate (not valid Unicode)"
        raise InvalidInputError(message, field=field) from None
    return value


def clean_tags(tags: Sequence[str] | None, *, field: str = "tags") -> list[str] | None:
    """Stripped, non-empty tags (None stays None); at most MAX_TAGS of at most MAX_TAG_CHARS each."""
    if tags is None:
        return None
    if len(tags) > MAX_TAGS:
        raise InvalidInputError(
            f"'{field}' has {len(tags)} tags; the limit is {MAX_TAGS}", field=field, value=len(tags)
        )
    out: list[str] = []
    for i, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise InvalidInputError(f"'{field}[{i}]' must be a string", field=f"{field}[{i}]")
        check_text(tag, field=f"{field}[{i}]", limit=MAX_TAG_CHARS)
        if tag.strip():
            out.append(tag.strip())
    return out
