"""tools/stream.py (the benchmark's stream: its properties) and tools/bench.py (a tiny run of
every phase, checked through its JSON report). No timing is asserted: speed is the
benchmark's to measure, not a test's."""
from __future__ import annotations

import json
import random
import re
import sqlite3
import statistics
from pathlib import Path

import pytest

from tests import SHARED
from tools import bench, stream

N = 500  # two long pages (one in 250)


@pytest.fixture(scope="module")
def pages() -> list[stream.Page]:
    return list(stream.Stream(SHARED).pages(N))


def test_the_stream_is_deterministic_and_a_prefix_is_the_shorter_stream(pages):
    assert [p.record for p in stream.Stream(SHARED).pages(N)] == [p.record for p in pages]
    assert [p.record for p in stream.Stream(SHARED).pages(40)] == [p.record for p in pages[:40]]
    other = [p.record for p in stream.Stream(SHARED, seed=13).pages(40)]
    assert all(a != b for a, b in zip(other, (p.record for p in pages[:40])))


def test_no_two_pages_are_equal(pages):
    assert len({p.id for p in pages}) == N
    assert len({p.text for p in pages}) == N
    assert len({json.dumps(p.record, sort_keys=True) for p in pages}) == N


def test_about_seventy_percent_are_off_topic(pages):
    share = sum(not p.on_topic for p in pages) / N
    assert 0.65 <= share <= 0.75


def test_html_pages_in_a_news_site_template(pages):
    html = [p for p in pages if p.html]
    assert 0.15 <= len(html) / N <= 0.25
    for page in html[:20]:
        markup = page.record["html"]
        assert "text" not in page.record and page.record["url"].startswith("https://")
        for part in ("<nav>", "<aside>", "<footer>", "<script>", "Tin liên quan", "<article>"):
            assert part in markup
        body = max(page.text.split("\n"), key=len)
        assert stream._esc(body[:60]) in markup
    assert all("text" in p.record and "html" not in p.record for p in pages if not p.html)


def test_long_pages_are_sixteen_times_the_normal_length(pages):
    long = [p for p in pages if p.long]
    assert len(long) == N // stream.LONG_EVERY
    normal = statistics.median(len(p.text) for p in pages if not p.long)
    assert all(len(p.text) > 0.7 * stream.LONG_FACTOR * normal for p in long)
    assert [p.stories for p in long] == [1, stream.LONG_FACTOR]  # a long story, a listing
    assert all(p.stories == 1 for p in pages if not p.long)


def test_few_sentences_repeat(pages, tmp_path: Path):
    stats = stream.write_jsonl(pages, tmp_path / "s.jsonl")
    assert stats["articles"] == N and stats["distinct_texts"] == N
    assert stats["distinct_sentence_share"] > 0.85
    lines = (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [p.record for p in pages]


def test_the_pipeline_reads_every_page(pages, tmp_path: Path):
    from pipeline.ingest import IngestError, iter_articles

    path = tmp_path / "s.jsonl"
    stream.write_jsonl(pages[:60], path)
    items = list(iter_articles([path]))
    assert not [i for i in items if isinstance(i, IngestError)]
    assert [i.id for i in items] == [p.id for p in pages[:60]]


def test_substitutions_are_consistent_within_a_page():
    vocab = stream.load_vocabulary()
    line = "Ông Trần Thanh Lâm dự họp ở tỉnh Bến Tre ngày 5/3/2024 với 1.475 hội."
    shape = re.compile(r"Ông (.+) dự họp ở tỉnh (.+) ngày (\d+)/(\d+)/(\d{4}) với (\d\.\d{3}) hội\.")
    for seed in range(5):
        variation = stream.Variation(random.Random(seed), vocab)
        first, second = (shape.fullmatch(variation.apply(line)) for _ in range(2))
        assert first and second
        assert first.group(1) == second.group(1) != "Trần Thanh Lâm"  # the same other person
        assert len(first.group(1).split()) == 3
        assert first.group(2) == second.group(2) and first.group(2) in vocab.provinces
        assert first.group(5) == second.group(5) == str(2024 + variation.year_shift)
        assert 1 <= int(first.group(3)) <= 28 and 1 <= int(first.group(4)) <= 12


def test_scaled_pages_are_the_same_text_at_each_length():
    scaled = stream.scaled_pages(SHARED, base=8, scales=(1, 2, 8))
    assert [len(scaled[k]) for k in (1, 2, 8)] == [8, 4, 1]
    chars = {k: sum(len(r["text"]) for r in records) for k, records in scaled.items()}
    assert chars[8] > 0.7 * chars[1]
    first = scaled[1][0]["text"].split("\n")
    assert scaled[8][0]["text"].split("\n")[:2] == first[:2]  # its headline and lead
    with pytest.raises(ValueError):
        stream.scaled_pages(SHARED, base=8, scales=(3,))
    listing = stream.scaled_pages(SHARED, base=8, scales=(8,), listing=True)[8][0]["text"]
    assert len(listing) > len(scaled[8][0]["text"])  # every page's headline and lead too
    assert all(p["text"].split("\n")[0] in listing for p in scaled[1])


@pytest.mark.slow
def test_bench_tiny_run(tmp_path: Path, capsys):
    report_path, keep = tmp_path / "bench.json", tmp_path / "keep"
    status = bench.main([
        "--shared", str(SHARED), "--articles", "12", "--json", str(report_path),
        "--keep", str(keep), "--warmup", "2", "--trace-sample", "2",
        "--cost-base", "4", "--cost-scales", "1,4",
    ])
    assert status == 0

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["articles"] == 12 and report["stream"]["distinct_texts"] == 12
    phases = report["phases"]
    assert set(phases) == {"pipeline_j2_first", "pipeline", "rerun", "rerun_j1", "pipeline_j2", "ner", "cost"}
    for name in ("pipeline_j2_first", "pipeline", "pipeline_j2", "ner"):
        assert phases[name]["articles"] + phases[name]["errors"] == 12
        assert phases[name]["articles_per_second"] > 0 and phases[name]["peak_rss_mb"] > 0
    for name in ("rerun", "rerun_j1"):
        assert phases[name]["unchanged"] == 12 and phases[name]["articles"] == 0
        assert phases[name]["forks"] == 0 and not phases[name]["underthesea_imported"]
    assert set(phases["cost"]["scales"]) == {"1", "4", "listing 4"}
    assert all(s["ms_per_1k_chars"] > 0 for s in phases["cost"]["scales"].values())
    assert phases["pipeline"]["pipeline_file"].startswith(str(bench.ROOT))

    con = sqlite3.connect(keep / "bench.db")
    try:
        ids = [row[0] for row in con.execute("SELECT id FROM articles ORDER BY id")]
    finally:
        con.close()
    assert len(ids) == 12 and all(i.startswith("bench_000") for i in ids)

    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("bench: 12 articles, pipeline ")
    for figure in ("bench stream:", "bench throughput:", "bench parallel:", "bench cost per character (one long story):",
                   "bench re-run (default -j):"):
        assert any(line.startswith(figure) for line in out), figure
    assert report["summary"][-1] == out[-1]


def test_a_rerun_leaves_out_the_inputs_that_failed(tmp_path: Path):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "m.db"
    corpus.write_text("a\nb\nc\n", encoding="utf-8")
    con = sqlite3.connect(db)
    con.execute("create table errors (path text, line integer, message text)")
    con.execute("insert into errors values (?, 2, 'took longer than 30 s')", [str(corpus)])
    con.commit()
    con.close()
    with bench._failed_blanked(corpus, db) as left_out:
        assert left_out == 1 and corpus.read_text(encoding="utf-8") == "a\n\nc\n"
    assert corpus.read_text(encoding="utf-8") == "a\nb\nc\n"


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("valgrind") is None, reason="valgrind is not installed")
def test_instructions_per_page_are_counted(capsys):
    from tools import instructions

    instructions.main(["--shared", str(SHARED), "--pages", "3", "--warmup", "2"])
    out = capsys.readouterr().out
    found = re.search(r"instructions: ([\d.]+)M per page \(extract_one, pages 3-5 of the bench stream\)", out)
    assert found and 1 < float(found.group(1)) < 1000, out


def test_instructions_refuses_a_count_of_no_pages():
    from tools import instructions

    with pytest.raises(SystemExit, match="at least 1"):
        instructions.main(["--pages", "0"])
