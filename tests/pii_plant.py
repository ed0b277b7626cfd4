"""Planted PII: every kind in every format the masker promises, and scanners that look for it.

``PLANTS`` holds one ``Plant`` per (kind, format): the sentence it sits in and the value that
must be gone once the text went through any write path. Values are all different, so a hit
names the format that leaked. ``scan_*`` look for the values in text, files and folders, as
written (UTF-8), JSON-escaped (``\\uXXXX``) and, for numbers, as bare digits (a tokenizer may
have kept ``01012345678`` from ``010-1234-5678``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Plant:
    kind: str  # a key of korean.pii.PLACEHOLDER_BY_KIND
    form: str  # which format
    value: str  # what must not survive
    sentence: str  # the value in a Korean (or English) sentence


def _p(kind: str, form: str, value: str, template: str = "{v}") -> Plant:
    return Plant(kind, form, value, template.format(v=value))


PLANTS: tuple[Plant, ...] = (
    # 주민등록번호 / 외국인등록번호
    _p("rrn", "dash", "900101-1234567", "주민등록번호 {v} 입니다."),
    _p("rrn", "space", "910202 2345678", "주민번호는 {v} 이에요."),
    _p("rrn", "spaced dash", "920303 - 1345678", "주민번호 {v} 확인 부탁드려요."),
    _p("rrn", "no separator", "9304041456789", "본인확인 {v}"),
    _p("rrn", "full-width", "９４０５０５－２５６７８９０", "주민번호 {v}로 조회"),
    _p("rrn", "en dash", "950606–1678901", "주민 {v}"),
    _p("rrn", "hidden tail", "960707-1******", "생년월일 {v}"),
    _p("frn", "dash", "851231-5123456", "외국인등록번호 {v}로 조회"),
    _p("frn", "space", "860115 6234567", "외국인 등록번호 {v}"),
    _p("frn", "en dash", "870220–7345678", "외국인등록번호는 {v}입니다"),
    # 여권번호, 운전면허번호
    _p("passport", "old", "M12345678", "여권번호 {v} 로 예약했어요"),
    _p("passport", "new", "M123A4567", "여권 {v}"),
    _p("license", "dash", "11-12-345678-90", "운전면허번호 {v}"),
    _p("license", "space", "12 34 567890 12", "면허번호 {v} 입니다"),
    _p("license", "region", "서울 13-456789-01", "면허 {v}"),
    _p("license", "no separator", "231234567890", "운전면허 {v}"),
    # cards (Luhn-valid test numbers)
    _p("card", "dash", "4111-1111-1111-1111", "카드 {v} 로 결제"),
    _p("card", "space", "5555 5555 5555 4444", "카드번호 {v} 확인"),
    _p("card", "dot", "4012.8888.8888.1881", "카드 {v}"),
    _p("card", "no separator", "4000056655665556", "결제카드 {v}"),
    _p("card", "amex", "3782-822463-10005", "아멕스 {v}"),
    _p("card", "full-width", "４２４２-４２４２-４２４２-４２４２", "카드 {v}"),
    # 사업자등록번호
    _p("biz", "dash", "220-81-62517", "판매자 사업자번호 {v}"),
    _p("biz", "no separator", "2148635710", "사업자등록번호 {v} 입니다"),
    _p("biz", "space", "301 22 45678", "사업자 {v}"),
    # phones
    _p("phone", "dash", "010-1234-5678", "연락처 {v}"),
    _p("phone", "spaced dash", "010 - 2345 - 6789", "번호는 {v} 입니다"),
    _p("phone", "parentheses", "(010) 3456-7890", "휴대폰 {v}"),
    _p("phone", "full-width", "０１０-４５６７-８９０１", "전화 {v}"),
    _p("phone", "dot", "010.5678.9012", "연락 {v}"),
    _p("phone", "space", "011 678 9012", "번호 {v}"),
    _p("phone", "+82 space", "+82 10 6789 0123", "해외에서 {v}로 연락"),
    _p("phone", "+82 dash", "+82-10-7890-1234", "{v}"),
    _p("phone", "no separator", "01089012345", "폰 {v}"),
    _p("phone", "landline", "02-312-4567", "집 전화 {v}"),
    _p("phone", "landline parentheses", "(031) 234-5678", "사무실 {v}"),
    _p("phone", "internet", "070-4123-4567", "인터넷전화 {v}"),
    _p("phone", "safe number", "0505-123-4567", "안심번호 {v}"),
    # e-mail
    _p("email", "plain", "kim.minsu@gmail.com", "메일 {v}으로 주세요"),
    _p("email", "underscore", "park_01@daum.net", "이메일: {v}"),
    _p("email", "full-width", "ｌｅｅ＠ｎａｖｅｒ．ｃｏｍ", "메일 {v}"),
    # accounts
    _p("account", "bank dash", "123456-01-654321", "국민은행 {v} 으로 환불"),
    _p("account", "bank space", "110 234 567890", "신한 {v} 입금 부탁"),
    _p("account", "bank no separator", "3333012345678", "환불 계좌 {v}"),
    _p("account", "no bank word", "301-0123-4567-11", "입금처 {v}"),
    # order and customer references
    _p("order", "korean", "2024-12345", "주문번호 {v} 배송 문의"),
    _p("order", "colon letters", "A1234567", "주문번호: {v}"),
    # nine digits: a 5-digit value was found in a stored timestamp's microseconds (…26.698765)
    _p("order", "english", "987654321", "order #{v} is late"),
    _p("order", "tracking", "612345678901", "송장번호 {v} 조회가 안 돼요"),
    _p("customer", "korean", "C-104233", "고객번호 {v}"),
    _p("customer", "member", "88812345", "회원번호 {v} 입니다"),
    _p("customer", "english", "77123456", "customer id {v}"),
    # @handles
    _p("handle", "latin", "@minsu_kim88", "{v} 안녕하세요"),
    _p("handle", "numeric", "@115712", "{v} Hi, sorry to hear that."),
    _p("handle", "dotted", "@jane.doe", "cc {v}"),
    # names in address forms
    _p("name", "고객님", "김민수", "{v} 고객님, 안녕하세요."),
    _p("name", "님 glued", "박서연", "{v}님 문의 감사합니다."),
    _p("name", "님 apart", "홍길동", "{v} 님 확인 부탁드립니다."),
    _p("name", "회원님", "최지훈", "{v} 회원님 포인트"),
    _p("name", "씨", "강하늘", "{v} 씨가 요청했습니다"),
    _p("name", "예금주", "정다은", "예금주 {v}"),
    _p("name", "성함", "윤서준", "성함: {v}"),
    _p("name", "Mr", "Smithson", "Mr. {v} called."),
    _p("name", "Ms", "Jane Doe", "Ms {v} wrote in."),
    _p("name", "Dear", "Olivia", "Dear {v}, thanks for waiting."),
)

# What article mode keeps: company lines and numbers an article may print.
COMPANY_LINES: tuple[str, ...] = (
    "1588-1234", "1577-0000", "1544-1111", "1600-0000", "1644-1234", "1661-1234", "1666-1234",
    "1670-1234", "1688-1234", "1800-1234", "1899-1234", "080-123-4567", "080-1234-5678",
    "02-123-4567", "02-1234-5678", "031-123-4567", "+82-2-1234-5678", "+82 2 123 4567",
)  # fmt: skip


def planted_text(kinds: Iterable[str] | None = None) -> str:
    """One sentence per plant (of ``kinds``, or all), a line each."""
    wanted = set(kinds) if kinds is not None else None
    return "\n".join(p.sentence for p in PLANTS if wanted is None or p.kind in wanted)


def _forms(value: str) -> set[str]:
    forms = {value, json.dumps(value)[1:-1]}
    digits = re.sub(r"\D", "", value.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}))
    if len(digits) >= 7:
        forms.add(digits)
    return forms


def scan_text(text: str, plants: Iterable[Plant] = PLANTS) -> list[str]:
    """The planted values found in ``text`` (any form)."""
    return [p.value for p in plants if any(form in text for form in _forms(p.value))]


def scan_files(paths: Iterable[Path], plants: Iterable[Plant] = PLANTS) -> dict[str, list[str]]:
    """``{file: values found}`` over the files (and every file under the folders) given."""
    plants = list(plants)
    found: dict[str, list[str]] = {}
    for path in paths:
        files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
        for file in files:
            if not file.exists() or file.is_symlink() or "models" in file.parts:
                continue
            hits = scan_text(file.read_bytes().decode("utf-8", errors="ignore"), plants)
            if hits:
                found[str(file)] = hits
    return found
