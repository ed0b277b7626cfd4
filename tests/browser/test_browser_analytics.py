"""The VOC analytics page in a real browser, as a CX manager reads it on Monday: every figure the
same as the JSON API's, every server-drawn plot decoded by the browser (offline: data: URIs under
the page's Content-Security-Policy), every table with a CSV link, a CSV downloaded with a click
equal to the API's export, and the channel filter applied from the form.

Figures are checked against hand-computed values in tests/unit/test_analytics*.py; here the
browser shows what the API computes at that moment (other browser tests add tickets)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assist.web.analytics import fmt

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PERIOD = "since=2026-01-01&until=2026-12-31"
PLOT_DECODED = "img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0"


def _report(page: Any, base_url: str, query: str = "") -> dict[str, Any]:
    response = page.request.get(f"{base_url}/v1/analytics?{PERIOD}{query}")
    assert response.status == 200, response.text()
    data: dict[str, Any] = response.json()
    return data


def _figures_on_the_page(page: Any, name: str) -> dict[str, str]:
    section = page.get_by_test_id(f"analytics-{name}")
    out = {}
    for figure in section.locator(".an-figure").all():
        out[str(figure.get_attribute("data-figure"))] = figure.locator("dd").inner_text().strip()
    return out


def test_manager_reads_the_report_and_downloads_a_table(
    page: Any, base_url: str, shoot: Callable[..., Path], tmp_path: Path
) -> None:
    page.goto(f"{base_url}/analytics?{PERIOD}")
    expect(page.locator("h1")).to_have_text("VOC 분석")
    report = _report(page, base_url)
    assert report["sections"]["volume"]["figures"]["tickets"] > 0  # the seeded tickets are in 2026

    tables = {name for s in report["sections"].values() for name in s["tables"]}
    for name, section in report["sections"].items():
        expected = {f: fmt(f, v) for f, v in section["figures"].items()}
        assert _figures_on_the_page(page, name) == expected, name
    on_page = set(page.locator("[data-table]").evaluate_all("els => els.map(e => e.dataset.table)"))
    assert on_page == tables
    for name in tables:
        expect(page.get_by_test_id(f"csv-{name}")).to_have_count(1)

    plots = page.locator("figure[data-plot] img")
    assert plots.count() >= 3  # volume over time, top tags, CSAT by tag at least
    for img in plots.all():
        assert img.evaluate(PLOT_DECODED), img.get_attribute("alt")
    shoot(page, "analytics-report")

    with page.expect_download() as info:
        page.get_by_test_id("csv-volume_by_tag").click()
    download = info.value
    assert download.suggested_filename == "volume_by_tag_2026-01-01_2026-12-31.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    api_csv = page.request.get(f"{base_url}/v1/analytics?{PERIOD}&format=csv&table=volume_by_tag").body()
    assert saved.read_bytes() == api_csv
    assert saved.read_text(encoding="utf-8-sig").splitlines()[0] == "tag,tickets,previous_period,share"


def test_the_channel_filter_narrows_the_report(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/analytics?{PERIOD}")
    page.locator("#channel").select_option("chat")
    page.get_by_role("button", name="적용").click()
    page.wait_for_url("**/analytics?*channel=chat*")
    chat = _report(page, base_url, "&channel=chat")
    everything = _report(page, base_url)
    tickets = chat["sections"]["volume"]["figures"]["tickets"]
    assert 0 < tickets < everything["sections"]["volume"]["figures"]["tickets"]
    assert _figures_on_the_page(page, "volume")["tickets"] == fmt("tickets", tickets)
    expect(page.locator("#channel")).to_have_value("chat")
    csv_link = page.get_by_test_id("csv-volume_by_channel")
    assert "channel=chat" in str(csv_link.get_attribute("href"))
