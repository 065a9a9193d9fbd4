"""Instructions per page, counted by valgrind's callgrind: a comparison of two checkouts
that this machine's drifting speed cannot blur (its wall-clock figures drift by up to 20%
within an hour, README "How speed is measured").

    python -m tools.instructions [--shared DIR] [--code DIR] [--pages N] [--warmup N]

Two processes run under ``valgrind --tool=callgrind`` (no cache simulation), side by side:
each loads the models (``worker.preload``) and extracts the bench stream's first --warmup
pages (``tools.stream``, the seed ``make bench`` uses); one of them then extracts the next
--pages. The difference of their counts over --pages is what extracting a page costs
(``worker.extract_one``: cleaning, the chain, the rows; not the store, not the links).
Instructions are not time (cache misses and branches are not counted), but the same code on
the same pages counts the same to a fraction of a percent, run after run. The stream is
written to a temporary folder and never kept. About 3 minutes on 2 cores for 400 pages.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import stream as streams

ROOT = Path(__file__).resolve().parent.parent


# The measured process, run with only the measured checkout's pipeline on its path (another
# checkout's tools may differ): preload, the warm-up pages, then the measured ones.
_CHILD = """
import itertools, sys
from pipeline.ingest import RawArticle, iter_articles
from pipeline.worker import extract_one, preload
corpus, warmup, pages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
preload()
for raw in itertools.islice(iter_articles([corpus]), warmup + pages):
    if isinstance(raw, RawArticle):
        extract_one(raw)
"""


def count(corpus: Path, code: Path | None, warmup: int, pages: int, workdir: Path) -> int:
    """Instructions per page of ``code`` (this checkout when None)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code or ROOT)
    runs = []
    for extra in (0, pages):
        out = workdir / f"callgrind_{extra}.out"
        cmd = ["valgrind", "--tool=callgrind", "--cache-sim=no", f"--callgrind-out-file={out}",
               sys.executable, "-c", _CHILD, str(corpus), str(warmup), str(extra)]
        runs.append(subprocess.Popen(cmd, env=env, cwd=workdir, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True))
    totals = []
    for proc in runs:
        _, err = proc.communicate()
        found = re.search(r"Collected : (\d+)", err)
        if proc.returncode != 0 or not found:
            raise SystemExit(f"instructions: a measured process failed (exit status {proc.returncode}):\n{err[-2000:]}")
        totals.append(int(found.group(1)))
    return (totals[1] - totals[0]) // pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared data folder")
    parser.add_argument("--code", help="measure the pipeline package in this checkout")
    parser.add_argument("--pages", type=int, default=400, help="pages measured (default 400)")
    parser.add_argument("--warmup", type=int, default=100, help="pages before them, in both processes (default 100)")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.warmup < 1:
        raise SystemExit("instructions: --pages and --warmup must be at least 1")
    if shutil.which("valgrind") is None:
        raise SystemExit("instructions: valgrind is not installed (apt install valgrind)")
    code = Path(args.code).resolve() if args.code else None
    with tempfile.TemporaryDirectory(prefix="instructions_") as tmp:
        workdir = Path(tmp)
        corpus = workdir / "stream.jsonl"
        streams.write_jsonl(streams.Stream(Path(args.shared), str(streams.SEED)).pages(args.warmup + args.pages), corpus)
        per_page = count(corpus, code, args.warmup, args.pages, workdir)
    print(f"instructions: {per_page / 1e6:.2f}M per page (extract_one, pages {args.warmup + 1}-"
          f"{args.warmup + args.pages} of the bench stream) for {code or ROOT}")


if __name__ == "__main__":
    main()
