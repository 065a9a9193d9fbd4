"""pipeline.nlp: sentences with offsets, underthesea words and POS tags, a spaCy Doc."""
from pipeline.nlp import analyse

TEXT = ("Hội nghị giao ban quý I\n"
        "Chiều 15/4, Thường trực Tỉnh ủy tổ chức hội nghị giao ban. Đồng chí Lê Văn An chủ trì hội nghị.\n"
        "Các hội cần tăng cường công tác tuyên truyền.")


def test_sentences_keep_their_offsets_and_paragraphs():
    doc = analyse(TEXT)
    assert [s.text for s in doc.sentences] == [
        "Hội nghị giao ban quý I",
        "Chiều 15/4, Thường trực Tỉnh ủy tổ chức hội nghị giao ban.",
        "Đồng chí Lê Văn An chủ trì hội nghị.",
        "Các hội cần tăng cường công tác tuyên truyền.",
    ]
    for s in doc.sentences:
        assert TEXT[s.start:s.end] == s.text
    assert [s.paragraph for s in doc.sentences] == [0, 1, 1, 2]
    assert doc.sentence_at(TEXT.index("Lê Văn An")).index == 2


def test_words_and_tags_come_from_underthesea():
    s = analyse(TEXT).sentences[3]
    assert "tuyên truyền" in s.words  # a two-syllable word, segmented
    assert s.tags[s.words.index("tăng cường")] == "V"
    assert len(s.words) == len(s.tags)
