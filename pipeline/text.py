"""The one home of Vietnamese text normalisation and of the small regex helpers built on it.

- ``nfc``: Unicode NFC, the form every stored string and every offset uses;
- ``fold``: the comparison key (NFC, lower case, white space collapsed, new-style tone
  placement folded to the old style the press mostly prints: hoà → hòa, thuỷ → thủy);
- ``fold_in_place``: the same without collapsing white space, so that an offset into the
  folded text is an offset into the original (search folded, cut from the original);
- ``strip_accents``: no diacritics at all (đ → d), for ids and accent-less look-ups;
- ``slug``: the words of a readable id (``Bến Tre`` → ``ben-tre``);
- ``caseless`` / ``caseless_regex``: what ``re.IGNORECASE`` does, faster: a lower-case
  pattern searched in the text lowered (same length), so that sre can skip ahead in C;
  ``caseless_literals``: the same for a list of words;
- ``B`` / ``E``: word boundaries (``\\w`` is Unicode-aware, Vietnamese letters included);
- ``alternation`` / ``words_regex``: a regex alternation of literal words, longest first;
  ``whole_words``: the same as whole words, for a case-sensitive search, in a form sre
  scans faster (``literal_trie``); ``words_start``: where one of the words starts, for a
  finder (``matches_at``);
- ``last_few``: a function of a text with its results kept for the last few texts.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

B = r"(?<!\w)"
"""Start of a word: no letter or digit before."""
E = r"(?!\w)"
"""End of a word: no letter or digit after."""


def word_start(word: str, not_before: str = r"\w") -> str:
    """``(?<!not_before)word`` written to start with a literal: the word's first letter, the
    test that no ``not_before`` character (a one-character class) precedes it, then the
    rest. An alternation of such branches lets sre skip in C to where one can start."""
    if not word:
        raise ValueError("word_start: an empty word")
    first = re.escape(word[0])
    return f"{first}(?<!{not_before}{first}){re.escape(word[1:])}"


def nfc(s: str) -> str:
    """Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", s)


_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng
# New-style (tone on the second vowel: hoà, thuỷ) -> old-style (hòa, thủy), lower case.
_NEW_TO_OLD = {}
for _a, _b in (("o", "a"), ("o", "e"), ("u", "y")):
    for _m in _TONE_MARKS:
        _NEW_TO_OLD[_a + nfc(_b + _m)] = nfc(_a + _m) + _b
# Only at the end of a syllable (not "hoàn", where both styles agree) and not after "q"
# ("quý" is the same in both styles).
# As "o(?<!qo)[àá...]|u(?<!qu)[ỳý...]": each branch from its letter (sre skips ahead to an
# o or a u), then a class, which sre scans faster than 15 literals.
_TONE_RE = re.compile("(?:" + "|".join(
    word_start(first, "q") + "[" + "".join(sorted(k[1] for k in _NEW_TO_OLD if k[0] == first)) + "]"
    for first in sorted({k[0] for k in _NEW_TO_OLD})) + r")(?!\w)")
_WS_RE = re.compile(r"\s")
_WS_RUN_RE = re.compile(r"\s+")


def _lower_same_len(s: str) -> str:
    out = s.lower()
    if len(out) == len(s):
        return out
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def fold_same_len(s: str) -> str:
    """``fold_in_place`` for a string already in NFC (the hot path of the matchers)."""
    s = _lower_same_len(s)
    if not s.isprintable():  # printable: no white space but " " (the usual case, tested in C)
        s = s.replace("\n", " ")  # a text's usual other white space, replaced in C
        if not s.isprintable():
            s = _WS_RE.sub(" ", s)
    return _TONE_RE.sub(_old_style, s)


def _old_style(m: re.Match[str]) -> str:
    return _NEW_TO_OLD[m.group()]


def fold_in_place(s: str) -> str:
    """``fold`` without collapsing white space: every character stays where it is, so a
    pattern can be searched in the folded text and cut from the original (which must be
    NFC for the offsets to agree)."""
    return fold_same_len(nfc(s))


def fold(s: str) -> str:
    """The comparison key: NFC, lower case, white space collapsed and stripped, new-style
    tone placement folded to old-style (hoà → hòa, thuỷ → thủy, khoẻ → khỏe). Diacritics
    are otherwise kept: "Bắc Kạn" != "Bac Kan"."""
    return _fold_short(s) if len(s) <= _SHORT else _fold(s)


def _fold(s: str) -> str:
    s = fold_same_len(nfc(s))  # its only white space is " "
    return (_WS_RUN_RE.sub(" ", s) if "  " in s else s).strip()


# Words, names and titles are folded again and again (every capitalised word is looked up
# among the surnames): the folds of short strings are kept, a bounded number.
_SHORT = 40
_fold_short = lru_cache(maxsize=1 << 12)(_fold)


def strip_accents(s: str) -> str:
    """Every diacritic off, đ → d (case kept): "Bắc Kạn" → "Bac Kan"."""
    return nfc(s).translate(_UNACCENTED)


_NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 12)  # people's and bodies' ids: the same places and kinds again and again
def slug(text: str) -> str:
    """The words of a readable id: folded, without diacritics, every run of other
    characters one hyphen ("Hội Nông dân" → "hoi-nong-dan"); "x" when none is left."""
    return _NOT_SLUG_RE.sub("-", strip_accents(fold(text))).strip("-") or "x"


class _Unaccented(dict):
    """``str.translate``'s table for ``strip_accents``: a character's NFD without its
    combining marks (decomposition is per character, and dropping every mark makes their
    reordering moot), worked out on first use; the first 4,096 characters seen are kept."""

    def __missing__(self, code: int) -> str:
        plain = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if len(self) < 4096:
            self[code] = plain
        return plain


_UNACCENTED = _Unaccented({ord("đ"): "d", ord("Đ"): "D"})


# The letters re.IGNORECASE also equates with a lower-case i or s (re._casefix), and the one
# whose lower case is longer than itself; those of a Vietnamese pattern's letters are these.
_CASE_FIXES = str.maketrans({"ı": "i", "ſ": "s", "İ": "i"})


def caseless(s: str) -> str:
    """``s`` as ``re.IGNORECASE`` compares it with lower-case Vietnamese letters: lower
    case, the same length (offsets hold), ı ſ İ as i s i."""
    s = _lower_same_len(s)
    if not s.isascii() and ("ı" in s or "ſ" in s or "İ" in s):
        s = s.translate(_CASE_FIXES)
    return s


_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+", re.S)


def caseless_regex(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern, re.I)`` for searching ``caseless`` text: the same matches, but
    sre can skip to the positions where a literal can start (it cannot under re.I). The
    pattern is lowered but for its escapes (``\\W`` stays); it must have no letter but i
    and s that re.IGNORECASE equates with another (re._casefix)."""
    from re._casefix import _EXTRA_CASES
    lowered = _ESCAPE_OR_TEXT.sub(lambda m: m.group() if m.group()[0] == "\\" else caseless(m.group()), pattern)
    if any(ord(c) in _EXTRA_CASES for c in lowered if c not in "is"):
        raise ValueError(f"caseless_regex: {pattern[:60]!r} cannot be searched caseless")
    return re.compile(lowered)


def caseless_literals(words: Iterable[str], *, whole: bool = False) -> re.Pattern[str]:
    """``caseless_regex(alternation(words))`` written as a trie (``literal_trie``): the same
    matches in ``caseless`` text, each character tested once; with ``whole``, as whole
    words (``whole_words``)."""
    lowered = map(caseless, words)
    return caseless_regex(whole_words(lowered) if whole else literal_trie(lowered))


def alternation(words: Iterable[str], *, folded: bool = False) -> str:
    """A regex alternation of literal ``words``, longest first (so that "cần phải" wins over
    "cần"), each escaped; with ``folded``, each word is ``fold``-ed first (for patterns
    searched in folded text)."""
    items = {fold(w) if folded else w for w in words}
    return "|".join(re.escape(w) for w in sorted(items, key=lambda w: (-len(w), w)))


def words_start(words: Iterable[str], not_before: str = r"\w", then: str = "") -> str:
    """A pattern that matches where ``word_start(w, not_before) + then`` does for one of
    ``words`` (for a finder, ``matches_at``: where a match starts is all it tells): per
    first letter, the letter, the test of what precedes it, the rests of its words as a
    trie (``literal_trie``), then ``then``."""
    return "|".join(word_start(first, not_before) + literal_trie(rests) + then
                    for first, rests in _by_first_letter(words, "words_start"))


def _by_first_letter(words: Iterable[str], caller: str) -> list[tuple[str, list[str]]]:
    """The distinct words grouped by their first letter: (letter, the rests of its words)."""
    by_first: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        if not w:
            raise ValueError(f"{caller}: an empty word")
        by_first.setdefault(w[0], []).append(w[1:])
    return list(by_first.items())


def literal_trie(strings: Iterable[str]) -> str:
    """A regex of literal ``strings`` written as a trie of their characters: each character
    is tested once, where an alternation tests it again for every string that shares it
    (sre's time in a list of words that begin alike). At each character the longer
    strings are tried first and the one that ends there last, so that, as in an
    alternation longest first, the longest string that lets the rest of the pattern match
    is the one matched: those that match at one place all lie on one path of the trie."""
    root: dict = {}
    for string in strings:
        node = root
        for ch in string:
            node = node.setdefault(ch, {})
        node[""] = {}  # a string ends here
    return _trie_regex(root)


def _trie_regex(node: dict) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


DIGITS = "0123456789"
OTHER_DIGIT = re.compile(r"[^\D0-9]")
"""A digit ``\\d`` matches but 0-9 do not (٣, ३): a finder spelling ``\\d`` as 0-9 does not
serve a text with one (``Sought.digits``)."""


def last_few(size: int, min_length: int = 0) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """A function of a text with its results kept for the last ``size`` texts of at least
    ``min_length`` characters, by identity: an article's text is searched by one finder
    after another, with short ones (a name's words) in between, which are not kept. (The
    texts are held, so no other object takes their id; the tuple is read and replaced
    whole, so that threads, a dask worker's, never mix two texts.)"""
    def decorate(function: Callable[[str], T]) -> Callable[[str], T]:
        kept: tuple[tuple[str, T], ...] = ()

        @wraps(function)
        def kept_for_last(text: str) -> T:
            nonlocal kept
            if len(text) < min_length:
                return function(text)
            last = kept
            for seen, result in last:
                if seen is text:
                    return result
            result = function(text)
            kept = ((text, result), *last[: size - 1])
            return result
        return kept_for_last
    return decorate


@last_few(4, min_length=200)
def has_other_digit(text: str) -> bool:
    """Whether ``text`` has an ``OTHER_DIGIT`` (a scan of the whole text, asked by each
    finder of digits in turn)."""
    return OTHER_DIGIT.search(text) is not None


def matches_at(finder: re.Pattern[str], pattern: re.Pattern[str], text: str,
               finder_text: str | None = None, pos: int = 0) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos)``, with ``pattern`` tried only where ``finder`` matches
    (in ``finder_text``, of the same length: e.g. ``caseless(text)``): ``finder`` matches
    wherever ``pattern`` does, written so that sre skips to those places (``word_start``)
    where ``pattern`` cannot. Neither may match an empty string."""
    scanned = text if finder_text is None else finder_text
    while (found := finder.search(scanned, pos)) is not None:
        match = pattern.match(text, found.start())
        if match is None:
            pos = found.start() + 1
            continue
        yield match
        pos = match.end()


@dataclass(frozen=True)
class Sought:
    """A pattern with its finder: ``finditer(text)`` is ``pattern.finditer(text)``, with the
    pattern tried only where ``at`` matches (``matches_at``). ``at`` searches the text made
    ``caseless`` when ``caseless`` is set (the pattern, under re.IGNORECASE, the text
    itself); when ``at`` spells ``\\d`` as 0-9 (``digits``), a text with another digit is
    searched with the pattern alone."""
    pattern: re.Pattern[str]
    at: re.Pattern[str]
    caseless: bool = False
    digits: bool = False

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        """The pattern's matches in ``text``; ``low``: ``caseless(text)``, if at hand."""
        scanned = (caseless(text) if low is None else low) if self.caseless else text
        if self.digits and has_other_digit(scanned):
            return self.pattern.finditer(text)
        return matches_at(self.at, self.pattern, text, scanned)


def whole_words(words: Iterable[str]) -> str:
    """``B(?:alternation(words))E`` for a case-sensitive pattern (searched in ``fold``-ed or
    ``caseless`` text), written so that every branch starts with a literal: per first
    letter, the letter, the word-start test after it (``(?<!\\wc)``: no word character
    before the letter), then the rests of its words as a trie (``literal_trie``: the
    longest that ends a word wins, as in the alternation). sre then skips in C to where
    one of those letters is, instead of trying the pattern at every position. (Two words
    of different first letters never match at one position, so the order between the
    groups does not matter.)"""
    branches = [word_start(first) + literal_trie(rests) for first, rests in _by_first_letter(words, "whole_words")]
    return f"(?:{'|'.join(branches)}){E}"


def words_regex(words: Iterable[str], *, folded: bool = False, flags: int = re.I) -> re.Pattern[str]:
    """Whole-word matcher of any of ``words``: ``B(?:w1|w2|...)E``."""
    return re.compile(rf"{B}(?:{alternation(words, folded=folded)}){E}", flags)
