"""Datasette as an analyst uses it: a real server and headless Chromium.

The database is built by the real pipeline (``pipeline.run.run``) from ``corpus/`` (the
five seed articles; seed 000 is in Bến Tre) plus one hand-written article whose text
carries an injected ``<script>``, then ``Store.refresh_links()``. It is called
``tin_bai.db``, not ``meetings.db``: the set-up must follow the database, whatever its
name. Datasette is started with ``pipeline.datasette.serve_args``: exactly what
``make serve`` starts. Every page is visited with the network cut off (only the test
server answers), as analysts without internet access see it.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test``'s set-up), driven
by Playwright's Python client; nothing is downloaded. Screenshots of every page visited go
to ``outputs/screenshots/``.
"""
from __future__ import annotations

import io
import re
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
DB = "tin_bai"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser")
    extra = work / "extra"
    extra.mkdir()
    (extra / f"{HANDMADE_ID}.txt").write_text(HANDMADE, encoding="utf-8")
    db_path = work / f"{DB}.db"
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


def offline_page(browser, server):
    """A page where only ``server`` answers (no network); ``js_errors``, ``outside``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def offline(route):  # no network: only the test server answers
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.outside = outside
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = offline_page(browser, server)
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_database_page_of_a_database_with_another_name(server, page):
    page.goto(f"{server}/{DB}")
    expect = sync_api.expect
    expect(page.locator("h1")).to_contain_text("Cuộc họp của lãnh đạo Đảng, Nhà nước với các hội")
    for name in ("articles", "meetings", "officials", "people", "provinces", "meetings_map",
                 "person_appearances"):
        expect(page.locator(f"a[href='/{DB}/{name}']").first).to_be_visible()
    expect(page.locator(f"a[href='/{DB}/top_chairs']").first).to_be_visible()  # canned queries
    expect(page.locator(f"a[href='/{DB}/-/map']").first).to_be_visible()
    assert page.locator(f"a[href='/{DB}/records']").count() == 0  # hidden
    shot(page, "database_other_name")
    assert not page.js_errors, page.js_errors


def test_province_facet_lists_ben_tre(server, page):
    # province is a default facet of meetings (metadata.yaml)
    page.goto(f"{server}/{DB}/meetings")
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
    page.goto(f"{server}/{DB}/meetings_map")
    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for(state="attached", timeout=15000)
    assert markers.count() >= 1
    assert page.locator(".leaflet-container").is_visible()
    shot(page, "map")


def test_person_page_shows_title_history(server, page):
    page.goto(f"{server}/{DB}/people/{PERSON}")
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
    page.goto(f"{server}/{DB}/-/article/{HANDMADE_ID}")
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
    for label in ("ngày họp", "nơi họp", "cán bộ", "số hội", "văn bản", "chỉ đạo"):
        sync_api.expect(legend).to_contain_text(label)
    assert "official" not in legend.inner_text().lower()
    sync_api.expect(official.locator(".ent-label")).to_have_text("cán bộ")
    shot(page, "evidence")


def test_fact_row_links_to_its_evidence(server, page):
    page.goto(f"{server}/{DB}/officials?name=Bùi+Văn+Bia")
    page.locator("a.evidence-link").first.click()
    page.wait_for_url("**/-/article/000_a48eaa3ae488d65b#officials-*")
    target = page.locator("mark.ent-official:target")
    sync_api.expect(target).to_have_text("Bùi Văn Biacán bộ")
    shot(page, "evidence_seed_000")


def test_chart_of_meetings_per_month_on_a_time_axis(server, page):
    page.goto(f"{server}/{DB}/-/charts")
    bars = page.locator("#chart-month rect.bar-month")
    months = [bars.nth(i).get_attribute("data-month") for i in range(bars.count())]
    assert months == sorted(months) and len(months) >= 2
    # every month between the first and the last, empty ones at 0
    first, last = (tuple(int(x) for x in m.split("-")) for m in (months[0], months[-1]))
    assert len(months) == (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    ticks = page.locator("#chart-month .tick-y").all_text_contents()
    assert ticks and all(t.isdigit() for t in ticks)  # integer ticks, no 0.2 steps
    provinces = page.locator("#chart-province rect.bar-province")
    counts = [int(provinces.nth(i).get_attribute("data-meetings")) for i in range(provinces.count())]
    assert counts == sorted(counts, reverse=True)
    shot(page, "charts_time_axis")
    assert not page.js_errors and not page.outside, (page.js_errors, page.outside)


def test_choropleth_offline(server, page):
    page.goto(f"{server}/{DB}/-/map")
    pre = page.locator("#map-pre2025 path.province")
    post = page.locator("#map-post2025 path.province")
    assert pre.count() == 63 and post.count() == 34
    coloured = page.locator("#map-pre2025 path.province:not([data-meetings='0'])")
    assert coloured.count() >= 1
    fill = coloured.first.evaluate("e => getComputedStyle(e).fill")
    grey = pre.locator("xpath=self::*[@data-meetings='0']").first.evaluate("e => getComputedStyle(e).fill")
    assert fill != grey
    shot(page, "choropleth")
    # a click opens a popup that leads to the province's meetings
    ben_tre = page.locator("#map-pre2025 path.province[data-name='Bến Tre']")
    ben_tre.click()
    popup = page.locator("#map-popup")
    sync_api.expect(popup).to_contain_text("Bến Tre")
    page.screenshot(path=str(SCREENSHOTS / "choropleth_popup.png"))
    popup.get_by_role("link").click()
    sync_api.expect(page.locator("table.rows-and-columns")).to_contain_text(HANDMADE_ID)
    assert not page.js_errors and not page.outside, (page.js_errors, page.outside)


def test_tile_grid_map(server, page):
    page.goto(f"{server}/{DB}/-/map?layout=grid")
    assert page.locator("#map-post2025 rect.tile").count() == 34
    shot(page, "tile_grid")
    assert not page.js_errors and not page.outside


def test_search_finds_a_person_by_name(server, page):
    page.goto(f"{server}/-/search?q=tran+thanh+lam")
    people = page.locator("section[data-table='people']")
    sync_api.expect(people).to_contain_text("Trần Thanh Lâm")
    page.screenshot(path=str(SCREENSHOTS / "search_person.png"))
    assert page.evaluate("document.body.scrollHeight") < 4000
    assert "content_hash" not in page.content()
    people.get_by_role("link", name="Trần Thanh Lâm").first.click()
    page.wait_for_url(f"**/{DB}/people/{PERSON}")
    sync_api.expect(page.locator("table.person-history")).to_be_visible()
    assert not page.js_errors, page.js_errors


def test_articles_page_is_short_and_columns_described_on_demand(server, page):
    page.goto(f"{server}/{DB}/articles")
    height = page.evaluate("document.body.scrollHeight")
    assert height < 6000, height  # was 26,800 px for five articles
    assert not page.locator("th.col-content_hash").is_visible()
    assert not page.locator("th.col-path").is_visible()
    descriptions = page.locator("details.column-descriptions-folded")
    sync_api.expect(descriptions).to_be_visible()
    assert not descriptions.locator("dl").is_visible()  # folded: rows on the first screen
    assert page.locator("table.rows-and-columns").bounding_box()["y"] < 900
    sync_api.expect(page.locator("a.csv-excel").first).to_be_visible()
    shot(page, "articles")
    assert not page.js_errors, page.js_errors


def test_empty_errors_table_has_no_js_error(server, page):
    page.goto(f"{server}/{DB}/errors")
    sync_api.expect(page.locator("h1")).to_contain_text("Lỗi đầu vào")
    page.wait_for_load_state("networkidle")
    shot(page, "errors_empty")
    assert not page.js_errors, page.js_errors


# --------------------------------------------------------------------------- hostile URLs

HOSTILE_URLS = {
    "u_js": "javascript:window.__pwned=1",
    "u_cased": " JaVaScRiPt:window.__pwned=2",
    "u_data": "data:text/html,<script>window.__pwned=3</script>",
    "u_tab": "java\tscript:window.__pwned=4",
}
WEB_URL = "https://baodongkhoi.vn/tin-tuc/a.html"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A database where articles carry hostile URLs: one refused by the pipeline (stored
    without it), the others put there by hand, as a database written before the rule (or
    by another tool) may hold them."""
    import json
    import sqlite3

    work = tmp_path_factory.mktemp("urls")
    lines = [{"id": "u_refused", "text": HANDMADE, "url": HOSTILE_URLS["u_js"]},
             {"id": "u_web", "text": HANDMADE, "url": " HTTPS" + WEB_URL[5:]}]
    lines += [{"id": name, "text": HANDMADE} for name in HOSTILE_URLS]
    (work / "urls.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    db_path = work / f"{DB}.db"
    run([work / "urls.jsonl"], db_path, None, log=io.StringIO())
    con = sqlite3.connect(db_path)
    with con:
        con.executemany("update articles set url = ? where id = ?",
                        [(url, name) for name, url in HOSTILE_URLS.items()])
    con.close()
    with datasette(db_path) as base:
        yield base


@pytest.fixture
def hostile_page(browser, hostile_server):
    context, page = offline_page(browser, hostile_server)
    yield page
    context.close()


def links_are_web_or_local(page) -> None:
    protocols = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.protocol)")
    assert set(protocols) <= {"http:", "https:"}, protocols


@pytest.mark.parametrize("article", [*HOSTILE_URLS, "u_refused"])
def test_hostile_urls_are_never_links_and_clicking_runs_nothing(hostile_server, hostile_page, article):
    page = hostile_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/{DB}/-/article/{article}", f"/{DB}/articles/{article}", f"/{DB}/articles"):
        page.goto(hostile_server + path)
        # click whatever shows the source: the "trang gốc" link, the url cell
        shown = page.locator("a:has-text('trang gốc'), .not-a-link, td.col-url a, td.col-url")
        for i in range(shown.count()):
            shown.nth(i).click(timeout=5000)
            page.wait_for_timeout(100)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
            if not page.url.startswith(hostile_server):
                page.goto(hostile_server + path)
        links_are_web_or_local(page)
    assert not dialogs and not page.js_errors, (dialogs, page.js_errors)
    shot(page, f"hostile_url_{article}")


def test_a_web_url_is_a_working_link(hostile_server, hostile_page):
    page = hostile_page
    page.goto(f"{hostile_server}/{DB}/-/article/u_web")
    link = page.locator("a.source-link")
    assert link.get_attribute("href") == WEB_URL  # normalised: no space, scheme in lower case
    link.click()
    page.wait_for_timeout(500)
    assert WEB_URL in page.outside  # followed (and cut off: the test is offline)


# --------------------------------------------------------------------------- bodies, set aside


@pytest.fixture(scope="module")
def shared_server(shared, tmp_path_factory):
    """The shared texts (meetings and off-topic pages) extracted by the real pipeline."""
    db_path = tmp_path_factory.mktemp("shared") / "hoi_doan.db"
    run([shared / d for d in ("seeds", "dev", "dev2", "offtopic")], db_path, None, log=io.StringIO())
    with datasette(db_path) as base:
        yield base, db_path


@pytest.fixture
def shared_page(browser, shared_server):
    context, page = offline_page(browser, shared_server[0])
    yield page
    context.close()


def _busiest_body(db_path) -> tuple[str, list[str]]:
    """The body with the most dated meetings, and their dates."""
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        body = con.execute(
            "select s.body_id from associations s join meetings m using (article_id) "
            "where s.body_id is not null and m.date is not null "
            "group by s.body_id order by count(distinct m.date) desc, s.body_id limit 1").fetchone()[0]
        dates = [d for (d,) in con.execute(
            "select m.date from associations s join meetings m using (article_id) "
            "where s.body_id = ? order by m.date", [body])]
    finally:
        con.close()
    return body, dates


def test_body_page_meetings_in_date_order_and_one_click_to_a_person(shared_server, shared_page):
    from datasette.utils import tilde_encode

    base, db_path = shared_server
    body, dates = _busiest_body(db_path)
    page = shared_page
    page.goto(f"{base}/hoi_doan/bodies/{tilde_encode(body)}")
    meetings = page.locator("table.body-meetings tbody tr")
    sync_api.expect(meetings.first).to_be_visible()
    shown = [meetings.nth(i).get_attribute("data-date") for i in range(meetings.count())]
    assert shown == sorted(d for d in dates if d) + [""] * sum(1 for d in dates if not d)
    sync_api.expect(page.locator("h2", has_text="Người gặp tổ chức này nhiều nhất")).to_be_visible()
    assert page.locator("table.body-leaders tbody tr").count() >= 1
    shot(page, "body_page")
    chair = page.locator("td.body-meeting-chairs a.person-link").first
    name = chair.inner_text()
    chair.click()
    page.wait_for_url("**/hoi_doan/people/**")
    sync_api.expect(page.locator("table.person-history")).to_contain_text(name)
    assert not page.js_errors and not page.outside, (page.js_errors, page.outside)


def test_set_aside_query_with_scores_and_reasons(shared_server, shared_page):
    base, _ = shared_server
    page = shared_page
    page.goto(f"{base}/hoi_doan/set_aside")
    sync_api.expect(page.locator("h1")).to_contain_text("Bài để riêng")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 40
    scores = [float(t) for t in page.locator("td.col-relevance").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and max(scores) < 0.3
    reasons = page.locator("td.col-relevance_reasons").first
    sync_api.expect(reasons.locator(".vi-label").first).to_have_attribute("title", re.compile(r"\(\W?\d"))
    shown = " ".join(page.locator("td.col-relevance_reasons").all_inner_texts())
    assert "không nêu cuộc họp nào" in shown and "no meeting named" not in shown
    shot(page, "set_aside")
    # the facet of the signals behind them, in Vietnamese
    page.goto(f"{base}/hoi_doan/relevance_signals?relevant=0")
    facet = page.locator(".facet-info[data-column='signal']")
    sync_api.expect(facet).to_contain_text("không nêu cuộc họp nào")
    page.screenshot(path=str(SCREENSHOTS / "set_aside_signals.png"))  # the facets, on top
    assert not page.js_errors and not page.outside, (page.js_errors, page.outside)


def test_chart_of_meetings_per_kind_with_a_vietnamese_legend(shared_server, shared_page):
    base, _ = shared_server
    page = shared_page
    page.goto(f"{base}/hoi_doan/-/charts#kinds")
    bars = page.locator("#chart-kinds rect.bar-kind")
    assert bars.count() >= 5
    legend = page.locator("#kinds-legend")
    sync_api.expect(legend).to_contain_text("Mặt trận Tổ quốc")
    sync_api.expect(legend).to_contain_text("Loại hội")
    years = sorted({int(bars.nth(i).get_attribute("data-year")) for i in range(bars.count())})
    ticks = [int(t) for t in page.locator("#chart-kinds .tick-x").all_text_contents()]
    assert ticks[0] == years[0] and ticks[-1] == years[-1]
    page.locator("#kinds").screenshot(path=str(SCREENSHOTS / "charts_kinds.png"))
    assert not page.js_errors and not page.outside, (page.js_errors, page.outside)
