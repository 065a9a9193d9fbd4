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


def build_parser(prog: str = "evaluate") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Score exported records against gold answers (GOLD.md).")
    parser.add_argument("--gold", required=True, help="folder of gold ID.json files")
    parser.add_argument("--pred", required=True, help="the pipeline's JSONL export")
    parser.add_argument("--ids-from", metavar="DIR",
                        help="score only the ids named by the files in DIR (their names without extension)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--explain", action="store_true", help="also print each article's differences")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        gold = load_gold(args.gold)
        pred = load_predictions(args.pred)
        ids = _ids_from(args.ids_from) if args.ids_from else None
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

