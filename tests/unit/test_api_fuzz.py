"""Schemathesis over the OpenAPI schema: every operation, schema-valid and schema-violating inputs
(positive and negative generation), authenticated as a key with every role: no server error, and
every error in the one shape {"error": {"code", "message", "details"}}.

Bounded and deterministic: a fixed number of examples per operation, derandomized, no example
database (about half a minute on the tiny KB).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.python import asgi
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings

from assist.api import create_app
from tests.auth import api_client, bearer

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


HOSTILE: list[Any] = [
    2**64,
    -(2**64),
    float("nan"),
    float("inf"),
    1e308,
    "\x00",
    "\ud800",
    "99999999999d",
    "x" * 1_000_000,  # in a URL: its first 10,000 characters (clients refuse longer URLs)
    [],
    {},
    None,
]


def _url_value(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value[:10_000]
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def _body_example(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    ref = content["schema"].get("$ref") or next(
        (s["$ref"] for s in content["schema"].get("anyOf", []) if "$ref" in s), None
    )
    model = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else {}
    examples = model.get("examples") or [{}]
    return dict(examples[0]) | {name: "x" for name in model.get("required", []) if name not in examples[0]}


def test_hostile_values_in_every_parameter_and_body_field(fuzz_app: FastAPI) -> None:
    """Every query/path parameter and top-level body field of every operation, one hostile value at
    a time (huge and negative integers, NaN, Infinity, NUL, a lone surrogate, 1 MB of text, ...):
    never a 5xx, always the one error shape."""
    spec = fuzz_app.openapi()
    failures: list[str] = []
    sent = 0
    with api_client(fuzz_app) as client:
        for method, path, operation in _operations(spec):
            params = [p for p in operation.get("parameters", []) if p["in"] in ("query", "path")]
            example = _body_example(spec, operation)
            fields = list(example) if example is not None else []
            targets = [("param", p["name"]) for p in params] + [("body", name) for name in fields]
            for kind, name in targets:
                for value in HOSTILE:
                    url = path
                    for p in params:
                        if p["in"] == "path":
                            filler = _url_value(value) if (kind, name) == ("param", p["name"]) else "1"
                            url = url.replace("{" + p["name"] + "}", filler)
                    if kind == "param" and any(p["name"] == name and p["in"] == "query" for p in params):
                        url += f"?{name}={_url_value(value)}"
                    body = None
                    if example is not None:
                        payload = dict(example)
                        if kind == "body":
                            payload[name] = value
                        body = json.dumps(payload).encode()
                    response = client.request(
                        method, url, content=body, headers={"content-type": "application/json"}
                    )
                    sent += 1
                    where = f"{method} {path} {kind} {name}={str(value)[:20]!r}"
                    if response.status_code >= 500:
                        failures.append(f"{where} -> {response.status_code}")
                    elif response.status_code >= 400:
                        error = response.json().get("error", {})
                        if set(error) != {"code", "message", "details"} or "\n" in error["message"]:
                            failures.append(f"{where}: not the one error shape: {response.text[:200]}")
    assert sent >= 300, sent  # 384 when written: 32 parameters and fields x 12 values
    print(f"{sent} hostile requests, {len(failures)} failures")
    assert not failures, "\n".join(failures)
