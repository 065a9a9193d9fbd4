"""pipeline.nlp.pos_tag: underthesea's POS tags, computed faster, and exactly the same."""
from __future__ import annotations

import underthesea

from tests.dbcompare import source_texts
from pipeline.clean import clean_story
from pipeline.ingest import RawArticle
from pipeline.nlp import _fast_pos_tagger, analyse, pos_tag


def test_fast_tagger_is_in_use():
    assert _fast_pos_tagger() is not None


def test_same_words_and_tags_as_underthesea_on_every_corpus_sentence():
    sentences = [s.text for i, text in enumerate(source_texts())
                 for s in analyse(clean_story(RawArticle(str(i), "x.txt", text, None)).text).sentences]
    sentences += ["", "A", "1.475", "Đ/c Nguyễn Văn A, Phó Bí thư Thường trực Tỉnh ủy."]
    assert len(sentences) > 100
    for sentence in sentences:
        assert pos_tag(sentence) == underthesea.pos_tag(sentence), sentence
