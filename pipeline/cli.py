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
    ex.add_argument("--jsonl", default="outputs/facts.jsonl", help="JSONL export (default: %(default)s)")

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

    summary = run(args.inputs, args.db, args.jsonl)
    print(summary.line(), file=sys.stderr)
    return 1 if summary.errors else 0
