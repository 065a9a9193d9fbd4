"""Datasette plugin for meetings databases (loaded with ``--plugins-dir``), whatever the
database file is called.

- ``get_metadata``: ``database.yaml`` (Vietnamese titles and descriptions, facets,
  canned queries) for every served database, under its own name;
- ``prepare_connection``: the ``vi`` collation (Vietnamese alphabetical order) and
  ``vi_fold(text)`` (no accents: "tran thanh lam" = "Trần Thanh Lâm") on every connection;
- ``render_cell``: Vietnamese labels of stored codes (``chair`` → chủ trì), links from
  every fact to its evidence, from ``person_id`` to the person's page and from ``body_id``
  to the body's; ``relevance_reasons`` in Vietnamese; a ``url`` cell is a
  link only when it is an http(s) address (``schema.web_url``), text otherwise;
- pages: ``/<db>/-/article/<id>`` (evidence: the cleaned text with the spans the
  extraction found highlighted by kind, from the ``spans`` table; autoescaped, a ``<script>`` in an article is shown as text),
  ``/<db>/-/map`` (choropleth, offline), ``/<db>/-/charts``, ``/-/analyst.css``;
- the person page (``templates/row.html`` for table ``people``): title history; the body
  page (for table ``bodies``): its meetings in date order with who chaired and who
  attended, the leaders who met it most, the bodies merged into it; search
  all (``templates/search_all.html``): results with links, searched here;
- ``asgi_wrapper``: ``?_bom=1`` on a CSV download prepends a UTF-8 BOM (for Excel); any
  method but GET/HEAD/OPTIONS is answered 405 (read-only);
- ``prepare_connection``: also SQLite's length limit (``MAX_VALUE_BYTES``);
- ``handle_exception``: Datasette's request-parameter errors are 400, not 500;
- ``permission_allowed``: write actions are refused.
"""
from __future__ import annotations

import sqlite3
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from datasette.views.base import DatasetteError
from pipeline.datasette import MAX_VALUE_BYTES, STATIC_MOUNT, charts, maps, search, site
from pipeline.datasette.evidence import KINDS, highlights, nest
from pipeline.datasette.vietnamese import collate, search_fold
from pipeline.schema import ROLE_ORDER, web_url
from pipeline.store.tables import FACT_TABLES as _FACT_TABLES

# Datasette 0.65's error handler prints the traceback with ``rich`` when that is installed
# (it is: typer, a dependency of the NLP stack, brings it) and, called outside the
# ``except`` block, rich raises: every 404 or 400 then becomes a 500. Without rich the
# handler answers as intended (the traceback of a real 500 still goes to stderr).
import datasette.handle_exception as _handle_exception  # noqa: E402

_handle_exception.rich = None

FACT_TABLES = tuple(t.name for t in _FACT_TABLES)
ARTICLE_LINK_TABLES = (*FACT_TABLES, "person_appearances", "meetings_map", "meetings_vi",
                       "body_meetings", "relevance_signals", None)
BODY_LINK_TABLES = ("body_meetings", None)  # elsewhere body_id is a foreign key Datasette links
WRITE_ACTIONS = {
    "insert-row", "delete-row", "update-row", "create-table", "alter-table", "drop-table",
    "upsert-row",
}
UTF8_BOM = b"\xef\xbb\xbf"


def _served(datasette) -> list[str]:
    return [name for name in datasette.databases if not name.startswith("_")]


@hookimpl
def get_metadata(datasette, key, database, table):
    root = datasette.urls.instance()
    return {"databases": {name: site.database_metadata(datasette.urls.database(name), root)
                          for name in _served(datasette)}}


@hookimpl
def prepare_connection(conn):
    conn.create_collation("vi", collate)
    conn.create_function("vi_fold", 1, search_fold, deterministic=True)
    # one huge value (zeroblob, replace, group_concat) is made in one call that the SQL
    # time limit cannot interrupt: refuse it at its size instead
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)


@hookimpl
def handle_exception(datasette, request, exception):
    # Datasette 0.65 raises its request-parameter errors (an unknown ?_sort column, _sort
    # with _sort_desc, a bad _through) as DatasetteError without a status, answered 500:
    # they are the request's fault, 400. Datasette's own handler then renders it.
    if isinstance(exception, DatasetteError) and exception.status == 500:
        exception.status = 400
    return None


def evidence_url(datasette, database: str, article_id: str, anchor: str | None = None) -> str:
    path = datasette.urls.database(database) + "/-/article/" + tilde_encode(str(article_id))
    return path + (f"#{anchor}" if anchor else "")


def person_url(datasette, database: str, person_id: str) -> str:
    return datasette.urls.table(database, "people") + "/" + tilde_encode(person_id)


def body_url(datasette, database: str, body_id: str) -> str:
    return datasette.urls.table(database, "bodies") + "/" + tilde_encode(body_id)


def _raw(value):
    """A cell's value: Datasette passes expanded foreign keys as {"value", "label"}."""
    return value["value"] if isinstance(value, dict) else value


def _anchor(table, row):
    keys = row.keys() if hasattr(row, "keys") else ()
    if table in ("meetings", "meetings_vi"):
        return f"meetings-{_raw(row['article_id'])}"
    if table in FACT_TABLES and "id" in keys:
        return f"{table}-{_raw(row['id'])}"
    if "official_id" in keys:
        return f"officials-{_raw(row['official_id'])}"
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None:
        return None
    label = site.label(table, column, value)
    if label is not None:
        return Markup('<span class="vi-label" title="{}">{}</span>').format(value, label)
    if column == "url" and isinstance(value, str):
        # the one rule for links to sources (schema.web_url), not Datasette's own guess
        shown = web_url(value)
        if shown is None:
            return Markup('<span class="not-a-link" title="không phải địa chỉ web">{}</span>').format(value)
        return Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>').format(shown, value)
    if column == "article_id" and table in ARTICLE_LINK_TABLES:
        raw = _raw(value)
        shown = value.get("label") if isinstance(value, dict) else None
        article = datasette.urls.table(database, "articles") + "/" + tilde_encode(str(raw))
        return Markup('<a href="{}">{}</a> <a class="evidence-link" href="{}">bằng chứng</a>').format(
            article, shown or raw, evidence_url(datasette, database, raw, _anchor(table, row))
        )
    if column == "evidence_sentence" and table in FACT_TABLES:
        return Markup('<a class="evidence-link" href="{}">{}</a>').format(
            evidence_url(datasette, database, _raw(row["article_id"]), _anchor(table, row)), value
        )
    if table == "articles" and column == "title":
        return Markup('{} <a class="evidence-link" href="{}">bằng chứng</a>').format(
            value, evidence_url(datasette, database, _raw(row["id"]))
        )
    if column == "person_id" and table in ("person_appearances", None) and isinstance(value, str):
        return Markup('<a href="{}">{}</a>').format(person_url(datasette, database, value), value)
    if column == "body_id" and table in BODY_LINK_TABLES and isinstance(value, str):
        return Markup('<a href="{}">{}</a>').format(body_url(datasette, database, value), value)
    if column == "relevance_reasons":
        reasons = site.relevance_reasons_vi(value)
        if reasons is not None:
            return Markup('<span class="relevance-reasons">{}</span>').format(Markup("; ").join(
                Markup('<span class="vi-label" title="{}">{}</span>').format(raw, shown)
                for shown, raw in reasons))
    return None


@hookimpl
def permission_allowed(actor, action):
    if action in WRITE_ACTIONS:
        return False
    return None


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/analyst.css")]


@hookimpl
def extra_js_urls(datasette):
    return [{"url": datasette.urls.path(f"/{STATIC_MOUNT}/analyst.js"), "module": False}]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    base = {"vi_label": site.label}
    if template == "search_all.html" and request is not None:
        async def inner_search():
            q = (request.args.get("q") or "").strip()
            return dict(base, analyst_results=await search.search_all(datasette, request, q) if q else [])

        return inner_search
    if view_name == "row" and table == "bodies" and request is not None:
        async def inner_body():
            pks = request.url_vars.get("pks")
            if not pks:
                return base
            return dict(base, **await _body_page(datasette, database, tilde_decode(pks)))

        return inner_body
    if view_name != "row" or table != "people" or request is None:
        return base

    async def inner():
        pks = request.url_vars.get("pks")
        if not pks:
            return base
        person_id = tilde_decode(pks)
        db = datasette.get_database(database)
        result = await db.execute(
            "select date, province, title, role, name_as_printed, article_id, article_title, "
            "official_id from person_appearances where person_id = ? "
            "order by date is null, date, article_id",
            [person_id],
        )
        history = [
            dict(row, evidence=evidence_url(datasette, database, row["article_id"],
                                            f"officials-{row['official_id']}"))
            for row in result.rows
        ]
        return dict(base, person_history=history)

    return inner


async def _body_page(datasette, database: str, body_id: str) -> dict:
    """The body page's lists: its meetings in date order, each with its officials (chairs
    first), the leaders who met it most (the canned query ``leaders_of_body``, run here)
    and the bodies merged into it."""
    db = datasette.get_database(database)
    if "body_meetings" not in await db.view_names():
        return {}
    meetings = [dict(r) for r in (await db.execute(
        "select date, province, level, kind, name_as_printed, article_id, article_title, "
        "association_id from body_meetings where body_id = ? "
        "order by date is null, date, article_id", [body_id])).rows]
    ids = list(dict.fromkeys(m["article_id"] for m in meetings))
    officials: dict[str, list[dict]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = await db.execute(
            "select id, article_id, name, title, role, person_id from officials "
            f"where article_id in ({', '.join('?' * len(chunk))}) order by article_id, id", chunk)
        for row in rows.rows:
            officials.setdefault(row["article_id"], []).append(dict(row))
    for m in meetings:
        people = sorted(officials.get(m["article_id"], []), key=lambda o: ROLE_ORDER.get(o["role"], 9))
        m["chairs"] = [o for o in people if o["role"] == "chair"]
        m["others"] = [o for o in people if o["role"] != "chair"]
        m["evidence"] = evidence_url(datasette, database, m["article_id"],
                                     f"associations-{m['association_id']}")
    query = (datasette.metadata(database=database) or {}).get("queries", {}).get("leaders_of_body")
    leaders = []
    if query:
        leaders = [dict(r) for r in (await db.execute(query["sql"], {"body": body_id})).rows][:10]
    merged = [dict(r) for r in (await db.execute(
        "select id, name, last_date from bodies where successor_id = ? order by name collate vi",
        [body_id])).rows]
    return {
        "body_meetings": meetings,
        "body_leaders": leaders,
        "body_merged": merged,
        "leaders_url": datasette.urls.database(database) + "/leaders_of_body?body=" + quote(body_id),
        "person_url": lambda pid: person_url(datasette, database, pid),
        "body_url": lambda bid: body_url(datasette, database, bid),
    }


async def _database(datasette, request):
    name = request.url_vars["database"]
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"Database not found: {name}")
    return name, db


async def article_page(datasette, request):
    database, db = await _database(datasette, request)
    article_id = tilde_decode(request.url_vars["article_id"])
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
    bodies = {}
    if await db.table_exists("bodies") and facts.get("associations"):
        ids = [a.get("body_id") for a in facts["associations"] if a.get("body_id")]
        if ids:
            rows = await db.execute(
                "select id, name from bodies where id in ({})".format(",".join("?" * len(ids))), ids)
            bodies = {r["id"]: r["name"] for r in rows.rows}
    context = {
        "database": database,
        "article": dict(article),
        "nodes": nodes,
        "kinds": KINDS,
        "meeting": meeting,
        "facts": facts,
        "people": people,
        "bodies": bodies,
        "relevance_reasons": site.relevance_reasons_vi(article["relevance_reasons"])
        if "relevance_reasons" in article.keys() else None,
        "row_url": datasette.urls.table(database, "articles") + "/" + tilde_encode(article_id),
        # linked only when it is a web address (a database written before this rule, or by
        # hand, may hold a javascript: one)
        "source_url": web_url(article["url"]),
        "table_url": lambda table: datasette.urls.table(database, table),
        "person_url": lambda pid: person_url(datasette, database, pid),
        "body_url": lambda bid: body_url(datasette, database, bid),
        "tilde_encode": tilde_encode,
    }
    return Response.html(
        await datasette.render_template("evidence.html", context, request=request)
    )


async def map_page(datasette, request):
    database, db = await _database(datasette, request)
    if "province_meetings" not in await db.view_names():
        raise NotFound("This database has no province_meetings view (run an extraction)")
    rows = [dict(r) for r in (await db.execute(
        "select * from province_meetings order by era, name collate vi")).rows]
    grid = request.args.get("layout") == "grid"
    # meetings_vi: what the map counts (the articles judged relevant)
    meetings_vi = datasette.urls.table(database, "meetings_vi")

    def link(p):
        if p["era"] == "pre2025":
            return f"{meetings_vi}?province_id={tilde_encode(p['province_id'])}"
        return f"{meetings_vi}?province_after_2025_id={tilde_encode(p['province_id'])}"

    eras = [maps.era_map(era, [r for r in rows if r["era"] == era], link, grid)
            for era in ("pre2025", "post2025")]
    return Response.html(await datasette.render_template("map.html", {
        "database": database, "eras": eras, "grid": grid,
        "era_labels": {era: site.label("provinces", "era", era) for era in ("pre2025", "post2025")},
        "cluster_url": datasette.urls.table(database, "meetings_map"),
    }, request=request))


async def charts_page(datasette, request):
    database, db = await _database(datasette, request)
    if "meetings_vi" not in await db.view_names():
        raise NotFound("This database has no meetings_vi view (run an extraction)")
    # meetings_vi: the meetings of articles judged relevant (set-aside pages are not counted)
    months = (await db.execute(
        "select month, count(*) from meetings_vi where month is not null group by month")).rows
    provinces = (await db.execute(
        "select m.province, p.region, count(*) from meetings_vi m "
        "left join provinces p on p.id = m.province_id where m.province is not null "
        "group by m.province order by count(*) desc, m.province collate vi")).rows
    kinds = (await db.execute(
        "select s.kind, m.year, count(distinct s.article_id) from associations s "
        "join meetings_vi m on m.article_id = s.article_id where m.year is not null "
        "group by s.kind, m.year")).rows
    return Response.html(await datasette.render_template("charts.html", {
        "database": database,
        "month_chart": charts.time_chart(charts.month_series((r[0], r[1]) for r in months)),
        "province_chart": charts.bar_chart([(r[0], r[1], r[2]) for r in provinces]),
        "kind_chart": charts.stacked_year_chart((r[0], r[1], r[2]) for r in kinds),
        "meetings_url": datasette.urls.table(database, "meetings_vi"),
        "kinds_url": datasette.urls.database(database) + "/meetings_per_association_kind",
    }, request=request))


async def analyst_css(datasette, request):
    return Response(site.stylesheet(), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=300"})


@hookimpl
def register_routes():
    return [
        (r"^/(?P<database>[^/]+)/-/article/(?P<article_id>[^/]+)$", article_page),
        (r"^/(?P<database>[^/]+)/-/map$", map_page),
        (r"^/(?P<database>[^/]+)/-/charts$", charts_page),
        (r"^/-/analyst\.css$", analyst_css),
    ]


READ_METHODS = (b"GET", b"HEAD", b"OPTIONS")


@hookimpl
def asgi_wrapper():
    """Read-only: a POST (or any other write method), e.g. to a canned query, is answered
    405 here (Datasette 0.65 answers it 500). ``.csv?_bom=1``: the same CSV with a UTF-8
    byte order mark first, so that Excel reads it as UTF-8 (without one it guesses the
    system's code page)."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method", "GET").encode() not in READ_METHODS:
                await send({"type": "http.response.start", "status": 405, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")]})
                await send({"type": "http.response.body",
                            "body": "405 Method Not Allowed: this database is read-only\n".encode()})
                return
            wanted = (scope.get("type") == "http" and scope.get("path", "").endswith(".csv")
                      and b"_bom=1" in scope.get("query_string", b"").split(b"&"))
            if not wanted:
                return await app(scope, receive, send)
            first = True

            async def send_with_bom(message):
                nonlocal first
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if k.lower() != b"content-length"]
                    message = dict(message, headers=headers)
                elif message["type"] == "http.response.body" and first:
                    first = False
                    message = dict(message, body=UTF8_BOM + message.get("body", b""))
                await send(message)

            await app(scope, receive, send_with_bom)

        return wrapped

    return wrap
