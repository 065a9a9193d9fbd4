"""``python -m pipeline.datasette DB [--host H] [--port P] [--immutable]``: serve DB as
``make serve`` does; prints the URL first.

A database written before the derived tables existed (people, provinces, views) gets
them first (``Store.refresh_links``), since the metadata's queries use them.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from . import DEFAULT_HOST, DEFAULT_PORT, SQL_TIME_LIMIT_MS, serve_args, url


def _needs_links(db: str) -> bool:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        names = {row[0] for row in conn.execute("select name from sqlite_master")}
    return not {"people", "provinces", "person_appearances", "meetings_map"} <= names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.datasette", description=__doc__)
    parser.add_argument("db")
    parser.add_argument("--host", default=os.environ.get("HOST") or DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT))
    parser.add_argument("--immutable", action="store_true",
                        help="open the file immutable (-i): only when no run writes to it")
    args = parser.parse_args(argv)
    if not os.path.exists(args.db):
        print(f"{args.db}: no such database (run `make extract` first)", file=sys.stderr)
        return 2
    if _needs_links(args.db):
        from ..store import Store

        with Store(args.db) as store:
            store.refresh_links()
    print(f"Datasette at {url(args.db, args.host, args.port)} "
          f"(read-only, SQL time limit {SQL_TIME_LIMIT_MS} ms; Ctrl-C stops)",
          flush=True)
    command = [sys.executable, "-m", "datasette", *serve_args(args.db, args.host, args.port, args.immutable)]
    os.execv(sys.executable, command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
