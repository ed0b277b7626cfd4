"""Browser tests: the real app served by uvicorn on a free 127.0.0.1 port, driven through
Playwright in Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium the tests are skipped, unless ``KMS_REQUIRE_BROWSER=1`` (CI), where
they fail and say what to install. Screenshots go to ``test-output/screenshots/``.

Authentication is on: the browser signs in once with a one-time sign-in link for
``session.USER`` (every web role). After each test, every write the page posted has its entry in
the audit log, and no page reported a Content-Security-Policy violation.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assist import access
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from tests.browser.session import USER, USER_ROLES, rule_of
from tests.browser.webapp import make_app, web_kb_copy

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = Path(os.environ.get("KMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDE = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("KMS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; browser tests are required here: apt-get install chromium", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium to run the browser tests)")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    """(base URL, settings) of the app over a private copy of the seeded KB."""
    import uvicorn

    settings = web_kb_copy(tmp_path_factory.mktemp("web") / "kb")
    app = make_app(settings)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start on 127.0.0.1")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server: tuple[str, Settings]) -> str:
    return live_server[0]


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, checked before anything is built or started."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_context(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory, live_server: tuple[str, Settings]
) -> Iterator[Any]:
    """One Chromium with a fresh profile for the session (Korean locale, clipboard allowed),
    signed in as ``USER`` through a one-time sign-in link."""
    from playwright.sync_api import sync_playwright

    base_url, settings = live_server
    sessions = KnowledgeBase(settings).sessions
    access.create_user(sessions, USER, USER_ROLES)
    link = f"{base_url}/signin/link/{access.create_sign_in_link(sessions, USER)}"

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="ko-KR",
            viewport=WIDE,
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        context.set_default_timeout(15_000)
        first = context.new_page()
        first.goto(link)
        assert first.get_by_test_id("signed-in-as").inner_text() == USER, "sign-in link did not sign in"
        first.close()
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context: Any, live_server: tuple[str, Settings]) -> Iterator[Any]:
    """A new tab; the test fails if the page threw a JavaScript error, broke the CSP, or made a
    write that the audit log does not hold."""
    base_url, settings = live_server
    tab = browser_context.new_page()
    errors: list[str] = []
    writes: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    def on_response(response: Any) -> None:
        request = response.request
        if request.method == "POST" and request.url.startswith(base_url):
            path = request.url[len(base_url) :].split("?", 1)[0]
            rule = rule_of("POST", path)
            if rule is not None and rule.action is not None:
                writes.append(f"{rule.action} {path} {response.status}")

    tab.on("response", on_response)
    tab.set_viewport_size(WIDE)
    sessions = KnowledgeBase(settings).sessions
    before = access.count_events(sessions)
    try:
        yield tab
    finally:
        tab.close()
    assert not errors, f"JavaScript errors or CSP violations on the page: {errors}"
    new_events = access.count_events(sessions) - before
    recorded = (
        [e.action for e in access.list_events(sessions, limit=max(new_events, 1))] if new_events else []
    )
    missing = []
    for write in writes:  # each write needs its own entry (same action, newest first)
        action = write.split()[0]
        if action in recorded:
            recorded.remove(action)
        else:
            missing.append(write)
    assert not missing, f"writes without an audit log entry: {missing}"


@pytest.fixture
def shoot() -> Callable[..., Path]:
    """``shoot(page, name)`` saves a full-page screenshot as test-output/screenshots/<name>.png."""

    def take(page: Any, name: str, *, full_page: bool = True) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
