"""Datasette plugin for the meetings database (loaded with ``--plugins-dir``).

- ``/<db>/-/article/<id>``: the evidence page: the article's cleaned text with every
  span the extraction found highlighted by kind (date, province, official, title, count,
  document, directive; from the ``spans`` table), a legend, and the facts listed with
  links to their highlight (``#officials-12``). Rendered by ``templates/evidence.html`` with autoescaping: a
  ``<script>`` in an article is shown as text, never run.
- ``render_cell``: every fact row links to its evidence (the ``article_id`` and
  ``evidence_sentence`` cells), ``articles.title`` links to the evidence page, and
  ``person_id`` in views links to the person's page.
- the person page (``people`` row page) gets the person's appearances in date order (the
  title history), shown by ``templates/row-meetings-people.html``.
- ``permission_allowed``: write actions are refused (Datasette 0.65 has no write API; this
  keeps it so with later versions or write plugins).
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from pipeline.datasette.evidence import KINDS, highlights, nest
from pipeline.store.tables import FACT_TABLES as _FACT_TABLES

# Datasette 0.65's error handler prints the traceback with ``rich`` when that is installed
# (it is: typer, a dependency of the NLP stack, brings it) and, called outside the
# ``except`` block, rich raises: every 404 or 400 then becomes a 500. Without rich the
# handler answers as intended (the traceback of a real 500 still goes to stderr).
import datasette.handle_exception as _handle_exception  # noqa: E402

_handle_exception.rich = None

FACT_TABLES = tuple(t.name for t in _FACT_TABLES)
WRITE_ACTIONS = {
    "insert-row", "delete-row", "update-row", "create-table", "alter-table", "drop-table",
    "upsert-row",
}


def evidence_url(datasette, database: str, article_id: str, anchor: str | None = None) -> str:
    path = datasette.urls.database(database) + "/-/article/" + tilde_encode(str(article_id))
    return path + (f"#{anchor}" if anchor else "")


def _raw(value):
    """A cell's value: Datasette passes expanded foreign keys as {"value", "label"}."""
    return value["value"] if isinstance(value, dict) else value


def _anchor(table, row):
    keys = row.keys() if hasattr(row, "keys") else ()
    if table == "meetings":
        return f"meetings-{_raw(row['article_id'])}"
    if table in FACT_TABLES and "id" in keys:
        return f"{table}-{_raw(row['id'])}"
    if table == "person_appearances" and "official_id" in keys:
        return f"officials-{_raw(row['official_id'])}"
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None:
        return None
    if column == "article_id" and (table in FACT_TABLES or table in (
            "person_appearances", "meetings_map", None)):
        raw = value["value"] if isinstance(value, dict) else value
        label = value.get("label") if isinstance(value, dict) else None
        article = datasette.urls.table(database, "articles") + "/" + tilde_encode(str(raw))
        return Markup('<a href="{}">{}</a> <a class="evidence-link" href="{}">evidence</a>').format(
            article, label or raw, evidence_url(datasette, database, raw, _anchor(table, row))
        )
    if column == "evidence_sentence" and table in FACT_TABLES:
        return Markup('<a class="evidence-link" href="{}">{}</a>').format(
            evidence_url(datasette, database, _raw(row["article_id"]), _anchor(table, row)), value
        )
    if table == "articles" and column == "title":
        return Markup('{} <a class="evidence-link" href="{}">evidence</a>').format(
            value, evidence_url(datasette, database, _raw(row["id"]))
        )
    if column == "person_id" and table in ("person_appearances", None) and isinstance(value, str):
        return Markup('<a href="{}">{}</a>').format(
            datasette.urls.table(database, "people") + "/" + tilde_encode(value), value
        )
    return None


@hookimpl
def permission_allowed(actor, action):
    if action in WRITE_ACTIONS:
        return False
    return None


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "people" or request is None:
        return None

    async def inner():
        pks = request.url_vars.get("pks")
        if not pks:
            return {}
        person_id = tilde_decode(pks)
        db = datasette.get_database(database)
        result = await db.execute(
            "select date, province, title, role, name_as_printed, article_id, article_title, "
            "official_id from person_appearances where person_id = ?",
            [person_id],
        )
        history = [
            dict(row, evidence=evidence_url(datasette, database, row["article_id"],
                                            f"officials-{row['official_id']}"))
            for row in result.rows
        ]
        return {"person_history": history}

    return inner


async def article_page(datasette, request):
    database = request.url_vars["database"]
    article_id = tilde_decode(request.url_vars["article_id"])
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound(f"Database not found: {database}")
    if not await db.table_exists("articles"):
        raise NotFound("This database has no articles")
    allowed = await datasette.permission_allowed(
        request.actor, "view-table", resource=(database, "articles"), default=True
    )
    if not allowed:
        return Response.text("Forbidden", status=403)
    found = await db.execute("select * from articles where id = ?", [article_id])
    article = found.first()
    if article is None:
        raise NotFound(f"Article not found: {article_id}")
    text = article["text"] or ""
    facts = {}
    for table in FACT_TABLES:
        if await db.table_exists(table):
            order = "article_id" if table == "meetings" else "id"
            rows = await db.execute(
                f"select * from [{table}] where article_id = ? order by {order}", [article_id]
            )
            facts[table] = [dict(r) for r in rows.rows]
    spans = []
    if await db.table_exists("spans"):
        spans = [dict(r) for r in (await db.execute(
            "select kind, start, [end], label, fact from spans where article_id = ? order by id",
            [article_id])).rows]
    nodes = nest(text, highlights(text, article_id, spans, facts))
    meeting = facts.get("meetings", [None])[0] if facts.get("meetings") else None
    people = {}
    if await db.table_exists("people") and facts.get("officials"):
        ids = [o.get("person_id") for o in facts["officials"] if o.get("person_id")]
        if ids:
            rows = await db.execute(
                "select id, name from people where id in ({})".format(",".join("?" * len(ids))), ids
            )
            people = {r["id"]: r["name"] for r in rows.rows}
    context = {
        "database": database,
        "article": dict(article),
        "nodes": nodes,
        "kinds": KINDS,
        "meeting": meeting,
        "facts": facts,
        "people": people,
        "row_url": datasette.urls.table(database, "articles") + "/" + tilde_encode(article_id),
        "table_url": lambda table: datasette.urls.table(database, table),
        "person_url": lambda pid: datasette.urls.table(database, "people") + "/" + tilde_encode(pid),
        "tilde_encode": tilde_encode,
    }
    return Response.html(
        await datasette.render_template("evidence.html", context, request=request)
    )


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/article/(?P<article_id>[^/]+)$", article_page)]

