"""Serving the database with Datasette: the one definition of how it is started.

``serve_args`` is used by ``make serve`` (through ``python -m pipeline.datasette``) and by
the tests, so that the tests start exactly what analysts start:

- ``--metadata metadata.yaml``: the instance's title; what describes a database
  (``database.yaml``) is applied by the plugin to whatever database is served;
- ``--plugins-dir plugins``: labels, links, evidence page, map, charts, search, collation,
  and a refusal of every write action;
- ``--template-dir templates``: the pages above and the person and body pages;
- ``--static analyst-static:static``: the page script and the provinces' shapes;
- ``--setting sql_time_limit_ms 3000``: any query stops after 3 s;
- ``--setting truncate_cells_html 160``: long cells (an article's text) are cut on table
  pages, in full on the row page and in JSON/CSV;
- ``--setting max_returned_rows 200``: a page or query holds at most 200 rows (a row can
  hold an article's whole text; CSV with ``_stream=1`` still exports everything), and the
  plugin caps every string or blob a query makes at ``MAX_VALUE_BYTES`` (SQLite's length
  limit): a query such as ``replace(hex(zeroblob(240000000)), ...)`` stops at once
  instead of taking gigabytes for seconds in one call the time limit cannot interrupt;
- ``--host 127.0.0.1``: local only unless another host is asked for.

Read-only: Datasette 0.65 has no write API and opens a database file that is not
immutable with SQLite's ``mode=ro`` (its write connection is only opened by plugins that
write, and none is installed); the plugin also refuses the write permissions of later
Datasette versions. ``immutable=True`` (``-i``) opens the file as immutable instead:
fastest, but only for a file that no run is writing to (a WAL database being written is
then read without its newest pages).
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
METADATA = HERE / "metadata.yaml"
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STATIC_MOUNT = "analyst-static"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
SQL_TIME_LIMIT_MS = 3000
TRUNCATE_CELLS = 160
MAX_RETURNED_ROWS = 200
MAX_VALUE_BYTES = 32 * 2**20
"""The longest string or blob a query may make: above the longest stored value (an
article's text from a 5 MB file, as UTF-8), far below what exhausts memory."""


def serve_args(db: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
               immutable: bool = False) -> list[str]:
    """The arguments of ``datasette`` (``python -m datasette ARGS``) serving ``db``."""
    return [
        "serve",
        *(["-i"] if immutable else []),
        str(db),
        "--metadata", str(METADATA),
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
        "--static", f"{STATIC_MOUNT}:{STATIC_DIR}",
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "truncate_cells_html", str(TRUNCATE_CELLS),
        "--setting", "max_returned_rows", str(MAX_RETURNED_ROWS),
        "--host", host,
        "--port", str(port),
    ]


def url(db: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """Where the database page is served (the database is named after the file's stem)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/{Path(db).stem}"
