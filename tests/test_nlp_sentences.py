"""pipeline.tagging.sent_tokenize: underthesea's sentences, found faster, and exactly the same."""
from __future__ import annotations

import random

import pytest
import underthesea

from tests import SHARED
from tests.dbcompare import source_texts
from pipeline.tagging import _fast_sentence_tokenizer, sent_tokenize


def test_fast_tokenizer_is_in_use():
    assert _fast_sentence_tokenizer() is not None


def test_same_sentences_as_underthesea_on_every_corpus_paragraph():
    texts = source_texts() + [f.read_text(encoding="utf-8") for folder in ("dev2", "offtopic")
                              for f in sorted((SHARED / folder).glob("*.txt"))]
    paragraphs = [p for text in texts for p in text.split("\n")]
    assert len(paragraphs) > 500
    for paragraph in paragraphs:
        assert sent_tokenize(paragraph) == underthesea.sent_tokenize(paragraph), paragraph


# Pieces that exercise every branch: ellipses before a capital, a small letter and the end;
# abbreviations (TP., Th.S, e.g.); numbers with dots; runs of ?!; blanks of each kind.
PIECES = ["Hội", "nghị", "TP.", "Th.S.", "e.g.", "Mr.", "1.500.000", "15.12.2025", "v.v.", "...",
          "…", "..", ".", "?", "!", "?!", "!!", " ", "  ", "\t", "\n", "\r", "a", "B", "Đ", "đ",
          "\u00a0", ". ", "... A", "... a", "3.", "x.y", "A.B.C", "”", "(", ")"]


@pytest.mark.parametrize("seed", range(5))
def test_same_sentences_as_underthesea_on_random_text(seed):
    rng = random.Random(seed)
    for _ in range(2000):
        text = "".join(rng.choice(PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(0, 25)))
        assert sent_tokenize(text) == underthesea.sent_tokenize(text), repr(text)
