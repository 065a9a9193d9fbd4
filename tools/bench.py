"""Speed and memory of the extraction pipeline on a realistic stream (issue 12).

    python -m tools.bench [--shared DIR] [--articles N] [--json PATH] [--code DIR] [--keep DIR]

The stream is ``tools.stream``'s: N pages recombined from the shared texts with names,
places, numbers and dates substituted (no two alike, few sentences repeated), 70% off-topic,
a fifth HTML in a news-site template, one page in 250 sixteen times the normal length. It is
written as one JSONL file into a temporary folder (third-party text: never kept).

Each phase runs in its own child process, so that each peak resident memory (``ru_maxrss``)
is that phase's alone:

``pipeline_j2_first``, ``pipeline``, ``pipeline_j2``
    ``pipeline.run.run`` with ``-j 1`` over the stream into a fresh database: ingest, clean,
    extract, store, the links refresh and the JSONL export; and with ``-j 2``, into other
    fresh databases, once before it and once after (parent's and largest worker's RSS): the
    machine's speed drifts from minute to minute, and the ratio of the -j 2 runs' mean to the
    -j 1 run between them is not moved by a steady drift.
``rerun`` / ``rerun_j1``
    the same run again on that database, with the default ``-j`` and with ``-j 1``: nothing
    changed. Its time from a fresh process, whether underthesea was imported and how many
    processes were forked. Inputs that failed (e.g. over their time budget) are blanked out
    of the stream for these runs, since a run retries them.
``pipeline_small``
    ``-j 1`` over the first N/10 pages (when N >= 1,000): its peak RSS against ``pipeline``'s
    shows whether memory grows with the corpus.
``ner``
    the reference: ``clean_story``, the pipeline's sentence split, then underthesea's
    ``ner()`` on every sentence, over the first S pages (S = N/10, the ``pipeline_small``
    pages, so that the two rates are of the same pages; ``ner()`` runs at a few articles a
    second).
``cost``
    clean and extract (``worker.extract_one``, no time budget) of the same on-topic text as
    256 pages of normal length, 16 pages 16 times as long and one page 256 times as long
    (``tools.stream.scaled_pages``): milliseconds per 1,000 characters at each length; the
    long pages one long story each, then (``--listing-pages`` of each length) listing pages
    of 16 and 256 stories one after the other. The phase stops at ``--cost-timeout``
    seconds; the lengths measured by then are reported.

In the extraction phases, loading (imports and the first model call) is timed on its own,
then the phase is warmed up on a few pages of another stream (into a scratch database), and
only then is the timed run made; the re-runs load nothing beforehand, since what they load
is what they are measured for. A Python-heap figure (``tracemalloc``) is taken afterwards on
a sample, as tracing slows Python down.

``--code DIR`` measures the ``pipeline`` package in DIR (another checkout, an export of an
older commit) with this benchmark and this stream: the children run with DIR first on
``PYTHONPATH`` and from a folder that holds no package.

It prints a table, one ``bench <figure>:`` line per figure and a final ``bench:`` line;
``--json`` writes everything (``outputs/bench.json`` for ``make bench``).
"""
from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

try:
    from tools import stream as streams
except ImportError:  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tools import stream as streams

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("pipeline_j2_first", "pipeline", "rerun", "rerun_j1", "pipeline_j2", "pipeline_small", "ner",
          "cost")
SMALL_FRACTION = 10
NER_ARTICLES = 500
"""ner() pages when the stream is too short for a small phase (N < 1,000)."""
WARMUP_ARTICLES = 5
TRACE_SAMPLE = 30
PROGRESS_EVERY = 100
COST_BASE = 256
COST_SCALES = (1, 16, 256)
LISTING_PAGES = 4
"""Listing pages measured at each scale (a listing 16 times as long took 35 s before issue 12)."""
COST_TIMEOUT = 900.0
FLAT = 1.5
"""The bar for the cost per character: the largest within 1.5 times the smallest."""
SAME_MEMORY = 1.1
"""The bar for memory: peak RSS at N within 1.1 times the peak at N/10."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measurements


def peak_rss_mb() -> float:
    """``ru_maxrss`` of this process in MB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def children_peak_rss_mb() -> float:
    """Largest ``ru_maxrss`` among this process's finished children (the workers)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def current_rss_mb() -> float | None:
    """Resident memory now (Linux only; ``None`` elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


def db_size_mb(db: Path) -> float:
    """The database file and any WAL/shared-memory files beside it."""
    total = 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(str(db) + suffix)
        if part.exists():
            total += part.stat().st_size
    return total / 2**20


def db_counts(db: Path) -> tuple[int, int]:
    """(articles, errors) stored in the database."""
    con = sqlite3.connect(db)
    try:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        try:
            errors = con.execute("SELECT count(*) FROM errors").fetchone()[0]
        except sqlite3.OperationalError:
            errors = 0
    finally:
        con.close()
    return articles, errors


def _underthesea_imported() -> bool:
    return any(name == "underthesea" or name.startswith("underthesea.") for name in sys.modules)


def _code_info() -> dict:
    import pipeline

    return {"pipeline_file": pipeline.__file__}


# --------------------------------------------------------------------------- phases (child)


def _load_models() -> float:
    """Import the pipeline and load underthesea's models; seconds taken."""
    t0 = time.perf_counter()
    from pipeline.nlp import analyse

    for sentence in analyse("Chiều 5/3/2024, Chủ tịch UBND tỉnh làm việc với các hội.").sentences:
        _ = sentence.tagged  # the POS model
    import pipeline.run  # noqa: F401
    return time.perf_counter() - t0


def phase_pipeline(spec: dict) -> dict:
    from pipeline.run import run

    load_s = _load_models()
    rss_after_load = current_rss_mb()
    scratch, jobs = Path(spec["scratch"]), spec["jobs"]
    quiet = open(os.devnull, "w", encoding="utf-8")
    t0 = time.perf_counter()
    warm = run([spec["warmup"]], db_path=scratch / "warmup.db", jsonl_path=scratch / "warmup.jsonl",
               log=quiet, jobs=1, progress=False)
    warmup_s = time.perf_counter() - t0

    db = Path(spec["db"])
    summary = run([spec["input"]], db_path=db, jsonl_path=spec["jsonl"], log=sys.stderr,
                  jobs=jobs, progress=True)
    peak = peak_rss_mb()
    workers_peak = children_peak_rss_mb() if jobs > 1 else None
    seconds = summary.seconds

    heap = _traced(lambda sample: run([sample], db_path=scratch / "trace.db",
                                      jsonl_path=scratch / "trace.jsonl", log=quiet,
                                      jobs=1, progress=False),
                   Path(spec["input"]), scratch, spec["trace_sample"] if jobs == 1 else 0)
    quiet.close()
    stored, stored_errors = db_counts(db)
    return {
        "jobs": jobs,
        "articles": summary.articles,
        "errors": summary.errors,
        "load_seconds": load_s,
        "warmup_articles": warm.articles,
        "warmup_seconds": warmup_s,
        "seconds": seconds,
        "articles_per_second": summary.articles / seconds if seconds else 0.0,
        "peak_rss_mb": peak,
        "workers_peak_rss_mb": workers_peak,
        "rss_after_load_mb": rss_after_load,
        **heap,
        "db_mb": db_size_mb(db),
        "db_articles": stored,
        "db_errors": stored_errors,
    }


def phase_rerun(spec: dict) -> dict:
    """The run again on an unchanged corpus, from a fresh process, loading nothing first."""
    forks = 0

    def count_fork() -> None:
        nonlocal forks
        forks += 1

    os.register_at_fork(before=count_fork)
    t0 = time.perf_counter()
    from pipeline.run import run

    import_s = time.perf_counter() - t0
    imported_before = _underthesea_imported()
    quiet = open(os.devnull, "w", encoding="utf-8")
    t0 = time.perf_counter()
    summary = run([spec["input"]], db_path=spec["db"], jsonl_path=spec["jsonl"], log=quiet,
                  jobs=spec["jobs"], progress=False)
    seconds = time.perf_counter() - t0
    quiet.close()
    return {
        "jobs": spec["jobs"],
        "articles": summary.articles,
        "unchanged": summary.unchanged,
        "errors": summary.errors,
        "import_seconds": import_s,
        "seconds": seconds,
        "run_seconds": summary.seconds,
        "underthesea_imported": _underthesea_imported(),
        "underthesea_imported_by_import": imported_before,
        "forks": forks,
        "peak_rss_mb": peak_rss_mb(),
        "db_mb": db_size_mb(Path(spec["db"])),
    }


def phase_ner(spec: dict) -> dict:
    t0 = time.perf_counter()
    import underthesea

    from pipeline.clean import clean_story
    from pipeline.ingest import IngestError, iter_articles
    from pipeline.nlp import analyse

    underthesea.ner("Chủ tịch UBND tỉnh An Giang làm việc với các hội.")
    analyse("Chiều 5/3/2024, Chủ tịch UBND tỉnh làm việc với các hội.")
    load_s = time.perf_counter() - t0
    rss_after_load = current_rss_mb()

    def tag(path: Path, progress: int = 0) -> dict:
        articles = sentences = tokens = errors = 0
        ner_s, started = 0.0, time.perf_counter()
        for item in iter_articles([path]):
            if isinstance(item, IngestError):
                errors += 1
                continue
            doc = analyse(clean_story(item).text)
            for s in doc.sentences:
                t = time.perf_counter()
                tokens += len(underthesea.ner(s.text))
                ner_s += time.perf_counter() - t
                sentences += 1
            articles += 1
            if progress and articles % progress == 0:
                elapsed = time.perf_counter() - started
                log(f"... {articles} articles ({articles / elapsed:.1f}/s)")
        return {"articles": articles, "sentences": sentences, "tokens": tokens,
                "errors": errors, "seconds": time.perf_counter() - started, "ner_seconds": ner_s}

    t0 = time.perf_counter()
    warm = tag(Path(spec["warmup"]))
    warmup_s = time.perf_counter() - t0

    corpus = Path(spec["input"])
    result = tag(corpus, progress=PROGRESS_EVERY if _count_lines(corpus) > PROGRESS_EVERY else 0)
    peak = peak_rss_mb()
    heap = _traced(tag, corpus, Path(spec["scratch"]), spec["trace_sample"])
    seconds = result["seconds"]
    return {
        **result,
        "load_seconds": load_s,
        "warmup_articles": warm["articles"],
        "warmup_seconds": warmup_s,
        "articles_per_second": result["articles"] / seconds if seconds else 0.0,
        "sentences_per_second": result["sentences"] / seconds if seconds else 0.0,
        "peak_rss_mb": peak,
        "rss_after_load_mb": rss_after_load,
        **heap,
    }


def phase_cost(spec: dict) -> dict:
    """Time per character of clean + extract at each scale; the result file is rewritten
    after each scale, so that a scale that does not end in time leaves the others."""
    from pipeline import worker
    from pipeline.ingest import IngestError, iter_articles

    load_s = _load_models()
    no_budget = {"budget": None} if "budget" in inspect.signature(worker.extract_one).parameters else {}

    def raws(path: str) -> list:
        return [item for item in iter_articles([path]) if not isinstance(item, IngestError)]

    for raw in raws(spec["warmup"]):
        worker.extract_one(raw, **no_budget)
    result: dict[str, Any] = {"load_seconds": load_s, "scales": {}}
    for scale, path in spec["scales"]:
        pages = raws(path)
        chars = seconds = slowest = 0.0
        failed, relevant = 0, None  # None: the records say nothing of relevance
        for raw in pages:
            t = time.perf_counter()
            outcome = worker.extract_one(raw, **no_budget)
            took = time.perf_counter() - t
            seconds += took
            slowest = max(slowest, took)
            chars += len(raw.text or raw.html or "")
            failed += not hasattr(outcome, "rows")
            # the chain stops at a page it finds not relevant: such a page costs less
            judged = json.loads(outcome.record).get("relevant") if hasattr(outcome, "record") else None
            if judged is not None:
                relevant = (relevant or 0) + bool(judged)
        result["scales"][str(scale)] = {
            "pages": len(pages), "chars": int(chars), "seconds": seconds,
            "slowest_page_seconds": slowest, "failed": failed, "relevant": relevant,
            "ms_per_1k_chars": 1000 * seconds / (chars / 1000) if chars else None,
        }
        result["peak_rss_mb"] = peak_rss_mb()
        _write_json(Path(spec["result"]), {**_code_info(), **result})
        log(f"bench: cost at {scale}x: {result['scales'][str(scale)]['ms_per_1k_chars']:.2f} "
            f"ms per 1k characters ({len(pages)} pages, {seconds:.1f} s)")
    return result


def _traced(work, corpus: Path, scratch: Path, sample: int) -> dict:
    """Peak of Python allocations (tracemalloc) while ``work`` handles the first articles."""
    if sample <= 0:
        return {"tracemalloc_peak_mb": None, "tracemalloc_articles": 0}
    import tracemalloc

    sample_path = scratch / "trace_sample.jsonl"
    count = _head(corpus, sample_path, sample)
    tracemalloc.start()
    try:
        work(sample_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"tracemalloc_peak_mb": peak / 2**20, "tracemalloc_articles": count}


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def _head(source: Path, dest: Path, n: int) -> int:
    """The first ``n`` lines of ``source`` into ``dest`` (the same stream, shorter)."""
    count = 0
    with source.open(encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        for line in src:
            if count >= n:
                break
            out.write(line)
            count += 1
    return count


def _write_json(path: Path, data: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


CHILD = {"pipeline": phase_pipeline, "pipeline_j2": phase_pipeline, "pipeline_j2_first": phase_pipeline,
         "pipeline_small": phase_pipeline,
         "rerun": phase_rerun, "rerun_j1": phase_rerun, "ner": phase_ner, "cost": phase_cost}


def run_phase(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    Path(spec["scratch"]).mkdir(parents=True, exist_ok=True)
    result = {"phase": spec["phase"], **_code_info(), **CHILD[spec["phase"]](spec)}
    _write_json(Path(spec["result"]), result)
    return 0


# --------------------------------------------------------------------------- parent


def spawn(phase: str, workdir: Path, code: Path | None, timeout: float | None = None,
          **spec: Any) -> dict:
    """Run one phase in a child process; its result (or, past ``timeout``, what it wrote)."""
    result_path = workdir / f"result_{phase}.json"
    spec = {"phase": phase, "result": str(result_path), "scratch": str(workdir / f"scratch_{phase}"),
            **{k: str(v) if isinstance(v, Path) else v for k, v in spec.items()}}
    spec_path = workdir / f"spec_{phase}.json"
    spec_path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    env = dict(os.environ)
    # the code measured first, then this benchmark (tools); the child's folder holds no package
    path = [str(code)] if code else []
    env["PYTHONPATH"] = os.pathsep.join(path + [str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    cmd = [sys.executable, "-m", "tools.bench", "--phase-spec", str(spec_path)]
    started = time.perf_counter()
    timed_out = False
    try:
        proc = subprocess.run(cmd, env=env, cwd=workdir, timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:  # subprocess.run has killed it
        timed_out, status = True, None
    if not result_path.exists() or (status != 0 and not timed_out):
        raise SystemExit(f"bench: phase {phase!r} failed (exit status {status})")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["process_seconds"] = time.perf_counter() - started
    result["timed_out"] = timed_out
    return result


@contextlib.contextmanager
def _failed_blanked(corpus: Path, db: Path) -> Iterator[int]:
    """The corpus with the lines the database holds errors for blanked out, for the block:
    a run retries failed inputs (an article over its time budget is extracted again), so
    only without them is a re-run one with nothing to extract. Blank lines keep the others'
    line numbers, and the file its path (both in what a run compares)."""
    con = sqlite3.connect(db)
    try:
        lines = {row[0] for row in con.execute("select line from errors where line is not null")}
    finally:
        con.close()
    if not lines:
        yield 0
        return
    full = corpus.with_name(corpus.name + ".full")
    os.replace(corpus, full)
    try:
        with full.open(encoding="utf-8") as src, corpus.open("w", encoding="utf-8") as out:
            for number, line in enumerate(src, 1):
                out.write("\n" if number in lines else line)
        yield len(lines)
    finally:
        os.replace(full, corpus)


def _git(code: Path) -> dict:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(code), *args], capture_output=True, text=True,
                                 timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    return {"dir": str(code), "commit": git("rev-parse", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--", "pipeline")) if git("rev-parse", "HEAD") else None}


def _remember(pages: Iterable[streams.Page], truth: dict[str, bool]) -> Iterator[streams.Page]:
    for page in pages:
        truth[page.id] = page.on_topic
        yield page


def relevance(db: Path, truth: dict[str, bool]) -> dict | None:
    """How the pipeline judged the stream's pages: the share of on-topic and of off-topic
    pages it found relevant (a check that the stream reads as intended)."""
    try:
        con = sqlite3.connect(db)
        rows = con.execute("select article_id, record from records").fetchall()
        con.close()
    except sqlite3.Error:
        return None
    judged = {True: [0, 0], False: [0, 0]}
    for article_id, record in rows:
        relevant = json.loads(record).get("relevant")
        if relevant is None or article_id not in truth:
            return None
        judged[truth[article_id]][0] += bool(relevant)
        judged[truth[article_id]][1] += 1
    return {"on_topic_relevant": judged[True][0] / (judged[True][1] or 1),
            "off_topic_relevant": judged[False][0] / (judged[False][1] or 1)}


def bench(args: argparse.Namespace) -> dict:
    shared = Path(args.shared)
    code = Path(args.code).resolve() if args.code else None
    n = args.articles
    small = args.memory_articles if args.memory_articles is not None else (
        n // SMALL_FRACTION if n >= 1000 else 0)
    ner_n = min(n, args.ner_articles or small or NER_ARTICLES)
    phases = [p for p in PHASES if p in set(args.phases.split(","))] if args.phases else list(PHASES)
    if not small and "pipeline_small" in phases:
        phases.remove("pipeline_small")
    if "rerun" in phases or "rerun_j1" in phases:
        if "pipeline" not in phases:
            raise SystemExit("bench: the re-run phases need the pipeline phase")
    scales = tuple(int(s) for s in args.cost_scales.split(","))

    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        workdir = Path(tmp)
        log(f"bench: writing the stream ({n} pages) ...")
        t0 = time.perf_counter()
        stream = streams.Stream(shared, args.seed)
        truth: dict[str, bool] = {}
        corpus = workdir / "corpus.jsonl"
        stats = streams.write_jsonl(_remember(stream.pages(n), truth), corpus)
        warmup = workdir / "warmup.jsonl"
        streams.write_jsonl(streams.Stream(shared, f"warmup-{args.seed}", prefix="warmup").pages(args.warmup),
                            warmup)
        log(f"bench: {streams.describe(stats)} ({time.perf_counter() - t0:.1f} s)")
        if args.keep:
            keep = Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            db = keep / "bench.db"
            for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
                Path(str(db) + suffix).unlink(missing_ok=True)
        else:
            db = workdir / "bench.db"
        facts = workdir / "facts.jsonl"
        common = {"warmup": warmup, "trace_sample": args.trace_sample}

        results: dict[str, dict] = {}
        for phase in phases:
            log(f"bench: phase {phase} ...")
            if phase == "pipeline":
                r = spawn(phase, workdir, code, input=corpus, db=db, jsonl=facts, jobs=1, **common)
            elif phase in ("rerun", "rerun_j1"):
                with _failed_blanked(corpus, db) as blanked:
                    r = spawn(phase, workdir, code, input=corpus, db=db, jsonl=facts,
                              jobs=None if phase == "rerun" else 1)
                r["failed_left_out"] = blanked
            elif phase in ("pipeline_j2_first", "pipeline_j2"):
                r = spawn(phase, workdir, code, input=corpus, db=workdir / f"bench_{phase}.db",
                          jsonl=workdir / f"facts_{phase}.jsonl", jobs=2, **common)
            elif phase == "pipeline_small":
                part = workdir / "small.jsonl"
                _head(corpus, part, small)
                r = spawn(phase, workdir, code, input=part, db=workdir / "bench_small.db",
                          jsonl=workdir / "facts_small.jsonl", jobs=1, **common)
            elif phase == "ner":
                part = workdir / "ner.jsonl"
                _head(corpus, part, ner_n)
                r = spawn(phase, workdir, code, input=part, **common)
            else:  # cost: one long story, then listing pages (slowest last: a timeout keeps the rest)
                files = []
                for listing in (False, True):
                    pages = streams.scaled_pages(shared, args.cost_base, scales, listing=listing)
                    for scale, records in pages.items():
                        if listing and scale == 1:
                            continue  # the same pages as the story's 1x
                        label = f"listing {scale}" if listing else str(scale)
                        path = workdir / f"cost_{label.replace(' ', '_')}.jsonl"
                        with path.open("w", encoding="utf-8") as f:
                            f.writelines(json.dumps(r, ensure_ascii=False) + "\n"
                                         for r in (records[:args.listing_pages] if listing else records))
                        files.append((label, str(path)))
                r = spawn(phase, workdir, code, timeout=args.cost_timeout, scales=files, **common)
                r["planned"], r["timeout"] = [label for label, _ in files], args.cost_timeout
            results[phase] = r
            log(f"bench: phase {phase} done in {r['process_seconds']:.1f} s")
        judged = relevance(db, truth) if "pipeline" in results else None
    return {
        "articles": n,
        "stream": {**stats, "seed": args.seed, "pipeline_judged": judged},
        "code": _git(code or ROOT),
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
        "phases": results,
    }


# --------------------------------------------------------------------------- report


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


COLUMNS = (("pipeline_j2_first", "-j 2, first"), ("pipeline", "-j 1"), ("pipeline_j2", "-j 2, then"),
           ("pipeline_small", "-j 1, first N/10"),
           ("rerun", "re-run, default -j"), ("rerun_j1", "re-run, -j 1"), ("ner", "ner() reference"))


def table(results: dict[str, dict]) -> str:
    phases = [(key, title) for key, title in COLUMNS if key in results]
    rows = [
        ("articles extracted", "articles", 0),
        ("articles unchanged", "unchanged", 0),
        ("errors", "errors", 0),
        ("worker processes (-j)", "jobs", 0),
        ("load: imports + first model call (s)", "load_seconds", 2),
        ("timed run, wall (s)", "seconds", 2),
        ("  of which ner() calls (s)", "ner_seconds", 2),
        ("articles/s", "articles_per_second", 1),
        ("sentences/s", "sentences_per_second", 1),
        ("RSS after load (MB)", "rss_after_load_mb", 0),
        ("peak RSS, ru_maxrss (MB)", "peak_rss_mb", 0),
        ("  largest worker's peak RSS (MB)", "workers_peak_rss_mb", 0),
        ("Python heap peak, tracemalloc sample (MB)", "tracemalloc_peak_mb", 1),
        ("underthesea imported", "underthesea_imported", 0),
        ("processes forked", "forks", 0),
        ("database size (MB)", "db_mb", 1),
        ("child process, wall (s)", "process_seconds", 2),
    ]
    width = max(len(label) for label, *_ in rows)
    cell = 19
    lines = ["  ".join([" " * width] + [f"{title:>{cell}}" for _, title in phases]),
             "  ".join(["-" * width] + ["-" * cell for _ in phases])]
    for label, key, digits in rows:
        if all(results[phase].get(key) is None for phase, _ in phases):
            continue
        cells = [f"{_fmt(results[phase].get(key), digits):>{cell}}" for phase, _ in phases]
        lines.append("  ".join([f"{label:<{width}}"] + cells))
    return "\n".join(lines)


def figures(report: dict) -> tuple[dict, list[str]]:
    """The headline figures and one readable line for each."""
    res, stats = report["phases"], report["stream"]
    figs: dict[str, Any] = {}
    lines = [f"bench {streams.describe(stats)}"]
    judged = stats.get("pipeline_judged")
    if judged:
        lines[-1] += (f"; the pipeline found {judged['on_topic_relevant']:.0%} of on-topic pages and "
                      f"{judged['off_topic_relevant']:.0%} of off-topic pages relevant")
    p, small, ner = res.get("pipeline"), res.get("pipeline_small"), res.get("ner")
    if p:
        figs["pipeline_articles_per_second"] = p["articles_per_second"]
        line = (f"bench throughput: pipeline {p['articles_per_second']:.1f} articles/s in 1 process "
                f"over {p['articles']} articles ({p['errors']} errors)")
        if ner:
            same = small if small and small["articles"] + small["errors"] == ner["articles"] + ner["errors"] else (
                p if p["articles"] + p["errors"] == ner["articles"] + ner["errors"] else None)
            figs["ner_articles_per_second"] = ner["articles_per_second"]
            figs["ratio_to_ner"] = p["articles_per_second"] / ner["articles_per_second"]
            line += (f"; underthesea ner() {ner['articles_per_second']:.2f} articles/s on the first "
                     f"{ner['articles']} (x{figs['ratio_to_ner']:.1f}")
            if same is not None and same is not p:
                figs["ratio_to_ner_same_pages"] = same["articles_per_second"] / ner["articles_per_second"]
                line += (f"; on those same pages the pipeline ran {same['articles_per_second']:.1f}"
                         f" articles/s, x{figs['ratio_to_ner_same_pages']:.1f}")
            line += ")"
        lines.append(line)
    if p and small:
        ratio = p["peak_rss_mb"] / small["peak_rss_mb"]
        figs["peak_rss_mb"] = {str(small["articles"] + small["errors"]): small["peak_rss_mb"],
                               str(p["articles"] + p["errors"]): p["peak_rss_mb"]}
        figs["peak_rss_ratio"] = ratio
        lines.append(f"bench memory: peak RSS {small['peak_rss_mb']:.0f} MB at {small['articles'] + small['errors']} "
                     f"articles, {p['peak_rss_mb']:.0f} MB at {p['articles'] + p['errors']} (x{ratio:.2f}, "
                     f"{'within' if ratio <= SAME_MEMORY else 'NOT within'} {SAME_MEMORY}x)")
    j2s = [res[k] for k in ("pipeline_j2_first", "pipeline_j2") if k in res]
    if p and j2s:
        rates = [j2["articles_per_second"] for j2 in j2s]
        figs["j2_articles_per_second"] = sum(rates) / len(rates)
        figs["j2_speedup"] = figs["j2_articles_per_second"] / p["articles_per_second"]
        runs = (f" (the mean of {rates[0]:.1f} before and {rates[1]:.1f} after it)" if len(rates) == 2 else "")
        j2 = j2s[-1]
        lines.append(f"bench parallel: -j 2 {figs['j2_articles_per_second']:.1f} articles/s{runs}, -j 1 "
                     f"{p['articles_per_second']:.1f} (x{figs['j2_speedup']:.2f}); peak RSS parent "
                     f"{j2['peak_rss_mb']:.0f} MB, largest worker {_fmt(j2.get('workers_peak_rss_mb'), 0)} MB")
    cost = res.get("cost")
    if cost:
        scales = cost.get("scales", {})
        for kind in ("story", "listing"):
            keys = [k for k in cost.get("planned", scales) if (k.startswith("listing")) == (kind == "listing")]
            if kind == "listing" and keys and "1" in scales:
                keys.insert(0, "1")  # the same normal pages
            line, spread = _cost_line(kind, keys, scales, cost.get("timeout"))
            if line:
                figs[f"{kind}_ms_per_1k_chars"] = {k.split()[-1]: scales[k]["ms_per_1k_chars"]
                                                   for k in keys if k in scales}
                if spread is not None:
                    figs[f"{kind}_cost_spread"] = spread
                lines.append(line)
    for key, label in (("rerun", "default -j"), ("rerun_j1", "-j 1")):
        r = res.get(key)
        if r:
            figs[f"{key}_seconds"] = r["seconds"]
            left_out = r.get("failed_left_out")
            lines.append(
                f"bench re-run ({label}): {r['unchanged']} unchanged articles in {r['seconds']:.2f} s "
                f"({r['process_seconds']:.2f} s for the whole process), {r['articles']} extracted"
                + (f" (the {left_out} inputs that failed left out: a run retries them)" if left_out else "")
                + f"; underthesea {'imported' if r['underthesea_imported'] else 'not imported'}, "
                f"{r['forks']} processes forked, peak RSS {r['peak_rss_mb']:.0f} MB")
    return figs, lines


def _cost_line(kind: str, keys: list[str], scales: dict, timeout: float | None) -> tuple[str | None, float | None]:
    done = [k for k in keys if k in scales and scales[k]["ms_per_1k_chars"]]
    if not keys or not done:
        return None, None
    what = "one long story" if kind == "story" else "listing pages of as many stories"
    per = {k.split()[-1]: scales[k]["ms_per_1k_chars"] for k in done}
    sizes = ", ".join(f"{scales[k]['chars'] // scales[k]['pages']:,}" for k in done)
    line = (f"bench cost per character ({what}): "
            + ", ".join(f"{v:.2f} at {k}x" for k, v in per.items())
            + f" ms per 1k characters (pages of {sizes} characters)")
    if all(scales[k].get("relevant") is not None for k in done):
        line += "; found relevant " + ", ".join(f"{scales[k]['relevant']}/{scales[k]['pages']}" for k in done)
    spread = max(per.values()) / min(per.values()) if len(per) >= 2 else None
    if spread is not None:
        line += f"; largest/smallest x{spread:.2f} ({'flat' if spread <= FLAT else 'NOT flat'} within {FLAT}x)"
        if "1" in per:
            # A listing page reads its first story only: cheaper per character, which is no
            # cost growing with the length; what the bar guards against is the dearer.
            growth = max(per.values()) / per["1"]
            line += (f", dearest/1x x{growth:.2f} ({'no dearer' if growth <= FLAT else 'DEARER'} "
                     f"per character than within {FLAT}x of 1x)")
    missing = [k.split()[-1] + "x" for k in keys if k not in scales]
    if missing:
        line += f"; {', '.join(missing)} did not finish within the phase's {timeout:g} s (--cost-timeout)"
    return line, spread


def final_line(report: dict) -> str:
    figs, res = report["figures"], report["phases"]
    parts = [f"bench: {report['articles']} articles"]
    if "pipeline_articles_per_second" in figs:
        parts.append(f"pipeline {figs['pipeline_articles_per_second']:.1f} articles/s in 1 process")
    if "j2_speedup" in figs:
        parts.append(f"{figs['j2_articles_per_second']:.1f} with -j 2 (x{figs['j2_speedup']:.2f})")
    if "peak_rss_ratio" in figs:
        parts.append(f"peak RSS x{figs['peak_rss_ratio']:.2f} from N/10 to N")
    for kind in ("story", "listing"):
        if f"{kind}_cost_spread" in figs:
            parts.append(f"cost per character x{figs[f'{kind}_cost_spread']:.2f} from 1x to "
                         f"{max(figs[f'{kind}_ms_per_1k_chars'], key=int)}x ({kind})")
    if "rerun_seconds" in figs:
        parts.append(f"no-op re-run {figs['rerun_seconds']:.2f} s")
    line = ", ".join(parts)
    if "ner_articles_per_second" in figs:
        line += (f" | underthesea ner() {figs['ner_articles_per_second']:.2f} articles/s "
                 f"on the first {res['ner']['articles']}")
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"),
                        help="the shared folder the stream is made from (default ../shared)")
    parser.add_argument("--articles", type=int, default=1000, help="pages in the stream (default 1000)")
    parser.add_argument("--seed", default=str(streams.SEED), help="the stream's seed")
    parser.add_argument("--memory-articles", type=int, default=None, metavar="M",
                        help="pages of the small -j 1 run that peak memory is compared with "
                             "(default N/10 when N >= 1000, else none; 0 for none)")
    parser.add_argument("--ner-articles", type=int, default=None, metavar="S",
                        help="pages for the ner() reference (default: the small run's, "
                             f"else {NER_ARTICLES})")
    parser.add_argument("--cost-base", type=int, default=COST_BASE,
                        help=f"normal-length pages of the cost phase (default {COST_BASE})")
    parser.add_argument("--cost-scales", default=",".join(map(str, COST_SCALES)),
                        help="lengths the cost phase measures, in normal lengths (default 1,16,256)")
    parser.add_argument("--listing-pages", type=int, default=LISTING_PAGES,
                        help=f"listing pages measured at each scale (default {LISTING_PAGES})")
    parser.add_argument("--cost-timeout", type=float, default=COST_TIMEOUT,
                        help=f"seconds the cost phase may take (default {COST_TIMEOUT:g})")
    parser.add_argument("--phases", help=f"a comma-separated subset of {','.join(PHASES)}")
    parser.add_argument("--code", metavar="DIR",
                        help="measure the pipeline package in DIR (default: this checkout's)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--keep", metavar="DIR", help="keep the pipeline's database as DIR/bench.db")
    parser.add_argument("--warmup", type=int, default=WARMUP_ARTICLES,
                        help=f"warm-up pages per phase (default {WARMUP_ARTICLES})")
    parser.add_argument("--trace-sample", type=int, default=TRACE_SAMPLE,
                        help=f"pages for the tracemalloc pass, 0 to skip (default {TRACE_SAMPLE})")
    parser.add_argument("--phase-spec", help=argparse.SUPPRESS)  # internal: one phase, in a child
    args = parser.parse_args(argv)

    if args.phase_spec:
        return run_phase(args.phase_spec)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.code and not (Path(args.code) / "pipeline" / "__init__.py").is_file():
        parser.error(f"--code {args.code}: no pipeline package there")

    report = bench(args)
    report["figures"], lines = figures(report)
    report["summary"] = lines + [final_line(report)]
    print(table(report["phases"]))
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print("\n".join(report["summary"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
