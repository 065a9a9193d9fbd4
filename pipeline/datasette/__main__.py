"""Browse a meetings database in Datasette (read-only), as `make serve` does."""
from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import sys

from . import DEFAULT_HOST, DEFAULT_PORT, SQL_TIME_LIMIT_MS, serve_args, url

EPILOG = """\
The database is opened read-only (it can be browsed while an extraction writes to it).
Any file name works: the tables, queries, map and charts apply to whatever database is
served. A database written by an older version gets its people, bodies, provinces and views
first.
Example: python -m pipeline.datasette outputs/meetings.db --port 9000"""


def _needs_links(db: str) -> bool:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        names = {row[0] for row in conn.execute("select name from sqlite_master")}
    return not {"people", "provinces", "person_appearances", "meetings_map",
                "province_meetings", "meetings_vi", "bodies", "body_meetings",
                "relevance_signals"} <= names


def _port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be bound (e.g. another server uses it), or None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.datasette", description=__doc__, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", metavar="DB", help="the SQLite database, e.g. outputs/meetings.db")
    parser.add_argument("--host", default=os.environ.get("HOST") or DEFAULT_HOST,
                        help="address to listen on (default: %(default)s, this machine only; "
                             "0.0.0.0 for every network)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT),
                        help="port to listen on (default: %(default)s)")
    parser.add_argument("--immutable", action="store_true",
                        help="open the file as immutable: faster, but only when no extraction "
                             "is writing to it")
    args = parser.parse_args(argv)
    if not os.path.exists(args.db):
        print(f"{args.db}: no such database (run `make extract` first)", file=sys.stderr)
        return 2
    taken = _port_taken(args.host, args.port)
    if taken:
        print(f"cannot serve on {args.host}:{args.port}: {taken} "
              f"(another server? choose one with --port)", file=sys.stderr)
        return 1
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
