"""Every route declares its roles, and the full role × route matrix holds.

The test walks the application's own route table (API, pages, docs): a route missing from
``assist.access.policy.ROUTES`` fails it, and so does a declaration no route uses. Then, for
every route: no credentials → 401 (public routes excepted), each role the route does not list
→ 403, each role it lists → through access control (any status but 401/403, and never a 5xx).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from test_api_kb import copy_kb, shared_tiny_kb, tiny_settings

from assist.access import ROLES, ROUTES
from assist.api import create_app
from tests.auth import bearer

SAMPLE_PARAMS = {
    "ticket_id": "T-1",
    "suggestion_id": "no-such-suggestion",
    "log_id": "no-such-answer",
    "draft_id": "1",
    "article_id": "KB-1",
    "source": "baselines",
    "path": "no/such/report.html",
    "token": "no-such-token",
    "username": "nobody",
    "prefix": "kms_zzzzzzzz",
    "name": "swagger-ui.css",
}


def app_routes(app: object) -> set[tuple[str, str]]:
    routes = set()
    for route in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        for method in route.methods or ():
            if method != "HEAD":
                routes.add((method, route.path))
    return routes


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: SAMPLE_PARAMS[m.group(1)], path)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    data_dir = copy_kb(shared_tiny_kb(tmp_path_factory), tmp_path_factory.mktemp("matrix") / "kms")
    settings = tiny_settings(data_dir)
    headers = {role: bearer(settings, [role], name=f"matrix-{role.replace('_', '-')}") for role in ROLES}
    with TestClient(create_app(settings)) as client:
        yield client, headers


def test_every_route_declares_its_roles(world: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, _ = world
    routes = app_routes(client.app)
    undeclared = sorted(routes - set(ROUTES))
    assert not undeclared, f"routes without roles in assist/access/policy.py: {undeclared}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"declared routes that do not exist: {stale}"
    assert all(set(rule.roles) <= set(ROLES) for rule in ROUTES.values())
    public = {key for key, rule in ROUTES.items() if rule.public}
    assert {path for _, path in public} == {
        "/healthz",
        "/readyz",
        "/static/{path:path}",
        "/favicon.ico",
        "/docs/assets/{name}",
        "/signin",
        "/signin/link/{token}",
        "/signout",
    }


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    kwargs: dict[str, object] = {"headers": headers, "follow_redirects": False}
    if method in ("POST", "PATCH"):
        kwargs["json"] = {}
    return client.request(method, concrete(path), **kwargs).status_code  # type: ignore[arg-type]


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_role_matrix(world: tuple[TestClient, dict[str, dict[str, str]]], method: str, path: str) -> None:
    client, headers = world
    rule = ROUTES[(method, path)]
    anonymous = _call(client, method, path, {"accept": "application/json", "origin": "http://testserver"})
    if rule.public:
        assert anonymous != 403 and anonymous < 500, (method, path, anonymous)  # /signin: 401 = bad password
    else:
        assert anonymous == 401, (method, path, anonymous)
    for role in ROLES:
        status = _call(client, method, path, {"accept": "application/json", **headers[role]})
        if rule.public:
            assert status != 403 and status < 500, (method, path, role, status)
        elif role in rule.roles:
            assert status not in (401, 403) and status < 500, (method, path, role, status)
        else:
            assert status == 403, (method, path, role, status)


def test_a_bad_key_is_401_with_a_bearer_challenge(
    world: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, _ = world
    for value in ("Bearer kms_abcdefgh_" + "x" * 43, "Basic dXNlcjpwYXNz", "Bearer "):
        r = client.get("/v1/tickets", headers={"authorization": value})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"]["code"] == "unauthenticated"


def test_a_page_without_sign_in_redirects_to_the_sign_in_page(
    world: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, _ = world
    r = client.get("/kms/KB-1", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin?next=/kms/KB-1"
    assert "로그인" in client.get(r.headers["location"], headers={"accept": "text/html"}).text


def test_wrong_role_page_is_a_403_page_in_the_layout(
    world: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = world
    r = client.get("/admin", headers={"accept": "text/html", **headers["agent"]})
    assert r.status_code == 403 and "권한이 없습니다" in r.text and 'class="mainnav"' in r.text


def test_security_headers_on_every_kind_of_response(
    world: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = world
    for path, auth in (
        ("/signin", {}),
        ("/v1/tickets", headers["agent"]),
        ("/nowhere", {}),
        ("/healthz", {}),
    ):
        r = client.get(path, headers=auth)
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["x-content-type-options"] == "nosniff", path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
        assert "http" not in csp, csp  # no CDN for the product's own pages
    docs_csp = client.get("/docs", headers=headers["bot"]).headers["content-security-policy"]
    assert "http" not in docs_csp, docs_csp  # /docs loads Swagger UI from this site too
    schema = client.get("/openapi.json", headers=headers["bot"]).json()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
