"""Command line: `python -m pipeline extract|evaluate|schema`. Thin: parses arguments
and calls the library."""
from __future__ import annotations

import argparse
import json
import sys

from .evaluate.cli import add_arguments as add_evaluate_arguments
from .evaluate.cli import run as evaluate
from .worker import TIME_BUDGET


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract meetings of leaders with associations from Vietnamese news "
                    "articles into a SQLite database (browse it with python -m pipeline.datasette).")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser(
        "extract", help="read articles and store their facts in the database",
        description="Read articles (files or folders) and store their facts in a SQLite database "
                    "and a JSONL file. Unchanged articles are skipped; a bad input is reported "
                    "and the others are stored all the same (exit status 1).")
    ex.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .html/.htm or .jsonl files, or folders")
    ex.add_argument("--db", default="outputs/meetings.db", help="SQLite database (default: %(default)s)")
    ex.add_argument("--jsonl", default="outputs/facts.jsonl",
                    help="JSONL export of every article in the database (default: %(default)s)")
    ex.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                    help="extract in N processes at once (default: one per core)")
    ex.add_argument("--prune", action="store_true",
                    help="delete stored articles whose file is no longer among the inputs "
                         "(use only when the inputs are the whole corpus)")
    ex.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="where to extract: on this machine (default) or on a dask cluster")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="the dask cluster's scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask; "
                         "without it, a cluster is started on this machine)")
    ex.add_argument("--time-budget", type=float, default=TIME_BUDGET, metavar="SECONDS",
                    help="seconds one article may take to extract; one that takes longer is "
                         "recorded as an error and the run goes on (default: %(default)g; 0: no limit)")
    ex.add_argument("--no-progress", action="store_true", help="do not show progress")

    ev = sub.add_parser("evaluate", help="measure accuracy against hand-checked answers",
                        description="Score an extract's JSONL against hand-checked answers "
                                    "(the rules of GOLD.md) and print the figures.")
    add_evaluate_arguments(ev)

    sub.add_parser("schema", help="print the JSON Schema of one article's record (a line of the JSONL)")

    args = parser.parse_args(argv)
    if args.command == "schema":
        from .schema import Article

        print(json.dumps(Article.model_json_schema(), ensure_ascii=False, indent=2))
        return 0
    if args.command == "evaluate":
        return evaluate(args)
    from .run import RunError, run

    if args.jobs is not None and args.jobs < 1:
        parser.error("-j must be at least 1")
    if args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    if args.time_budget < 0:
        parser.error("--time-budget must be 0 (no limit) or more")
    try:
        summary = run(args.inputs, args.db, args.jsonl, jobs=args.jobs, prune=args.prune,
                      engine=args.engine, scheduler=args.scheduler, progress=not args.no_progress,
                      budget=args.time_budget or None)
    except RunError as stopped:
        print(f"error: {stopped}", file=sys.stderr)
        return 1
    print(summary.line(), file=sys.stderr)
    # nothing found to read (e.g. only .docx files) is not a success
    return 1 if summary.errors or not summary.found else 0
