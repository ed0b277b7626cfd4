"""Decoding input bytes: UTF-8 (with or without BOM), CP949/EUC-KR, and bytes we must refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import SourceDecodeError, decode_bytes, read_paths

KOREAN = "결제 오류 해결 가이드: 카드 결제가 실패하면 다른 카드를 안내합니다."
UNDECODABLE = bytes(range(1, 256)) * 4  # control characters and byte sequences valid in no text encoding
BINARY_ADVICE = "export it as CSV/JSONL (tickets, article rows) or Markdown/HTML (articles) and ingest that"


@pytest.mark.parametrize(
    "data",
    [
        KOREAN.encode("utf-8"),
        b"\xef\xbb\xbf" + KOREAN.encode("utf-8"),
        KOREAN.encode("cp949"),
        KOREAN.encode("euc-kr"),
    ],
)
def test_korean_text_in_common_encodings(data: bytes) -> None:
    assert decode_bytes(data, "a.md") == KOREAN


def test_cp949_only_characters() -> None:
    text = "똠방각하 햏 뷁"  # outside EUC-KR's 2,350 syllables, inside CP949
    assert decode_bytes(text.encode("cp949"), "a.txt") == text


def test_empty_bytes_are_empty_text() -> None:
    assert decode_bytes(b"", "a.md") == ""


def test_undecodable_bytes_raise_a_domain_error_naming_the_file() -> None:
    with pytest.raises(SourceDecodeError) as caught:
        decode_bytes(UNDECODABLE, "kb/broken.csv")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == (
        "kb/broken.csv: cannot decode the file as UTF-8 or CP949/EUC-KR; re-save it as UTF-8"
    )
    assert caught.value.path == "kb/broken.csv"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
            "a ZIP archive (an Excel .xlsx or Word .docx file is one)",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (bytes(range(256)) * 4, "binary data"),
    ],
)
def test_a_binary_file_is_named_as_such_not_given_encoding_advice(data: bytes, what: str) -> None:
    with pytest.raises(SourceDecodeError) as caught:
        decode_bytes(data, "kb/export.csv")
    assert str(caught.value) == f"kb/export.csv: not a text file but {what}: {BINARY_ADVICE}"
    assert "UTF-8" not in str(caught.value)


def test_utf16_text_with_a_bom_is_text_not_binary() -> None:
    """UTF-16 holds NUL bytes too; with its BOM it is text (decoded), never called binary."""
    assert decode_bytes(("\ufeff" + KOREAN).encode("utf-16-le"), "a.txt") == KOREAN


def test_undecodable_file_is_an_error_issue_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_broken.md").write_bytes(UNDECODABLE)
    (tmp_path / "b_good.md").write_text("# 가이드\n## 목적\n설명\n", encoding="utf-8")
    result = read_paths([tmp_path])
    assert [a.article_id for a in result.articles] == ["b_good"]
    errors = [i for i in result.issues if i.severity == "error"]
    assert [(i.file, i.reason) for i in errors] == [
        (
            str(tmp_path / "a_broken.md"),
            "cannot decode the file as UTF-8 or CP949/EUC-KR; re-save it as UTF-8",
        )
    ]


def test_western_single_byte_text_falls_back_to_a_confident_guess() -> None:
    text = "Café policy: refunds are accepted within 7 days. Résumé of the naïve façade."
    decoded = decode_bytes(text.encode("cp1252"), "a.txt")  # a guess: cp1250 and cp1252 look alike here
    assert decoded.startswith("Café policy: refunds are accepted within 7 days. Résumé")
