"""A tiny support KB for the drafts tests (hash embedder): one covered and two uncovered topics.

- ``pickup`` (편의점 픽업): recurring, no article, resolutions state rules (3일 이내, 반송) → a gap
  with a policy section.
- ``password`` (비밀번호 재설정): recurring and covered by article ``KB-PW`` → not a gap.
- ``darkmode`` (앱 다크모드): recurring, no article, resolutions state no rule → a gap whose
  policy section says "검토 필요".
- three one-off tickets (noise).

Imported by the other ``test_drafts_*`` modules. With the hash embedder every pair of inquiries of
one topic has cosine > 0.2 (PII planted or not) and different topics rarely do, so complete
linkage at distance 0.8 (:data:`CONFIG`) finds exactly the three topics, planted PII included.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from assist.drafts import DraftSettings
from assist.knowledge import KnowledgeBase
from core.records import TicketRecord
from core.settings import Settings
from ingest.pipeline import ingest_paths
from ingest.split import chunk_ticket
from storage import upsert_ticket

CONFIG = DraftSettings(
    cluster_threshold=0.8,
    cluster_linkage="complete",
    min_size=4,
    coverage_threshold=0.5,
    coverage_ceiling=0.5,
    unasked_margin=0.0,  # the cosine rules decide here (test_gap_unasked tests the script-question rule)
)
NOW = datetime.now(UTC)

PICKUP_Q = [
    "편의점 픽업 상품을 아직 못 찾았어요",
    "편의점 픽업 기간이 지나서 반송됐나요",
    "편의점 픽업 보관함 비밀번호를 몰라요",
    "편의점 픽업으로 주문했는데 도착 문자가 안 와요",
    "편의점 픽업 장소를 바꾸고 싶어요",
    "편의점 픽업 상품 수령 기한이 언제까지예요",
]
PICKUP_RULE = "편의점 픽업 상품은 도착 후 3일 이내 수령해야 하며, 기간이 지나면 반송된다고 안내드렸습니다."
PICKUP_A = [
    f"{PICKUP_RULE} 도착 문자를 재발송했습니다.",
    f"{PICKUP_RULE} 반송 여부를 확인했습니다.",
    f"{PICKUP_RULE} 보관함 인증번호를 재발송했습니다.",
    f"{PICKUP_RULE} 택배사에 도착 여부를 확인했습니다.",
    f"{PICKUP_RULE} 픽업 장소는 출고 전까지만 변경 가능하다고 말씀드렸습니다.",
    f"{PICKUP_RULE} 도착 문자를 재발송했습니다.",
]
PASSWORD_Q = [
    "비밀번호 재설정 메일이 안 와요",
    "비밀번호 재설정 링크가 만료됐어요",
    "비밀번호 재설정을 하고 싶어요",
    "비밀번호 재설정 후 로그인이 안 돼요",
    "비밀번호 재설정 인증번호가 안 와요",
]
PASSWORD_A = "비밀번호 재설정 메일을 다시 발송해 드렸습니다."
DARK_Q = [
    "앱 다크모드 설정은 어디서 하나요",
    "앱 다크모드가 적용이 안 돼요",
    "앱 다크모드 끄는 방법 알려주세요",
    "앱 다크모드 화면이 깨져요",
    "앱 다크모드 색이 이상해요",
]
DARK_A = "설정 메뉴의 화면 모드에서 다크모드를 변경하는 방법을 안내드렸습니다."
NOISE = [
    ("사은품은 언제 오나요", "사은품은 본품과 함께 발송됩니다."),
    ("고객센터 전화번호 알려주세요", "대표번호 1588-0000으로 안내드렸습니다."),
    ("영수증 재발급 되나요", "주문 상세 화면에서 출력할 수 있습니다."),
]
ARTICLE = """## 제목
비밀번호 재설정 안내

## 목적
비밀번호 재설정 문의에 답합니다.

## 정책
- 비밀번호 재설정 링크는 24시간 동안 유효합니다.

## 단계별 절차
1. 가입 이메일을 확인합니다.
2. 비밀번호 재설정 메일을 다시 발송합니다.
3. 상담태그 "고객::계정::비밀번호"를 입력합니다.

## 상담 스크립트
Q: 비밀번호 재설정 메일이 안 와요
A: 비밀번호 재설정 메일을 다시 발송해 드렸습니다.

Q: 비밀번호 재설정 링크가 만료됐어요
A: 비밀번호 재설정 링크는 24시간 동안 유효하며, 새 메일을 발송해 드렸습니다.

## 주요 상황 및 해결책
### 메일 미수신
스팸함을 확인하도록 안내합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-10-01
담당자: 계정팀
"""


def ticket(tid: str, inquiry: str, resolution: str, tag: str, *, days_ago: int = 3) -> TicketRecord:
    when = NOW - timedelta(days=days_ago)
    return TicketRecord(
        ticket_id=tid,
        inquiry=inquiry,
        resolution=resolution,
        source="test",
        status="resolved",
        tags=[tag],
        created_at=when - timedelta(hours=1),
        resolved_at=when,
    )


def topic_tickets(
    prefix: str, questions: Sequence[str], answers: Sequence[str] | str, tag: str, *, start: int = 1
) -> list[TicketRecord]:
    out = []
    for n, q in enumerate(questions):
        a = answers if isinstance(answers, str) else answers[n % len(answers)]
        out.append(ticket(f"{prefix}-{start + n}", q, a, tag))
    return out


def base_tickets() -> list[TicketRecord]:
    return (
        topic_tickets("PU", PICKUP_Q, PICKUP_A, "고객::배송::픽업")
        + topic_tickets("PW", PASSWORD_Q, PASSWORD_A, "고객::계정::비밀번호")
        + topic_tickets("DM", DARK_Q, DARK_A, "고객::앱::다크모드")
        + [ticket(f"NZ-{n}", q, a, "고객::기타::일반") for n, (q, a) in enumerate(NOISE, start=1)]
    )


def add_tickets(kb: KnowledgeBase, records: Sequence[TicketRecord]) -> None:
    """Store tickets as given (no masking: tests plant PII on purpose) and index them."""
    with kb.sessions() as session, session.begin():
        for rec in records:
            upsert_ticket(session, rec, resolved_statuses=kb.settings.resolved_statuses)
    chunks = [c for rec in records for c in chunk_ticket(rec)]
    kb.index_documents(chunks, replace_docs=[f"ticket:{r.ticket_id}" for r in records])


def build_kb(
    settings: Settings, tmp_path: Path, tickets: Sequence[TicketRecord] | None = None
) -> KnowledgeBase:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "KB-PW.md").write_text(ARTICLE, encoding="utf-8")
    report = ingest_paths([folder], settings)
    assert report.ok, report.issues
    kb = KnowledgeBase(settings)
    add_tickets(kb, base_tickets() if tickets is None else tickets)
    return kb


def close(kb: KnowledgeBase) -> None:
    assert kb.wait_for_compaction(60)  # a copy of the data dir must not race a background compaction
    engine = kb.sessions.kw["bind"]
    assert isinstance(engine, Engine)
    engine.dispose()


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data dir of a KB built once per session from :func:`base_tickets` (copied per test)."""
    root = tmp_path_factory.mktemp("drafts-template")
    kb = build_kb(Settings(data_dir=root / "kms", embedder="hash"), root)
    close(kb)
    return root / "kms"


@pytest.fixture
def drafts_kb(template_dir: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """A fresh copy of the template KB (hash embedder) for one test."""
    data = tmp_path / "kms"
    shutil.copytree(template_dir, data, symlinks=True)
    kb = KnowledgeBase(Settings(data_dir=data, embedder="hash"))
    yield kb
    close(kb)


def test_the_hash_embedder_separates_the_topics(drafts_kb: KnowledgeBase) -> None:
    kb = drafts_kb
    vectors = kb.embedder.embed_documents([f"문의: {q}" for q in (PICKUP_Q[0], PICKUP_Q[1], PASSWORD_Q[0])])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
