"""Sentences, words and POS tags of a story, from underthesea.

underthesea is imported once per process (on first use); its bundled CRF models are the
only ones used, nothing is downloaded. A `Doc` keeps every sentence with its character
span in the story, so each extractor can cite its evidence by offsets; words and tags
are computed per sentence on first access, so an extractor that never looks at a
sentence's tags does not pay for them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache


@lru_cache(maxsize=1)
def _underthesea():
    import underthesea

    return underthesea


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
        return [(w, t) for w, t in _underthesea().pos_tag(self.text)]

    @property
    def words(self) -> list[str]:
        return [w for w, _ in self.tagged]

    @property
    def tags(self) -> list[str]:
        return [t for _, t in self.tagged]


@dataclass
class Doc:
    text: str
    sentences: list[Sentence] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None

    def to_spacy(self):
        """The same sentences as a spaCy `Doc` (words, POS in `tag_`, sentence starts),
        for spaCy's Matcher and displaCy."""
        from spacy.tokens import Doc as SpacyDoc

        words, spaces, tags, starts = [], [], [], []
        for s in self.sentences:
            for i, (w, t) in enumerate(s.tagged):
                words.append(w)
                spaces.append(True)
                tags.append(t)
                starts.append(i == 0)
        vocab = _blank_vocab()
        return SpacyDoc(vocab, words=words, spaces=spaces, tags=tags, sent_starts=starts)


@lru_cache(maxsize=1)
def _blank_vocab():
    import spacy

    return spacy.blank("xx").vocab


_PARAGRAPH = re.compile(r"[^\n]+")


def analyse(text: str) -> Doc:
    """Split a cleaned story into sentences (underthesea), keeping character offsets.

    Paragraph breaks always end a sentence: news pages put titles, captions and
    datelines on lines of their own, with no final full stop.
    """
    sent_tokenize = _underthesea().sent_tokenize
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
