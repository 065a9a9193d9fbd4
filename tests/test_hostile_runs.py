"""Runs driven as a careless or hostile user would (issue 10): symlink loops, folders of
other file types, articles slower than their time budget, two runs on one database, a full
disk, a read-only output folder, a kill during the people refresh.

Every probe is bounded (timeouts on every subprocess, small corpora) and local. A full
disk and a read-only folder are real ones: a tmpfs mounted in a private mount namespace
(``unshare``), gone when the run ends; those tests are skipped where namespaces are not
allowed.
"""
from __future__ import annotations

import io
import json
import itertools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import run as run_module
from pipeline.engines.local import ProcessEngine
from pipeline.ingest import Skip, Skipped, iter_articles
from pipeline.run import run
from pipeline.store import Store, lock
from tests import ROOT
from tests.dbcompare import (articles_stored, assert_same, check_whole_articles, cli_killed_in, make_corpus,
                              source_texts, write_jsonl)

GOOD = source_texts()[0]


def cli(*args: str, timeout: float = 120, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *args, "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout, **options)


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def one_error_line(stderr: str) -> str:
    """The run's whole output is one error line (no traceback)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


# --------------------------------------------------------------------------- symlinks


def loop_corpus(tmp_path: Path) -> Path:
    """The issue's probe: ``c/loop/up -> ..`` twice, plus links out of the input."""
    corpus = tmp_path / "c"
    (corpus / "loop").mkdir(parents=True)
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "loop" / "up").symlink_to("..")
    (corpus / "loop" / "up2").symlink_to("..")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "ext").symlink_to(elsewhere)
    (corpus / "ext.txt").symlink_to(elsewhere / "secret.txt")
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")  # inside the input: read
    return corpus


def test_symlink_loops_walk_each_folder_once_and_never_leave_the_input(tmp_path: Path):
    corpus = loop_corpus(tmp_path)
    items = list(itertools.islice(iter_articles([corpus]), 50))  # bounded: it never ended
    assert len(items) == 6
    assert [i.path for i in items if not isinstance(i, Skipped)] == [
        str(corpus / "a.txt"), str(corpus / "inside.txt")]
    assert [(i.path, i.why) for i in items if isinstance(i, Skipped)] == [
        (str(corpus / "ext"), Skip.OUTSIDE), (str(corpus / "ext.txt"), Skip.OUTSIDE),
        (str(corpus / "loop" / "up"), Skip.LOOP), (str(corpus / "loop" / "up2"), Skip.LOOP)]


def test_symlink_loop_run_ends_and_says_what_it_skipped(tmp_path: Path):
    corpus = loop_corpus(tmp_path)
    db = tmp_path / "m.db"
    proc = cli(str(corpus), "--db", str(db), "--jsonl", str(tmp_path / "f.jsonl"), timeout=60)
    assert proc.returncode == 0, proc.stderr
    summary = proc.stderr.strip().splitlines()[-1]
    assert summary.startswith("extracted 2 articles, 0 unchanged, 0 errors in ")
    assert summary.endswith(
        f"; skipped 2 links to folders already read: {corpus}/loop/up, {corpus}/loop/up2; "
        f"2 links out of the input: {corpus}/ext, {corpus}/ext.txt")
    assert rows(db, "select id from articles order by id") == [("a",), ("inside",)]


def test_a_tree_deeper_than_the_recursion_limit(tmp_path: Path):
    folder = path = tmp_path / "deep"
    folder.mkdir()
    for _ in range(sys.getrecursionlimit() + 50):  # a name of ~2 KB: within PATH_MAX
        path = path / "d"
        path.mkdir()
    (path / "a.txt").write_text(GOOD, encoding="utf-8")
    try:
        assert [i.id for i in iter_articles([folder])] == ["a"]
    finally:  # bottom up: shutil.rmtree (pytest's clean-up) recurses, and would fail
        (path / "a.txt").unlink()
        while path != folder:
            path.rmdir()
            path = path.parent


# --------------------------------------------------------------------------- unsupported files


def test_a_folder_of_unsupported_files_names_them_and_is_not_a_success(tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a.docx", "b.pdf", "c.PDF"):
        (folder / name).write_bytes(b"PK\x03\x04 not an article")
    proc = cli(str(folder), "--db", str(tmp_path / "m.db"), "--jsonl", str(tmp_path / "f.jsonl"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("no articles found in the inputs; "
                                   "skipped 3 files of unsupported types: .docx, .pdf")


def test_unsupported_files_beside_articles_are_counted_in_the_summary(tmp_path: Path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "anh.jpg").write_bytes(b"\xff\xd8\xff")
    summary = run([folder], tmp_path / "m.db", None, log=io.StringIO(), progress=False)
    assert summary.line().endswith("; skipped 1 file of unsupported type: .jpg")
    assert summary.articles == 1 and summary.found


# --------------------------------------------------------------------------- time budget


def slow_article(monkeypatch, seconds: float | None = None) -> None:
    """The article ``slow`` takes ``seconds`` (None: forever) to clean, in this process and
    in the workers forked from it."""
    import pipeline.clean

    real = pipeline.clean.clean_story

    def clean_story(raw):
        if raw.id == "slow":
            if seconds is None:
                while True:  # pure Python, as the quadratic extractors were
                    pass
            time.sleep(seconds)
        return real(raw)

    monkeypatch.setattr(pipeline.clean, "clean_story", clean_story)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_article_over_its_budget_is_an_error_and_the_run_goes_on(tmp_path: Path, monkeypatch, jobs):
    if jobs > 1 and not hasattr(os, "fork"):
        pytest.skip("needs fork to carry the patched function into the workers")
    folder = make_corpus(tmp_path / "c", 20)
    shutil.copy(folder / "a00003.txt", folder / "slow.txt")
    slow_article(monkeypatch)
    db, log = tmp_path / "m.db", io.StringIO()
    started = time.monotonic()
    summary = run([folder], db, None, log=log, jobs=jobs, progress=False, budget=0.5)
    assert time.monotonic() - started < 60
    assert (summary.articles, summary.errors) == (20, 1)
    assert log.getvalue().strip() == (f"error: {folder / 'slow.txt'}: took longer than 0.5 s to "
                                      "extract (the time budget per article, --time-budget)")
    assert rows(db, "select path, message like '%took longer than 0.5 s%' from errors") == [
        (str(folder / "slow.txt"), 1)]
    check_whole_articles(db)


def test_a_slow_article_holds_back_no_other_and_the_database_is_as_in_order(tmp_path: Path, monkeypatch):
    """With -j 2, the articles after a slow one (within its budget) are written while it
    is still being extracted; the database is the same as a run in one process."""
    if not hasattr(os, "fork"):
        pytest.skip("needs fork to carry the patched function into the workers")
    folder = make_corpus(tmp_path / "c", 120)
    (folder / "0").mkdir()  # the first in input order
    shutil.copy(folder / "a00004.txt", folder / "0" / "slow.txt")
    slow_article(monkeypatch, seconds=3)
    written: list[str] = []
    real_write = Store.write_rows

    def write_rows(self, rows, record, **options):
        written.append(rows["articles"][0]["id"])
        return real_write(self, rows, record, **options)

    monkeypatch.setattr(Store, "write_rows", write_rows)
    parallel = tmp_path / "j2.db"
    summary = run([folder], parallel, None, log=io.StringIO(), jobs=2, progress=False, budget=30)
    assert summary.articles == 121 and summary.errors == 0
    # only the slow article's batch waited for it
    assert written.index("slow") >= 121 - ProcessEngine.BATCH_SIZE, written.index("slow")
    sequential = tmp_path / "j1.db"
    run([folder], sequential, None, log=io.StringIO(), jobs=1, progress=False)
    assert_same(parallel, sequential)


def test_a_long_hostile_text_is_stopped_by_the_budget(tmp_path: Path):
    """2 MB of names and titles without punctuation (about 30 s to extract), with a budget
    a normal article meets even on a busy machine: one error line, the good article beside
    it stored, the run bounded."""
    folder = tmp_path / "c"
    folder.mkdir()
    names = "Bí thư Tỉnh ủy Nguyễn Văn An Phó Chủ tịch UBND tỉnh Trần Thị Bình Chủ tịch Hội Nông dân Lê Văn Cường "
    (folder / "hostile.txt").write_text(names * (2_000_000 // len(names.encode())), encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "m.db"
    started = time.monotonic()
    proc = cli(str(folder), "--db", str(db), "--jsonl", str(tmp_path / "f.jsonl"), "--time-budget", "2")
    assert time.monotonic() - started < 60
    assert proc.returncode == 1
    assert f"error: {folder / 'hostile.txt'}: took longer than 2 s to extract" in proc.stderr
    assert rows(db, "select id from articles") == [("good",)]


@pytest.mark.slow
def test_listing_pages_of_the_bench_stream_meet_a_normal_budget(tmp_path: Path):
    """The long listing pages of the bench stream (16 stories one after the other, the
    others blanked out once the first is kept): each once took 36 s, a pattern rescanning
    the blanks at every position; now each is extracted within a budget a normal article
    meets, with the main story's facts."""
    from tools import stream

    listings = [p.record for p in stream.Stream(ROOT.parent / "shared").pages(1000)
                if p.stories == stream.LONG_FACTOR]
    assert len(listings) == 2
    path = tmp_path / "listings.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in listings), encoding="utf-8")
    db = tmp_path / "l.db"
    summary = run([path], db, None, log=io.StringIO(), jobs=1, progress=False, budget=5)
    assert summary.articles == 2 and summary.errors == 0
    assert rows(db, "select count(*) from articles") == [(2,)]


# --------------------------------------------------------------------------- two runs


def test_a_second_run_stops_at_once_naming_the_first(tmp_path: Path):
    folder = make_corpus(tmp_path / "c", 3)
    db = tmp_path / "m.db"
    with lock.hold(db):
        started = time.monotonic()
        proc = cli(str(folder), "--db", str(db), "--jsonl", str(tmp_path / "f.jsonl"), timeout=60)
        assert time.monotonic() - started < 30
    line = one_error_line(proc.stderr)
    assert proc.returncode == 1
    assert line.startswith(f"error: {db}: another extraction is writing to this database "
                           f"(pid {os.getpid()} on ")
    assert line.endswith("); wait for it to finish, or use another --db")
    assert not db.exists() and not (tmp_path / "f.jsonl").exists()
    # the lock is gone with its holder: the next run goes ahead
    proc = cli(str(folder), "--db", str(db), "--jsonl", str(tmp_path / "f.jsonl"))
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("first_jobs, second_jobs", [(1, 2), (2, 1)])
def test_two_runs_at_once_one_stops_the_other_finishes(tmp_path: Path, first_jobs, second_jobs):
    """Two real runs on one database, in both orders (the big run first with -j 1 and the
    other with -j 2, then the other way round): the second stops at once with one line
    naming the first; the first finishes with no error; no false row in ``errors``."""
    big = make_corpus(tmp_path / "big", 300)
    small = make_corpus(tmp_path / "small", 5, prefix="s")
    db, jsonl = tmp_path / "m.db", tmp_path / "f.jsonl"
    first = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", str(big), "--db", str(db), "--jsonl", str(jsonl),
         "--no-progress", "-j", str(first_jobs)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not articles_stored(db) and time.monotonic() < deadline:  # the first is writing
            time.sleep(0.05)
        second = cli(str(small), "--db", str(db), "--jsonl", str(jsonl), "-j", str(second_jobs), timeout=60)
        assert first.poll() is None, "the first run ended before the second started"
        line = one_error_line(second.stderr)
        assert second.returncode == 1 and f"(pid {first.pid} on " in line
        assert first.wait(timeout=300) == 0
        assert first.stderr.read().strip().startswith("extracted 300 articles, 0 unchanged, 0 errors")
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        first.stderr.close()
    assert rows(db, "select count(*) from articles") == [(300,)]
    assert rows(db, "select count(*) from errors") == [(0,)]
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 300




def test_store_transactions_begin_immediate(tmp_path: Path):
    """A writer outside the run (another connection holding a write transaction) makes the
    store wait at BEGIN, not fail half-way through its transaction."""
    db = tmp_path / "m.db"
    with Store(db) as store:
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("begin immediate")
        store.db.execute("pragma busy_timeout = 100")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            with store.db.atomic():
                pytest.fail("the transaction began while another writer held the lock")
        other.execute("rollback")
        other.close()
        with store.db.atomic():
            store.write_error("x.txt", "a test")
    assert rows(db, "select path from errors") == [("x.txt",)]


# --------------------------------------------------------------------------- full disk, read-only folder


def private_mount(options: str, folder: Path, script: str) -> list[str]:
    """A command running ``script`` (sh) with a tmpfs mounted on ``folder`` with
    ``options``, in a mount namespace of its own."""
    return ["unshare", "--mount", "--map-root-user", "sh", "-c",
            f'mount -t tmpfs -o {options} tmpfs "{folder}" || exit 99\n{script}']


def namespaces_allowed(tmp_path: Path) -> bool:
    if not shutil.which("unshare"):
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    return subprocess.run(private_mount("size=64k", probe, "true"), capture_output=True,
                          timeout=30).returncode == 0


@pytest.mark.slow
def test_disk_full_stops_at_the_first_error_with_one_line(tmp_path: Path):
    if not namespaces_allowed(tmp_path):
        pytest.skip("no mount namespaces here (unshare)")
    corpus = make_corpus(tmp_path / "c", 300)
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    script = (f'"{sys.executable}" -m pipeline extract "{corpus}" --db "{disk}/m.db" '
              f'--jsonl "{disk}/f.jsonl" --no-progress -j 1 2> "{out}/stderr"\n'
              f'echo $? > "{out}/rc"\ncp "{disk}"/m.db* "{out}"/')
    proc = subprocess.run(private_mount("size=1536k", disk, script), cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "rc").read_text().strip() == "1"
    line = one_error_line((out / "stderr").read_text())
    assert line.startswith(f"error: {disk}/m.db: database or disk is full: the run stopped after storing ")
    assert line.endswith("; the database is intact")
    check_whole_articles(out / "m.db")
    stored = rows(out / "m.db", "select count(*) from articles")[0][0]
    assert 0 < stored < 300
    # with room again, the next run completes it: the same as a clean run
    assert cli(str(corpus), "--db", str(out / "m.db"), "--jsonl", str(out / "f.jsonl")).returncode == 0
    clean = tmp_path / "clean.db"
    assert cli(str(corpus), "--db", str(clean), "--jsonl", str(tmp_path / "clean.jsonl")).returncode == 0
    assert_same(out / "m.db", clean)


@pytest.mark.slow
@pytest.mark.parametrize("read_only", ["both", "jsonl"])
def test_a_read_only_output_folder_is_one_line_before_extracting(tmp_path: Path, read_only):
    if not namespaces_allowed(tmp_path):
        pytest.skip("no mount namespaces here (unshare)")
    corpus = make_corpus(tmp_path / "c", 40)
    frozen, out = tmp_path / "frozen", tmp_path / "out"
    frozen.mkdir()
    out.mkdir()
    db = frozen / "m.db" if read_only == "both" else out / "m.db"
    script = (f'"{sys.executable}" -m pipeline extract "{corpus}" --db "{db}" '
              f'--jsonl "{frozen}/f.jsonl" --no-progress 2> "{out}/stderr"\necho $? > "{out}/rc"')
    started = time.monotonic()
    proc = subprocess.run(private_mount("ro,size=64k", frozen, script), cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 30  # nothing was extracted first
    assert (out / "rc").read_text().strip() == "1"
    shown = db if read_only == "both" else frozen / "f.jsonl"
    assert one_error_line((out / "stderr").read_text()) == (
        f"error: {shown}: cannot write there (Read-only file system); nothing was extracted")
    assert not (out / "m.db").exists()


def test_jsonl_export_failure_is_one_line_and_keeps_the_old_file(tmp_path: Path, monkeypatch):
    folder = make_corpus(tmp_path / "c", 2)
    jsonl = tmp_path / "f.jsonl"
    jsonl.write_text("old\n", encoding="utf-8")
    real_open = Path.open

    def full_disk(self, mode="r", *args, **kwargs):
        if self.name.endswith(".partial"):
            raise OSError(28, "No space left on device")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    with pytest.raises(run_module.RunError, match=r"f\.jsonl: cannot write the JSONL export "
                                                  r"\(No space left on device\); the database is complete"):
        run([folder], tmp_path / "m.db", jsonl, log=io.StringIO(), progress=False)
    assert jsonl.read_text(encoding="utf-8") == "old\n"
    assert rows(tmp_path / "m.db", "select count(*) from articles") == [(2,)]


# --------------------------------------------------------------------------- kill -9 in the people refresh


@pytest.mark.slow
def test_kill_9_during_the_people_refresh_leaves_the_old_people(tmp_path: Path):
    corpus = make_corpus(tmp_path / "c", 6)
    db, jsonl = tmp_path / "m.db", tmp_path / "f.jsonl"
    assert cli(str(corpus), "--db", str(db), "--jsonl", str(jsonl)).returncode == 0
    people = rows(db, "select * from people order by id")
    links = rows(db, "select id, person_id from officials order by id")
    assert people and all(person for _, person in links)
    make_corpus(corpus, 10)  # four more articles, then a kill in the middle of the refresh
    killed = cli_killed_in("pipeline.people", "resolve_name", 3, "extract", str(corpus),
                           "--db", str(db), "--jsonl", str(jsonl), "--no-progress")
    assert killed.returncode == -signal.SIGKILL
    check_whole_articles(db)
    assert rows(db, "select * from people order by id") == people  # the old ones, not none
    assert set(links) <= set(rows(db, "select id, person_id from officials order by id"))
    assert cli(str(corpus), "--db", str(db), "--jsonl", str(jsonl)).returncode == 0
    assert rows(db, "select count(*) from officials where person_id is null") == [(0,)]


# --------------------------------------------------------------------------- JSONL fields


def test_jsonl_dates_and_urls_through_a_run(tmp_path: Path):
    batch = write_jsonl(tmp_path / "b.jsonl", [
        {"id": "iso", "text": GOOD, "published": "2025-01-09T08:00:00+07:00"},
        {"id": "vn", "text": GOOD, "published": "09/01/2025"},
        {"id": "bad", "text": GOOD, "published": "2025-02-30"},
        {"id": "js", "text": GOOD, "url": " JaVaScRiPt:alert(1)"},
    ])
    db, log = tmp_path / "m.db", io.StringIO()
    summary = run([batch], db, None, log=log, progress=False)
    assert (summary.articles, summary.errors) == (4, 2)
    assert log.getvalue().splitlines() == [
        f"error: {batch}:3: 'published' '2025-02-30' is not a date (YYYY-MM-DD, DD/MM/YYYY, or an "
        "ISO date and time): the article is read without it",
        f"error: {batch}:4: 'url' 'JaVaScRiPt:alert(1)' is not a web address (http or https): "
        "the article is read without it"]
    stored = dict(rows(db, "select id, published from articles"))
    assert stored["iso"] == stored["vn"] == "2025-01-09" and stored["bad"] != "2025-02-30"
    assert rows(db, "select url from articles where id = 'js'") == [(None,)]
    # read again: unchanged, and the same two errors (they belong to the input)
    summary = run([batch], db, None, log=io.StringIO(), progress=False)
    assert (summary.unchanged, summary.errors) == (4, 2)
    assert rows(db, "select count(*) from errors") == [(2,)]


# --------------------------------------------------------------------------- pages without a story


@pytest.mark.parametrize("html", [
    "<html><head><title>Tin</title><script>var a = 1;</script></head>"
    "<body><script>document.write('x')</script></body></html>",
    "<html><body>" + "<div>" * 300 + "<p>Chiều 8/1/2025, Bí thư Tỉnh ủy Nguyễn Văn Tám làm việc "
    "với các hội quần chúng.</p>" + "</div>" * 300 + "</body></html>",
], ids=["only-scripts", "nested-300"])
def test_a_page_without_story_text_is_an_error(tmp_path: Path, html):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "page.html").write_text(html, encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db, log = tmp_path / "m.db", io.StringIO()
    summary = run([folder], db, None, log=log, progress=False)
    assert (summary.articles, summary.errors) == (1, 1)
    assert log.getvalue().strip() == (f"error: {folder / 'page.html'}: no story text found (the page "
                                      "holds no text to read: only scripts, or markup nested too "
                                      "deeply to parse)")
    assert rows(db, "select id from articles") == [("good",)]


def test_a_worker_stuck_where_no_signal_reaches_is_stopped(tmp_path: Path, monkeypatch):
    """Code the budget's signal never reaches (as native code that does not return to the
    interpreter; here SIGALRM is ignored, then a busy loop) is stopped by the worker's watch
    at twice the budget: one error line, the other articles stored."""
    if not hasattr(os, "fork"):
        pytest.skip("needs fork to carry the patched function into the workers")
    import pipeline.clean

    real = pipeline.clean.clean_story

    def clean_story(raw):
        if raw.id == "stuck":
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                pass
        return real(raw)

    monkeypatch.setattr(pipeline.clean, "clean_story", clean_story)
    folder = make_corpus(tmp_path / "c", 12)
    shutil.copy(folder / "a00002.txt", folder / "stuck.txt")
    db, log = tmp_path / "m.db", io.StringIO()
    started = time.monotonic()
    summary = run([folder], db, None, log=log, jobs=2, progress=False, budget=0.5)
    assert time.monotonic() - started < 60
    assert (summary.articles, summary.errors) == (12, 1)
    assert f"{folder / 'stuck.txt'}: extraction failed: the worker process died" in log.getvalue()
    assert "stuck past twice the time budget" in log.getvalue()


def test_outputs_inside_the_input_folder_are_neither_read_nor_reported(tmp_path: Path):
    folder = make_corpus(tmp_path / "c", 2)
    for _ in range(2):
        proc = cli(str(folder), "--db", str(folder / "m.db"), "--jsonl", str(folder / "f.jsonl"))
        assert proc.returncode == 0, proc.stderr
        assert "skipped" not in proc.stderr
    assert proc.stderr.strip().startswith("extracted 0 articles, 2 unchanged, 0 errors")
