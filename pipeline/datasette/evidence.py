"""The evidence page's model: an article's cleaned text cut into nested highlights.

Pure functions (no Datasette, no SQL, no HTML): ``highlights`` turns the stored ``spans``
of one article (what each extraction component found, with its offsets) into
``Highlight``s that link to the fact rows they belong to, and ``nest`` turns text +
highlights into a tree of plain-text and highlighted nodes that ``evidence.html``
renders. The template, not this module, writes HTML, with Jinja's autoescaping: article
text is never trusted.

Kinds, in the spirit of spaCy's displaCy ``ent`` style, are the span kinds of the chain.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from ..store.tables import FACT_TABLES, FACTS, SPAN_TABLE

# kind -> (label in the legend, in Vietnamese, background colour). Colours of displaCy's
# defaults (DATE, GPE, PERSON, CARDINAL, LAW) where one fits.
KINDS: dict[str, tuple[str, str]] = {
    "date": ("ngày họp", "#bfe1d9"),
    "province": ("nơi họp", "#feca74"),
    "official": ("cán bộ", "#aa9cfc"),
    "title": ("chức danh", "#ddd5fe"),
    "count": ("số hội", "#e4e7d2"),
    "document": ("văn bản", "#ff8197"),
    "directive": ("chỉ đạo", "#c7f0ee"),
    "association": ("hội tham gia", "#f6d6a8"),
    "source": ("nguồn tin", "#e0e0e0"),
    "published": ("ngày đăng", "#e0e0e0"),
    "removed": ("bài khác trên trang (không trích)", "#f2f2f2"),
}


@dataclass
class Highlight:
    start: int
    end: int
    kind: str
    anchor: str  # the HTML id facts link to ("officials-12"); "" for a repeated mention
    label: str  # tooltip: the value read from it


@dataclass
class Node:
    """A piece of the text: plain (``kind`` None, ``text`` set) or highlighted."""

    kind: Optional[str] = None
    text: str = ""
    anchor: str = ""
    label: str = ""
    start: int = 0
    end: int = 0
    children: list["Node"] = field(default_factory=list)


def _valid(text: str, start: Any, end: Any) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


def fact_anchor(table: str, article_id: str, row: Mapping[str, Any]) -> str:
    """The HTML id of one fact row's highlight."""
    if table == "meetings":
        return f"meetings-{article_id}"
    return f"{table}-{row['id']}"


def highlights(text: str, article_id: str, spans: Iterable[Mapping[str, Any]],
               facts: Mapping[str, list[Mapping[str, Any]]]) -> list[Highlight]:
    """The highlights of one article.

    :param spans: its ``spans`` rows (kind, start, end, label, fact).
    :param facts: its rows per fact table, in row order (``fact`` indexes them).
    A fact row no span points to is highlighted at its evidence offsets; anything with
    offsets outside the text is left out (facts are still listed on the page).
    """
    out: list[Highlight] = []
    seen: set[str] = set()
    pointed: set[tuple[str, int]] = set()
    for span in spans:
        kind, start, end = span.get("kind"), span.get("start"), span.get("end")
        if kind not in KINDS or not _valid(text, start, end):
            continue
        table, fact = SPAN_TABLE.get(kind), span.get("fact")
        rows = facts.get(table, []) if table else []
        if table == "meetings" or table is None:
            anchor = f"meetings-{article_id}-{kind}" if kind != "date" else f"meetings-{article_id}"
        elif isinstance(fact, int) and 0 <= fact < len(rows):
            anchor = fact_anchor(table, article_id, rows[fact])
            if kind != FACTS[table].spans[0]:  # a title: beside its official, not the fact itself
                anchor += f"-{kind}"
            pointed.add((table, fact))
        else:
            continue
        label = f"{KINDS[kind][0]}: {span.get('label') or ''}"
        out.append(Highlight(start, end, kind, "" if anchor in seen else anchor, label))
        seen.add(anchor)
    kinds = {t.name: t.spans[0] for t in FACT_TABLES if t.spans}
    for t in FACT_TABLES:
        if t.name == "meetings":
            continue
        for i, row in enumerate(facts.get(t.name, [])):
            s, e = row.get("evidence_start"), row.get("evidence_end")
            anchor = fact_anchor(t.name, article_id, row)
            if (t.name, i) not in pointed and anchor not in seen and _valid(text, s, e):
                out.append(Highlight(s, e, kinds[t.name], anchor, KINDS[kinds[t.name]][0]))
                seen.add(anchor)
    return out


def nest(text: str, spans: Iterable[Highlight]) -> list[Node]:
    """Cut ``text`` into a tree of nodes: a span inside another becomes its child (an
    official's name inside a directive); a span that starts inside another and ends
    after it is cut at the outer span's end. Concatenating the leaves gives ``text``."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.kind))
    root = Node(start=0, end=len(text))
    stack = [root]
    for span in ordered:
        while len(stack) > 1 and stack[-1].end <= span.start:
            stack.pop()
        parent = stack[-1]
        end = min(span.end, parent.end)
        if span.start < parent.start or span.start >= end:
            continue
        if any(c.start <= span.start < c.end for c in parent.children):
            continue  # overlaps a sibling already placed (same start): skip
        node = Node(kind=span.kind, anchor=span.anchor, label=span.label,
                    start=span.start, end=end)
        parent.children.append(node)
        stack.append(node)
    _fill(text, root)
    return root.children


def _fill(text: str, node: Node) -> None:
    """Put the plain text between the children of every node, as plain nodes."""
    pieces: list[Node] = []
    at = node.start
    for child in node.children:
        if child.start > at:
            pieces.append(Node(text=text[at:child.start], start=at, end=child.start))
        _fill(text, child)
        pieces.append(child)
        at = child.end
    if at < node.end:
        pieces.append(Node(text=text[at:node.end], start=at, end=node.end))
    node.children = pieces
