"""How gold and predicted values are compared (GOLD.md, "Scoring"): the comparison key of a
string, syllables and their overlap, titles, document numbers, counts, and the pairing of
items one to one."""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from typing import Any, Callable, Optional

from ..text import fold, nfc

def norm(text: Optional[str]) -> Optional[str]:
    """The comparison key of a string: NFC, lower case, white space collapsed, tone marks folded.

    ``None`` stays ``None``; a string that is empty after collapsing becomes ``None`` too, so an
    exported ``""`` counts as null.
    """
    if text is None:
        return None
    return fold(str(text)) or None


def _strip_punct(token: str) -> str:
    i, j = 0, len(token)
    while i < j and unicodedata.category(token[i])[0] in "PS":
        i += 1
    while j > i and unicodedata.category(token[j - 1])[0] in "PS":
        j -= 1
    return token[i:j]


def syllables(text: Optional[str]) -> list[str]:
    """The syllables of a text: its ``norm`` split on white space, punctuation around each
    token stripped, empty tokens dropped (a lone "-" or ":" is not a syllable)."""
    key = norm(text)
    if not key:
        return []
    return [t for t in (_strip_punct(tok) for tok in key.split()) if t]


def overlap(a: list[str], b: list[str]) -> tuple[int, int]:
    """(shared syllables as multisets, length of the longer) -- the ratio's numerator and
    denominator, kept as integers so that 4/5 >= 0.8 holds exactly."""
    shared = sum((Counter(a) & Counter(b)).values())
    return shared, max(len(a), len(b))


def ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def title_ok(gold_titles: list[str], pred_titles: list[str]) -> bool:
    """One predicted title shares at least 80 % of the syllables of the first gold title,
    counted over the longer of the two; with no gold title, right only when none is predicted."""
    if not gold_titles:
        return not pred_titles
    first = syllables(gold_titles[0])
    for t in pred_titles:
        num, den = overlap(first, syllables(t))
        if den and 5 * num >= 4 * den:
            return True
    return False


def document_key(number: Any) -> Optional[str]:
    """A document number's comparison key: NFC, all white space removed, upper case."""
    if number is None:
        return None
    s = "".join(nfc(str(number)).split()).upper()
    return s or None


def count_key(value: Any) -> Any:
    """An association count as an integer where it can be read as one ("1.475" is 1475)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = "".join(value.split()).replace(".", "").replace(",", "")
        if digits.isdigit():
            return int(digits)
    return value


def pair_by_key(gold: list[dict], pred: list[dict], key: Callable[[dict], Any],
                 attr: Callable[[dict], Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match items with equal keys as multisets; among equal keys, pair equal ``attr`` first
    (this maximises attribute agreement), then the rest in order.

    Returns (pairs of (gold index, pred index), unmatched gold indices, unmatched pred indices).
    """
    gold_by: dict[Any, list[int]] = defaultdict(list)
    pred_by: dict[Any, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        gold_by[key(g)].append(i)
    for j, p in enumerate(pred):
        pred_by[key(p)].append(j)
    pairs: list[tuple[int, int]] = []
    for k, gis in gold_by.items():
        pjs = list(pred_by.get(k, []))
        free_g = []
        for gi in gis:
            same = next((pj for pj in pjs if attr(pred[pj]) == attr(gold[gi])), None)
            if same is None:
                free_g.append(gi)
            else:
                pairs.append((gi, same))
                pjs.remove(same)
        for gi, pj in zip(free_g, list(pjs)):
            pairs.append((gi, pj))
            pjs.remove(pj)
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pj for _, pj in pairs}
    return (sorted(pairs), [i for i in range(len(gold)) if i not in matched_g],
            [j for j in range(len(pred)) if j not in matched_p])


def match_directives(gold_texts: list[Any], pred_texts: list[Any]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold index, pred index, overlap) of directives sharing at least half of
    the syllables of the longer text, taken greedily from the best overlap down (ties: earlier
    gold, then earlier prediction)."""
    gs = [syllables(t) for t in gold_texts]
    ps = [syllables(t) for t in pred_texts]
    candidates = []
    for i, a in enumerate(gs):
        for j, b in enumerate(ps):
            num, den = overlap(a, b)
            if den and 2 * num >= den:
                candidates.append((-num / den, i, j))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for neg, i, j in candidates:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j, -neg))
    return sorted(pairs)
