"""The evidence page's model: an article's cleaned text cut into nested highlighted spans.

Pure functions (no Datasette, no SQL, no HTML): ``facts_spans`` turns the fact rows of
one article into ``Span``s over its text (using each fact's ``evidence_start`` /
``evidence_end``), and ``nest`` turns text + spans into a tree of plain-text and
highlighted nodes that the template ``evidence.html`` renders. The template, not this
module, writes HTML, with Jinja's autoescaping: article text is never trusted.

Kinds, in the spirit of spaCy's displaCy ``ent`` style: ``date`` and ``province`` (of
the meeting), ``official``, ``count``, ``document``, ``directive``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from .. import gazetteer
from .site import label

# kind -> (label in the legend, Vietnamese, background colour). Colours of displaCy's
# defaults (DATE, GPE, PERSON, CARDINAL, LAW) where one fits.
KINDS: dict[str, tuple[str, str]] = {
    "date": ("ngày họp", "#bfe1d9"),
    "province": ("nơi họp", "#feca74"),
    "official": ("cán bộ", "#aa9cfc"),
    "count": ("số hội", "#e4e7d2"),
    "document": ("văn bản", "#ff8197"),
    "directive": ("chỉ đạo", "#c7f0ee"),
}

# Which table gives which kind.
TABLE_KIND = {
    "officials": "official",
    "association_counts": "count",
    "documents": "document",
    "directives": "directive",
}


@dataclass
class Span:
    start: int
    end: int
    kind: str
    anchor: str  # the HTML id facts link to: "<table>-<row id>"
    label: str  # tooltip: the fact as stored


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


_DATE_RES = (
    re.compile(r"(?<!\d)(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}|\d{2}))?(?!\d)"),
    re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?", re.IGNORECASE),
)


def find_date(text: str, iso: Optional[str], start: int = 0, end: Optional[int] = None
              ) -> Optional[tuple[int, int]]:
    """The span of the meeting's date as printed ("8-1-2025", "25/8", "ngày 8 tháng 1")
    between ``start`` and ``end``: the first day-month that equals the ISO date's."""
    if not iso:
        return None
    year, month, day = (int(part) for part in iso[:10].split("-"))
    end = len(text) if end is None else end
    best = None
    for regex in _DATE_RES:
        for m in regex.finditer(text, start, end):
            if int(m.group(1)) == day and int(m.group(2)) == month:
                if m.group(3) and int(m.group(3)) % 100 != year % 100:
                    continue
                if best is None or m.start() < best[0]:
                    best = (m.start(), m.end())
                break
    return best


def find_province(text: str, province: Optional[str], start: int = 0,
                  end: Optional[int] = None) -> Optional[tuple[int, int]]:
    """The span of the meeting's province as printed, first inside [start, end), else
    anywhere in the text (an inferred province may be printed nowhere: None)."""
    if not province:
        return None
    wanted = {gazetteer.canonical(province) or province}
    for match in gazetteer.find_provinces(text):
        if match.name in wanted and start <= match.start and match.end <= (end or len(text)):
            return match.start, match.end
    for match in gazetteer.find_provinces(text):
        if match.name in wanted:
            return match.start, match.end
    return None


def _valid(text: str, start: Any, end: Any) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


def facts_spans(text: str, facts: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[Span]:
    """The highlighted spans of one article.

    :param facts: rows per table (``meetings``, ``officials``, ``association_counts``,
      ``documents``, ``directives``) as stored, with their evidence columns.
    Facts without valid offsets are left out (they are still listed on the page).
    """
    spans: list[Span] = []
    for meeting in facts.get("meetings", ()):
        s, e = meeting.get("evidence_start"), meeting.get("evidence_end")
        inside = (s, e) if _valid(text, s, e) else (0, len(text))
        anchor = f"meetings-{meeting['article_id']}"
        found = find_date(text, meeting.get("date"), *inside)
        if found:
            spans.append(Span(*found, "date", anchor, f"ngày họp: {meeting.get('date')}"))
        found = find_province(text, meeting.get("province"), *inside)
        if found:
            spans.append(Span(*found, "province", anchor + "-province",
                              f"nơi họp: {meeting.get('province')}"))
    for table, kind in TABLE_KIND.items():
        for row in facts.get(table, ()):
            s, e = row.get("evidence_start"), row.get("evidence_end")
            if _valid(text, s, e):
                spans.append(Span(s, e, kind, f"{table}-{row['id']}", _label(table, row)))
    return spans


def _label(table: str, row: Mapping[str, Any]) -> str:
    if table == "officials":
        role = label("officials", "role", row.get("role")) or row.get("role")
        return " · ".join(x for x in (row.get("name"), row.get("title"), role) if x)
    if table == "association_counts":
        kind = label("association_counts", "kind", row.get("kind")) or row.get("kind")
        return f"{row.get('count')} {row.get('subject') or ''} ({kind})"
    if table == "documents":
        return " ".join(x for x in (row.get("type"), row.get("number"), row.get("date")) if x)
    if table == "directives":
        return f"{row.get('speaker') or 'cuộc họp thống nhất'}: {row.get('text')}"
    return ""


def nest(text: str, spans: Iterable[Span]) -> list[Node]:
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


def plain_text(nodes: Iterable[Node]) -> str:
    """The text back from a tree (for tests: nesting never loses or repeats text)."""
    return "".join(n.text if n.kind is None else plain_text(n.children) for n in nodes)
