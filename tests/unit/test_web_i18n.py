"""Every label the templates use exists in Korean and English; the language pick order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.requests import Request

from assist.drafts.lint import LINT_CODES
from assist.tickets import VERDICTS
from assist.web.i18n import MESSAGES, pick_lang, translate
from storage import ARTICLE_STATUSES, DRAFT_STATUSES

TEMPLATES = Path(__file__).resolve().parents[2] / "assist" / "web" / "templates"


def test_every_literal_label_in_the_templates_is_translated() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'""", template.read_text(encoding="utf-8")))
    assert used, "no labels found: did the template syntax change?"
    prefixes = {key for key in used if key.endswith(".")}  # completed at render time, e.g. 'status.' ~ st
    dynamic = {
        "status.": ("open", "resolved"),
        "sg.": VERDICTS,
        "kms.status.": (*ARTICLE_STATUSES, "all"),
        "drafts.status.": DRAFT_STATUSES,
        "drafts.reason.": ("weak_coverage", "bad_feedback"),
        "drafts.lint.": LINT_CODES,
    }
    assert prefixes == set(dynamic)
    used = (used - prefixes) | {prefix + value for prefix, values in dynamic.items() for value in values}
    missing = sorted(used - set(MESSAGES))
    assert not missing, f"labels without a translation: {missing}"
    for key, (ko, en) in MESSAGES.items():
        assert ko.strip() and en.strip(), key
        assert re.findall(r"{(\w+)}", ko) == re.findall(r"{(\w+)}", en), f"{key}: placeholders differ"


def test_translate_fills_placeholders_and_falls_back_to_the_key() -> None:
    assert translate("inbox.count", "ko", start=1, end=2, total=3) == "1–2 / 총 3건"
    assert translate("inbox.count", "en", start=1, end=2, total=3) == "1–2 of 3"
    assert translate("no.such.key", "ko") == "no.such.key"


def _request(query: str = "", cookie: str = "", accept_language: str = "") -> Request:
    headers = [(b"accept-language", accept_language.encode())] if accept_language else []
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return Request(
        {"type": "http", "method": "GET", "path": "/", "query_string": query.encode(), "headers": headers}
    )


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "lang"),
    [
        ("", "", "", "ko"),
        ("lang=en", "kms_lang=ko", "ko", "en"),
        ("lang=xx", "kms_lang=en", "ko", "en"),
        ("", "", "fr-FR,en;q=0.8,ko;q=0.5", "en"),
        ("", "", "ko-KR,en;q=0.5", "ko"),
        ("", "", "fr-FR", "ko"),
    ],
)
def test_pick_lang(query: str, cookie: str, accept: str, lang: str) -> None:
    assert pick_lang(_request(query, cookie, accept)) == lang


def test_channels_are_labelled_in_the_page_language() -> None:
    from assist.web.console import CHANNELS
    from assist.web.i18n import channel_label

    korean = [channel_label(ch, "ko") for ch in CHANNELS]
    assert korean == ["채팅", "이메일", "전화", "웹", "앱"]
    assert [channel_label(ch, "en") for ch in CHANNELS] == list(CHANNELS)
    assert channel_label("APP", "ko") == "앱" and channel_label("fax", "ko") == "fax"  # unknown: as written
    assert channel_label(None, "ko") == ""
