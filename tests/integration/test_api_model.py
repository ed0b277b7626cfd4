"""One suggestion and one answer over HTTP with the real bundled e5 model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assist.api import create_app
from core.settings import Settings
from ingest.pipeline import ingest_paths
from tests.auth import api_client

try:
    from tests.unit.test_api_kb import write_sources
except ModuleNotFoundError:  # tests/ is not a package: import it from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.unit.test_api_kb import write_sources


@pytest.mark.model
def test_suggestion_and_answer_on_the_real_model(real_settings: Settings, tmp_path: Path) -> None:
    assert ingest_paths(write_sources(tmp_path / "src"), real_settings).ok
    with api_client(create_app(real_settings)) as client:
        assert client.get("/readyz").json()["embedder"].startswith("bundled:")
        s = client.post(
            "/v1/suggestions", json={"inquiry": "카드 결제가 두 번 승인됐는데 언제 취소되나요?"}
        ).json()
        assert s["articles"][0]["article_id"] == "KB-101-double-charge"
        assert s["tickets"][0]["ticket_id"] == "T-101"
        # the draft follows the chatbot's answer: the article's script or its sentences, cited
        assert s["draft"]["strategy"] in ("script", "sentences") and "[1]" in s["draft"]["text"]
        assert s["draft"]["citations"][0]["article_id"] == "KB-101-double-charge"
        a = client.post("/v1/answer", json={"question": "반품한 상품 환불은 언제 되나요?"}).json()
        assert a["abstained"] is False and a["citations"][0]["article_id"] == "KB-102-refund"
        out = client.post("/v1/answer", json={"question": "오늘 서울 날씨 어때?"}).json()
        assert out["abstained"] is True
