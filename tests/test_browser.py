"""Datasette as an analyst uses it: a real server and headless Chromium.

The database is built by the real pipeline (``pipeline.run.run``) from ``corpus/`` (the
five seed articles; seed 000 is in Bến Tre) plus one hand-written article whose text
carries an injected ``<script>``, then ``Store.refresh_links()``. Datasette is started
with ``pipeline.datasette.serve_args``: exactly what ``make serve`` starts.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test``'s set-up), driven
by Playwright's Python client; nothing is downloaded. Screenshots of every page visited go
to ``outputs/screenshots/``.
"""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "outputs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (make test installs Debian's chromium)",
                allow_module_level=True)

from tests.servers import datasette  # noqa: E402
from pipeline.run import run  # noqa: E402
from pipeline.store import Store  # noqa: E402

INJECTED = "<script>window.__pwned=1</script>"
HANDMADE_ID = "zz_handmade_script"
HANDMADE = f"""Tỉnh ủy Bến Tre làm việc với Hội Nông dân tỉnh {INJECTED}
Sáng 12-3-2025, Bí thư Tỉnh ủy Trần Thanh Lâm chủ trì buổi làm việc với Hội Nông dân tỉnh Bến Tre.
Báo cáo cho biết toàn tỉnh hiện có 1.480 hội quần chúng. {INJECTED}
Đồng chí Trần Thanh Lâm đề nghị các hội tăng cường công tác tuyên truyền đến hội viên.
"""
PERSON = "tran-thanh-lam--ben-tre"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser")
    extra = work / "extra"
    extra.mkdir()
    (extra / f"{HANDMADE_ID}.txt").write_text(HANDMADE, encoding="utf-8")
    db_path = work / "meetings.db"
    run([ROOT / "corpus", extra], db_path, None, log=io.StringIO())
    with Store(db_path) as store:
        store.refresh_links()

    with datasette(db_path) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_database_page(server, page):
    page.goto(server + "/meetings")
    expect = sync_api.expect
    expect(page.locator("h1")).to_contain_text("Meetings of Party and State leaders")
    for name in ("articles", "meetings", "officials", "people", "provinces", "meetings_map",
                 "person_appearances"):
        expect(page.locator(f"a[href='/meetings/{name}']").first).to_be_visible()
    shot(page, "database")


def test_province_facet_lists_ben_tre(server, page):
    # province is a default facet of meetings (metadata.yaml)
    page.goto(server + "/meetings/meetings")
    facet = page.locator(".facet-info[data-column='province']").first
    sync_api.expect(facet).to_contain_text("Bến Tre")
    facet.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "province_facet.png"))
    # following the facet filters the table to the Bến Tre meetings
    facet.get_by_role("link", name="Bến Tre").click()
    sync_api.expect(page.locator("h3").first).to_contain_text("2 rows")
    sync_api.expect(page.locator("table.rows-and-columns")).to_contain_text(HANDMADE_ID)
    shot(page, "province_filtered")


def test_map_has_markers(server, page):
    page.goto(server + "/meetings/meetings_map")
    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for(state="attached", timeout=15000)
    assert markers.count() >= 1
    assert page.locator(".leaflet-container").is_visible()
    shot(page, "map")


def test_person_page_shows_title_history(server, page):
    page.goto(f"{server}/meetings/people/{PERSON}")
    history = page.locator("table.person-history")
    sync_api.expect(history).to_be_visible()
    rows = history.locator("tbody tr")
    assert rows.count() == 2
    # the same person, two titles, in date order
    assert "Phó bí thư Thường trực Tỉnh ủy" in rows.nth(0).inner_text()
    assert "2025-01-08" in rows.nth(0).inner_text()
    assert "Bí thư Tỉnh ủy" in rows.nth(1).inner_text()
    assert "2025-03-12" in rows.nth(1).inner_text()
    shot(page, "person")
    # one click from the history to the sentence
    rows.nth(1).get_by_role("link").click()
    sync_api.expect(page.locator("#evidence-text")).to_be_visible()
    assert HANDMADE_ID in page.url


def test_evidence_page_highlights_and_escapes(server, page):
    page.goto(f"{server}/meetings/-/article/{HANDMADE_ID}")
    text = page.locator("#evidence-text")
    sync_api.expect(text).to_be_visible()
    official = text.locator("mark.ent-official", has_text="Trần Thanh Lâm").first
    sync_api.expect(official).to_be_visible()
    for kind in ("date", "province", "count", "directive"):
        assert text.locator(f"mark.ent-{kind}").count() >= 1, kind
    # the injected script is shown as text and did not run
    assert INJECTED in text.inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#evidence-text script").count() == 0
    legend = page.locator(".evidence-legend")
    for kind in ("date", "province", "official", "count", "document", "directive"):
        sync_api.expect(legend).to_contain_text(kind)
    shot(page, "evidence")


def test_fact_row_links_to_its_evidence(server, page):
    page.goto(server + "/meetings/officials?name=Bùi+Văn+Bia")
    page.locator("a.evidence-link").first.click()
    page.wait_for_url("**/-/article/000_a48eaa3ae488d65b#officials-*")
    target = page.locator("mark.ent-official:target")
    sync_api.expect(target).to_have_text("Bùi Văn Biaofficial")
    shot(page, "evidence_seed_000")


def test_chart_of_meetings_per_province(server, page):
    page.goto(server + "/meetings/meetings_per_province#g.mark=bar&g.x_column=province"
              "&g.x_type=ordinal&g.y_column=meetings&g.y_type=quantitative")
    chart = page.locator(".datasette-vega svg, .datasette-vega canvas, .vega-embed svg, .vega-embed canvas")
    chart.first.wait_for(state="attached", timeout=15000)
    shot(page, "chart_per_province")
    page.goto(server + "/meetings/meetings_per_month_chart")
    page.get_by_role("link", name="Show as a bar chart").click()
    chart = page.locator(".datasette-vega svg, .datasette-vega canvas, .vega-embed svg, .vega-embed canvas")
    chart.first.wait_for(state="attached", timeout=15000)
    shot(page, "chart_per_month")


def test_search_all_finds_articles_and_directives(server, page):
    page.goto(server + "/-/search?q=tuyên+truyền")
    results = page.locator("body")
    sync_api.expect(results).to_contain_text("articles", timeout=15000)
    sync_api.expect(results).to_contain_text("directives", timeout=15000)
    page.screenshot(path=str(SCREENSHOTS / "search_all.png"))  # the top: results are long
    assert not page.js_errors, page.js_errors
