"""A saved HTML page: its main text (trafilatura) and what the page itself states about the
article (title, address, site name, publication date).

The publication date is read only where a page states it for the article: the
``article:published_time`` (or ``og:published_time``, ``datePublished``, ``pubdate``) meta
tags, JSON-LD ``datePublished``, or a ``<time datetime>`` of the article itself (not one in
a menu, an aside or a list of other stories). Never a date found in the body: a term
"2017-2022", a teaser's date or the meeting's own date is not when the page was published
(trafilatura's and htmldate's guesses are not used). A timestamp line printed by the
headline is read later, from the cleaned text, like any plain-text page's. The site's name
is its ``og:site_name`` only (trafilatura's guess is often a sentence of the story).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from .ingest import normalize_text

_META_NAMES = ("article:published_time", "og:published_time", "datepublished", "pubdate",
               "publishdate", "publish-date", "article.published", "dc.date.issued")
_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
# A <time> inside one of these is another story's, or the site's, not the article's.
_NOT_ARTICLE = ("aside", "nav", "footer", "header", "li")


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None = None
    url: str | None = None
    sitename: str | None = None
    published: str | None = None


def read_html(html: str, url: str | None = None) -> Page:
    """The page's main text and stated metadata; never raises on odd markup."""
    import trafilatura  # imported here: plain-text runs never pay for it
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
    except Exception:  # noqa: BLE001 - a parser failure on one page must not stop the run
        tree = None
    published = stated_published(tree) if tree is not None else None
    sitename = _meta(tree, ("og:site_name", "application-name")) if tree is not None else None
    meta = _title_and_url(tree, url) if tree is not None else {}
    text = ""
    try:
        doc = trafilatura.bare_extraction(
            tree if tree is not None else html, url=url or meta.get("url"),
            include_comments=False, include_tables=True)
        if doc is not None:
            text = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)).get("text") or ""
    except Exception:  # noqa: BLE001
        text = ""
    if not text.strip():
        for fallback in (lambda: trafilatura.baseline(html)[1], lambda: trafilatura.html2txt(html)):
            try:
                text = fallback() or ""
            except Exception:  # noqa: BLE001
                text = ""
            if text.strip():
                break

    def field(name: str) -> str | None:
        value = meta.get(name)
        return normalize_text(value) if isinstance(value, str) and value.strip() else None

    return Page(text=text, title=field("title"), url=field("url"),
                sitename=normalize_text(sitename) if sitename else None, published=published)


def _title_and_url(tree, url: str | None) -> dict:
    """The title and address trafilatura's metadata gives (its own steps for these two, in
    its order: meta tags, JSON-LD, then the page's title and canonical link), without the
    author, date, site name, categories and tags it would also look for (unused here, and
    most of its time)."""
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
    from trafilatura.settings import Document

    try:
        found = examine_meta(tree)
        try:
            found = extract_meta_json(tree, found)
        except Exception:  # noqa: BLE001 - as trafilatura: a bug in its JSON-LD reader
            pass
        doc = Document()
        doc.title = found.title or extract_title(tree)
        doc.url = found.url or extract_url(tree, url)
        doc.clean_and_trim()
        return {"title": doc.title, "url": doc.url}
    except Exception:  # noqa: BLE001 - odd markup must not stop the page
        return {}


def _meta(tree, names: tuple[str, ...]) -> str | None:
    """The content of the first meta tag of one of ``names`` (property or name)."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in names and (meta.get("content") or "").strip():
            return meta.get("content").strip()
    return None


def stated_published(tree) -> str | None:
    """The publication date (ISO) the page states for the article, or None."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_NAMES:
            found = _iso_day(meta.get("content"))
            if found:
                return found
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            found = _json_ld_published(script.text or "")
            if found:
                return found
    for time in tree.iter("time"):
        if not any(a.tag in _NOT_ARTICLE for a in time.iterancestors()):
            found = _iso_day(time.get("datetime"))
            if found:
                return found
    return None


def _json_ld_published(source: str) -> str | None:
    try:
        data = json.loads(source)
    except ValueError:
        return None
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found = _iso_day(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
            if found:
                return found
            stack.extend(v for k, v in item.items() if k == "@graph" or isinstance(v, (list, dict)))
    return None


def _iso_day(value: str | None) -> str | None:
    """The calendar day of an ISO date or date-time, as printed (its own time zone)."""
    m = _ISO_PREFIX.match(value or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None
