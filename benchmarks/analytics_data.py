"""The analytics benchmark's data beyond tickets, suggestions and questions (``analytics_report``).

What ``kms drafts generate`` and the chatbot store, made up at the product's own scale:

- topics (``topics.member_ids``): the last drafts run clusters at most ``DraftSettings.max_tickets``
  (10,000) most recent resolved tickets of its window; ``CURRENT_SHARE`` of them land in one of
  ``CURRENT_TOPICS`` topics (Zipf-like sizes). ``OLD_TOPICS`` topics that the last run did not
  match keep the members of an earlier run (``OLD_MEMBERS`` each, resolved 90-365 days ago);
- ticket coverage (``ticket_coverage``, 0009): one row for ``COVERED_SHARE`` of the resolved
  tickets (nightly runs over the year read each resolved ticket once), best cosine ~ N(0.78, 0.08);
- answer feedback (``answer_feedback``, 0008): ``FEEDBACK_SHARE`` of the answered chatbot
  questions, 70 % helpful, a masked reason for a third of the rest;
- unanswered texts (``unanswered_questions``, 0011): every handed-off question of the last
  ``TEXT_DAYS`` days (``Settings.unanswered_text_days``), one of ``len(TEMPLATES)`` masked
  phrasings of 12 themes with a few slot values, so that the clustering finds the themes;
- drafts (0012): the chatbot questions nearest each draft's topic (``drafts.unanswered``).
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from storage import AnswerFeedbackRow, DraftRow, TicketCoverageRow, TopicRow, UnansweredQuestionRow
from storage.bulk import bulk_insert

CURRENT_TOPICS = 40
OLD_TOPICS = 20
RUN_TICKETS = 10_000  # DraftSettings.max_tickets
CURRENT_SHARE = 0.65
OLD_MEMBERS = 250
COVERED_SHARE = 0.8
FEEDBACK_SHARE = 0.1
TEXT_DAYS = 90
DRAFTS = 40

# 12 themes x 3 phrasings; {x}: a slot value, placeholders as the PII masking writes them
TEMPLATES = [
    "택배가 {x}일째 안 와요 배송 조회가 안 됩니다",
    "배송 조회하면 {x}일 전부터 그대로예요",
    "주문한 지 {x}일 됐는데 배송 출발을 안 해요",
    "다크모드 설정은 어디서 바꾸나요 {x}",
    "앱 다크모드가 안 켜져요 {x} 버전",
    "{x} 버전 앱에서 다크모드 지원하나요",
    "편의점 픽업 주문 변경하려면 [전화번호] 로 연락해야 하나요",
    "편의점 픽업으로 받을 수 있나요 {x}번 점포",
    "편의점 픽업 보관 기간이 {x}일 지나면 어떻게 되나요",
    "해외 직구 관세는 얼마나 나오나요 {x}달러",
    "관세 환급 신청은 어떻게 하나요 주문 [주문번호]",
    "직구 통관이 {x}일째 보류 중이에요",
    "포인트 소멸 예정 {x}점 연장 가능한가요",
    "적립된 포인트가 {x}점 사라졌어요",
    "포인트 유효기간이 언제까지인가요 {x}",
    "쿠폰 {x}원 할인이 적용이 안 돼요",
    "쿠폰 코드 입력했는데 {x}원이 안 빠져요",
    "중복 쿠폰 사용 되나요 {x}장",
    "회원 탈퇴 후 재가입은 {x}일 뒤에 되나요",
    "[이메일] 계정 탈퇴하고 싶어요",
    "탈퇴하면 포인트 {x}점은 어떻게 돼요",
    "선물하기 받은 상품 {x}개 교환 가능한가요",
    "선물받은 상품 교환 [이름] 명의로 되나요",
    "선물하기 취소하면 {x}일 안에 환불되나요",
    "정기배송 {x}주 주기 변경 방법",
    "정기배송 건너뛰기 {x}회 가능한가요",
    "정기 배송 해지는 어디서 하나요 {x}",
    "카드 [카드번호] 할부 {x}개월 되나요",
    "무이자 할부 {x}개월 행사 카드가 뭐예요",
    "할부 결제 취소 시 {x}개월 수수료",
    "반려동물 사료 {x}kg 정기구독 할인",
    "반려동물 용품 {x}개 묶음 배송 되나요",
    "반려동물 사료 샘플 {x}개 신청",
    "영수증 재발행 [이메일] 로 보내주세요",
    "현금영수증 {x}원 발급이 안 됐어요",
    "세금계산서 사업자 [사업자등록번호] 발행",
]


def _stream(n: int, make: Any) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for i in range(n):
        row = make(i)
        if row is not None:
            batch.append(row)
        if len(batch) == 20_000:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(sessions: sessionmaker[Session], model: Any, batches: Iterator[list[dict[str, Any]]]) -> None:
    for batch in batches:
        with sessions.begin() as session:
            bulk_insert(session, model, batch)


class Extra:
    """What the ticket and question generators noted for the data here (arrays: 1M rows fit)."""

    def __init__(self) -> None:
        self.resolved = array("l")  # ticket index
        self.resolved_at = array("d")  # its creation time, seconds since the epoch
        self.answered = array("l")  # question index (not handed off)
        self.answered_at = array("d")
        self.handed = array("l")  # question index (handed off)
        self.handed_at = array("d")

    def ticket(self, i: int, created: datetime, resolved: bool) -> None:
        if resolved:
            self.resolved.append(i)
            self.resolved_at.append(created.timestamp())

    def question(self, i: int, created: datetime, handed: bool) -> None:
        (self.handed if handed else self.answered).append(i)
        (self.handed_at if handed else self.answered_at).append(created.timestamp())


def _at(seconds: float) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp(seconds, UTC)


def topics(sessions: sessionmaker[Session], extra: Extra, start: datetime, end: datetime, seed: int) -> int:
    """Topic rows with member tickets, then the drafts of the first ``DRAFTS``; members written."""
    rng = random.Random(seed)
    order = sorted(range(len(extra.resolved)), key=lambda k: -extra.resolved_at[k])
    latest = [extra.resolved[k] for k in order[:RUN_TICKETS]]
    cut = (end - timedelta(days=90)).timestamp()
    older = [extra.resolved[k] for k in order[RUN_TICKETS:] if extra.resolved_at[k] < cut]
    weights = [1 / (t + 1) for t in range(CURRENT_TOPICS)]
    members: list[list[str]] = [[] for _ in range(CURRENT_TOPICS + OLD_TOPICS)]
    for i in latest:
        if rng.random() < CURRENT_SHARE:
            members[rng.choices(range(CURRENT_TOPICS), weights)[0]].append(f"T-{i:07d}")
    for t in range(CURRENT_TOPICS, CURRENT_TOPICS + OLD_TOPICS):
        members[t] = [f"T-{i:07d}" for i in rng.sample(older, min(OLD_MEMBERS, len(older)))]
    with sessions.begin() as session:
        for t, ids in enumerate(members):
            session.add(
                TopicRow(
                    key=f"t{t}",
                    label=f"주제 {t}",
                    size=len(ids),
                    previous_size=len(ids) * 2 // 3,
                    member_ids=ids,
                    status="active",
                    first_seen=start,
                    last_seen=end if t < CURRENT_TOPICS else start,
                )
            )
        session.flush()
        for d in range(DRAFTS):
            session.add(
                DraftRow(
                    topic_id=d + 1,
                    status="pending" if d % 2 else "approved",
                    title=f"초안 {d}",
                    sections={},
                    provenance={},
                    evidence={},
                    markdown="",
                    size=len(members[d]),
                    growth=0.0,
                    unanswered=rng.choice([0, 0, 1, 3, 7, 12]),
                    created_at=end - timedelta(days=d),
                    updated_at=end,
                )
            )
    return sum(len(m) for m in members)


def coverage(
    sessions: sessionmaker[Session], extra: Extra, articles: list[str], end: datetime, seed: int
) -> int:
    rng = random.Random(seed)
    written = 0

    def row(k: int) -> dict[str, Any] | None:
        nonlocal written
        if rng.random() >= COVERED_SHARE:
            return None
        written += 1
        best = min(0.99, max(0.3, rng.gauss(0.78, 0.08)))
        computed = min(end, _at(extra.resolved_at[k]) + timedelta(days=rng.randrange(1, 8)))
        return {
            "ticket_id": f"T-{extra.resolved[k]:07d}",
            "best": round(best, 4),
            "article_id": rng.choice(articles) if rng.random() < 0.97 else None,
            "computed_at": computed,
        }

    _write(sessions, TicketCoverageRow, _stream(len(extra.resolved), row))
    return written


def answer_feedback(sessions: sessionmaker[Session], extra: Extra, end: datetime, seed: int) -> int:
    rng = random.Random(seed)
    written = 0

    def row(k: int) -> dict[str, Any] | None:
        nonlocal written
        if rng.random() >= FEEDBACK_SHARE:
            return None
        written += 1
        helpful = rng.random() < 0.7
        reason = (
            None
            if helpful or rng.random() < 0.67
            else rng.choice(["내용이 달라요", "[전화번호] 로 연락 주세요"])
        )
        return {
            "log_id": f"q{extra.answered[k]:09d}",
            "verdict": "helpful" if helpful else "not_helpful",
            "reason": reason,
            "created_at": min(end, _at(extra.answered_at[k]) + timedelta(minutes=rng.randrange(1, 30))),
        }

    _write(sessions, AnswerFeedbackRow, _stream(len(extra.answered), row))
    return written


def unanswered(sessions: sessionmaker[Session], extra: Extra, end: datetime, seed: int) -> int:
    rng = random.Random(seed)
    cut = (end - timedelta(days=TEXT_DAYS)).timestamp()
    written = 0

    def row(k: int) -> dict[str, Any] | None:
        nonlocal written
        if extra.handed_at[k] < cut:
            return None
        written += 1
        theme = min(11, int(rng.expovariate(0.35)))  # a few themes asked often, the rest less
        text = TEMPLATES[theme * 3 + rng.randrange(3)].format(x=rng.choice([2, 3, 5, 7, 10, 30]))
        return {"log_id": f"q{extra.handed[k]:09d}", "text": text, "created_at": _at(extra.handed_at[k])}

    _write(sessions, UnansweredQuestionRow, _stream(len(extra.handed), row))
    return written
