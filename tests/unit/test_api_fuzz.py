"""Schemathesis over the OpenAPI schema: every operation, schema-valid and schema-violating inputs
(positive and negative generation), authenticated as a key with every role: no server error, and
every error in the one shape {"error": {"code", "message", "details"}}.

Bounded and deterministic: a fixed number of examples per operation, derandomized, no example
database (about half a minute on the tiny KB).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.python import asgi
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings

from assist.api import create_app
from tests.auth import bearer

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    data_dir = copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path_factory.mktemp("fuzz") / "kms")
    app = create_app(tiny_settings(data_dir))
    yield app
    asgi.shutdown_lifespans()  # schemathesis started the app's lifespan; close its database


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> Any:
    loaded = schemathesis.openapi.from_dict(fuzz_app.openapi())
    loaded.app = fuzz_app  # calls go to the app in-process (ASGI), not over the network
    return loaded


@pytest.fixture(scope="module")
def auth(fuzz_app: FastAPI) -> dict[str, str]:
    return bearer(fuzz_app.state.settings)


def _check(case: Any, auth: dict[str, str]) -> None:
    response = case.call(headers=auth)
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where} -> {response.status_code}: {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, f"{where}: {body}"
        assert set(body["error"]) == {"code", "message", "details"}, f"{where}: {body}"
        assert "\n" not in body["error"]["message"], f"{where}: one line: {body!r}"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_no_operation_answers_a_server_error(
    api_schema: Any, auth: dict[str, str], mode: GenerationMode
) -> None:
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20  # every route of the API is in the schema

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            _check(case, auth)

        try:
            run()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)
