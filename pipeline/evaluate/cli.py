"""``python -m pipeline evaluate``: the table (or JSON) of the figures, and the differences."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Union

from .fields import score
from .load import load_gold, load_predictions
from .report import explain_all

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
"""The files of a folder that are articles (``--ids-from``); ``sources.json`` and the like are not."""

def _ids_from(folder: Union[str, Path]) -> list[str]:
    path = Path(folder)
    if not path.is_dir():
        raise ValueError(f"{path}: --ids-from needs a folder")
    return sorted({f.stem for f in path.iterdir()
                   if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES and not f.name.startswith(".")})


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``evaluate`` (one home: ``python -m pipeline evaluate`` uses them too)."""
    parser.add_argument("--gold", required=True, metavar="DIR",
                        help="folder of hand-checked answers, one ID.json per article")
    parser.add_argument("--pred", required=True, metavar="FILE",
                        help="the JSONL written by extract (e.g. outputs/facts.jsonl)")
    parser.add_argument("--ids-from", metavar="DIR", action="append",
                        help="score only the articles whose files are in DIR; repeat it to score "
                             "several folders together")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--explain", action="store_true", help="also list every difference, per article")
    return parser


def build_parser(prog: str = "evaluate") -> argparse.ArgumentParser:
    return add_arguments(argparse.ArgumentParser(
        prog=prog, description="Score an extract's JSONL against hand-checked answers (the rules of GOLD.md) "
                               "and print the figures."))


def main(argv: Optional[list[str]] = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    try:
        gold = load_gold(args.gold)
        pred = load_predictions(args.pred)
        ids = sorted({i for folder in args.ids_from for i in _ids_from(folder)}) if args.ids_from else None
    except (ValueError, OSError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    report = score(gold, pred, ids)
    if args.json:
        print(json.dumps(report.as_dict(include_articles=args.explain), ensure_ascii=False, indent=2))
    else:
        print(report.table())
        if args.explain:
            print()
            print(explain_all(report))
    return 0

