"""The matching engine of the gazetteers: whole-word, case-aware, longest match wins."""
from __future__ import annotations

import re
from functools import lru_cache

from ..intervals import Disjoint
from ..rules import Rules
from ..text import fold, fold_same_len, last_few, nfc, word_start

LETTERS_RE = re.compile(r"[^\W\d_]+")
_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[ \t\u00a0]+$")
_NEXT_WORD_RE = re.compile(r"^[ \t\u00a0]+([^\W\d_]+)")
_WORD_START = r"(?<!\w)"


@lru_cache(maxsize=1)
def name_syllables() -> frozenset[str]:
    """Surnames and the commonest middle names (``names.json``), folded: a province name
    right after one of these, capitalised, is part of a person's name ("Phó Thủ tướng
    Nguyễn Hòa Bình", "bà Lê Thị Huế")."""
    names = Rules.default().names
    return frozenset(fold(x) for x in [*names.surnames, *names.middle_names])


def _pattern_for(variant: str) -> str:
    """Regex (over folded text) for a folded variant: spaces match any whitespace run, a
    hyphen or dash matches any dash with optional spaces, a dot may be followed by spaces."""
    out = []
    for tok in re.findall(r"\s*[-–—]\s*|\s+|\.|[^\s.\-–—]+", variant):
        if tok.strip() in ("-", "–", "—"):
            out.append(r"\s*[-–—]\s*")
        elif tok.isspace():
            out.append(r"\s+")
        elif tok == ".":
            out.append(r"\.\s*")
        else:
            out.append(re.escape(tok))
    return _WORD_START + "".join(out) + r"(?!\w)"


def _capitals(variant: str) -> tuple[int, tuple[int, ...]]:
    """The variant's number of words and the places of those that start upper-case
    (``_case_ok``)."""
    words = LETTERS_RE.findall(variant)
    return len(words), tuple(i for i, w in enumerate(words) if w[0].isupper())


def _case_ok(printed_words: list[str], capitals: tuple[int, tuple[int, ...]]) -> bool:
    """The printed text has the variant's number of words, and each word of the variant
    that starts upper-case (its ``_capitals``) starts upper-case as printed
    (``printed_words``: the printed text's words)."""
    count, upper = capitals
    return len(printed_words) == count and all(printed_words[i][0].isupper() for i in upper)


def _trie_pattern(node: dict, tails: list) -> str:
    """The pattern of a trie node of first words (a word's end holds its variants, longest
    first, each a group); ``tails`` gets, in the order of the groups, the variants to try
    where each group matches: that one and the shorter ones after it."""
    branches = [re.escape(ch) + _trie_pattern(child, tails) for ch, child in sorted(node.items()) if ch]
    if "" in node:
        word, lst = node[""]
        head = _WORD_START + re.escape(word)
        # A variant that does not start with its first word never matches where it is.
        rests = [(i, g["re"].pattern[len(head):]) for i, g in enumerate(lst) if g["re"].pattern.startswith(head)]
        if rests:
            branches.append("(?:" + "|".join(f"({rest})" for _, rest in rests) + ")")
            tails += [lst[i:] for i, _ in rests]
    if not branches:
        return ""
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def first_word(s: str) -> str:
    m = LETTERS_RE.search(s)
    return m.group() if m else s[:1]


# The gazetteers and the association finder match the same article's text one after the
# other, with a place's or a name's few words in between.
_folded = last_few(4, min_length=200)(fold_same_len)
_nfc = last_few(4, min_length=200)(nfc)  # its check of a long text, once


class Matcher:
    """Whole-word, case-aware, longest-match-wins finder over a list of variants.

    items: (variant as printed, payload, not_before, not_after, check_person_name)."""

    def __init__(self, items):
        self._by_first: dict[str, list] = {}
        groups: dict[str, dict] = {}
        for variant, payload, not_before, not_after, person in items:
            fv = fold_same_len(nfc(variant))
            g = groups.setdefault(fv, {"payload": payload, "variants": [], "nb": set(),
                                       "na": set(), "person": person})
            g["variants"].append(nfc(variant))
            g["nb"].update(nfc(x) for x in not_before)
            g["na"].update(nfc(x) for x in not_after)
        for fv, g in groups.items():
            g["re"] = re.compile(_pattern_for(fv))
            g["capitals"] = [(v, _capitals(v)) for v in g["variants"]]
            g["len"] = len(fv)
            self._by_first.setdefault(first_word(fv), []).append(g)
        for lst in self._by_first.values():
            lst.sort(key=lambda g: -g["len"])
        # One pattern finds the next position where a variant matches, and which: a trie of
        # the first words (letter runs: sre tests a branch's first letter in C), each ending
        # in its variants longest first, each a group. sre skips the words that start no
        # name in C, where a Python loop over every word that could start one cost more.
        trie: dict = {}
        for word, lst in self._by_first.items():
            if LETTERS_RE.fullmatch(word):
                node = trie
                for ch in word:
                    node = node.setdefault(ch, {})
                node[""] = (word, lst)
        self._groups: list = [None]  # per group of the pattern: the variants to try there
        # The word-start test after the first letter, so that every branch starts with a
        # literal and sre skips, in C, to where one of those letters is.
        body = "|".join(word_start(ch) + _trie_pattern(child, self._groups)
                        for ch, child in sorted(trie.items()))
        self._any = re.compile(f"(?:{body})") if body else None

    def can_start(self, text: str) -> bool:
        """Whether a variant may match at the start of ``text``: ``find`` has a match at 0
        only then (one test of the first-words pattern, for callers that want no other)."""
        return self._any is not None and self._any.match(_folded(_nfc(text))) is not None

    def find(self, text: str, accept=None):
        """(start, end, payload, variant, printed) of every match, in text order."""
        text = _nfc(text)
        folded = _folded(text)
        found = self._any.search(folded) if self._any else None
        if found is None:  # most texts a gazetteer is asked about name none of its places
            return []
        cands = []
        while found is not None:
            start = found.start()
            # The first variant that matches here, then the shorter ones after it.
            for g in self._groups[found.lastindex]:
                mm = g["re"].match(folded, start)
                if not mm:
                    continue
                end = mm.end()
                printed = text[start:end]
                words = LETTERS_RE.findall(printed)
                for variant, capitals in g["capitals"]:
                    if _case_ok(words, capitals):
                        break
                else:
                    continue
                if not self._context_ok(text, start, end, g):
                    continue
                if accept is not None and not accept(text, start, end, g["payload"]):
                    continue
                cands.append((start, end, g["payload"], variant, printed))
                break  # longest acceptable variant at this position
            found = self._any.search(folded, start + 1)
        if len(cands) < 2:
            return cands
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken = Disjoint()
        out = [c for c in cands if taken.add(c[0], c[1])]
        out.sort(key=lambda c: c[0])
        return out

    @staticmethod
    def _context_ok(text: str, start: int, end: int, g) -> bool:
        # The words around are looked for only where a rule reads them (the associations'
        # variants have none).
        pm = _PREV_WORD_RE.search(text, max(0, start - 40), start) if g["na"] or g["person"] else None
        if pm:
            prev = pm.group(1)
            if prev in g["na"]:
                return False
            if (g["person"] and prev[0].isupper() and not (len(prev) > 1 and prev.isupper())
                    and fold(prev) in name_syllables()):
                return False
        nm = _NEXT_WORD_RE.search(text[end:end + 40]) if g["nb"] else None
        if nm and nm.group(1) in g["nb"]:
            return False
        return True
