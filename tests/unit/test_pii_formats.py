"""PII masking, every kind × every format (tests/pii_plant.py), article mode, allow-list, particles."""

from __future__ import annotations

from collections import Counter

import pytest
from pii_plant import COMPANY_LINES, PLANTS, Plant, planted_text, scan_text

from core.masking import mask_record_article, mask_record_ticket, mask_value
from core.settings import Settings
from ingest.sample import sample_paths
from ingest.sources import read_paths
from korean.pii import PLACEHOLDER_BY_KIND, compile_allow, find_pii, mask_pii

# kinds an article keeps when they are the company's: landlines/070, business and account
# numbers, role e-mails and handles; everything else is personal in an article too
_PERSONAL_IN_ARTICLES = {"rrn", "frn", "passport", "license", "card", "order", "customer", "name"}


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: f"{p.kind}-{p.form}")
def test_every_planted_format_is_masked(plant: Plant) -> None:
    masked = mask_pii(plant.sentence)
    assert scan_text(masked, [plant]) == [], masked
    assert PLACEHOLDER_BY_KIND[plant.kind] in masked
    assert mask_pii(masked) == masked


@pytest.mark.parametrize(
    "plant", [p for p in PLANTS if p.kind in _PERSONAL_IN_ARTICLES], ids=lambda p: f"{p.kind}-{p.form}"
)
def test_personal_data_is_masked_in_articles_too(plant: Plant) -> None:
    assert scan_text(mask_pii(plant.sentence, mode="article"), [plant]) == []


def test_mobile_numbers_and_personal_mail_are_masked_in_articles() -> None:
    text = "담당 휴대폰 010-1234-5678, 개인 메일 kim.minsu@gmail.com, 안심번호 0505-123-4567"
    assert mask_pii(text, mode="article") == "담당 휴대폰 [전화번호], 개인 메일 [이메일], 안심번호 [전화번호]"


@pytest.mark.parametrize("number", COMPANY_LINES)
def test_company_lines_survive_in_articles(number: str) -> None:
    text = f"대표번호 {number}로 문의하세요."
    assert mask_pii(text, mode="article") == text


@pytest.mark.parametrize("number", [n for n in COMPANY_LINES if n.startswith(("1", "080"))])
def test_representative_and_toll_free_numbers_are_never_masked(number: str) -> None:
    text = f"고객센터 {number} 로 연락 주세요"
    assert mask_pii(text) == text  # in tickets too: they are the company's, not a customer's


def test_toll_free_080_is_no_account() -> None:
    assert find_pii("수신거부 080-123-4567") == []
    assert mask_pii("무료수신거부 080-123-4567, 입금처 123456-01-123456") == (
        "무료수신거부 080-123-4567, 입금처 [계좌번호]"
    )


def test_articles_keep_company_mail_accounts_and_handles() -> None:
    text = "문의 cs@baromarket.co.kr, 입금 계좌 국민은행 123456-01-123456, 사업자 220-81-62517, @baromarket"
    assert mask_pii(text, mode="article") == text
    assert mask_pii(text) == "문의 [이메일], 입금 계좌 국민은행 [계좌번호], 사업자 [사업자등록번호], [아이디]"


@pytest.mark.parametrize(
    "address",
    ["invoices@ledgerly-mail.com", "refunds@shop.example", "security-team@corp.io", "no-reply@a.kr"],
)
def test_articles_keep_a_function_mailbox(address: str) -> None:
    text = f"Invoice emails are sent from {address} with the reply-to set to the sender."
    assert mask_pii(text, mode="article") == text
    assert address not in mask_pii(text)
    assert "kim.minsu88@gmail.com" not in mask_pii("연락처 kim.minsu88@gmail.com", mode="article")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010-1234-5678으로 연락 주세요", "[전화번호]로 연락 주세요"),
        ("010-1234-5678은 제 번호", "[전화번호]는 제 번호"),
        ("010-1234-5678이 맞나요?", "[전화번호]가 맞나요?"),
        ("010-1234-5678을 등록", "[전화번호]를 등록"),
        ("010-1234-5678과 02-123-4567", "[전화번호]와 [전화번호]"),
        ("4111 1111 1111 1111 은 해지", "[카드번호] 는 해지"),
        ("a@b.com으로 보내 주세요", "[이메일]로 보내 주세요"),  # ㄹ takes 로
        ("a@b.com는 제 메일", "[이메일]은 제 메일"),
        ("김민수님이 요청", "[이름]님이 요청"),
        ("@minsu_kim88가 남긴 글", "[아이디]가 남긴 글"),
        ("성함: 이지은 으로 등록", "성함: [이름] 으로 등록"),
        ("010-1234-5678 이 번호로", "[전화번호] 이 번호로"),  # a spaced 이 may be "this": kept
    ],
)
def test_particles_agree_with_the_placeholder(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "상담사님, 고객님, 담당자님, 팀장님, 기사님, 선생님, 사장님, 회원님 모두 확인했습니다.",
        "신규 고객님과 기존 고객님, 우수 고객님, 방문 고객님께 안내합니다.",
        "이러한 고객님께는 배송기사님이 연락드립니다.",
        "이용자님, 구매자님, 판매자님, 신청자님, 문의자님, 부사장님, 변호사님",
        "수령인 정보를 확인하고 예금주 이름은 본인과 같아야 합니다.",
        "고객 이름을 확인하세요. 고객명과 연락처를 남겨 주세요.",
        "Hi there, Dear Customer, Hello Team, thanks!",
        "주문일 2026-11-05, 주문 후 7일 이내, 주문 3건, 주문 3000원 결제, 주문 2026년 11월",
        "관련 문서 KB-003, 티켓 T-10001, W-20261130-abc123",
        "이메일 주소 @ 기호를 빼먹었어요",
    ],
)
def test_common_words_are_no_names_or_ids(text: str) -> None:
    assert mask_pii(text) == text


def test_allow_list_keeps_listed_values_in_any_mode() -> None:
    text = "지점 02-1234-5678, 담당 010-2222-3333, 사번 EMP-77"
    allow = ["02 1234 5678", "re:010-2222-\\d{4}"]
    assert mask_pii(text, allow=allow) == text
    assert mask_pii(text) == "지점 [전화번호], 담당 [전화번호], 사번 EMP-77"
    with pytest.raises(ValueError, match="KMS_PII_ALLOW"):
        compile_allow(("re:(",))


def test_stored_values_are_masked_the_same_when_their_strings_repeat() -> None:
    """``mask_value`` (what the storage choke point runs) caches article-mode ``mask_pii`` per text
    and allow-list: a repeat is masked as the first; another allow-list, the personal mode and
    long strings are masked as ``mask_pii`` masks them."""
    text = "지점 02-1234-5678, 담당 010-2222-3333, 메일 kim@example.com"
    payload = {"a": [text, text], "b": {"c": text}, "n": 3}
    article = "지점 02-1234-5678, 담당 [전화번호], 메일 [이메일]"
    for _ in range(2):
        assert mask_value(payload, "article") == {"a": [article, article], "b": {"c": article}, "n": 3}
        kept = mask_value(text, "article", ["re:010-2222-\\d{4}"])
        assert kept == "지점 02-1234-5678, 담당 010-2222-3333, 메일 [이메일]"
        assert mask_value(text, "personal") == mask_pii(text, mode="personal") != article
    long = (text + " ") * 100  # beyond what the cache keeps
    assert mask_value(long, "article") == (article + " ") * 100


def test_allow_list_setting_is_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMS_PII_ALLOW", "02-1234-5678, re:EMP-\\d+")
    assert Settings().pii_allow == ["02-1234-5678", "re:EMP-\\d+"]
    monkeypatch.setenv("KMS_PII_ALLOW", '["02-1234-5678", "re:A{1,3}"]')  # JSON when a regex has a comma
    assert Settings().pii_allow == ["02-1234-5678", "re:A{1,3}"]
    monkeypatch.setenv("KMS_PII_ALLOW", "re:(")
    with pytest.raises(ValueError, match="KMS_PII_ALLOW"):
        Settings()


def test_counts_name_kinds_never_values() -> None:
    counts: Counter[str] = Counter()
    mask_pii(planted_text(), counts=counts)
    expected = Counter(p.kind for p in PLANTS)
    assert counts == expected


def test_full_planted_text_keeps_no_value_and_is_a_fixed_point() -> None:
    once = mask_pii(planted_text())
    assert scan_text(once) == []
    assert mask_pii(once) == once


def test_sample_kb_articles_are_unchanged_and_tickets_lose_only_personal_data() -> None:
    """False positives on the bundled sample KB: no article text changes (31 articles); ticket
    masks are the personal data planted in the sample (phones, e-mails, cards, orders ...)."""
    result = read_paths([p for p in sample_paths() if p.exists()])
    assert len(result.articles) >= 30
    changed = [a.article_id for a in result.articles if mask_record_article(a) != a]
    assert changed == []
    counts: Counter[str] = Counter()
    for ticket in result.tickets:
        mask_record_ticket(ticket, counts=counts)
    assert "name" not in counts and "handle" not in counts
    assert sum(counts.values()) == 24, counts
