"""The /v1/drafts router on a test app (hash-embedder KB), errors in the project's JSON shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_drafts_data as data
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_drafts_data import PICKUP_Q

from assist.api.drafts import router
from assist.api.errors import install_error_handlers
from assist.api.security import install_access
from assist.knowledge import KnowledgeBase
from tests.auth import api_client

template_dir, drafts_kb = data.template_dir, data.drafts_kb  # fixtures


@pytest.fixture
def client(drafts_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # the route builds DraftSettings() from the environment: give it the test KB's thresholds
    for name, value in data.CONFIG.model_dump(exclude_none=True).items():
        monkeypatch.setenv(f"KMS_DRAFTS_{name.upper()}", str(value))
    app = FastAPI()
    app.state.kb = drafts_kb
    app.state.settings = drafts_kb.settings
    install_error_handlers(app)
    app.include_router(router)
    install_access(app)  # the product's access rules: a kms_owner key reviews drafts
    with api_client(app, roles=["kms_owner"]) as test_client:
        yield test_client


def pickup(client: TestClient) -> dict:
    drafts = client.get("/v1/drafts", params={"status": "pending"}).json()
    return next(d for d in drafts if d["title"].startswith("편의점 픽업"))


def test_generate_list_and_show(client: TestClient) -> None:
    result = client.post("/v1/drafts/generate", json={"since": "30d"})
    assert result.status_code == 200
    assert result.json()["topics"] == 3 and len(result.json()["created"]) == 2
    listed = client.get("/v1/drafts").json()
    assert [d["size"] for d in listed] == [6, 5]  # biggest topic first
    shown = client.get(f"/v1/drafts/{pickup(client)['id']}").json()
    assert shown["tickets"][0]["inquiry"] == PICKUP_Q[0]
    assert set(shown["sections"]) >= {"purpose", "policy", "steps", "scripts", "situations", "management"}
    assert all(s["tickets"] for sentences in shown["provenance"].values() for s in sentences)
    assert shown["markdown"].startswith("## 제목\n편의점 픽업")


def test_edit_approve_and_conflict(client: TestClient) -> None:
    client.post("/v1/drafts/generate", json={})
    draft_id = pickup(client)["id"]
    edited = client.patch(
        f"/v1/drafts/{draft_id}", json={"sections": {"summary": "픽업 요약"}, "author": "김"}
    )
    assert edited.status_code == 200 and edited.json()["sections"]["summary"] == "픽업 요약"
    approved = client.post(f"/v1/drafts/{draft_id}/approve", json={"owner": "물류팀", "override": "확인"})
    assert approved.status_code == 200 and approved.json()["article_id"] == f"KB-D-{draft_id}"
    again = client.post(f"/v1/drafts/{draft_id}/approve", json={})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict" and "approved" in again.json()["error"]["message"]


def test_reject_merge_and_error_shapes(client: TestClient) -> None:
    client.post("/v1/drafts/generate")
    ids = [d["id"] for d in client.get("/v1/drafts").json()]
    rejected = client.post(f"/v1/drafts/{ids[1]}/reject", json={"reason": "중복 문서"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    merged = client.post(f"/v1/drafts/{ids[0]}/merge", json={"article_id": "KB-PW"})
    assert merged.status_code == 200 and merged.json()["merged_into"] == "KB-PW"
    assert [d["status"] for d in client.get("/v1/drafts", params={"status": "merged"}).json()] == ["merged"]

    missing = client.get("/v1/drafts/999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    blank = client.post(f"/v1/drafts/{ids[0]}/reject", json={"reason": " "})
    assert blank.status_code in (400, 409)  # merged already: the state is checked after the reason
    bad = client.post(f"/v1/drafts/{ids[0]}/reject", json={})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    status = client.get("/v1/drafts", params={"status": "maybe"})
    assert status.status_code == 400 and status.json()["error"]["details"]["field"] == "status"
    window = client.post("/v1/drafts/generate", json={"since": "soon"})
    assert window.status_code == 400 and window.json()["error"]["details"]["field"] == "since"
