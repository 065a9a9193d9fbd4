"""The faster forms of patterns (``pipeline/text.py``) find what the plain forms find.

``caseless_regex`` over ``caseless`` text stands for ``re.IGNORECASE``, ``whole_words`` for
``B(?:alternation)E``, ``officials._locate`` for a regex per title and
``officials.capitalised_words`` for WORD's capitalised matches, ``strip_accents``'s table for
decomposing the whole string: each is checked against the plain
form over every sentence of the shared texts, and over strings made of the letters where
case folding is unusual (İ ı ſ, the Kelvin sign, titlecase letters, letters beyond the first
plane).
"""
from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.extract.officials import WORD, _locate, capitalised_words
from pipeline.nlp import analyse
from pipeline.rules import Rules
from pipeline.text import (B, E, alternation, caseless, caseless_literals, caseless_regex, fold, literal_trie,
                           matches_at, whole_words, word_start, words_start)
from tests import SHARED

ODD = ["İ", "ı", "ſ", "K", "ǅ", "Σ", "𝐀", "𝐚", "😀", "Ⓐ", "ß", "ẞ"]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for sub in ("seeds", "dev", "dev2", "offtopic")
             for p in sorted((SHARED / sub).glob("*.txt"))]
    assert len(texts) > 100
    return texts


def _odd(words: list[str], n: int = 300) -> list[str]:
    """Strings of the rules' words with capitals, odd letters and punctuation mixed in."""
    rnd = random.Random(7)
    pieces = words + [w.upper() for w in words] + [w.title() for w in words] + ODD + [" ", ",", "-", "1"]
    out = []
    for _ in range(n):
        s = "".join(rnd.choice(pieces) + rnd.choice(["", " ", "  ", "\n"]) for _ in range(rnd.randint(1, 8)))
        out.append(s.replace("i", rnd.choice(["i", "ı", "İ"]), 1).replace("s", rnd.choice(["s", "ſ"]), 1))
    return out


def _spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def _word_lists() -> list[tuple[str, list[str]]]:
    rules = Rules.default()
    lists = [(f"officials.roles.{k}", v) for k, v in rules.officials.roles.model_dump().items()
             if isinstance(v, list) and v and all(isinstance(w, str) for w in v)]
    lists += [(f"directives.{k}", v) for k, v in rules.directives.model_dump().items()
              if isinstance(v, list) and v and all(isinstance(w, str) for w in v) and not k.endswith(("_not_after", "prefixes"))]
    return lists


@pytest.mark.parametrize("name,words", _word_lists(), ids=[n for n, _ in _word_lists()])
def test_caseless_regex_finds_what_ignorecase_finds(name, words, texts) -> None:
    plain = re.compile(rf"{B}(?:{alternation(words)}){E}", re.I)
    fast = caseless_regex(rf"{B}(?:{alternation(words)}){E}")
    grouped = caseless_regex(whole_words(map(caseless, words)))
    anywhere = re.compile(alternation(words), re.I)  # not only whole words
    trie = caseless_literals(words)
    for text in texts + _odd(words):
        low = caseless(text)
        assert len(low) == len(text)
        expected = _spans(plain, text)
        assert _spans(fast, low) == expected, (name, text[:80])
        assert _spans(grouped, low) == expected, (name, text[:80])
        assert _spans(trie, low) == _spans(anywhere, text), (name, text[:80])


def test_meeting_words_are_found_where_ignorecase_finds_them(texts) -> None:
    from pipeline.extract.meeting import Meeting

    words = Rules.default().meetings.meeting_kinds
    plain = re.compile(rf"{B}(?:{alternation(words)}){E}", re.I)
    fast = Meeting(Rules.default()).meeting_words  # searched in the text made caseless
    for text in texts + _odd(words):
        assert _spans(fast, caseless(text)) == _spans(plain, text), text[:80]


def test_caseless_regex_keeps_escapes_and_refuses_letters_it_cannot_fold() -> None:
    assert caseless_regex(r"^\W*Đề Nghị\S").pattern == r"^\W*đề nghị\S"
    with pytest.raises(ValueError):
        caseless_regex("µg")  # re.IGNORECASE equates µ with μ: not a caseless search


def test_whole_words_in_folded_text_find_what_the_alternation_finds(texts) -> None:
    rules = Rules.default()
    for words in [rules.relevance.association_work, rules.relevance.members,
                  *rules.relevance.off_topic.values(), rules.meetings.meeting_kinds]:
        plain = re.compile(rf"{B}(?:{alternation(words, folded=True)}){E}")
        fast = re.compile(whole_words(map(fold, words)))
        for text in texts:
            folded = fold(text)
            assert _spans(fast, folded) == _spans(plain, folded)
    with pytest.raises(ValueError):
        whole_words(["hội", ""])


def _locate_by_regex(text, title, lo, hi, last=False):
    rx = re.compile(r"\s+".join(map(re.escape, title.split())))
    found = list(rx.finditer(text, lo, hi))
    if not found:
        return None, None
    return (found[-1] if last else found[0]).span()


def test_locate_finds_a_title_where_its_regex_does(texts) -> None:
    rnd = random.Random(3)
    titles = ["Bí thư Tỉnh ủy", "Chủ tịch", "Phó Chủ tịch UBND tỉnh", "Hội", "a a", ""]
    for text in texts[:60]:
        for title in titles:
            for _ in range(5):
                lo, hi = rnd.randint(-2, len(text)), rnd.randint(-2, len(text) + 5)
                for last in (False, True):
                    assert _locate(text, title, lo, hi, last) == _locate_by_regex(text, title, lo, hi, last)
    pieces = ["a", "b", "ab", " ", "  ", "\n", "\u00a0", "\u2028", "ă"]
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        title = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 4)))
        lo, hi = rnd.randint(-1, len(text) + 1), rnd.randint(-1, len(text) + 2)
        for last in (False, True):
            assert _locate(text, title, lo, hi, last) == _locate_by_regex(text, title, lo, hi, last), (text, title, lo, hi)


def test_capitalised_words_are_words_matches_that_start_upper_case(texts) -> None:
    def plain(text):
        return [(w.start(), w.end(), w.group()) for w in WORD.finditer(text) if w.group()[0].isupper()]

    rnd = random.Random(5)
    pieces = list("aAbĐđ ’'&-_1\n") + ODD
    odd = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) for _ in range(20000)]
    for text in texts + odd:
        assert capitalised_words(text) == plain(text), text[:80]


def test_meeting_dates_found_where_tried_are_the_patterns_matches(texts) -> None:
    """``matches_at`` with the meeting-date finder gives ``finditer``'s matches, groups too,
    on the shared texts and on strings of date words, digits and separators."""
    from re._compiler import _get_charset_prefix
    from re._parser import parse

    from pipeline.extract.dates import Dates
    from pipeline.text import OTHER_DIGIT

    dates = Dates(Rules.default())
    finder, pattern = dates.meeting_dates.at, dates.meeting_date_re
    assert _get_charset_prefix(parse(finder.pattern), 0)  # sre can skip ahead: the point of it

    def both(low):
        plain = [(m.span(), m.groups()) for m in pattern.finditer(low)]
        fast = [(m.span(), m.groups()) for m in matches_at(finder, pattern, low)]
        assert [(m.span(), m.groups()) for m in dates.meeting_dates.finditer(low)] == plain
        return plain, fast

    for text in texts:
        plain, fast = both(caseless(text))
        assert plain == fast, text[:80]
    rnd = random.Random(11)
    pick = rnd.choice
    leads = ["sáng", "Chiều", "tối nay", "trưa qua", "hôm nay", "Hôm qua", "ngày", "trong 2 ngày", "hai ngày",
             "ba ngày", "3 ngày", "đêm", "xsáng", "1sáng", "_ngày", "ngàyx", "", "a"]
    parts = [leads, ["", " ", "  ", ", ", " (", "\n", ",("], ["1", "12", "5", "123", "x"],
             ["", " và 13", ", 14", "-6", " – 7"], ["/", "-", ".", " / ", "", "//"], ["1", "12", "3", "x"],
             ["", "/2024", "-2021", ".99", "/20245"], ["", " ", "/", "-", "1", ".", " sáng 4/5"]]
    checked = 0
    for _ in range(20000):
        text = "".join(pick(part) for part in parts) * rnd.randint(1, 2)
        low = caseless(pick(["", "Hội ", "x", "٣ "]) + text)
        if OTHER_DIGIT.search(low):
            continue  # meeting_date searches those with the pattern itself
        plain, fast = both(low)
        assert plain == fast, low
        checked += bool(plain)
    assert checked > 1000


def test_sought_patterns_give_the_patterns_own_matches(texts) -> None:
    """``Sought.finditer`` of the counts, the citations and the dates gives each pattern's own
    ``finditer`` matches, groups too, on the shared texts and on strings made like counts,
    citations and dates (with a digit other than 0-9 too)."""
    from pipeline.extract.counts import Counts
    from pipeline.extract.documents import Documents
    from pipeline.text import OTHER_DIGIT

    from re._compiler import _get_charset_prefix
    from re._parser import parse

    from pipeline.extract.dates import FULL_DATES, WORDY_DATES

    counts, documents = Counts(Rules.default()), Documents(Rules.default())
    sought = [*counts.sought.values(), documents.citations, FULL_DATES, WORDY_DATES]
    assert all(_get_charset_prefix(parse(s.at.pattern), 0) for s in sought)
    rnd = random.Random(13)
    pick = rnd.choice
    parts = [["", "Có ", "hơn ", "gần", "Trên ", "với", "thêm  ", "khoảng", "xhơn ", "Hội ", "đoàn viên ", "của ", "/"],
             ["12", "1.475", "3.5", "Một", "hai", "Ba", "mười", "2019", "x", "7/9", "15 / 20", "٣"],
             ["", " nghìn", " Triệu", "."], [" ", "  ", "\n", ""],
             ["hội", "Hội", "chi hội", "tổ chức hội", "Tổ chức cơ sở", "đơn vị", "cơ sở", "tỉnh", "xã", "người"],
             ["", " quần chúng", " Nông dân", " viên", "x", " Đ", " mới"], ["", ".", " và 3 hội", ", 5 xã"]]
    citations = [["", "theo ", "xKết luận ", "(", "Hội "], ["Quyết định", "quyết định", "Kết luận", "Chỉ thị", "NGHỊ QUYẾT"],
                 [" ", "  ", " số ", " Số  ", "\n", ""], ["118-QĐ/TW", "62", "16/CT-TTg", "2024", "45 / 2010 /NĐ-CP", "x", "٣"],
                 ["", ", 218-QĐ/TW", " và 12", ".", ",5"]]
    odd = ["".join(pick(part) for part in parts) * rnd.randint(1, 2) for _ in range(20000)]
    odd += ["".join(pick(part) for part in citations) * rnd.randint(1, 2) for _ in range(10000)]
    checked = 0
    dates = [["", "Ngày ", "ngày", "xngày ", "/", "1"], ["5", "12", "2024", "٣"], [".", "/", " - ", "-"], ["3", "11", "x"],
             ["/", ".", " tháng "], ["2024", "1999", "20245", "12"], ["", " năm 2020", "/", " "]]
    odd += ["".join(pick(part) for part in dates) * rnd.randint(1, 2) for _ in range(10000)]
    for text in texts + odd:
        low = caseless(text)
        for s in sought:
            plain = [(m.span(), m.groups()) for m in s.pattern.finditer(text)]
            assert [(m.span(), m.groups()) for m in s.finditer(text)] == plain, text[:80]
            assert [(m.span(), m.groups()) for m in s.finditer(text, low)] == plain, text[:80]
            if not (s.digits and OTHER_DIGIT.search(low)):  # else the pattern alone is used
                at = s.at.search(low if s.caseless else text)
                checked += bool(plain)
                assert at is not None or not plain
    assert checked > 6000


def test_word_start_finds_what_a_leading_word_start_test_finds(texts) -> None:
    from pipeline.text import word_start

    odd = _odd(["Hội", "hội", "Nông", "Đoàn", "xHội", "_Hội", "1Hội", "Hộix"], 3000)
    for word, not_before, tail in (("Hội", r"\w", r"((?:\s+[A-ZĐ]\w*){1,5})"), ("ngày", r"[^\W\d_]", ""),
                                   ("1", r"[\w.,/]", r"\d*")):
        plain = re.compile(f"(?<!{not_before}){re.escape(word)}{tail}")
        fast = re.compile(word_start(word, not_before) + tail)
        for text in texts + odd:
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == \
                [(m.span(), m.groups()) for m in plain.finditer(text)], text[:80]


def test_strip_accents_is_nfd_without_combining_marks(texts) -> None:
    """The per-character table gives what decomposing the whole string does, for every word
    of the shared texts and strings of letters followed by stacked and reordered marks."""
    import unicodedata

    from pipeline.text import nfc, strip_accents

    def plain(s: str) -> str:
        s = nfc(s).replace("đ", "d").replace("Đ", "D")
        return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))

    words = sorted({w for t in texts for w in t.split()})
    rnd = random.Random(11)
    marks = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323", "\u0302", "\u0306", "\u031b", "\u0345", "\u05b0"]
    odd = ["".join(rnd.choice(words + ODD + ["đ", "Đ", "ǅ", "한", "ﬁ", "Å", "ı"]) + "".join(rnd.choices(marks, k=rnd.randint(0, 3)))
                   for _ in range(rnd.randint(1, 5))) for _ in range(3000)]
    assert [strip_accents(w) for w in words + odd] == [plain(w) for w in words + odd]
    assert strip_accents("Đắk Lắk, Thừa Thiên Huế") == "Dak Lak, Thua Thien Hue"


def test_last_few_keeps_the_results_of_the_last_texts_by_identity() -> None:
    from pipeline.text import last_few

    calls: list[str] = []

    @last_few(2)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    a, b, c = "".join(["a", "bc"]), "".join(["d", "ef", "g"]), "".join(["hi", "j"])
    assert [length(a), length(b), length(a)] == [3, 4, 3] and calls == [a, b]
    assert length("".join(["ab", "c"])) == 3 and len(calls) == 3  # equal, another object: computed
    assert length(c) == 3 and length(b) == 4 and len(calls) == 5  # only the last two are kept


def test_outlet_tags_tried_at_line_starts_are_the_patterns_own_matches(texts) -> None:
    from pipeline.extract.meeting import TAG, tags

    rnd = random.Random(11)
    pieces = ["\n", "\n\n", " ", "  ", "(QBĐT)", "(PLVN)", "BBK", "TTXVN", "-", "–", " - ", "(", ")",
              "Hà Nội", "x", "AB", "(ab cd)", "\t"]
    odd = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    found = 0
    for text in texts + odd + ["", "\n", "BBK -", "\nBBK -x\n(QBĐT) - y"]:
        expected = [m.span() for m in TAG.finditer(text)]
        assert [m.span() for m in tags(text)] == expected, text[:80]
        found += bool(expected)
    assert found > 200


def test_last_few_keeps_no_short_text_and_short_texts_evict_nothing() -> None:
    from pipeline.text import last_few

    calls: list[str] = []

    @last_few(1, min_length=3)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    long, short = "".join(["ab", "cd"]), "".join(["x", "y"])
    assert [length(long), length(short), length(short), length(long)] == [4, 2, 2, 4]
    assert calls == [long, short, short]  # the long text kept across the short ones


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.text("ab .", min_size=1, max_size=5), min_size=1, max_size=8),
       text=st.text("ab .x", max_size=40), after=st.sampled_from(["", E, r"\s*$", "b", r"a?\."]))
def test_literal_trie_matches_what_the_alternation_longest_first_matches(words, text, after) -> None:
    # Those that match at one place lie on one path of the trie, longest tried first.
    plain = re.compile(f"(?:{alternation(words)}){after}")
    trie = re.compile(f"(?:{literal_trie(words)}){after}")
    assert _spans(trie, text) == _spans(plain, text)


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.text("ab .", min_size=1, max_size=5), min_size=1, max_size=8),
       text=st.text("ab .x", max_size=40), then=st.sampled_from(["", r"\s+b", r"\.?a"]))
def test_words_start_matches_where_one_of_the_words_starts(words, text, then) -> None:
    finder = re.compile(words_start(words, then=then))
    expected = [p for p in range(len(text) + 1)
                if any(re.compile(word_start(w) + then).match(text, p) for w in words)]
    assert [p for p in range(len(text) + 1) if finder.match(text, p)] == expected


def test_year_mentions_are_found_in_caseless_text_as_ignorecase_finds_them(texts) -> None:
    from pipeline.extract.dates import Dates

    rules = Rules.default()
    plain = re.compile(rf"(?:{'|'.join(rules.dates.year_mentions)})\s*(\d{{4}})\b", re.I)
    fast = Dates(rules).year_mention  # searched in the text made caseless
    odd = ["QUÝ IV/2023 và quý iii năm 2022", "NĂM 2021, Năm 2020, tháng ĐẦU NĂM 2019", "İnăm 2018 ſnăm 2017"]
    found = 0
    for text in texts + odd:
        expected = plain.findall(text)
        assert fast.findall(caseless(text)) == expected, text[:80]
        found += len(expected)
    assert found > 50  # the texts name years
    assert Dates(rules)._story_years("Trong QUÝ IV/2023, NĂM 2022 hội đã") == {2022, 2023}


def test_attendance_verbs_grouped_by_first_letter_match_what_the_alternation_matches(texts) -> None:
    from pipeline.extract.officials import Officials

    roles = Rules.default().officials.roles
    # The plain form: one alternation after B, each verb's tests of its neighbours around it.
    verbs = ["".join(rf"(?<!{re.escape(before)} )" for before in roles.attend_not_after.get(w, []))
             + re.escape(w)
             + (rf"(?!\s+(?:{alternation(roles.attend_not_before[w])}))" if w in roles.attend_not_before else "")
             for w in sorted(set(roles.attend), key=lambda w: (-len(w), w))]
    plain = caseless_regex(rf"{B}(?:{'|'.join(verbs + roles.attend_patterns)}){E}")
    fast = Officials(Rules.default()).attend
    odd = ["vinh dự được tới dự, dự khuyết, đại biểu các ban có mặt, về phía tỉnh có ông A",
           "Tham Dự Có Sự Tham Gia của; đón tiếp, được đón; tới thăm"]
    for text in texts + odd:
        low = caseless(text)
        assert _spans(fast, low) == _spans(plain, low), text[:80]
    assert _spans(fast, caseless(odd[0])) == [(13, 19), (32, 51), (57, 72)]  # not "vinh dự", "dự khuyết"


def test_caseless_text_made_caseless_again_is_the_same() -> None:
    # A caseless text is searched as its own caseless form (dates.meeting_date's Sought).
    every = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert caseless(caseless(every)) == caseless(every)
    for text in ["ΑΣ", "ΣΑ ΑΣ.", "İı ſ K Å ǅ", "Ủy ban MTTQ"]:
        assert caseless(caseless(text)) == caseless(text)


def test_timestamp_words_are_found_in_caseless_text_as_ignorecase_finds_them(texts) -> None:
    from pipeline.extract.dates import Dates

    rules = Rules.default()
    plain = re.compile("|".join(rules.dates.timestamp_words), re.I)
    fast = Dates(rules).timestamp_words  # searched in the text made caseless
    odd = ["Cập Nhật: 10:20 SA", "THỨ HAI, 5/3/2024 GMT+7", "09:15 ch, Chủ Nhật", "Lượt Xem: 120", "İ sa ſa"]
    for text in texts + odd:
        assert _spans(fast, caseless(text)) == _spans(plain, text), text[:80]
    assert Dates(rules).publication_date(analyse("Tin tức\nThứ Hai, 05/03/2024\nNội dung")).value == "2024-03-05"
