"""WARC input: crawls written with warcio (as ``wget --warc-file`` or Heritrix would) read
as articles, one per HTML response; every other record skipped and counted."""
from __future__ import annotations

import gzip
import io
import json
import sqlite3
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline import warc
from pipeline.ingest import IngestError, RawArticle, Skipped, iter_articles
from pipeline.run import run

CRAWL_DATE = "2031-05-17T03:04:05Z"  # the crawl's time: never a publication date


def _page(shared: Path, stem: str) -> bytes:
    return (shared / "dev_html" / f"{stem}.html").read_bytes()


def _response(writer: WARCWriter, url: str, body: bytes, *, status: str = "200 OK",
              content_type: str = "text/html; charset=utf-8", extra: list | None = None) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)] + (extra or []), protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": CRAWL_DATE})
    writer.write_record(record)


def write_crawl(path: Path, pages: list[tuple[str, bytes]], *, gz: bool) -> None:
    """A crawl as a crawler writes it: a warcinfo record, then per page a request and its
    response, plus what crawls also hold (a redirect, a 404, an image, a page crawled twice)."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url, body in pages:
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            writer.write_record(request)
            _response(writer, url, body)
        _response(writer, "https://bao.example.vn/cu", b"", status="301 Moved Permanently",
                  extra=[("Location", pages[0][0])])
        _response(writer, "https://bao.example.vn/mat", b"<html>not found</html>", status="404 Not Found")
        _response(writer, "https://bao.example.vn/anh.png", b"\x89PNG\r\n", content_type="image/png")
        _response(writer, pages[0][0], pages[0][1])  # crawled again


@pytest.fixture()
def pages(shared) -> list[tuple[str, bytes]]:
    stems = sorted(p.stem for p in (shared / "dev_html").glob("*.html"))[:3]
    return [(f"https://bao.example.vn/tin/{stem}.html", _page(shared, stem)) for stem in stems]


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_each_html_response_is_an_article_and_the_rest_is_counted(tmp_path, pages, gz):
    crawl = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_crawl(crawl, pages, gz=gz)
    items = list(iter_articles([tmp_path]))
    articles = [i for i in items if isinstance(i, RawArticle)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert not [i for i in items if isinstance(i, IngestError)]
    assert [a.url for a in articles] == [url for url, _ in pages]
    assert [a.id for a in articles] == [warc.article_id(url) for url, _ in pages]
    assert all(a.html and a.text is None and a.published is None for a in articles)
    # the story's own words came through the decoding
    assert all("Hội" in a.html for a in articles)
    assert sorted(s.detail for s in skipped) == sorted(
        ["warcinfo record", "request record", "request record", "request record",
         "redirect", "HTTP 404", "not HTML", "URL crawled again"])


def test_a_crawl_extracts_like_the_same_pages_as_files(tmp_path, pages):
    crawl = tmp_path / "in" / "crawl.warc.gz"
    crawl.parent.mkdir()
    write_crawl(crawl, pages, gz=True)
    log = io.StringIO()
    summary = run([crawl.parent], tmp_path / "w.db", tmp_path / "w.jsonl", log=log, progress=False)
    assert summary.articles == len(pages) and summary.errors == 0, log.getvalue()
    line = summary.line()
    assert "8 WARC records that are no articles" in line and "1 redirect" in line, line
    records = [json.loads(x) for x in (tmp_path / "w.jsonl").read_text().splitlines()]
    # the same pages as .html files
    files = tmp_path / "files"
    files.mkdir()
    for url, body in pages:
        (files / url.rsplit("/", 1)[1]).write_bytes(body)
    run([files], tmp_path / "f.db", tmp_path / "f.jsonl", log=io.StringIO(), progress=False)
    by_file = {json.loads(x)["id"]: json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()}
    for (url, _), record in zip(pages, sorted(records, key=lambda r: [u for u, _ in pages].index(r["url"]))):
        twin = by_file[url.rsplit("/", 1)[1].removesuffix(".html")]
        assert record["url"] == url
        # WARC-Date (2031) is when the page was crawled: never its publication date
        assert record["published"] == twin["published"] and "2031" not in str(record["published"])
        for field in ("meeting", "officials", "directives", "associations"):
            assert _facts(record[field]) == _facts(twin[field]), field
    # a re-run of the unchanged crawl extracts nothing
    again = run([crawl.parent], tmp_path / "w.db", None, log=io.StringIO(), progress=False)
    assert again.articles == 0 and again.unchanged == len(pages)


def _facts(value):
    """A record's facts without their evidence (the offsets are the same; the page differs)."""
    if isinstance(value, list):
        return [_facts(v) for v in value]
    if isinstance(value, dict):
        return {k: _facts(v) for k, v in value.items() if k != "evidence"}
    return value


def test_a_broken_crawl_is_one_error_and_costs_no_other_file(tmp_path, pages):
    folder = tmp_path / "in"
    folder.mkdir()
    write_crawl(folder / "a.warc.gz", pages[:1], gz=True)
    write_crawl(tmp_path / "b.warc", pages[1:2], gz=False)
    data = (tmp_path / "b.warc").read_bytes()
    cut = data.index(b"</html>", data.index(b"WARC-Type: response"))
    (folder / "b.warc").write_bytes(data[:cut])  # cut off inside the page
    (folder / "c.warc").write_bytes(b"this is no WARC file\n")
    log = io.StringIO()
    summary = run([folder], tmp_path / "x.db", None, log=log, progress=False)
    assert summary.articles == 1 and summary.errors == 2, log.getvalue()
    con = sqlite3.connect(tmp_path / "x.db")
    assert con.execute("select url from articles").fetchall() == [(pages[0][0],)]
    problems = {Path(p).name: m for p, m in con.execute("select path, message from errors")}
    assert "truncated" in problems["b.warc"] and "not a WARC file" in problems["c.warc"], problems
    shown = [line for line in log.getvalue().splitlines() if "b.warc" in line or "c.warc" in line]
    assert len(shown) == 2, log.getvalue()


def test_a_record_in_a_legacy_encoding_is_decoded_by_its_header(tmp_path, shared):
    text = "<html><head><title>Hội Nông dân tỉnh</title></head><body><p>Sáng 12/3, Hội Nông dân tỉnh tổ chức hội nghị.</p></body></html>"
    crawl = tmp_path / "legacy.warc.gz"
    with crawl.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        _response(writer, "http://bao.example.vn/a", text.encode("utf-16"), content_type="text/html; charset=utf-16")
    [article] = [i for i in iter_articles([crawl]) if isinstance(i, RawArticle)]
    assert "Hội Nông dân tỉnh tổ chức" in article.html
    assert gzip.open(crawl).read(4) == b"WARC"
