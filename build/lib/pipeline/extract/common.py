"""Small helpers shared by the extractors."""
from __future__ import annotations

from ..nlp import Doc
from ..schema import Evidence


def evidence(doc: Doc, start: int, end: int) -> Evidence:
    """The sentence holding [start, end) and the span's offsets in the cleaned text."""
    sentence = doc.sentence_at(start)
    return Evidence(sentence=sentence.text if sentence else doc.text[start:end], start=start, end=end)


def capitalised_run(s: str) -> str | None:
    """The leading words of `s` that start with a capital letter ("Ban Bí thư" stops at
    the first lower-case word unless it is the second syllable of a known body)."""
    words = []
    for w in s.split():
        w = w.strip(",.;:()\"“”")
        if not w or not w[0].isupper():
            break
        words.append(w)
    return " ".join(words) or None
