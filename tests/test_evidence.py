"""The evidence page and the serving options, without a browser (tests/test_browser.py
checks the same pages in Chromium)."""
from __future__ import annotations

import asyncio
import html

import pytest
import yaml

from pipeline.datasette import METADATA, PLUGINS_DIR, TEMPLATES_DIR, serve_args, url
from pipeline.datasette.evidence import Highlight, highlights, nest
from pipeline.schema import Article, Directive, Evidence, Meeting, Official, Span
from pipeline.store import Store

TEXT = ("Chiều 8-1-2025, Phó Bí thư Tỉnh ủy Trần Thanh Lâm chủ trì buổi làm việc tại Bến Tre. "
        "<script>window.__pwned=1</script> "
        "Đồng chí Trần Thanh Lâm đề nghị các hội tăng cường tuyên truyền.")


def ev(text, part, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Evidence(sentence=part, start=start, end=start + len(part))


def plain_text(nodes) -> str:
    """The text back from a tree: nesting never loses or repeats text."""
    return "".join(n.text if n.kind is None else plain_text(n.children) for n in nodes)


def span(kind, part, fact=None, occurrence=0, label=""):
    e = ev(TEXT, part, occurrence)
    return Span(kind, e.start, e.end, label or part, fact)


def make_article():
    first = TEXT.split(". ")[0] + "."
    return Article(
        id="x<1>", title="<b>Bến Tre</b>", text=TEXT,
        meeting=Meeting(date="2025-01-08", province="Bến Tre", level="province", evidence=ev(TEXT, first)),
        officials=[Official(name="Trần Thanh Lâm", titles=["Phó Bí thư Tỉnh ủy"], role="chair",
                            evidence=ev(TEXT, "Trần Thanh Lâm"))],
        directives=[Directive(speaker="Trần Thanh Lâm", text="các hội tăng cường tuyên truyền",
                              evidence=ev(TEXT, "các hội tăng cường tuyên truyền"))],
        spans=[span("date", "8-1-2025", label="2025-01-08"), span("title", "Phó Bí thư Tỉnh ủy", 0),
               span("official", "Trần Thanh Lâm", 0), span("province", "Bến Tre"),
               span("official", "Trần Thanh Lâm", 0, occurrence=1),
               span("directive", "các hội tăng cường tuyên truyền", 0)],
    )


FACTS = {
    "meetings": [{"article_id": "a", "date": "2025-01-08", "province": "Bến Tre",
                  "evidence_start": 0, "evidence_end": TEXT.index(".") + 1}],
    "officials": [{"id": 1, "name": "Trần Thanh Lâm", "evidence_start": TEXT.index("Trần"),
                   "evidence_end": TEXT.index("Trần") + 14}],
    "directives": [{"id": 2, "text": "x", "evidence_start": TEXT.index("Đồng chí"),
                    "evidence_end": len(TEXT)}],
    "documents": [{"id": 3, "evidence_start": 5, "evidence_end": 10**6}],  # bad offsets
}


def test_highlights_come_from_the_stored_spans():
    spans = [{"kind": s.kind, "start": s.start, "end": s.end, "label": s.label, "fact": s.fact}
             for s in make_article().spans]
    found = highlights(TEXT, "a", spans, FACTS)
    assert [(h.kind, TEXT[h.start:h.end]) for h in found] == [
        ("date", "8-1-2025"), ("title", "Phó Bí thư Tỉnh ủy"), ("official", "Trần Thanh Lâm"),
        ("province", "Bến Tre"), ("official", "Trần Thanh Lâm"),
        ("directive", "các hội tăng cường tuyên truyền")]
    # the first mention carries the fact's anchor, a repeated one none (HTML ids are unique)
    assert [h.anchor for h in found if h.kind == "official"] == ["officials-1", ""]
    assert found[0].anchor == "meetings-a" and found[3].anchor == "meetings-a-province"
    # a span pointing to no stored row, or outside the text, is left out
    bad = [{"kind": "official", "start": 0, "end": 3, "label": "", "fact": 7},
           {"kind": "count", "start": 5, "end": 10**6, "label": "", "fact": 0}]
    assert highlights(TEXT, "a", bad, FACTS) == [
        Highlight(TEXT.index("Trần"), TEXT.index("Trần") + 14, "official", "officials-1", "cán bộ"),
        Highlight(TEXT.index("Đồng chí"), len(TEXT), "directive", "directives-2", "chỉ đạo")]


def test_spans_nest_and_keep_the_text():
    found = highlights(TEXT, "a", [], FACTS)  # no spans: each fact at its evidence offsets
    assert sorted(h.kind for h in found) == ["directive", "official"]
    inner = Highlight(TEXT.index("Đồng chí") + 3, TEXT.index("Đồng chí") + 20, "official", "officials-9", "inside")
    nodes = nest(TEXT, found + [inner])
    assert plain_text(nodes) == TEXT
    directive = next(n for n in nodes if n.kind == "directive")
    assert [c.kind for c in directive.children if c.kind] == ["official"]


def test_partial_overlap_is_cut_not_duplicated():
    nodes = nest("abcdefgh", [Highlight(0, 4, "date", "a", ""), Highlight(2, 7, "count", "b", "")])
    assert plain_text(nodes) == "abcdefgh"
    outer = nodes[0]
    assert (outer.kind, outer.start, outer.end) == ("date", 0, 4)
    assert [(c.kind, c.start, c.end) for c in outer.children] == [(None, 0, 2), ("count", 2, 4)]


def test_serve_args_are_local_read_only_and_time_limited(tmp_path):
    args = serve_args(tmp_path / "meetings.db")
    assert args[0] == "serve"
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("sql_time_limit_ms") + 1] == "3000"
    for option, path in (("--metadata", METADATA), ("--plugins-dir", PLUGINS_DIR),
                         ("--template-dir", TEMPLATES_DIR)):
        assert args[args.index(option) + 1] == str(path)
    assert "-i" in serve_args("m.db", immutable=True)
    assert url("outputs/meetings.db") == "http://127.0.0.1:8001/meetings"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from datasette.app import Datasette

    db = tmp_path_factory.mktemp("evidence") / "meetings.db"
    with Store(db) as store:
        store.write(make_article())
        store.refresh_links()
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    ds = Datasette([str(db)], metadata=metadata, plugins_dir=str(PLUGINS_DIR),
                   template_dir=str(TEMPLATES_DIR), settings={"sql_time_limit_ms": 3000})

    def get(path, method="get", **kwargs):
        return asyncio.run(getattr(ds.client, method)(path, **kwargs))

    return get


def test_evidence_page_escapes_the_text(client):
    response = client("/meetings/-/article/x~3C1~3E")
    assert response.status_code == 200
    page = response.text
    assert "<script>window.__pwned" not in page
    assert html.escape("<script>window.__pwned=1</script>", quote=False) in page
    assert "<b>Bến Tre</b>" not in page and "&lt;b&gt;Bến Tre&lt;/b&gt;" in page
    assert 'class="ent ent-official" data-kind="official" id="officials-1"' in page
    assert 'class="ent ent-date"' in page and ">8-1-2025<" in page
    assert 'class="ent ent-directive"' in page
    assert client("/meetings/-/article/nope").status_code == 404


def test_fact_rows_link_to_the_evidence(client):
    page = client("/meetings/officials").text
    assert 'href="/meetings/-/article/x~3C1~3E#officials-1"' in page
    page = client("/meetings/directives").text
    assert 'href="/meetings/-/article/x~3C1~3E#directives-1"' in page
    page = client("/meetings/meetings").text
    assert 'href="/meetings/-/article/x~3C1~3E#meetings-x&lt;1&gt;"' in page
    page = client("/meetings/articles").text
    assert 'href="/meetings/-/article/x~3C1~3E">bằng chứng</a>' in page
    page = client("/meetings/person_appearances").text
    assert 'href="/meetings/people/tran-thanh-lam--ben-tre"' in page


def test_person_page_lists_the_title_history(client):
    page = client("/meetings/people/tran-thanh-lam--ben-tre").text
    assert "Quá trình chức vụ" in page and "Phó Bí thư Tỉnh ủy" in page
    assert 'href="/meetings/-/article/x~3C1~3E#officials-1"' in page


def test_nothing_can_be_written(client):
    response = client("/meetings.json", params={"sql": "delete from articles"})
    assert response.status_code == 400
    assert response.json()["error"] == "Statement must be a SELECT"
    for path in ("/meetings/articles/-/insert", "/meetings/articles", "/meetings/-/create"):
        response = client(path, method="post", json={"row": {"id": "z"}})
        # refused: 404 (no such endpoint), or Datasette's "You may only POST to a canned
        # query" (which it reports as 500)
        assert response.status_code >= 400, path
    assert client("/meetings/nope").status_code == 404  # not a 500
    rows = client("/meetings/articles.json", params={"_shape": "array"}).json()
    assert [row["id"] for row in rows] == ["x<1>"]
