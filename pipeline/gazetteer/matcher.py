"""The matching engine of the gazetteers: whole-word, case-aware, longest match wins."""
from __future__ import annotations

import re
from functools import lru_cache

from ..intervals import Disjoint
from ..rules import Rules
from ..text import fold, fold_same_len, nfc

LETTERS_RE = re.compile(r"[^\W\d_]+")
_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[ \t\u00a0]+$")
_NEXT_WORD_RE = re.compile(r"^[ \t\u00a0]+([^\W\d_]+)")


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
    return r"(?<!\w)" + "".join(out) + r"(?!\w)"


def _case_ok(printed: str, variant: str) -> bool:
    """Each word of the variant that starts upper-case must start upper-case as printed."""
    pw, vw = LETTERS_RE.findall(printed), LETTERS_RE.findall(variant)
    if len(pw) != len(vw):
        return False
    return all(not v[0].isupper() or p[0].isupper() for p, v in zip(pw, vw))


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` factored by common prefixes ("ba|bac|ben" → "b(?:a(?:c)?|en)")."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            body = f"(?:{body})?"
        return body

    return pattern(trie)


def first_word(s: str) -> str:
    m = LETTERS_RE.search(s)
    return m.group() if m else s[:1]


_last_folded: tuple[str, str] = ("", "")


def _folded(text: str) -> str:
    """``fold_same_len(text)``, kept for the last text: the gazetteers and the association
    finder match the same article's text one after the other. The pair is read and
    replaced whole, so that threads (a dask worker's) never mix two texts."""
    global _last_folded
    last_text, last_folded = _last_folded
    if last_text is text:
        return last_folded
    folded = fold_same_len(text)
    _last_folded = (text, folded)
    return folded


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
            g["len"] = len(fv)
            self._by_first.setdefault(first_word(fv), []).append(g)
        for lst in self._by_first.values():
            lst.sort(key=lambda g: -g["len"])
        # Per first word, its variants as one alternation in that order (longest first):
        # the first group that matches at a position is found in one call.
        self._first_group = {w: re.compile("|".join(f"({g['re'].pattern})" for g in lst))
                             for w, lst in self._by_first.items() if len(lst) > 1}
        # The words a variant can start with, as one pattern (a trie: sre tries branches
        # one by one), so that only those positions are looked at, not every word.
        firsts = [w for w in self._by_first if LETTERS_RE.fullmatch(w)]
        self._firsts = re.compile(rf"(?<![^\W\d_])(?:{_trie(firsts)})(?![^\W\d_])") if firsts else None

    def find(self, text: str, accept=None):
        """(start, end, payload, variant, printed) of every match, in text order."""
        text = nfc(text)
        folded = _folded(text)
        cands = []
        for m in (self._firsts.finditer(folded) if self._firsts else ()):
            start, word = m.start(), m.group()
            groups = self._by_first.get(word, ())
            combined = self._first_group.get(word)
            if combined is not None:
                first = combined.match(folded, start)
                if first is None:
                    continue
                groups = groups[first.lastindex - 1:]  # those before it do not match here
            for g in groups:
                mm = g["re"].match(folded, start)
                if not mm:
                    continue
                end = mm.end()
                printed = text[start:end]
                variant = next((v for v in g["variants"] if _case_ok(printed, v)), None)
                if variant is None or not self._context_ok(text, start, end, g):
                    continue
                if accept is not None and not accept(text, start, end, g["payload"]):
                    continue
                cands.append((start, end, g["payload"], variant, printed))
                break  # longest acceptable variant at this position
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken = Disjoint()
        out = [c for c in cands if taken.add(c[0], c[1])]
        out.sort(key=lambda c: c[0])
        return out

    @staticmethod
    def _context_ok(text: str, start: int, end: int, g) -> bool:
        pm = _PREV_WORD_RE.search(text, max(0, start - 40), start)
        if pm:
            prev = pm.group(1)
            if prev in g["na"]:
                return False
            if (g["person"] and prev[0].isupper() and not (len(prev) > 1 and prev.isupper())
                    and fold(prev) in name_syllables()):
                return False
        nm = _NEXT_WORD_RE.search(text[end:end + 40])
        if nm and nm.group(1) in g["nb"]:
            return False
        return True
