"""Sentences, words and POS tags of a story, from underthesea (``tagging``).

A `Doc` keeps every sentence with its character span in the story, so each extractor can
cite its evidence by offsets, and the spans and facts the extraction chain finds
(``Doc.spans``, ``Doc.facts``); words and tags are computed per sentence on first access, so
an extractor that never looks at a sentence's tags does not pay for them.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .schema import Span
from .tagging import pos_tag, sent_tokenize
from .text import caseless


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    index: int
    paragraph: int

    @cached_property
    def low(self) -> str:
        """The text ``caseless`` (searched by several components' patterns)."""
        return caseless(self.text)

    @cached_property
    def tagged(self) -> list[tuple[str, str]]:
        """(word, POS) pairs: underthesea word segmentation and CRF POS tags."""
        return pos_tag(self.text)

    @property
    def words(self) -> list[str]:
        return [w for w, _ in self.tagged]

    @property
    def tags(self) -> list[str]:
        return [t for _, t in self.tagged]


@dataclass
class Doc:
    """A story's sentences, the spans found in it, and the facts found so far.

    ``spans`` is every component's output as spans, in the order added; ``facts`` holds
    the values the chain assigns by name (``"published"``, ``"officials"``, ...), which later
    components read (``extract.COMPONENTS`` declares who assigns and who requires what)."""

    text: str
    sentences: list[Sentence] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list, repr=False)
    # spans by kind, sorted, with their starts; rebuilt when spans were added since
    _by_kind: dict[str, tuple[list[Span], list[int]]] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)

    @cached_property
    def low(self) -> str:
        """The text ``caseless`` (searched by several components' patterns)."""
        return caseless(self.text)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding ``offset`` (a binary search: sentences are in order)."""
        if len(self._starts) != len(self.sentences):
            self._starts = [s.start for s in self.sentences]
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def add_span(self, kind: str, start: int, end: int, label: str = "",
                 fact: int | None = None) -> Span:
        span = Span(kind, start, end, label, fact)
        self.spans.append(span)
        return span

    def spans_of(self, kind: str, start: int = 0, end: int | None = None) -> list[Span]:
        """The spans of one kind that start within [start, end), in text order."""
        if self._indexed != len(self.spans):
            by_kind: dict[str, list[Span]] = {}
            for span in self.spans:
                by_kind.setdefault(span.kind, []).append(span)
            self._by_kind = {}
            for k, spans in by_kind.items():
                spans.sort(key=lambda s: (s.start, s.end))
                self._by_kind[k] = (spans, [s.start for s in spans])
            self._indexed = len(self.spans)
        spans, starts = self._by_kind.get(kind, ([], []))
        lo = bisect_left(starts, start)
        hi = len(starts) if end is None else bisect_left(starts, end)
        return spans[lo:hi]


_PARAGRAPH = re.compile(r"[^\n]+")


def analyse(text: str) -> Doc:
    """Split a cleaned story into sentences (underthesea), keeping character offsets.

    Paragraph breaks always end a sentence: news pages put titles, captions and
    datelines on lines of their own, with no final full stop.
    """
    doc = Doc(text)
    for p_index, para in enumerate(_PARAGRAPH.finditer(text)):
        para_text, base, cursor = para.group(), para.start(), 0
        if not para_text.strip():
            continue
        for piece in sent_tokenize(para_text):
            piece = piece.strip()
            if not piece:
                continue
            found = para_text.find(piece, cursor)
            if found < 0:  # the tokenizer changed the text: fall back to the rest of the line
                found, piece = cursor, para_text[cursor:].strip()
                if not piece:
                    break
                found = para_text.find(piece, cursor)
            cursor = found + len(piece)
            doc.sentences.append(
                Sentence(piece, base + found, base + cursor, len(doc.sentences), p_index)
            )
    return doc
