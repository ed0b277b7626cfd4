"""A tiny knowledge base for the API tests (4 articles in the 9-section template, 4 resolved
tickets), built with the hash embedder; imported by the other ``test_api_*`` modules and by
the integration tests. Its own tests check that the KB is what the API tests assume."""

from __future__ import annotations

import csv
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from core.settings import Settings
from indexes import store
from ingest.pipeline import ingest_paths
from tests.tinykb import calibrate_hash_model

ARTICLES: dict[str, str] = {
    "KB-101-double-charge.md": """# 이중 결제 처리 가이드

## 요약
카드 승인이 두 번 발생한 이중 결제(중복 승인)의 확인과 취소 절차입니다.

## 목적
"결제가 두 번 됐어요" 문의에 중복 승인인지 확인하고 정확히 취소하기 위해 사용합니다.

## 정책
- 동일 주문번호에 승인이 두 번 발생한 중복 승인은 다음 영업일 오전 10시에 자동 취소됩니다.
- 자동 취소 후 카드사 반영까지 영업일 기준 3~7일이 걸립니다.
- 카드 명세서에 승인과 승인취소가 함께 표시되는 것은 정상이며 실제 청구는 한 번만 됩니다.

## 단계별 절차
1. 주문번호와 카드 승인 문자를 확인합니다.
2. 결제 로그에서 승인 건수를 확인합니다.
3. 상담태그 "고객::결제::이중결제"를 입력합니다.

## 상담 스크립트
Q: 결제가 두 번 됐어요. 환불은 언제 되나요?
A: 불편을 드려 죄송합니다. 중복 승인은 다음 영업일 오전 10시에 자동 취소되며, 카드사 반영까지 영업일 기준 3~7일이 걸립니다.

Q: 취소했다는데 왜 카드 앱에는 아직 두 번 나와요?
A: 명세서에는 승인과 승인취소가 함께 표시되며, 실제 청구는 한 번만 됩니다.

## 주요 상황 및 해결책
**자동 취소 배치에서 누락된 경우**
결제팀에 승인번호와 함께 수동 취소를 요청합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-09-01
담당자: 결제팀
""",  # noqa: E501
    "KB-102-refund.md": """# 환불 처리 가이드

## 요약
반품 또는 주문 취소 후 환불 시점과 수단별 환불 기간을 안내합니다.

## 목적
"환불이 아직 안 들어왔어요" 문의에 환불 진행 상태와 예정일을 안내하기 위해 사용합니다.

## 정책
- 반품 상품이 물류센터에 도착해 검수가 끝나면 환불이 진행됩니다.
- 카드 결제 환불은 카드사 반영까지 영업일 기준 3~5일이 걸립니다.
- 무통장입금 환불은 등록된 환불 계좌로 영업일 1~2일 안에 입금됩니다.

## 단계별 절차
1. 주문번호로 반품 회수와 검수 완료 여부를 확인합니다.
2. 환불 수단과 환불 예정일을 확인합니다.
3. 상담태그 "고객::결제::환불"을 입력합니다.

## 상담 스크립트
Q: 반품했는데 환불은 언제 되나요?
A: 반품 상품 검수가 끝나면 환불이 진행되며, 카드 결제는 카드사 반영까지 영업일 기준 3~5일이 걸립니다.

Q: 무통장입금으로 결제했는데 환불은 어디로 받나요?
A: 등록하신 환불 계좌로 영업일 1~2일 안에 입금됩니다.

## 주요 상황 및 해결책
**검수가 지연되는 경우**
물류센터에 검수 일정을 확인하고 고객에게 예정일을 안내합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-09-01
담당자: 결제팀
""",
    "KB-103-delivery-delay.md": """# 배송 지연 안내 가이드

## 요약
주문 상품의 배송이 예정일보다 늦어질 때의 확인 절차와 보상 기준입니다.

## 목적
"배송이 너무 늦어요" 문의에 지연 사유를 확인하고 보상 여부를 안내하기 위해 사용합니다.

## 정책
- 출고 후 3영업일이 지나도 배송이 완료되지 않으면 택배사에 지연 사유를 확인합니다.
- 회사 사유로 5영업일 이상 지연되면 배송 지연 보상 쿠폰 3,000원을 지급합니다.

## 단계별 절차
1. 주문번호로 출고일과 운송장 번호를 확인합니다.
2. 택배사 배송 조회로 현재 위치를 확인합니다.
3. 상담태그 "고객::배송::지연"을 입력합니다.

## 상담 스크립트
Q: 주문한 지 일주일이 지났는데 배송이 안 와요.
A: 기다리시게 해 드려 죄송합니다. 운송장 번호로 택배사에 지연 사유를 확인한 뒤 바로 안내해 드리겠습니다.

## 주요 상황 및 해결책
**택배사 물량 폭주로 지연되는 경우**
예상 도착일을 안내하고 5영업일 이상 지연 시 보상 쿠폰을 지급합니다.

## 문서 관리 및 업데이트
최종 수정일: 2026-09-01
담당자: 물류팀
""",
    "KB-104-password-reset.md": """# Password reset guide

## Summary
How customers reset a forgotten password and what to do when the reset email does not arrive.

## Purpose
Used when a customer cannot log in because they forgot their password.

## Policy
- The password reset link in the email is valid for 30 minutes.
- Agents never ask for or set a customer's password themselves.

## Steps
1. Ask the customer to open the login page and choose "Forgot password".
2. Confirm the email address registered on the account.
3. Add the consultation tag "고객::계정::비밀번호".

## Scripts
Q: I forgot my password. How do I reset it?
A: Please choose "Forgot password" on the login page and follow the link we email you. The link is valid for 30 minutes.

## Main situations and solutions
**The reset email does not arrive**
Ask the customer to check the spam folder and send the link again after 5 minutes.

## Document management and updates
Last updated: 2026-09-01
Owner: Account team
""",  # noqa: E501
}

TICKET_COLUMNS = ("ticket_id", "Subject", "Inquiry", "Resolution", "Status", "Tags", "Channel",
                  "Created_At", "resolved_at")  # fmt: skip
TICKETS: list[tuple[str, ...]] = [
    ("T-101", "이중 결제", "카드 결제가 두 번 승인됐어요",
     "중복 승인은 다음 영업일에 자동 취소되며 카드사 반영까지 3~7영업일이 걸린다고 안내했습니다.",
     "resolved", "고객::결제::이중결제", "chat", "2026-09-01 10:00", "2026-09-01 10:20"),
    ("T-102", "환불 지연", "반품했는데 환불이 아직 안 들어왔어요",
     "반품 검수 완료를 확인하고 카드사 반영까지 3~5영업일이 걸린다고 안내했습니다.",
     "resolved", "고객::결제::환불", "email", "2026-09-02 11:00", "2026-09-02 12:00"),
    ("T-103", "배송 지연", "주문한 지 5일이 지났는데 배송이 안 와요",
     "택배사 지연을 확인하고 배송 지연 보상 쿠폰을 지급했습니다.",
     "resolved", "고객::배송::지연", "chat", "2026-09-03 09:00", "2026-09-03 09:30"),
    ("T-104", "Login", "I can't log in because I forgot my password",
     "Guided the customer to reset the password with the emailed link.",
     "resolved", "고객::계정::비밀번호", "chat", "2026-09-04 15:00", "2026-09-04 15:05"),
]  # fmt: skip


def write_sources(folder: Path) -> list[Path]:
    """Write the tiny KB's article folder and ticket CSV under ``folder``; returns both paths."""
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    tickets = folder / "tickets.csv"
    with tickets.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([TICKET_COLUMNS, *TICKETS])
    return [articles, tickets]


API_QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "api_tinykb_questions.jsonl"


def tiny_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for the tiny KB: its own data dir and the hash embedder (unless overridden).

    The confidence model is fitted for the hash embedder (:func:`calibrate_hash_model`; the bundled
    one assumes the e5 model), with the hash embedder's own answer threshold.
    """
    base = {"data_dir": data_dir, "embedder": "hash", "answer_threshold": 0.45}
    return Settings(**{**base, **overrides})  # type: ignore[arg-type]


def build_tiny_kb(root: Path) -> Path:
    """Ingest the tiny KB into ``root/kms``; returns that data dir."""
    data_dir = root / "kms"
    report = ingest_paths(write_sources(root / "sources"), tiny_settings(data_dir))
    assert report.ok, [str(i) for i in report.errors]
    calibrate_hash_model(tiny_settings(data_dir), API_QUESTIONS)
    return data_dir


_BUILT: dict[Path, Path] = {}


def shared_tiny_kb(factory: pytest.TempPathFactory) -> Path:
    """The tiny KB built once per test session (copy it before anything writes to it)."""
    base = factory.getbasetemp()
    if base not in _BUILT:
        _BUILT[base] = build_tiny_kb(factory.mktemp("tiny-kb"))
    return _BUILT[base]


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Check the one error shape and the status/code; returns the ``error`` object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error  # type: ignore[no-any-return]


def copy_kb(data_dir: Path, target: Path) -> Path:
    """A private copy of a built KB (database and index folders, ``current`` link kept)."""
    shutil.copytree(data_dir, target, symlinks=True)
    return target


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_tiny_kb_holds_four_articles_and_four_tickets(tmp_path: Path) -> None:
    data_dir = build_tiny_kb(tmp_path)
    manifest = store.read_manifest(store.current_folder(data_dir / "indexes"))
    assert manifest["counts"]["docs_by_type"] == {"article": 4, "ticket": 4}


def test_copy_keeps_the_index_link_relative(tmp_path: Path) -> None:
    data_dir = build_tiny_kb(tmp_path / "a")
    copy = copy_kb(data_dir, tmp_path / "b")
    assert store.current_folder(copy / "indexes").parent == (copy / "indexes").resolve()
