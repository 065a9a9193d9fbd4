"""A saved HTML page (pipeline/page.py): the publication date only as the page states it;
and the dev_html pages read as their plain-text twins (../shared/dev_html)."""
from __future__ import annotations

import json

import pytest

from pipeline.clean import clean_story
from pipeline.ingest import RawArticle
from pipeline.page import read_html, stated_published

STORY = ("<h1>Hội Nông dân tỉnh sơ kết 6 tháng</h1><p>Sáng 12/7, Hội Nông dân tỉnh tổ chức hội nghị sơ kết "
         "công tác Hội 6 tháng đầu năm 2023, nhiệm kỳ 2018-2023, với 120 đại biểu tham dự.</p>")


def html(head: str = "", article: str = STORY, aside: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>T</title>{head}</head><body>"
            f"<article>{article}</article><aside>{aside}</aside></body></html>")


def published(page: str) -> str | None:
    return clean_story(RawArticle("p", "p.html", None, page)).published


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:published_time" content="2023-07-13T08:00:00+07:00">', "2023-07-13"),
    ('<meta itemprop="datePublished" content="2023-07-14">', "2023-07-14"),
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
     '[{"@type": "NewsArticle", "datePublished": "2023-07-15T07:30:00+07:00"}]}</script>', "2023-07-15"),
    ('<meta property="article:published_time" content="2023-02-30">', None),  # no such day
])
def test_the_date_the_page_states(head, expected):
    assert published(html(head)) == expected


def test_a_time_element_of_the_article_counts_one_of_a_teaser_does_not():
    assert published(html(article='<time datetime="2023-07-13T09:15:00+07:00">13/07/2023</time>' + STORY)) \
        == "2023-07-13"
    teaser = '<ul><li><time datetime="2021-01-01">01/01/2021</time> Tin khác</li></ul>'
    assert published(html(aside=teaser)) is None


def test_no_date_is_guessed_from_the_body():
    # the story prints a meeting's date, a term and years: none of them is the page's date
    assert published(html()) is None
    assert read_html(html()).published is None


def test_odd_markup_states_nothing():
    from trafilatura.utils import load_html

    assert stated_published(load_html('<html><script type="application/ld+json">{not json</script></html>')) is None


@pytest.mark.slow
def test_dev_html_reads_as_the_plain_texts(shared, tmp_path):
    """The seeds and dev texts wrapped as news pages give the same scored fields as the
    texts themselves (titles, paths and white space aside)."""
    from pipeline import evaluate
    from pipeline.run import run

    run([shared / "dev_html"], tmp_path / "h.db", tmp_path / "h.jsonl", progress=False)
    run([shared / "seeds", shared / "dev"], tmp_path / "t.db", tmp_path / "t.jsonl", progress=False)
    gold = evaluate.load_gold(shared / "gold")
    ids = [p.stem for p in (shared / "dev_html").glob("*.html")]
    html_report = evaluate.score(gold, evaluate.load_predictions(tmp_path / "h.jsonl"), ids)
    text_report = evaluate.score(gold, evaluate.load_predictions(tmp_path / "t.jsonl"), ids)
    for name, metric in html_report.metrics.items():
        a, b = metric.as_dict(), text_report[name].as_dict()
        for key in ("accuracy", "f1"):
            if a.get(key) is not None:
                assert abs(a[key] - b[key]) <= 0.02, (name, a, b)
    html_records = {json.loads(l)["id"]: json.loads(l) for l in (tmp_path / "h.jsonl").read_text().splitlines()}
    text_records = {json.loads(l)["id"]: json.loads(l) for l in (tmp_path / "t.jsonl").read_text().splitlines()}
    assert {i: r["published"] for i, r in html_records.items()} == \
        {i: text_records[i]["published"] for i in html_records}
