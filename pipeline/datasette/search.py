""""Search all tables", answered here rather than in the browser: for each table with a
full-text index named in ``database.yaml`` (``analyst.search``), the best matches as
short results (a title linking to the row, the person or the body, a few details, a highlighted
snippet, a link to the evidence) instead of every column of every row."""
from __future__ import annotations

from urllib.parse import quote

from datasette.utils import escape_fts, tilde_encode
from markupsafe import Markup, escape

from . import site

SHOWN = 5
LONG_TEXT = ("articles", "directives")  # tables whose results show a snippet of the match
START, END = "\x02", "\x03"  # snippet markers, replaced by <mark> after escaping


def _snippet(text: str | None) -> Markup | None:
    if not text:
        return None
    return Markup(str(escape(text)).replace(START, "<mark>").replace(END, "</mark>"))


def _detail(table: str, column: str, value) -> str:
    if column == "appearances":
        return f"{value} lần xuất hiện"
    if column == "meetings":
        return f"{value} cuộc họp"
    return site.label(table, column, value) or str(value)


async def search_all(datasette, request, q: str) -> list[dict]:
    """Per searchable table of every served database: title, count, rows, "more" URL."""
    results = []
    for name in [n for n in datasette.databases if not n.startswith("_")]:
        db = datasette.get_database(name)
        metadata = datasette.metadata(database=name) or {}
        for table, columns in site.settings()["search"].items():
            fts = await db.fts_table(table) if await db.table_exists(table) else None
            if not fts or not await datasette.permission_allowed(
                    request.actor, "view-table", resource=(name, table), default=True):
                continue
            results.append(await _search_table(datasette, db, name, table, fts, columns, q,
                                               metadata.get("tables", {}).get(table, {})))
    return results


async def _search_table(datasette, db, database, table, fts, columns, q, table_meta) -> dict:
    match = escape_fts(q)
    count = (await db.execute(f"select count(*) from [{fts}] where [{fts}] match ?",
                              [match])).rows[0][0]
    pk = "id" if table != "meetings" else "article_id"
    selected = ", ".join(f"t.[{c}]" for c in dict.fromkeys([pk, *columns]))
    rows = (await db.execute(
        f"select {selected}, snippet([{fts}], -1, ?, ?, '…', 16) as snippet "
        f"from [{fts}] join [{table}] t on t.rowid = [{fts}].rowid "
        f"where [{fts}] match ? order by rank limit {SHOWN}",
        [START, END, match])).rows
    table_url = datasette.urls.table(database, table)
    out = []
    for row in rows:
        row = dict(row)
        title_column, details = columns[0], columns[1:]
        url = table_url + "/" + tilde_encode(str(row[pk]))
        article = row.get("article_id") or (row[pk] if table == "articles" else None)
        evidence = None
        if article:
            anchor = f"#{table}-{row[pk]}" if table in ("officials", "directives") else ""
            evidence = datasette.urls.database(database) + "/-/article/" + tilde_encode(str(article)) + anchor
        out.append({
            "title": row[title_column] or row[pk],
            "url": url,
            "details": [(c, _detail(table, c, row[c])) for c in details
                        if c not in ("article_id", "person_id") and row[c] not in (None, "")],
            "snippet": _snippet(row["snippet"]) if table in LONG_TEXT else None,
            "evidence": evidence,
            "person": (datasette.urls.table(database, "people") + "/" + tilde_encode(row["person_id"])
                       if row.get("person_id") else None),
        })
    return {"database": database, "table": table, "title": table_meta.get("title") or table,
            "count": count, "rows": out,
            "url": f"{table_url}?_search={quote(q)}"}
