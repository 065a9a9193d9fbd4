"""Throughput and memory benchmark: the extraction pipeline against underthesea's ``ner()``.

    python -m tools.bench [--shared DIR] [--articles N] [--json PATH] [--keep DIR]

A corpus of N articles (``make bench``: 10,000) is built by repeating the texts of
``corpus/*.txt`` and ``SHARED/dev/*.txt`` under new ids (``bench_00001_<original id>``),
written as one JSONL file in a temporary folder. The phases then run, each in its own child
process (so that each one's peak resident memory, ``ru_maxrss``, is that phase's alone):

``pipeline``
    ``pipeline.run.run`` with ``-j 1`` (one process) over the corpus into a fresh SQLite
    database: the real thing (ingest → clean → extract → store, plus the JSONL export).
``pipeline_j2``
    the same with ``-j 2`` worker processes (into another fresh database); its peak RSS is
    the parent's and, separately, the largest worker's.
``pipeline_small``
    ``-j 1`` again over the first M articles of the same stream (default N/10, when N is
    at least 1,000): memory must not grow with the corpus, so its peak RSS is compared
    with the ``pipeline`` phase's.
``ner``
    the reference: for each article, ``clean_story`` and the pipeline's sentence split
    (``pipeline.nlp.analyse``), then underthesea's ``ner()`` on every sentence. ner() runs
    at about 8 articles/s (20 minutes for 10,000), so it runs on the first S articles of
    the same stream (default 500) and its rate is reported as such.

In each child, loading (imports and the first model call) is timed on its own, then the
phase is warmed up on a handful of articles (written to a scratch database, not the
measured one), and only then is the timed run made. Peak RSS is read right after the timed
run. A Python-heap figure from ``tracemalloc`` is measured afterwards (``-j 1`` phases and
ner), on a sample of the articles, because tracing slows Python down and would spoil the
timed rates. It counts only allocations made after tracing started (not the models).

The parent prints one table and a final ``bench:`` line; ``--json`` writes the results.
Progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "corpus"
PHASES = ("pipeline", "pipeline_j2", "pipeline_small", "ner")
NER_ARTICLES = 500
SMALL_FRACTION = 10
WARMUP_ARTICLES = 5
TRACE_SAMPLE = 30
PROGRESS_EVERY = 100


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measurements


def peak_rss_mb() -> float:
    """``ru_maxrss`` of this process in MB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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


# --------------------------------------------------------------------------- corpus


def source_texts(shared: Path | None) -> list[tuple[str, str]]:
    """(id, text) of every ``corpus/*.txt`` and ``SHARED/dev/*.txt``, decoded as ingest does."""
    from pipeline.ingest import IngestError, iter_articles

    files = sorted(CORPUS_DIR.glob("*.txt"))
    if shared is not None:
        dev = shared / "dev"
        if dev.is_dir():
            files += sorted(dev.glob("*.txt"))
        else:
            log(f"bench: no {dev}, using {CORPUS_DIR} only")
    texts = []
    for item in iter_articles(files):
        if isinstance(item, IngestError):
            log(f"bench: skipping {item}")
        elif item.text:
            texts.append((item.id, item.text))
    if not texts:
        raise SystemExit("bench: no source texts found")
    return texts


def write_corpus(path: Path, texts: list[tuple[str, str]], n: int, prefix: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            orig_id, text = texts[i % len(texts)]
            record = {"id": f"{prefix}_{i + 1:05d}_{orig_id}", "text": text}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- phases (child)


def children_peak_rss_mb() -> float:
    """Largest ``ru_maxrss`` among this process's finished children (the workers)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def phase_pipeline(corpus: Path, warmup: Path, db: Path, scratch: Path, trace_sample: int,
                   jobs: int = 1) -> dict:
    t0 = time.perf_counter()
    from pipeline.nlp import analyse
    from pipeline.run import run

    doc = analyse("Chiều 5/3/2024, Chủ tịch UBND tỉnh làm việc với các hội.")
    for s in doc.sentences:
        _ = s.tagged  # loads the POS model
    load_s = time.perf_counter() - t0
    rss_after_load = current_rss_mb()

    quiet = open(os.devnull, "w", encoding="utf-8")
    t0 = time.perf_counter()
    warm = run([warmup], db_path=scratch / "warmup.db", jsonl_path=scratch / "warmup.jsonl",
               log=quiet, jobs=1, progress=False)
    warmup_s = time.perf_counter() - t0

    summary = run([corpus], db_path=db, jsonl_path=scratch / "facts.jsonl", log=sys.stderr,
                  jobs=jobs, progress=True)
    peak = peak_rss_mb()
    workers_peak = children_peak_rss_mb() if jobs > 1 else None
    seconds = summary.seconds

    heap = _traced(lambda sample: run([sample], db_path=scratch / "trace.db",
                                      jsonl_path=scratch / "trace.jsonl", log=quiet,
                                      jobs=1, progress=False),
                   corpus, scratch, trace_sample if jobs == 1 else 0)
    quiet.close()
    stored, stored_errors = db_counts(db)
    return {
        "phase": "pipeline",
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
        "db_path": str(db),
        "db_mb": db_size_mb(db),
        "db_articles": stored,
        "db_errors": stored_errors,
    }


def phase_ner(corpus: Path, warmup: Path, scratch: Path, trace_sample: int) -> dict:
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
    warm = tag(warmup)
    warmup_s = time.perf_counter() - t0

    n = _count_lines(corpus)
    result = tag(corpus, progress=PROGRESS_EVERY if n > PROGRESS_EVERY else 0)
    peak = peak_rss_mb()
    heap = _traced(tag, corpus, scratch, trace_sample)
    seconds = result["seconds"]
    return {
        "phase": "ner",
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


def _traced(work, corpus: Path, scratch: Path, sample: int) -> dict:
    """Peak of Python allocations (tracemalloc) while ``work`` handles the first articles."""
    if sample <= 0:
        return {"tracemalloc_peak_mb": None, "tracemalloc_articles": 0}
    import tracemalloc

    sample_path = scratch / "trace_sample.jsonl"
    with corpus.open(encoding="utf-8") as src, sample_path.open("w", encoding="utf-8") as dst:
        count = 0
        for line in src:
            if count >= sample:
                break
            dst.write(line)
            count += 1
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


def run_phase(args: argparse.Namespace) -> int:
    corpus, warmup, scratch = Path(args.input), Path(args.warmup_input), Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    if args.phase.startswith("pipeline"):
        result = phase_pipeline(corpus, warmup, Path(args.db), scratch, args.trace_sample,
                                jobs=args.jobs)
    else:
        result = phase_ner(corpus, warmup, scratch, args.trace_sample)
    Path(args.result).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------- parent


def spawn(phase: str, corpus: Path, warmup: Path, workdir: Path, db: Path,
          trace_sample: int, jobs: int = 1) -> dict:
    result_path = workdir / f"result_{phase}.json"
    cmd = [sys.executable, "-m", "tools.bench", "--phase", phase, "--jobs", str(jobs),
           "--input", str(corpus), "--warmup-input", str(warmup),
           "--scratch", str(workdir / f"scratch_{phase}"), "--db", str(db),
           "--result", str(result_path), "--trace-sample", str(trace_sample)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env)
    if proc.returncode != 0 or not result_path.exists():
        raise SystemExit(f"bench: phase {phase!r} failed (exit status {proc.returncode})")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["process_seconds"] = time.perf_counter() - started
    return result


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


COLUMNS = (("pipeline", "pipeline -j 1"), ("pipeline_j2", "pipeline -j 2"),
           ("pipeline_small", "-j 1, small"), ("ner", "underthesea ner()"))


def table(results: dict[str, dict]) -> str:
    phases = [(key, title) for key, title in COLUMNS if key in results]
    rows = [
        ("articles processed", "articles", 0),
        ("errors", "errors", 0),
        ("worker processes", "jobs", 0),
        ("load: imports + first model call (s)", "load_seconds", 2),
        ("warm-up (s)", "warmup_seconds", 2),
        ("timed run, wall (s)", "seconds", 2),
        ("  of which ner() calls (s)", "ner_seconds", 2),
        ("articles/s", "articles_per_second", 1),
        ("sentences/s", "sentences_per_second", 1),
        ("RSS after load (MB)", "rss_after_load_mb", 0),
        ("peak RSS, ru_maxrss (MB)", "peak_rss_mb", 0),
        ("  largest worker's peak RSS (MB)", "workers_peak_rss_mb", 0),
        ("Python heap peak, tracemalloc sample (MB)", "tracemalloc_peak_mb", 1),
        ("database size (MB)", "db_mb", 2),
        ("articles in database", "db_articles", 0),
    ]
    width = max(len(label) for label, *_ in rows)
    lines = ["  ".join([" " * width] + [f"{title:>18}" for _, title in phases]),
             "  ".join(["-" * width] + ["-" * 18 for _ in phases])]
    for label, key, digits in rows:
        cells = [f"{_fmt(results[phase].get(key), digits):>18}" for phase, _ in phases]
        lines.append("  ".join([f"{label:<{width}}"] + cells))
    return "\n".join(lines)


def final_line(n: int, results: dict[str, dict]) -> str:
    p, r = results["pipeline"], results["ner"]
    line = f"bench: {n} articles, pipeline {p['articles_per_second']:.1f} articles/s in 1 process"
    j2 = results.get("pipeline_j2")
    if j2:
        line += (f", {j2['articles_per_second']:.1f} with -j 2 "
                 f"(x{j2['articles_per_second'] / p['articles_per_second']:.2f})")
    line += f"; peak RSS {p['peak_rss_mb']:.0f} MB"
    small = results.get("pipeline_small")
    if small:
        line += (f" ({small['peak_rss_mb']:.0f} MB at {small['articles']} articles, "
                 f"x{p['peak_rss_mb'] / small['peak_rss_mb']:.2f})")
    line += (f"; db {p['db_mb']:.1f} MB | underthesea ner() {r['articles_per_second']:.1f} "
             f"articles/s on the first {r['articles']} (peak RSS {r['peak_rss_mb']:.0f} MB)")
    return line


def _head(source: Path, dest: Path, n: int) -> Path:
    """The first ``n`` articles of ``source``: the same stream, shorter."""
    with source.open(encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i >= n:
                break
            out.write(line)
    return dest


def bench(args: argparse.Namespace) -> dict:
    shared = Path(args.shared) if args.shared else None
    texts = source_texts(shared)
    n = args.articles
    small = args.memory_articles if args.memory_articles is not None else (
        n // SMALL_FRACTION if n >= 1000 else 0)
    ner_n = min(n, args.ner_articles)
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        workdir = Path(tmp)
        corpus, warmup = workdir / "corpus.jsonl", workdir / "warmup.jsonl"
        write_corpus(corpus, texts, n, "bench")
        write_corpus(warmup, texts, min(args.warmup, len(texts)), "warmup")
        if args.keep:
            keep = Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            db = keep / "bench.db"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(db) + suffix).unlink(missing_ok=True)
        else:
            db = workdir / "bench.db"
        log(f"bench: {n} articles from {len(texts)} distinct texts "
            f"({corpus.stat().st_size / 2**20:.2f} MB JSONL)")
        plan = [("pipeline", corpus, db, 1), ("pipeline_j2", corpus, workdir / "bench_j2.db", 2)]
        if small:
            plan.append(("pipeline_small", _head(corpus, workdir / "small.jsonl", small),
                         workdir / "bench_small.db", 1))
        plan.append(("ner", _head(corpus, workdir / "ner.jsonl", ner_n), workdir / "unused.db", 1))
        results = {}
        for phase, phase_corpus, phase_db, jobs in plan:
            log(f"bench: phase {phase} ...")
            results[phase] = spawn(phase, phase_corpus, warmup, workdir, phase_db,
                                   args.trace_sample, jobs=jobs)
            log(f"bench: phase {phase} done: "
                f"{results[phase]['articles_per_second']:.1f} articles/s")
        if not args.keep:
            results["pipeline"]["db_path"] = None
    return {
        "articles": n,
        "distinct_texts": len(texts),
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
        "phases": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default="../shared",
                        help="the shared folder; its dev/*.txt join corpus/*.txt (default ../shared)")
    parser.add_argument("--articles", type=int, default=500, help="corpus size (default 500)")
    parser.add_argument("--memory-articles", type=int, default=None, metavar="M",
                        help="size of the small -j 1 run that peak memory is compared with "
                             "(default N/10 when N >= 1000, else none; 0 for none)")
    parser.add_argument("--ner-articles", type=int, default=NER_ARTICLES, metavar="S",
                        help=f"articles for the ner() reference (default {NER_ARTICLES})")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--keep", metavar="DIR", help="keep the pipeline's database as DIR/bench.db")
    parser.add_argument("--warmup", type=int, default=WARMUP_ARTICLES,
                        help=f"warm-up articles per phase (default {WARMUP_ARTICLES})")
    parser.add_argument("--trace-sample", type=int, default=TRACE_SAMPLE,
                        help="articles for the tracemalloc pass, 0 to skip "
                             f"(default {TRACE_SAMPLE})")
    # internal: one phase, run by the parent in a child process
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--warmup-input", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        return run_phase(args)
    if args.articles < 1:
        parser.error("--articles must be at least 1")

    report = bench(args)
    print(table(report["phases"]))
    line = final_line(report["articles"], report["phases"])
    report["summary"] = line
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
