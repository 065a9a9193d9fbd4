"""The Datasette view of the database: metadata, canned queries and facets, over real HTTP."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from pipeline.schema import Article, Directive, Document, Meeting, Official
from pipeline.store import TABLES, Store
from tests.servers import datasette

METADATA = Path(__file__).resolve().parent.parent / "pipeline" / "datasette" / "metadata.yaml"

AN = "Nguyễn Văn An"
BINH = "Trần Thị Bình"


def article(article_id, date, province, chair, others=(), documents=(), directives=()):
    """A hand-made article: one meeting with a chair, other officials, documents, directives."""
    sentences = [f"Ngày {date}, đồng chí {chair} chủ trì hội nghị với các hội tại {province}."]
    sentences += [f"Đồng chí {name} dự hội nghị." for name in others]
    sentences += [f"Hội nghị quán triệt {kind} số {number}." for kind, number, _ in documents]
    sentences += [f"Đồng chí {speaker or 'chủ trì'} đề nghị {text}." for speaker, text in directives]
    return Article(
        id=article_id,
        source="example.vn",
        published=date,
        title=f"{chair} làm việc tại {province}",
        text=" ".join(sentences),
        meeting=Meeting(date=date, province=province, level="province", kind="hội nghị"),
        officials=[Official(name=chair, titles=["Bí thư"], role="chair")]
        + [Official(name=name, role="attendee") for name in others],
        documents=[Document(type=kind, number=number, issuer=issuer) for kind, number, issuer in documents],
        directives=[Directive(speaker=speaker, text=text) for speaker, text in directives],
    )


ARTICLES = [
    article(
        "x1", "2023-11-02", "Hà Nội", AN,
        documents=[("Kết luận", "35-KL/TW", "Bộ Chính trị")],
        directives=[(AN, "tăng cường kiểm tra hoạt động của các hội")],
    ),
    article(
        "x2", "2024-01-10", "Hà Nội", AN,
        documents=[("Kết luận", "35-KL/TW", None), ("Quyết định", "120-QĐ/TW", None)],
        directives=[(AN, "sớm hoàn thành việc sắp xếp các hội")],
    ),
    article(
        "x3", "2024-05-20", "Thừa Thiên Huế", AN, others=[BINH],
        directives=[(BINH, "đổi mới phương thức hoạt động"), (None, "phấn đấu thành lập thêm hai hội")],
    ),
    article("x4", "2024-06-01", "Thừa Thiên Huế", BINH),
]


def get(base: str, path: str, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode("utf-8")
        if "json" in response.headers.get("content-type", ""):
            return json.loads(body)
        return body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("datasette") / "meetings.db"
    with Store(db_path) as store:
        for item in ARTICLES:
            store.write(item)
        store.write_error("corpus/broken.html", "empty story")

    with datasette(db_path) as base:
        yield base


def test_metadata_describes_every_table_and_column(tmp_path):
    """Every table and column of a database the store builds (not of a list kept beside it)."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    database = metadata["databases"]["meetings"]
    assert database["description"]
    with Store(tmp_path / "m.db") as store:
        store.refresh_links()
        tables = {t.name: {c.name for c in t.columns} for t in store.db.tables
                  if not t.name.endswith(("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config"))}
    assert set(TABLES) <= set(tables)
    for table, columns in tables.items():
        described = database["tables"].get(table)
        assert described and described["description"], table
        assert set(described["columns"]) == columns, table
        assert all(isinstance(text, str) and text for text in described["columns"].values())


def test_database_lists_tables(server):
    data = get(server, "/meetings.json")
    names = {table["name"] for table in data["tables"]}
    assert set(TABLES) <= names
    counts = {table["name"]: table["count"] for table in data["tables"]}
    assert counts["articles"] == 4 and counts["meetings"] == 4 and counts["errors"] == 1


def test_meetings_by_province_and_year(server):
    rows = get(server, "/meetings/meetings_by_province_and_year.json", _shape="array")
    assert rows == [
        {"province": "Hà Nội", "year": 2023, "meetings": 1},
        {"province": "Hà Nội", "year": 2024, "meetings": 1},
        {"province": "Thừa Thiên Huế", "year": 2024, "meetings": 2},
    ]


def test_top_chairs(server):
    rows = get(server, "/meetings/top_chairs.json", _shape="array")
    assert rows == [
        {"name": AN, "meetings": 3, "provinces": "Hà Nội, Thừa Thiên Huế"},
        {"name": BINH, "meetings": 1, "provinces": "Thừa Thiên Huế"},
    ]


def test_most_cited_documents(server):
    rows = get(server, "/meetings/most_cited_documents.json", _shape="array")
    assert rows == [
        {"number": "35-KL/TW", "type": "Kết luận", "issuer": "Bộ Chính trị", "articles": 2},
        {"number": "120-QĐ/TW", "type": "Quyết định", "issuer": None, "articles": 1},
    ]


def test_directives_of_official(server):
    rows = get(server, "/meetings/directives_of_official.json", _shape="array", name=AN)
    assert [(r["article_id"], r["date"], r["province"], r["text"]) for r in rows] == [
        ("x1", "2023-11-02", "Hà Nội", "tăng cường kiểm tra hoạt động của các hội"),
        ("x2", "2024-01-10", "Hà Nội", "sớm hoàn thành việc sắp xếp các hội"),
    ]
    assert all(r["speaker"] == AN and r["title"] for r in rows)
    rows = get(server, "/meetings/directives_of_official.json", _shape="array", name=BINH)
    assert [r["text"] for r in rows] == ["đổi mới phương thức hoạt động"]


def test_province_facet(server):
    data = get(server, "/meetings/meetings.json", _facet="province")
    facet = data["facet_results"]["province"]
    counts = {item["value"]: item["count"] for item in facet["results"]}
    assert counts == {"Hà Nội": 2, "Thừa Thiên Huế": 2}


def test_metadata_facets_apply(server):
    data = get(server, "/meetings/meetings.json")
    assert {"province", "level", "year"} <= set(data["facet_results"])


def test_descriptions_are_served(server):
    metadata = get(server, "/-/metadata.json")
    expected = metadata["databases"]["meetings"]["tables"]["meetings"]["description"]
    assert expected.startswith("The one meeting each article reports")
    html = get(server, "/meetings/meetings")
    assert "The one meeting each article reports" in html
    # column descriptions appear on the table page too
    assert "Year of the meeting date" in html


def test_directive_search(server):
    rows = get(server, "/meetings/directives.json", _search="sắp xếp", _shape="array")
    assert [r["article_id"] for r in rows] == ["x2"]
