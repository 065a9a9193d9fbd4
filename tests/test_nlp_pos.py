"""pipeline.tagging.pos_tag and word_tokenize: underthesea's words and POS tags, computed
faster, and exactly the same."""
from __future__ import annotations

import random

import pytest
import underthesea
from hypothesis import given, settings, strategies as st
from underthesea.pipeline.word_tokenize import regex_tokenize

from tests import SHARED
from tests.dbcompare import source_texts
from pipeline.clean import clean_story
from pipeline.ingest import RawArticle
from pipeline.nlp import analyse
from pipeline.tagging import (_crf_features, _fast_pos_tagger, _fast_segmenter, _regex_tokens, _tokens, pos_tag,
                              word_tokenize)


def test_fast_tagger_is_in_use():
    assert _fast_pos_tagger() is not None


def test_same_words_and_tags_as_underthesea_on_every_corpus_sentence():
    sentences = [s.text for i, text in enumerate(source_texts())
                 for s in analyse(clean_story(RawArticle(str(i), "x.txt", text, None)).text).sentences]
    sentences += ["", "A", "1.475", "Đ/c Nguyễn Văn A, Phó Bí thư Thường trực Tỉnh ủy."]
    assert len(sentences) > 100
    for sentence in sentences:
        assert pos_tag(sentence) == underthesea.pos_tag(sentence), sentence


def _corpus_sentences() -> list[str]:
    texts = source_texts() + [f.read_text(encoding="utf-8") for folder in ("dev2", "offtopic")
                              for f in sorted((SHARED / folder).glob("*.txt"))]
    return [s.text for i, text in enumerate(texts)
            for s in analyse(clean_story(RawArticle(str(i), "x.txt", text, None)).text).sentences]


def test_fast_segmenter_is_in_use_and_checked_most_characters():
    segmenter = _fast_segmenter()
    assert segmenter is not None
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    assert segmenter.safe.fullmatch(letters + letters.upper() + " \t\u00a00123456789.,;:!?()/-–“”'’%")


def test_word_features_are_the_rust_featurizers_on_every_corpus_sentence():
    """Every feature string of every token, not only the words: a feature built otherwise
    may leave a sentence's tags alone and change another's."""
    segmenter = _fast_segmenter()
    sentences = _corpus_sentences()
    assert len(sentences) > 1000
    checked = 0
    for sentence in sentences:
        tokens, normalized = _tokens(sentence)
        assert tokens == regex_tokenize.tokenize(sentence), sentence
        if tokens and segmenter.safe.fullmatch(normalized):
            rust = segmenter.featurizer.process([[[t] for t in tokens]])[0]
            assert _crf_features((tokens,), segmenter.templates) == [tuple(f) for f in rust], sentence
            checked += 1
    assert checked > 0.99 * len(sentences)


# Pieces for random text: Vietnamese words, numbers Rust does and does not parse as an i32,
# titles, punctuation, and characters outside the checked ones (Greek, ƛ, Cyrillic, digits of
# other scripts), which go to the Rust featurizer.
PIECES = ["Hội", "nông", "dân", "Tỉnh", "ủy", "UBND", "TP.HCM", "Đ/c", "+5", "-0", "007", "2147483647",
          "2147483648", "-2147483649", "1.500", "12/3", "v.v", "...", ",", "(", ")", "“", "”", "’", "&",
          "Σσς", "ƛ", "Жж", "٣", "Ⅳ", "½", "ß", "İ", "ı", "\u00a0", "\t", "H'Mông", "e-mail", "x2",
          "Th", "S", "ThS", "Thus", "Thị", "ʺ", "ʺHội", "Tp."]


@pytest.mark.parametrize("seed", range(3))
def test_same_words_and_tags_as_underthesea_on_random_text(seed):
    rng = random.Random(seed)
    for _ in range(700):
        text = "".join(rng.choice(PIECES) + rng.choice(["", " ", " "]) for _ in range(rng.randint(0, 20)))
        assert word_tokenize(text) == underthesea.word_tokenize(text), repr(text)
        assert pos_tag(text) == underthesea.pos_tag(text), repr(text)


def test_word_features_are_the_rust_featurizers_on_random_tokens():
    segmenter = _fast_segmenter()
    rng = random.Random(7)
    tokens = [t for piece in PIECES for t in _tokens(piece)[0] if segmenter.safe.fullmatch(t)]
    for _ in range(500):
        sample = [rng.choice(tokens) for _ in range(rng.randint(1, 12))]
        rust = segmenter.featurizer.process([[[t] for t in sample]])[0]
        assert _crf_features((sample,), segmenter.templates) == [tuple(f) for f in rust], sample


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["Th", "S", "s", "a", "Hội", "ʺ", ".", "'", "-", "@", ":", "1", "Đ", "v", "x", "&", "٣"]),
                max_size=16), st.lists(st.sampled_from(["", " ", "  ", "\t", "\n", "\u00a0"]), max_size=16))
def test_regex_tokens_are_the_patterns_matches(pieces, blanks):
    text = "".join(p + (blanks[i] if i < len(blanks) else "") for i, p in enumerate(pieces))
    expected = [m.group() for m in regex_tokenize.patterns.finditer(text)]
    assert _regex_tokens(text, regex_tokenize.patterns) == expected, repr(text)
