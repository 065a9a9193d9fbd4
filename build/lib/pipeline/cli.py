"""Command line: `python -m pipeline extract|evaluate|schema`. Thin: parses arguments
and calls the library."""
from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract articles (files or folders) into SQLite and JSONL")
    ex.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .html/.htm or .jsonl files, or folders")
    ex.add_argument("--db", default="outputs/meetings.db", help="SQLite database (default: %(default)s)")
    ex.add_argument("--jsonl", default="outputs/facts.jsonl",
                    help="JSONL export of every article in the database (default: %(default)s)")
    ex.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                    help="worker processes (default: the machine's cores); with --engine dask "
                         "and no --scheduler, local dask workers")
    ex.add_argument("--prune", action="store_true",
                    help="delete stored articles whose input was not met in this run "
                         "(only when the inputs are the whole corpus)")
    ex.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="where extraction runs: local processes, or a dask.distributed cluster")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="dask scheduler, e.g. tcp://10.0.0.5:8786 (--engine dask; "
                         "default: a local cluster)")
    ex.add_argument("--no-progress", action="store_true", help="no progress bar or lines")

    ev = sub.add_parser("evaluate", help="score predictions against gold answers (GOLD.md)")
    ev.add_argument("--gold", required=True)
    ev.add_argument("--pred", required=True)
    ev.add_argument("--ids-from", default=None)
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--explain", action="store_true")

    sub.add_parser("schema", help="print the JSON Schema of one article's record")

    args = parser.parse_args(argv)
    if args.command == "schema":
        from .schema import Article

        print(json.dumps(Article.model_json_schema(), ensure_ascii=False, indent=2))
        return 0
    if args.command == "evaluate":
        from . import evaluate

        rest = ["--gold", args.gold, "--pred", args.pred]
        rest += ["--ids-from", args.ids_from] if args.ids_from else []
        rest += ["--json"] if args.json else []
        rest += ["--explain"] if args.explain else []
        return evaluate.main(rest)
    from .run import run

    if args.jobs is not None and args.jobs < 1:
        parser.error("-j must be at least 1")
    if args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    summary = run(args.inputs, args.db, args.jsonl, jobs=args.jobs, prune=args.prune,
                  engine=args.engine, scheduler=args.scheduler, progress=not args.no_progress)
    print(summary.line(), file=sys.stderr)
    return 1 if summary.errors else 0
