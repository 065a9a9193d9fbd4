"""Vietnamese alphabetical order, for the ``vi`` collation of Datasette's connections.

PyICU has no wheel on PyPI for this platform (it needs ICU built from source), so this is
a sort key of our own over the Vietnamese alphabet, with the three levels of a dictionary:

1. letters, tones ignored, in the order a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t
   u ư v x y (f j w z, for foreign words, where the Latin alphabet puts them);
2. tones: ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ);
3. case (lower first).

So "Đức" < "Được" (ư = ư, then c < ơ), "Ánh" < "Bình" and "Võ" < "Vũ". Spaces and
punctuation come before letters and digits, as in a dictionary.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i + 20 for i, ch in enumerate(ALPHABET)}
# combining marks that make a letter of the alphabet (ă â ê ô ơ ư)
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_COMPOSE = {("a", "breve"): "ă", ("a", "circumflex"): "â", ("e", "circumflex"): "ê",
            ("o", "circumflex"): "ô", ("o", "horn"): "ơ", ("u", "horn"): "ư"}
# tone marks, in dictionary order (none = 0)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str):
    """(letter of the alphabet or other character, tone, is upper) for each character."""
    for ch in text:
        upper = ch != ch.lower()
        decomposed = unicodedata.normalize("NFD", ch.lower())
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in _LETTER_MARKS:
                base = _COMPOSE.get((base, _LETTER_MARKS[mark]), base)
            elif mark in _TONES:
                tone = _TONES[mark]
        yield base, tone, upper


def _primary(ch: str) -> int:
    if ch in _RANK:
        return _RANK[ch]
    if ch.isdigit():
        return 10 + int(ch) if ch.isascii() else 19
    if ch.isspace():
        return 1
    if not ch.isalnum():
        return 2
    return 100 + ord(ch)  # other scripts after the Vietnamese alphabet


@lru_cache(maxsize=65536)
def sort_key(text: str | None) -> tuple:
    """The key that orders Vietnamese text alphabetically (see the module's docstring)."""
    if text is None:
        return ((), (), ())
    parts = list(_letters(text))
    return (tuple(_primary(c) for c, _, _ in parts), tuple(t for _, t, _ in parts),
            tuple(u for _, _, u in parts))


def collate(a: str | None, b: str | None) -> int:
    """SQLite collation function: negative, zero or positive."""
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def search_fold(text: str | None) -> str | None:
    """Lower case without accents or tone marks, đ as d, spaces collapsed: what a name
    typed without accents matches ("tran thanh lam" = "Trần Thanh Lâm")."""
    if text is None:
        return None
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())
