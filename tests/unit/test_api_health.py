"""/readyz, the OpenAPI docs, the optional drafts router and the web hook of the app factory."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from test_api_kb import assert_error, tiny_settings, write_sources

from assist.access import ROUTES, Rule
from assist.api import create_app
from assist.api.app import optional_module, optional_router
from indexes import store
from ingest.pipeline import ingest_paths
from tests.auth import api_client


def test_ready_health_reports_index_model_db_and_counts(client: TestClient, data_dir: Path) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok" and health["ready"] is True and health["problems"] == []
    assert health["index_loaded"] and health["model_loaded"] and health["db_reachable"]
    assert health["index"] == store.read_manifest(store.current_folder(data_dir / "indexes"))["name"]
    assert health["embedder"] == "hash-256"
    counts = health["counts"]
    assert counts["articles"] == 4 and counts["tickets"] == 4 and counts["chunks"] == counts["indexed_chunks"]


def test_health_turns_ready_once_an_index_is_built(tmp_path: Path) -> None:
    settings = tiny_settings(tmp_path / "kms")
    with api_client(create_app(settings)) as client:
        before = client.get("/readyz")
        assert before.status_code == 503
        health = before.json()
        assert health["status"] == "degraded" and health["ready"] is False
        assert health["db_reachable"] is True and health["index"] is None
        assert any("kms init --sample" in p for p in health["problems"])
        assert ingest_paths(write_sources(tmp_path / "src"), settings).ok  # e.g. `kms ingest` elsewhere
        after = client.get("/readyz")
        assert after.status_code == 200 and after.json()["counts"]["indexed_chunks"] > 0
        assert client.post("/v1/suggestions", json={"inquiry": "환불 언제 되나요?"}).status_code == 200


def test_openapi_has_korean_examples_tags_and_bilingual_summaries(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert (
        schemas["SuggestionRequest"]["examples"][0]["inquiry"] == "결제가 두 번 됐어요. 환불은 언제 되나요?"
    )
    for name in ("TicketCreate", "TicketResolve", "AnswerRequest", "FeedbackCreate", "AnswerFeedbackCreate",
                 "ChatCompletionRequest"):  # fmt: skip
        assert schemas[name]["examples"], name
    ours = {"tickets", "suggestions", "answers", "openai", "health", "drafts"}
    assert {t["name"] for t in spec["tags"]} >= ours
    operations = [op for path in spec["paths"].values() for op in path.values() if set(op["tags"]) & ours]
    assert len(operations) == 22  # 20 + POST /v1/answer/{log_id}/feedback and /v1/tickets/{id}/reopen
    for op in operations:
        summary = op["summary"]
        assert " · " in summary and any("가" <= ch <= "힣" for ch in summary), summary
        assert op["tags"], summary
    error_schema = spec["paths"]["/v1/suggestions"]["post"]["responses"]["422"]
    assert error_schema["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_docs_pages_load_every_asset_from_this_site(client: TestClient) -> None:
    """/docs and /redoc work offline: every script, stylesheet and icon they name is served here."""
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert urls and all(u.startswith("/") for u in urls), urls  # no CDN, no Google Fonts
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 and len(response.content) > 300, url
    assert "SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").text
    assert client.get("/docs/assets/favicon.png").status_code == 404  # only the listed files
    assert client.get("/docs/assets/..%2Fcore.py").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_drafts_router_is_included_when_present(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    router = APIRouter(prefix="/v1/drafts")

    @router.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "초안"}

    fake = types.ModuleType("assist.api.drafts")
    fake.router = router  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assist.api.drafts", fake)
    with api_client(create_app(tiny_settings(data_dir))) as client:
        # a route nobody declared in the access policy is refused, never served by default
        assert client.get("/v1/drafts/ping").status_code == 403
        monkeypatch.setitem(ROUTES, ("GET", "/v1/drafts/ping"), Rule(("kms_owner",)))
        assert client.get("/v1/drafts/ping").json() == {"pong": "초안"}


def test_optional_router_tolerates_only_the_module_being_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert optional_router("assist.api.no_such_module") is None
    monkeypatch.setitem(sys.modules, "kms_no_router", types.ModuleType("kms_no_router"))
    assert optional_router("kms_no_router") is None  # exists but defines no router
    (tmp_path / "kms_broken_drafts.py").write_text("import kms_missing_dependency\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="kms_missing_dependency"):
        optional_router("kms_broken_drafts")  # a real bug inside the module is not hidden


def test_web_pages_are_mounted_when_present(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mounted: list[object] = []
    fake = types.ModuleType("assist.web")
    fake.mount_web = mounted.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assist.web", fake)
    app = create_app(tiny_settings(data_dir))
    assert mounted == [app]


def test_root_points_at_the_docs_without_web_pages(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "assist.web", None)  # as if assist/web did not exist
    assert optional_module("assist.web") is None
    with api_client(create_app(tiny_settings(data_dir))) as client:
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/docs"


def test_api_errors_stay_json_for_browsers(client: TestClient) -> None:
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = client.get("/v1/no-such-endpoint", headers=browser)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_broken_model_starts_degraded_and_answers_503(data_dir: Path, tmp_path: Path) -> None:
    settings = tiny_settings(data_dir, embedder=str(tmp_path / "no-such-model"))
    with api_client(create_app(settings)) as client:
        health = client.get("/readyz")
        assert health.status_code == 503
        assert health.json()["model_loaded"] is False and health.json()["index_loaded"] is False
        assert health.json()["db_reachable"] is True
        error = assert_error(client.post("/v1/suggestions", json={"inquiry": "환불"}), 503, "embedder_error")
        assert "no-such-model" in error["message"]
