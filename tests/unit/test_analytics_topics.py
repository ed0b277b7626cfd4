"""VOC analytics by recurring topic: agent-assist use per topic, topics over time and new / rising
topics (and a rising tag, which the main test only sees absent), against values computed by hand
from tests/analytics_world.py (period 2026-06-01..06-07), in the report, the JSON API, its CSV
export, `kms report` and the /analytics page.

Topics (active): t-a holds T1 T2 (and T6, the week before), t-b T3 T5 T9 (T8 after the period);
t-c is suppressed. Suggestions: S1 (T1, used, 0.0), S2 (T2, edited, 0.4), S3 (T3, rejected);
S4 and S5 have no ticket, so no topic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from assist.analytics import Report, build_report, make_period
from assist.cli.app import _register, app
from core.settings import Settings
from storage import TicketRow, TopicRow
from tests.analytics_world import NOW, PII_ALLOW, SINCE, UNTIL, build_world
from tests.auth import bearer

COLUMNS = ["topic", "label", "suggestions", "feedback", "used", "edited", "rejected", "rejected_rate",
           "mean_edit_distance"]  # fmt: skip
BY_TOPIC = [
    ["t-a", "환불 지연", 2, 2, 1, 1, 0, 0.0, 0.2],  # S1 used (0.0), S2 edited (0.4)
    ["t-b", "배송 문의", 1, 1, 0, 0, 1, 1.0, None],  # S3 rejected (no distance)
]
NEW_TOPICS = [["t-b", "배송 문의", 3]]  # T3 T5 T9 now, none the week before
PARAMS = {"since": "2026-06-01", "until": "2026-06-07"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> sessionmaker[Session]:
    data = tmp_path_factory.mktemp("analytics-topics") / "kms"
    return build_world(Settings(data_dir=data, embedder="hash", pii_allow=PII_ALLOW))


def report_for(sessions: sessionmaker[Session], channel: str | None = None) -> Report:
    with sessions() as session:
        return build_report(session, make_period(SINCE, UNTIL, channel), now=NOW)


def test_suggestions_by_topic(world: sessionmaker[Session]) -> None:
    table = report_for(world).table("suggestions_by_topic")
    assert table.columns == COLUMNS and table.rows == BY_TOPIC
    chat = report_for(world, "chat").table("suggestions_by_topic").rows  # S1 (T1), S3 (T3); S2's T2 is app
    assert chat == [
        ["t-a", "환불 지연", 1, 1, 1, 0, 0, 0.0, 0.0],
        ["t-b", "배송 문의", 1, 1, 0, 0, 1, 1.0, None],
    ]
    assert report_for(world, "email").table("suggestions_by_topic").rows == []  # T5 has no suggestion


def test_new_and_rising_topics(world: sessionmaker[Session]) -> None:
    report = report_for(world)
    assert report.table("new_topics").rows == NEW_TOPICS
    assert report.table("rising_topics").rows == []  # t-a: 2 vs 1, under the minimum of 3


def test_topics_over_time(world: sessionmaker[Session]) -> None:
    over = report_for(world).table("topics_over_time")
    assert over.columns == ["bucket", "topic", "tickets"] and len(over.rows) == 7 * 2  # zeros included
    assert {(b, t): n for b, t, n in over.rows if n} == {
        ("2026-06-01", "환불 지연"): 2,  # T1 T2
        ("2026-06-03", "배송 문의"): 1,  # T3
        ("2026-06-06", "배송 문의"): 1,  # T5
        ("2026-06-07", "배송 문의"): 1,  # T9 at 23:00
    }
    chat = report_for(world, "chat").table("topics_over_time").rows  # T2 (app) and T5 (email) left out
    assert {(b, t): n for b, t, n in chat if n} == {
        ("2026-06-01", "환불 지연"): 1,
        ("2026-06-03", "배송 문의"): 1,
        ("2026-06-07", "배송 문의"): 1,
    }


def test_topics_sharing_a_label_are_told_apart() -> None:
    from assist.analytics.volume import topic_names

    topics = [["t-1", "배송", 3, 0, None], ["t-2", "배송", 2, 0, None], ["t-3", "", 1, 0, None]]
    assert topic_names(topics) == {"t-1": "배송 (t-1)", "t-2": "배송 (t-2)", "t-3": "t-3"}


def test_a_rising_topic(tmp_path: Path) -> None:
    sessions = build_world(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    with sessions.begin() as session:  # T3 T5 T9 now, T6 the week before: 3 >= 3 and >= 1.5 x 1
        session.add(TopicRow(key="t-d", label="교환", size=4, member_ids=["T3", "T5", "T9", "T6"]))
    report = report_for(sessions)
    assert report.table("rising_topics").rows == [["t-d", "교환", 3, 1, 2.0]]
    assert report.table("new_topics").rows == NEW_TOPICS  # t-d had a ticket the week before
    # S3's ticket T3 is in t-b and t-d: it counts in both (ties: by topic key)
    assert report.table("suggestions_by_topic").rows == [*BY_TOPIC, ["t-d", "교환", 1, 1, 0, 0, 1, 1.0, None]]


def test_a_rising_tag(tmp_path: Path) -> None:
    """The world's rising_tags is empty (결제 2 vs 1); two more 결제 tickets make it rise."""
    sessions = build_world(Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW))
    with sessions.begin() as session:
        for tid, day in (("R1", 2), ("R2", 4)):
            session.add(TicketRow(id=tid, channel="chat", inquiry="결제 문의", status="open", tags=["결제"],
                                  created_at=datetime(2026, 6, day, 9, tzinfo=UTC), source="test",
                                  content_hash=tid))  # fmt: skip
    report = report_for(sessions)
    assert report.table("rising_tags").rows == [["결제", 4, 1, 3.0]]  # T1 T2 R1 R2 vs T6: 4 >= 3, >= 1.5 x 1
    assert report.table("new_tags").rows == [["배송", 3]]  # unchanged
    assert report.section("volume").figures["tickets"] == 8


# --- the same tables through the API, its CSV export, `kms report` and the page ----------------


@pytest.fixture(scope="module")
def app_settings(world: sessionmaker[Session]) -> Settings:
    url = str(world.kw["bind"].url)
    return Settings(
        data_dir=Path(url.removeprefix("sqlite:///")).parent, embedder="hash", pii_allow=PII_ALLOW
    )


@pytest.fixture(scope="module")
def client(app_settings: Settings) -> Iterator[TestClient]:
    from assist.api import create_app

    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


def test_api_json_and_csv(client: TestClient, app_settings: Settings) -> None:
    headers = bearer(app_settings, ["kms_owner"], name="an-topics")
    sections = client.get("/v1/analytics", params=PARAMS, headers=headers).json()["sections"]
    assert sections["agent_assist"]["tables"]["suggestions_by_topic"]["rows"] == BY_TOPIC
    assert sections["volume"]["tables"]["new_topics"]["rows"] == NEW_TOPICS
    assert sections["volume"]["tables"]["rising_topics"]["rows"] == []
    csv = client.get(
        "/v1/analytics", params={**PARAMS, "format": "csv", "table": "suggestions_by_topic"}, headers=headers
    )
    assert csv.content.decode("utf-8-sig").splitlines() == [
        ",".join(COLUMNS),
        "t-a,환불 지연,2,2,1,1,0,0.0,0.2",
        "t-b,배송 문의,1,1,0,0,1,1.0,",
    ]
    agent = bearer(app_settings, ["agent"], name="an-topics-agent")
    assert client.get("/v1/analytics", params=PARAMS, headers=agent).status_code == 403


def test_page_shows_the_tables_with_csv_links(client: TestClient, app_settings: Settings) -> None:
    owner = bearer(app_settings, ["kms_owner"], name="an-topics-page")
    html = client.get("/analytics", params=PARAMS, headers={"accept": "text/html", **owner}).text
    for name, title in (("suggestions_by_topic", "주제별 추천 활용"), ("new_topics", "새 반복 문의 주제"),
                        ("rising_topics", "급증 반복 문의 주제")):  # fmt: skip
        assert f'data-table="{name}"' in html and title in html
        assert f'data-testid="csv-{name}"' in html
    assert 'data-plot="topics_over_time"' in html and "상위 반복 문의 주제 추이" in html


def test_cli_json_and_csv(
    world: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = str(world.kw["bind"].url)
    monkeypatch.setenv("KMS_DATA_DIR", str(Path(url.removeprefix("sqlite:///")).parent))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    _register()
    args = ["report", "--since", "2026-06-01", "--until", "2026-06-07"]
    data = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    assert data["sections"]["agent_assist"]["tables"]["suggestions_by_topic"]["rows"] == BY_TOPIC
    assert data["sections"]["volume"]["tables"]["new_topics"]["rows"] == NEW_TOPICS
    human = CliRunner().invoke(app, args).stdout
    assert "Suggestions by recurring topic" in human and "New recurring topics" in human
    assert "Top recurring topics per day" in human  # printed a column a topic, a row a day
    assert re.search(r"bucket\s+┃\s+배송 문의\s+┃\s+환불 지연", human)
    assert re.search(r"2026-06-01\s+│\s+0\s+│\s+2\s+│", human)
    assert CliRunner().invoke(app, [*args, "--csv", str(tmp_path / "out")]).exit_code == 0
    text = (tmp_path / "out" / "suggestions_by_topic.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == "t-a,환불 지연,2,2,1,1,0,0.0,0.2"
