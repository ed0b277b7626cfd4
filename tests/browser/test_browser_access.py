"""Access control in a real browser: every form of the site refuses a cross-site post, the
pages run under the strict CSP, and the admin sees the writes of the session in the audit log."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from assist import access
from assist.knowledge import KnowledgeBase
from core.settings import Settings
from storage import TicketRow
from tests.browser.session import USER

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

EVIL = "http://evil.example"
FORMS_JS = """forms => forms.flatMap(f => {
  const fields = Array.from(new FormData(f).entries()).filter(([k, v]) => typeof v === 'string');
  const actions = [f.getAttribute('action'), ...Array.from(f.querySelectorAll('[formaction]'))
    .map(b => b.getAttribute('formaction'))];
  return actions.map(a => ({action: a, fields: fields}));
})"""


def site_forms(page: Any, base_url: str) -> dict[str, list[list[str]]]:
    """Every POST form (and every formaction of its buttons) on the pages a signed-in user sees."""
    page.goto(f"{base_url}/drafts")
    draft = page.locator("a.row-link").first.get_attribute("href")
    pages = ["/tickets/new", "/try", "/kms", "/kms/refund/edit", "/tickets/T-3", "/admin"]
    pages += [draft, f"{draft}/edit"] if draft else []
    page.goto(f"{base_url}/try")
    page.get_by_label("고객 문의를 입력하세요").fill("비밀번호를 잊어버렸어요")
    page.get_by_role("button", name="추천 받기").click()
    found = {f["action"]: f["fields"] for f in page.eval_on_selector_all("form[method=post]", FORMS_JS)}
    for path in pages:
        page.goto(f"{base_url}{path}")
        for form in page.eval_on_selector_all("form[method=post]", FORMS_JS):
            found.setdefault(form["action"], form["fields"])
    return found


def attacker(body: str) -> Any:
    """A route handler serving the attacker's page at http://evil.example/attack."""

    def fulfill(route: Any) -> None:
        route.fulfill(body=body, content_type="text/html")

    return fulfill


def test_every_form_refuses_a_cross_site_post(page: Any, live_server: tuple[str, Settings]) -> None:
    base_url, settings = live_server
    forms = site_forms(page, base_url)
    expected = {"/tickets/new", "/try", "/kms/colloquial", "/kms/refund/edit", "/signout", "/admin/users"}
    expected |= {"/admin/keys", "/tickets/T-3/resolve"}
    assert expected <= set(forms), sorted(forms)
    assert any(a.startswith("/suggestions/") for a in forms) and any(a.endswith("/approve") for a in forms)
    assert all(
        any(k == "csrf_token" for k, _ in fields) for fields in forms.values()
    )  # a token in every form

    sessions = KnowledgeBase(settings).sessions
    before_events = access.count_events(sessions)
    with sessions() as s:
        tickets_before = s.scalar(select(func.count()).select_from(TicketRow))
    refused: dict[str, int] = {}
    for action, fields in sorted(forms.items()):
        # the attacker even knows a valid CSRF token: the post must still be refused
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields
        )
        attack = (
            f'<!doctype html><form method="post" action="{base_url}{html.escape(action)}">{inputs}</form>'
            "<script>document.forms[0].submit()</script>"
        )
        page.route(f"{EVIL}/attack", attacker(attack))
        with page.expect_response(lambda r, a=action: r.url.split("?")[0] == f"{base_url}{a}") as caught:
            page.goto(f"{EVIL}/attack")
        refused[action] = caught.value.status
        page.unroute(f"{EVIL}/attack")
    assert all(status in (401, 403) for status in refused.values()), json.dumps(refused, indent=1)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(TicketRow)) == tickets_before
    new = access.list_events(sessions, limit=max(access.count_events(sessions) - before_events, 1))
    assert new and all(e.outcome in ("denied", "refused") for e in new)  # audited, and nothing done
    # still signed in: the cross-site posts did not sign the user out
    page.goto(f"{base_url}/admin/audit")
    expect(page.get_by_test_id("signed-in-as")).to_have_text(USER)


def test_admin_sees_the_session_in_the_audit_log(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/admin")
    expect(page.get_by_role("heading", name="사용자", exact=True)).to_be_visible()
    expect(page.get_by_test_id("users")).to_contain_text(USER)
    page.get_by_role("link", name="감사 로그").click()
    log = page.get_by_test_id("audit")
    expect(log).to_contain_text("auth.sign_in_link")
    expect(log.locator("tr", has_text="auth.sign_in_link").first).to_contain_text(USER)
