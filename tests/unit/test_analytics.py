"""VOC analytics (assist/analytics): every figure against values computed by hand from the small
database in tests/analytics_world.py (period 2026-06-01..06-07, previous 05-25..05-31)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from assist.analytics import Report, build_report, make_period
from assist.analytics.period import Period
from assist.analytics.unanswered import NO_TEXT
from assist.cli.app import _register, app
from assist.errors import InvalidInputError
from core.settings import Settings
from storage import query_hash
from tests import pg
from tests.analytics_world import NOW, PII_ALLOW, REPEATED_QUESTION, SINCE, UNTIL, build_world
from tests.auth import bearer


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> sessionmaker[Session]:
    data = tmp_path_factory.mktemp("analytics") / "kms"
    return build_world(Settings(data_dir=data, embedder="hash", pii_allow=PII_ALLOW))


def report_for(sessions: sessionmaker[Session], channel: str | None = None) -> Report:
    with sessions() as session:
        return build_report(session, make_period(SINCE, UNTIL, channel), now=NOW)


@pytest.fixture(scope="module")
def report(world: sessionmaker[Session]) -> Report:
    return report_for(world)


def rows(report: Report, table: str) -> list[list[object]]:
    return report.table(table).rows


# --- period ---------------------------------------------------------------------------------


def test_period_days_weeks_and_the_previous_period() -> None:
    p = make_period(date(2026, 6, 1), date(2026, 6, 7))
    assert p.bucket == "day" and p.days == 7 and len(p.buckets()) == 7
    assert p.previous().since.date() == date(2026, 5, 25) and p.previous().until == p.since
    assert p.as_dict() == {"since": "2026-06-01", "until": "2026-06-07", "channel": None, "bucket": "day"}
    weeks = make_period(date(2026, 1, 7), date(2026, 3, 31))  # Wednesday .. Tuesday, 84 days
    assert weeks.bucket == "week"
    assert weeks.labels()[:3] == ["2026-01-07", "2026-01-12", "2026-01-19"]  # clipped, then Mondays
    assert weeks.buckets()[-1][1] == weeks.until
    assert make_period(today=date(2026, 6, 28)).since.date() == date(2026, 6, 1)  # the last 28 days
    with pytest.raises(InvalidInputError):
        make_period(date(2026, 6, 2), date(2026, 6, 1))
    for since, until in ((date(1, 1, 1), date(2026, 1, 1)), (date(2026, 1, 1), date(9999, 12, 31)),
                         (date(2000, 1, 1), date(2026, 1, 1))):  # fmt: skip
        with pytest.raises(InvalidInputError):  # out of range, or longer than ten years
            make_period(since, until)


# --- volume ---------------------------------------------------------------------------------


def test_volume_by_tag_and_channel(report: Report) -> None:
    figures = report.section("volume").figures
    # T1 T2 T3 T4 T5 T9 in the period; T6 T7 the week before; T8 after it
    assert figures == {"tickets": 6, "tickets_previous_period": 2, "change": 2.0, "untagged": 1,
                       "tags": 3, "channels": 3}  # fmt: skip
    assert rows(report, "volume_by_tag") == [
        ["배송", 3, 0, 0.5],
        ["결제", 2, 1, 0.3333],
        ["환불", 1, 0, 0.1667],
    ]
    assert rows(report, "volume_by_channel") == [
        ["chat", 4, 0.6667],
        ["app", 1, 0.1667],
        ["email", 1, 0.1667],
    ]


def test_volume_over_time_and_new_and_rising_tags(report: Report) -> None:
    over = {(b, c): n for b, c, n in rows(report, "volume_over_time")}
    assert len(over) == 7 * 3 and sum(over.values()) == 6  # every day x channel, zeros included
    assert over[("2026-06-01", "chat")] == 1 and over[("2026-06-01", "app")] == 1
    assert over[("2026-06-07", "chat")] == 1 and over[("2026-06-06", "email")] == 1  # T9 at 23:00
    tags = {(b, t): n for b, t, n in rows(report, "tags_over_time")}
    assert tags[("2026-06-01", "결제")] == 2 and sum(n for (_, t), n in tags.items() if t == "배송") == 3
    # topics: t-a holds T1 T2 (T6 the week before), t-b T3 T5 T9 (T8 after); t-c is suppressed
    assert rows(report, "volume_by_topic") == [
        ["t-b", "배송 문의", 3, 0, 4.0],
        ["t-a", "환불 지연", 2, 1, 4.0],
    ]
    assert rows(report, "new_tags") == [["배송", 3]]  # 환불 is new too but has one ticket only
    assert rows(report, "rising_tags") == []  # 결제 2 vs 1: under the minimum of 3


def test_channel_filter(world: sessionmaker[Session]) -> None:
    chat = report_for(world, "chat")
    assert chat.section("volume").figures["tickets"] == 4  # T1 T3 T4 T9
    assert chat.section("agent_assist").figures["suggestions"] == 2  # S1 (T1), S3 (T3)
    service = chat.section("service").figures
    assert service["resolution_hours_mean"] == round((2 + 4 + 2) / 3, 2)
    # T1 → T2 (same customer, other channel, 1 h later) and T3 → T8 repeat; T4 does not
    assert service["tickets_with_customer_ref"] == 3 and service["fcr_estimate"] == 0.3333
    # chat first replies: T1 0.5, T3 1, T4 6.5, T9 2 → mean 2.5, median (1 + 2) / 2, p90 (4th of 4) 6.5
    assert (service["first_responses"], service["first_response_hours_mean"]) == (4, 2.5)
    assert (service["first_response_hours_median"], service["first_response_hours_p90"]) == (1.5, 6.5)
    assert (service["reopen_base"], service["reopened"], service["reopen_rate"]) == (3, 1, 0.3333)  # T9
    assert any("every channel" in note for note in chat.section("chatbot").not_recorded)


# --- service KPIs ---------------------------------------------------------------------------


def test_service_kpis(report: Report) -> None:
    service = report.section("service")
    # hours to resolution: T1 2, T2 24, T3 4, T5 8, T9 2 → mean 8, median 4, p90 (5th of 5) 24
    assert service.figures == {
        "tickets": 6, "resolved": 5, "open": 1, "resolved_rate": 0.8333,
        "csat_responses": 4, "csat_response_rate": 0.6667, "csat_mean": 4.0, "csat_satisfied_rate": 0.75,
        "resolution_hours_mean": 8.0, "resolution_hours_median": 4.0, "resolution_hours_p90": 24.0,
        # customer refs: T1 T2 T5 (a), T3 (b), T4 (c); T1→T2, T2→T5 and T3→T8 within 7 days
        # first replies (hours): T1 0.5, T2 3, T3 1, T4 6.5, T9 2 → mean 2.6, median 2, p90 (5th) 6.5
        "first_responses": 5, "first_response_hours_mean": 2.6, "first_response_hours_median": 2.0,
        "first_response_hours_p90": 6.5,
        # ever resolved with a known count: T1 0, T2 1, T3 0, T9 2 (T4 never resolved, T5 unknown)
        "reopen_base": 4, "reopened": 2, "reopen_rate": 0.5,
        "tickets_with_customer_ref": 5, "repeat_contact_rate_7d": 0.6, "fcr_estimate": 0.4,
    }  # fmt: skip
    assert rows(report, "service_by_channel") == [
        ["chat", 4, 3, 2.67, 3, 4.333],
        ["app", 1, 1, 24.0, 1, 3.0],
        ["email", 1, 1, 8.0, 0, None],
    ]
    assert rows(report, "csat_by_tag") == [
        ["배송", 3, 2, 4.0, 1.0],
        ["결제", 2, 2, 4.0, 0.5],
        ["환불", 1, 1, 3.0, 0.0],
    ]
    assert service.not_recorded == []  # first response and reopens are recorded (0010)


def test_masked_customer_refs_are_not_identities(tmp_path: Path) -> None:
    sessions = build_world(Settings(data_dir=tmp_path / "kms", embedder="hash"))  # refs → [고객번호]
    service = report_for(sessions).section("service")
    assert service.figures["tickets_with_customer_ref"] == 0 and service.figures["fcr_estimate"] is None
    assert any("first-contact resolution" in n for n in service.not_recorded)


def test_ratio_and_rounding() -> None:
    from assist.analytics.tables import ratio, rounded

    assert ratio(1, 0) is None and ratio(None, 3) is None and ratio(2, 3) == 0.6667
    assert rounded(None) is None and rounded(2.345678, 2) == 2.35


# --- agent assist ---------------------------------------------------------------------------


def test_agent_assist(report: Report) -> None:
    section = report.section("agent_assist")
    # S1..S5 in the period (S6 before it); feedback: used 0.0, edited 0.4, rejected, rejected, edited 0.2
    assert section.figures == {
        "suggestions": 5, "suggestions_with_feedback": 4, "feedback_rate": 0.8, "feedback": 5,
        "used": 1, "edited": 2, "rejected": 2, "use_rate": 0.6, "used_as_is_rate": 0.2,
        "edited_rate": 0.4, "rejected_rate": 0.4,
        "mean_edit_distance": 0.2, "mean_edit_distance_edited": 0.3,
    }  # fmt: skip
    assert rows(report, "suggestions_by_article") == [
        ["KB-1", "KB-1 제목", 2, 2, 1, 1, 0, 0.0, 0.2],
        ["KB-2", "KB-2 제목", 2, 3, 0, 1, 2, 0.6667, 0.2],
        ["(no article)", "", 1, 0, 0, 0, 0, None, None],
    ]
    assert rows(report, "most_rejected_articles") == [["KB-2", "KB-2 제목", 2, 3, 0, 1, 2, 0.6667, 0.2]]
    assert rows(report, "rejection_reasons") == [["오래된 정책", 2]]


# --- chatbot --------------------------------------------------------------------------------


def test_chatbot(report: Report) -> None:
    section = report.section("chatbot")
    assert section.figures == {"questions": 4, "answered": 2, "handed_off": 2, "deflection_rate": 0.5,
                               "mean_confidence": 0.525, "repeated_unanswered_questions": 1,
                               # answer feedback (q0 helpful, q1 q3 not): test_analytics_answer_feedback
                               "answer_feedback": 3, "answer_feedback_rate": 0.75, "helpful": 1,
                               "not_helpful": 2, "helpful_rate": 0.3333,
                               # no question text in this world (0011): test_unanswered_topics.py
                               "unanswered_texts": 0, "unanswered_topics": 0}  # fmt: skip
    assert rows(report, "chatbot_over_time")[:3] == [
        ["2026-06-01", 1, 1, 0.5],
        ["2026-06-02", 0, 1, 0.0],
        ["2026-06-03", 1, 0, 1.0],
    ]
    assert rows(report, "chatbot_over_time")[3] == ["2026-06-04", 0, 0, None]
    assert rows(report, "handoff_reasons") == [["no_evidence", 1, 0.5], ["weak_evidence", 1, 0.5]]
    # the same question twice (spacing differs: the hash is of the normalised text)
    assert rows(report, "repeated_unanswered") == [[query_hash(REPEATED_QUESTION)[:12], 2, "2026-06-02"]]
    assert rows(report, "unanswered_topics") == []
    assert [n for n in section.not_recorded if "unanswered" in n] == [NO_TEXT]  # not "a hash only" (0011)
    assert not any("feedback" in n for n in section.not_recorded)  # recorded since 0008


# --- knowledge health -----------------------------------------------------------------------


def test_knowledge_health(report: Report) -> None:
    section = report.section("health")
    assert section.figures == {
        "published_articles": 4, "incomplete_articles": 1, "stale_articles": 2, "expired_articles": 1,
        "stale_articles_cited": 2, "gap_topics": 2, "drafts_pending": 2,
        "drafts_pending_mean_age_days": 5.25, "drafts_pending_oldest_age_days": 7.0,
    }  # fmt: skip
    # KB-3 expired 05-31: cited by one suggestion and two answers; KB-30 not updated since 2024
    # (cited once; a citation of KB-3 is not one of KB-30 nor the other way round)
    assert rows(report, "stale_cited") == [
        ["KB-3", "KB-3 제목", "expired", "2026-05-31", "2026-05-01", 1, 2],
        ["KB-30", "KB-30 제목", "not_updated", None, "2024-01-01", 1, 0],
    ]
    assert rows(report, "incomplete_articles") == [["KB-2", "KB-2 제목", "steps, scripts", "kim"]]
    assert rows(report, "gap_topics") == [
        ["t-b", "배송 문의", 8, 8, 0, "2026-06-05", 2, "approved"],
        ["t-a", "환불 지연", 5, 2, 3, "2026-06-06", 3, "pending"],
    ]
    assert rows(report, "pending_drafts") == [
        [1, "환불 지연 안내", 5, "2026-06-01", 7.0],
        [3, "환불 지연 안내 2", 5, "2026-06-05", 3.5],
    ]


# --- the report as a whole ------------------------------------------------------------------


def test_report_json_and_csv(report: Report, tmp_path: Path) -> None:
    data = report.as_dict()
    assert list(data["sections"]) == ["volume", "service", "agent_assist", "chatbot", "health"]
    assert data["period"]["since"] == "2026-06-01"
    names = set(report.tables())
    paths = report.write_csv(tmp_path / "csv")
    assert {p.stem for p in paths} == names and len(names) == 28  # coverage 2 (0009), unanswered 1 (0011)
    text = (tmp_path / "csv" / "volume_by_tag.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["tag,tickets,previous_period,share", "배송,3,0,0.5", "결제,2,1,0.3333",
                                 "환불,1,0,0.1667"]  # fmt: skip
    assert report.table("service_by_channel").to_csv().splitlines()[-1] == "email,1,1,8.0,0,"
    with pytest.raises(Exception, match="no table"):
        report.table("nope")


def test_an_empty_database(tmp_path: Path) -> None:
    from storage import open_db

    sessions = open_db(Settings(data_dir=tmp_path / "kms", embedder="hash"))
    with sessions() as session:
        report = build_report(
            session, Period(make_period(SINCE, UNTIL).since, make_period(SINCE, UNTIL).until)
        )
    assert report.section("volume").figures["tickets"] == 0
    assert report.section("service").figures["resolution_hours_median"] is None
    service = report.section("service")
    assert service.figures["first_response_hours_median"] is None and service.figures["reopen_rate"] is None
    assert [n.split(":")[0] for n in service.not_recorded][:2] == ["first response time", "reopen rate"]
    assert report.section("chatbot").figures["deflection_rate"] is None


# --- PostgreSQL: the same figures ------------------------------------------------------------

postgres_url = pg.make_postgres_fixture(scope="module")


@pytest.mark.postgres
def test_postgres_gives_the_same_report(postgres_url: str, report: Report, tmp_path: Path) -> None:
    with pg.fresh_database(postgres_url) as url:
        settings = Settings(data_dir=tmp_path / "kms", embedder="hash", pii_allow=PII_ALLOW, database_url=url)
        sessions = build_world(settings)
        try:
            on_pg = report_for(sessions).as_dict()["sections"]
            chat_pg = report_for(sessions, "chat").as_dict()["sections"]
        finally:
            sessions.kw["bind"].dispose()
    assert on_pg == report.as_dict()["sections"]
    assert chat_pg["service"]["figures"]["fcr_estimate"] == 0.3333
    assert chat_pg["service"]["figures"]["first_response_hours_median"] == 1.5
    assert chat_pg["service"]["figures"]["reopen_rate"] == 0.3333


# --- kms report -----------------------------------------------------------------------------


@pytest.fixture
def cli(world: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    url = str(world.kw["bind"].url)
    monkeypatch.setenv("KMS_DATA_DIR", str(Path(url.removeprefix("sqlite:///")).parent))
    monkeypatch.setenv("KMS_EMBEDDER", "hash")
    return CliRunner()


def test_cli_report_tables_json_and_csv(cli: CliRunner, report: Report, tmp_path: Path) -> None:
    _register()
    args = ["report", "--since", "2026-06-01", "--until", "2026-06-07"]
    human = cli.invoke(app, args)
    assert human.exit_code == 0, human.output
    text = human.stdout
    assert "VOC report 2026-06-01 .. 2026-06-07" in text and "Tickets by consultation tag" in text
    assert "resolution_hours_median" in text and "first_response_hours_median" in text
    assert "KB-2 제목" in text and "배송" in text
    assert "Answers marked helpful and not helpful per day" in text
    as_json = cli.invoke(app, [*args, "--json"])
    data = json.loads(as_json.stdout)
    assert data["sections"]["service"] == report.as_dict()["sections"]["service"]
    assert data["sections"]["volume"]["figures"]["tickets"] == 6
    chat = json.loads(cli.invoke(app, [*args, "--channel", "chat", "--json"]).stdout)
    assert chat["period"]["channel"] == "chat" and chat["sections"]["volume"]["figures"]["tickets"] == 4
    written = cli.invoke(app, [*args, "--csv", str(tmp_path / "out")])
    assert written.exit_code == 0 and "28 CSV files" in written.stdout
    assert (tmp_path / "out" / "csat_by_tag.csv").read_text(encoding="utf-8-sig").startswith("tag,tickets")


def test_cli_report_bad_dates(cli: CliRunner) -> None:
    _register()
    bad = cli.invoke(app, ["report", "--since", "June 1"])
    assert isinstance(bad.exception, InvalidInputError) and "YYYY-MM-DD" in bad.exception.message
    backwards = cli.invoke(app, ["report", "--since", "2026-06-07", "--until", "2026-06-01"])
    assert (
        isinstance(backwards.exception, InvalidInputError) and "after --until" in backwards.exception.message
    )
    helped = cli.invoke(app, ["report", "--help"])
    assert "YYYY-MM-DD" in helped.stdout and "DIR" in helped.stdout


# --- GET /v1/analytics and the /analytics page ----------------------------------------------


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


PARAMS = {"since": "2026-06-01", "until": "2026-06-07"}


def test_api_report_for_managers_only(client: TestClient, app_settings: Settings, report: Report) -> None:
    for role in ("kms_owner", "admin"):
        r = client.get(
            "/v1/analytics", params=PARAMS, headers=bearer(app_settings, [role], name=f"an-{role}")
        )
        assert r.status_code == 200, r.text
        sections = r.json()["sections"]
        assert sections["service"] == report.as_dict()["sections"]["service"]
        assert sections["agent_assist"]["figures"]["use_rate"] == 0.6
    for role in ("agent", "bot", "evaluator"):
        r = client.get(
            "/v1/analytics", params=PARAMS, headers=bearer(app_settings, [role], name=f"an-{role}")
        )
        assert r.status_code == 403
    assert client.get("/v1/analytics", params=PARAMS).status_code == 401


def test_api_csv_export_of_every_table(client: TestClient, app_settings: Settings, report: Report) -> None:
    headers = bearer(app_settings, ["kms_owner"], name="an-csv")
    for name, table in report.tables().items():
        r = client.get("/v1/analytics", params={**PARAMS, "format": "csv", "table": name}, headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert f"{name}_2026-06-01_2026-06-07.csv" in r.headers["content-disposition"]
        expected = table.to_csv()
        if name == "pending_drafts":  # ages run from the real clock here, not from NOW
            expected = expected.splitlines()[0]
        assert r.content.decode("utf-8-sig").startswith(expected)
    chat = client.get("/v1/analytics", params={**PARAMS, "channel": "chat", "format": "csv",
                                                "table": "volume_by_channel"}, headers=headers)  # fmt: skip
    assert chat.content.decode("utf-8-sig").splitlines() == ["channel,tickets,share", "chat,4,1.0"]
    missing = client.get("/v1/analytics", params={**PARAMS, "format": "csv"}, headers=headers)
    assert missing.status_code == 400 and "table" in missing.json()["error"]["message"]
    unknown = client.get(
        "/v1/analytics", params={**PARAMS, "format": "csv", "table": "nope"}, headers=headers
    )
    assert unknown.status_code == 404
    bad = client.get("/v1/analytics", params={"since": "yesterday"}, headers=headers)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]["message"]


def test_analytics_page(client: TestClient, app_settings: Settings) -> None:
    owner = bearer(app_settings, ["kms_owner"], name="an-page")
    page = client.get("/analytics", params=PARAMS, headers={"accept": "text/html", **owner})
    assert page.status_code == 200
    html = page.text
    assert "VOC 분석" in html and "상담 태그별 티켓" in html and "1차 해결률(추정)" in html
    assert 'href="/analytics"' in html  # the nav link
    assert html.count('data-plot="') >= 5 and "data:image/svg+xml;base64," in html
    assert "/v1/analytics?since=2026-06-01&amp;until=2026-06-07&amp;format=csv&amp;table=csat_by_tag" in html
    assert "60.0%" in html  # the use rate
    assert "기간별 답변 피드백" in html and "도움 안 됨 답변이 인용한 문서" in html  # answer feedback
    assert "평균 첫 응답 시간(시간)" in html and "재오픈율" in html and "50.0%" in html  # 0010
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html  # no CDN
    english = client.get(
        "/analytics", params={**PARAMS, "lang": "en"}, headers={"accept": "text/html", **owner}
    )
    assert "Tickets by consultation tag" in english.text
    wrong = client.get("/analytics", params={"since": "junk"}, headers={"accept": "text/html", **owner})
    assert wrong.status_code == 200 and "YYYY-MM-DD" in wrong.text
    agent = bearer(app_settings, ["agent"], name="an-page-agent")
    assert client.get("/analytics", headers={"accept": "text/html", **agent}).status_code == 403
    tickets = client.get("/tickets", headers={"accept": "text/html", **agent}).text
    assert 'href="/analytics"' not in tickets  # no nav link for agents


def test_plots_are_svg(report: Report, tmp_path: Path) -> None:
    from assist.analytics.plots import report_plots

    plots = report_plots(report)
    assert set(plots) == {"volume_over_time", "tags_over_time", "topics_over_time", "csat_by_tag",
                          "suggestions_by_article", "chatbot_over_time", "gap_topics"}  # fmt: skip
    assert all(svg.startswith("<svg") and svg.rstrip().endswith("</svg>") for svg in plots.values())
    assert all("<script" not in svg for svg in plots.values())
    from storage import open_db

    with open_db(Settings(data_dir=tmp_path / "kms", embedder="hash"))() as session:
        empty = build_report(session, make_period(SINCE, UNTIL))
    assert report_plots(empty) == {}


def test_every_part_of_the_report_has_a_page_label(report: Report) -> None:
    from assist.web.analytics import label
    from assist.web.i18n import MESSAGES

    names = [("s", s.name) for s in report.sections] + [("b", "day"), ("b", "week")]
    names += [("f", f) for s in report.sections for f in s.figures]
    names += [("t", t.name) for t in report.tables().values()]
    names += [("c", c) for t in report.tables().values() for c in t.columns]
    missing = sorted({f"an.{kind}.{name}" for kind, name in names} - set(MESSAGES))
    assert not missing, f"analytics labels missing from assist/web/analytics_labels.py: {missing}"
    assert label("t", "volume_by_tag", "ko") == "상담 태그별 티켓" and label("c", "nope", "en") == "nope"


def test_median_of_an_even_count(world: sessionmaker[Session]) -> None:
    with world() as session:  # 06-01..06-02: T1 (2 h) and T2 (24 h)
        report = build_report(session, make_period(date(2026, 6, 1), date(2026, 6, 2)), now=NOW)
    figures = report.section("service").figures
    assert (figures["resolution_hours_median"], figures["resolution_hours_p90"]) == (13.0, 24.0)
