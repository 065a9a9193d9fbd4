"""Sentences, words and POS tags of a story, from underthesea.

underthesea is imported once per process (on first use); its bundled CRF models are the
only ones used, nothing is downloaded. A `Doc` keeps every sentence with its character
span in the story, so each extractor can cite its evidence by offsets, and the spans and
facts the extraction chain finds (``Doc.spans``, ``Doc.facts``); words and tags are computed
per sentence on first access, so an extractor that never looks at a sentence's tags does
not pay for them.
"""
from __future__ import annotations

import importlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from .schema import Span


@lru_cache(maxsize=1)
def _underthesea():
    import underthesea

    return underthesea


def pos_tag(text: str) -> list[tuple[str, str]]:
    """``underthesea.pos_tag(text)``, same words and same tags, several times faster.

    underthesea's CRF POS tagger computes each word's features from 22 templates, and for
    every template and word it re-parses the template and copies the whole sentence, which
    makes it quadratic in the sentence's length and most of the pipeline's time. Here the
    templates are parsed once and every feature string is built exactly as underthesea
    builds it (its own feature functions are used), then fed to underthesea's own model.
    ``tests/test_nlp_pos.py`` checks the tags are identical on every sentence of the corpus.
    """
    tagger = _fast_pos_tagger()
    if tagger is None:
        return [(w, t) for w, t in _underthesea().pos_tag(text)]
    model, templates = tagger
    words = _underthesea().word_tokenize(text)
    return list(zip(words, model.tag(_pos_features(words, templates))))


_TEMPLATE = re.compile(
    r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?"
)


@lru_cache(maxsize=1)
def _fast_pos_tagger():
    """(underthesea's CRF model, its templates parsed), or None if underthesea's internals
    are not the ones this was written for (then its public ``pos_tag`` is used)."""
    try:
        from underthesea.pipeline.pos_tag import tagged_feature
        from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

        predictor = CRFPOSTagPredictor.Instance()
        functions = {
            "lower": tagged_feature.text_lower,
            "istitle": tagged_feature.text_istitle,
            "isallcap": tagged_feature.text_isallcap,
            "isdigit": tagged_feature.text_isdigit,
            "is_in_dict": tagged_feature.text_is_in_dict,
        }
        templates = []
        for syntax in predictor.transformer.template:
            m = _TEMPLATE.match(syntax)
            index2 = m.group("index2")
            function = m.group("function")
            templates.append((
                f"{syntax}=",
                int(m.group("index1")),
                int(index2) if index2 else None,
                int(m.group("column")) if m.group("column") else 0,
                functions[function] if function is not None else None,
            ))
        return predictor.model, tuple(templates)
    except Exception:
        return None


def _pos_features(words: list[str], templates) -> list[list[str]]:
    """underthesea's ``TaggedTransformer.sentence2features`` for ``[(w, "X") for w in words]``.
    A one-word template's function is applied once per word, not once per template."""
    n = len(words)
    columns = (words, ["X"] * n)
    rows: list[list[str]] = [[] for _ in range(n)]
    applied: dict = {}
    for prefix, index1, index2, column, function in templates:
        values = columns[column]
        if index2 is None and function is not None:
            values = applied.get((column, function))
            if values is None:
                values = applied[column, function] = [function(w) for w in columns[column]]
        for i, row in enumerate(rows):
            at = i + index1
            if at < 0:
                row.append(prefix + "BOS")
            elif at >= n or (index2 is not None and i + index2 >= n):
                row.append(prefix + "EOS")
            elif index2 is None:
                row.append(f"{prefix}{values[at]}")
            else:
                word = " ".join(values[at: i + index2 + 1])
                row.append(f"{prefix}{function(word) if function is not None else word}")
    return rows


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    index: int
    paragraph: int

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
_SENTENCE_END = re.compile(r"[.?!]")


def sent_tokenize(text: str) -> list[str]:
    """``underthesea.sent_tokenize(text)``, the same sentences, without its loop over every
    character: the scan jumps from one ``.``, ``?`` or ``!`` to the next (the only places
    where a sentence can end) and asks underthesea's own tokenizer whether each is a
    boundary. ``tests/test_nlp_sentences.py`` checks it against underthesea on every
    paragraph of the corpus and on random text."""
    tokenizer = _fast_sentence_tokenizer()
    if tokenizer is None:
        return _underthesea().sent_tokenize(text)
    if not text or not text.strip():
        return []
    sentences, start, n = [], 0, len(text)
    found = _SENTENCE_END.search(text)
    while found is not None:
        i = found.start()
        if text[i] == ".":
            dots = i
            while dots < n and text[dots] == ".":
                dots += 1
            if dots - i >= 3:  # an ellipsis ends a sentence before a capital or the end
                after = dots
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    start = dots = _cut(text, start, dots, sentences)
                found = _SENTENCE_END.search(text, dots)
                continue
        if tokenizer._is_sentence_boundary(text, i):
            end = i + 1
            while end < n and text[end] in ".?!":
                end += 1
            start = _cut(text, start, end, sentences)
            found = _SENTENCE_END.search(text, start)
            continue
        found = _SENTENCE_END.search(text, i + 1)
    if final := text[start:].strip():
        sentences.append(final)
    return sentences


def _cut(text: str, start: int, end: int, sentences: list[str]) -> int:
    """End a sentence at ``end``; where the next one starts (past the blanks)."""
    if sentence := text[start:end].strip():
        sentences.append(sentence)
    while end < len(text) and text[end] in " \t\n\r":
        end += 1
    return end


@lru_cache(maxsize=1)
def _fast_sentence_tokenizer():
    """underthesea's sentence tokenizer, or None if its internals are not the ones
    ``sent_tokenize`` was written for (then its public function is used)."""
    try:
        module = importlib.import_module("underthesea.pipeline.sent_tokenize")
        module._load_model()
        tokenizer = module.sentence_tokenizer
        if tokenizer.SENT_END_CHARS != frozenset(".?!") or not callable(tokenizer._is_sentence_boundary):
            return None
        return tokenizer
    except Exception:
        return None


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
