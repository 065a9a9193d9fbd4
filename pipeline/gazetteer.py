"""Provinces, districts and news outlets of Việt Nam, read from models/*.json.

Plain Python (stdlib only). The JSON files are read once, on first use, and cached; see
models/README.md for what each holds and where it came from.

Names are returned in the project's spelling (shared/GOLD.md): no "tỉnh"/"thành phố" prefix,
old-style tone placement ("Hòa Bình", "Khánh Hòa", "Thanh Hóa"), "Bắc Kạn",
"Hồ Chí Minh", "Thừa Thiên Huế" before the 2025 merger and "Huế" after.

Public API:
    nfc(s) -> str
    fold(s) -> str                         the one normaliser for comparing text
    find_provinces(text) -> list[Match]
    find_districts(text, require_prefix=True) -> list[DistrictMatch]
    find_outlets(text) -> list[OutletMatch]
    canonical(name) -> str | None          canonical province name for any variant
    successor(province) -> str | None      its name after the 1 July 2025 merger
    name_on(province, date) -> str | None  its name on a given date
    province_of_outlet(token_or_domain) -> (source, province | None) | None
    province_of_district(name) -> str | None
    provinces(era=None) -> list[dict]      the raw entries of models/provinces.json
    province_info(name, era=None) -> dict | None
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .resources import load_json

MERGER_DATE = _dt.date(2025, 7, 1)  # provinces merged 63 -> 34 (Resolution 202/2025/QH15)
HUE_CITY_DATE = _dt.date(2025, 1, 1)  # Thừa Thiên Huế became the centrally-run city of Huế

__all__ = [
    "Match", "DistrictMatch", "OutletMatch", "nfc", "fold", "fold_in_place", "find_provinces", "find_districts",
    "find_outlets", "canonical", "successor", "name_on", "province_of_outlet",
    "province_of_district", "provinces", "province_info", "MERGER_DATE",
]


# --------------------------------------------------------------------------- normalising

def nfc(s: str) -> str:
    """Unicode NFC (composed) form: the form every stored name and every offset uses."""
    return unicodedata.normalize("NFC", s)


_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng
# New-style (tone on the second vowel: hoà, thuỷ) -> old-style (hòa, thủy), lower case.
_NEW_TO_OLD = {}
for _a, _b in (("o", "a"), ("o", "e"), ("u", "y")):
    for _m in _TONE_MARKS:
        _NEW_TO_OLD[_a + nfc(_b + _m)] = nfc(_a + _m) + _b
# Only at the end of a syllable (not "hoàn", where both styles agree) and not after "q"
# ("quý" is the same in both styles).
_TONE_RE = re.compile(
    r"(?<!q)(?:" + "|".join(sorted(_NEW_TO_OLD, key=len, reverse=True)) + r")(?!\w)"
)
_WS_RE = re.compile(r"\s")
_WS_RUN_RE = re.compile(r"\s+")


def _lower_same_len(s: str) -> str:
    out = s.lower()
    if len(out) == len(s):
        return out
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def _fold_same_len(s: str) -> str:
    """fold() that keeps every character where it is (no collapsing), so offsets into the
    folded string are offsets into `s`. `s` must already be NFC."""
    s = _lower_same_len(s)
    s = _WS_RE.sub(" ", s)
    return _TONE_RE.sub(lambda m: _NEW_TO_OLD[m.group()], s)


def fold_in_place(s: str) -> str:
    """fold() without collapsing white space: offsets into the result are offsets into
    `s`, so a pattern can be searched in folded text and cut from the original."""
    return _fold_same_len(nfc(s))


def fold(s: str) -> str:
    """The one text normaliser for comparisons: NFC, lower case, whitespace collapsed and
    stripped, new-style tone placement folded to old-style (hoà -> hòa, thuỷ -> thủy,
    khoẻ -> khỏe). Diacritics are otherwise kept: "Bắc Kạn" != "Bac Kan"."""
    return _WS_RUN_RE.sub(" ", _fold_same_len(nfc(s))).strip()


def _strip_marks(s: str) -> str:
    s = nfc(s).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


# --------------------------------------------------------------------------- loading

_load = load_json  # models/*.json, read once per process


def provinces(era: str | None = None) -> list[dict]:
    """Entries of models/provinces.json (all, or one era: "pre2025" / "post2025")."""
    data = _load("provinces.json")
    return [e for e in data if era is None or e["era"] == era]


@lru_cache(maxsize=1)
def _province_index():
    by_name: dict[str, dict[str, dict]] = {}
    for e in provinces():
        by_name.setdefault(e["name"], {})[e["era"]] = e
    lookup: dict[str, str] = {}  # folded name / variant -> canonical name

    def add(key: str, name: str):
        k = fold(key)
        if lookup.get(k, name) != name:
            raise ValueError(f"province variant {key!r} names both {lookup[k]!r} and {name!r}")
        lookup[k] = name

    for name, eras in by_name.items():
        add(name, name)
        for e in eras.values():
            add(e["full_name"], name)
            for v in e["variants"]:
                add(v, name)
    return by_name, lookup


def province_info(name: str, era: str | None = None) -> dict | None:
    """The provinces.json entry for a province (any variant); `era` picks one when the name
    exists in both eras (default: the pre-2025 entry if there is one)."""
    c = canonical(name)
    if c is None:
        return None
    eras = _province_index()[0][c]
    if era is not None:
        return eras.get(era)
    return eras.get("pre2025") or eras.get("post2025")


_PREFIX_RE = re.compile(
    r"^(?:tỉnh|thành phố|tp\.?|t\.p\.?|tx\.?|thị xã|huyện|quận|q\.|h\.)\s*", re.IGNORECASE
)


def _clean_name(name: str) -> str:
    s = fold(name)
    s = re.sub(r"\s*[-–—]\s*", " - ", s)
    return s.strip(" ,.;:()")


def canonical(name: str) -> str | None:
    """Canonical province name (GOLD spelling) for any printed variant, with or without a
    "tỉnh"/"thành phố"/"TP." prefix: "TP.HCM" -> "Hồ Chí Minh", "Hoà Bình" -> "Hòa Bình",
    "Bắc Cạn" -> "Bắc Kạn", "TT-Huế" -> "Thừa Thiên Huế". None when it is not a province."""
    if not name:
        return None
    _, lookup = _province_index()
    s = _clean_name(name)
    # (Bare "Hồ Chí Minh" is the city here: a lookup is not running text.)
    for cand in (s, _PREFIX_RE.sub("", s), s.replace(" - ", "-"), s.replace(" - ", " ")):
        if cand in lookup:
            return lookup[cand]
    # Last resort, unaccented ("Ben Tre", "ha noi"): only when exactly one name fits.
    bare = _strip_marks(_PREFIX_RE.sub("", s)).lower()
    hits = {n for k, n in lookup.items() if _strip_marks(k).lower() == bare}
    return hits.pop() if len(hits) == 1 else None


def successor(province: str) -> str | None:
    """The province's name after the 1 July 2025 merger ("Bến Tre" -> "Vĩnh Long"); the same
    name when it kept it ("Hà Nội" -> "Hà Nội") or is already a post-2025 name."""
    c = canonical(province)
    if c is None:
        return None
    eras = _province_index()[0][c]
    if "pre2025" in eras:
        return eras["pre2025"]["successor"]
    return c


def _as_date(d) -> _dt.date:
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    return _dt.date.fromisoformat(str(d)[:10])


def name_on(province: str, date) -> str | None:
    """The province's name as it was called on `date` (ISO string or date): the successor
    from 1 July 2025; before that the pre-2025 name (a post-2025-only name with a single
    predecessor, i.e. "Huế", goes back to "Thừa Thiên Huế"; one with several gives None).
    Thừa Thiên Huế is "Huế" from 1 January 2025, when it became a centrally-run city."""
    c = canonical(province)
    if c is None:
        return None
    day = _as_date(date)
    if day >= MERGER_DATE:
        return successor(c)
    eras = _province_index()[0][c]
    if "pre2025" not in eras:
        preds = eras["post2025"].get("predecessors") or []
        if len(preds) != 1:
            return None
        c = preds[0]
    if c == "Thừa Thiên Huế" and day >= HUE_CITY_DATE:
        return "Huế"
    return c


# --------------------------------------------------------------------------- matching engine

_LETTERS_RE = re.compile(r"[^\W\d_]+")
_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[ \t\u00a0]+$")
_NEXT_WORD_RE = re.compile(r"^[ \t\u00a0]+([^\W\d_]+)")

# Surnames and the commonest middle names: a province name right after one of these,
# capitalised, is part of a person's name ("Phó Thủ tướng Nguyễn Hòa Bình", "bà Lê Thị Huế").
NAME_SYLLABLES = frozenset(fold(x) for x in (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lương Đinh Trịnh "
    "Mai Cao Lâm Tô Trương Hà Tạ Lưu Chu Vương Thái Tăng Đào Kiều Quách Triệu Nông Lò Hứa Lã "
    "Mạc Khổng Tống Phùng Thân Diệp Doãn Âu Ninh Hầu Lục Viên Từ "
    "Thị Văn Đình Hữu Đức Công Bá Trọng Ngọc Xuân Thanh Hồng Kim Thu Quang Chí Minh Tuấn"
).split())


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
    pw, vw = _LETTERS_RE.findall(printed), _LETTERS_RE.findall(variant)
    if len(pw) != len(vw):
        return False
    return all(not v[0].isupper() or p[0].isupper() for p, v in zip(pw, vw))


def _first_word(s: str) -> str:
    m = _LETTERS_RE.search(s)
    return m.group() if m else s[:1]


class _Matcher:
    """Whole-word, case-aware, longest-match-wins finder over a list of variants.

    items: (variant as printed, payload, not_before, not_after, check_person_name)."""

    def __init__(self, items):
        self._by_first: dict[str, list] = {}
        groups: dict[str, dict] = {}
        for variant, payload, not_before, not_after, person in items:
            fv = _fold_same_len(nfc(variant))
            g = groups.setdefault(fv, {"payload": payload, "variants": [], "nb": set(),
                                       "na": set(), "person": person})
            g["variants"].append(nfc(variant))
            g["nb"].update(nfc(x) for x in not_before)
            g["na"].update(nfc(x) for x in not_after)
        for fv, g in groups.items():
            g["re"] = re.compile(_pattern_for(fv))
            g["len"] = len(fv)
            self._by_first.setdefault(_first_word(fv), []).append(g)
        for lst in self._by_first.values():
            lst.sort(key=lambda g: -g["len"])

    def find(self, text: str, accept=None):
        text = nfc(text)
        folded = _fold_same_len(text)
        cands = []
        for m in _LETTERS_RE.finditer(folded):
            start = m.start()
            for g in self._by_first.get(m.group(), ()):
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
        taken: list[tuple[int, int]] = []
        out = []
        for c in cands:
            if all(c[1] <= s or c[0] >= e for s, e in taken):
                taken.append((c[0], c[1]))
                out.append(c)
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
                    and fold(prev) in NAME_SYLLABLES):
                return False
        nm = _NEXT_WORD_RE.search(text[end:end + 40])
        if nm and nm.group(1) in g["nb"]:
            return False
        return True


# --------------------------------------------------------------------------- provinces

@dataclass(frozen=True)
class Match:
    """A province named in a text. `start`/`end` index the NFC form of the text (the same
    offsets when the text is NFC already). `era` is "pre2025", "post2025" or "both" (the
    name exists in both eras, e.g. "Hà Nội"); `variant` is the listed spelling that matched
    and `text` the span as printed."""
    name: str
    start: int
    end: int
    era: str
    variant: str
    text: str

    @property
    def successor(self) -> str | None:
        return successor(self.name)


@lru_cache(maxsize=1)
def _province_matcher() -> _Matcher:
    items = []
    for e in provinces():
        first = fold(_first_word(e["name"]))
        for v in e["variants"]:
            # The person-name rule only for spellings that start like the name itself
            # ("Hòa Bình"), not for "TP. Hồ Chí Minh" after "Đoàn TNCS Hồ Chí Minh".
            person = fold(_first_word(v)) == first
            items.append((v, e["name"], e.get("not_before", []), e.get("not_after", []), person))
    return _Matcher(items)


def _era_of(name: str) -> str:
    eras = _province_index()[0][name]
    return "both" if len(eras) == 2 else next(iter(eras))


def find_provinces(text: str) -> list[Match]:
    """Provinces named in `text`, in order. Whole words only; each word that starts
    upper-case in the listed spelling must start upper-case as printed ("hòa bình thế
    giới" is peace, not the province); the longest match wins ("Thừa Thiên Huế" over
    "Huế"); a name right after a capitalised surname or middle name is taken for a person
    ("Nguyễn Hòa Bình"); bare "Hồ Chí Minh" (the President) is not matched, only the
    city's forms ("TP.HCM", "TP Hồ Chí Minh", "thành phố Hồ Chí Minh", "Sài Gòn")."""
    return [Match(name=p, start=s, end=e, era=_era_of(p), variant=v, text=t)
            for s, e, p, v, t in _province_matcher().find(text)]


# --------------------------------------------------------------------------- districts

@lru_cache(maxsize=1)
def _district_index() -> dict[str, set[str]]:
    idx: dict[str, set[str]] = {}
    for d in _load("districts.json"):
        for n in [d["name"], *d.get("aliases", [])]:
            idx.setdefault(_clean_name(n), set()).add(d["province"])
    return idx


def province_of_district(name: str) -> str | None:
    """The (pre-2025) province of a district-level unit (huyện, thị xã, thành phố thuộc
    tỉnh, quận), with or without its prefix: "Thường Tín" -> "Hà Nội", "TP Pleiku" ->
    "Gia Lai", "Vinh" -> "Nghệ An". None when unknown or when the name is used in more
    than one province ("Châu Thành")."""
    if not name:
        return None
    idx = _district_index()
    s = _clean_name(name)
    for cand in (s, _PREFIX_RE.sub("", s)):
        provs = idx.get(cand)
        if provs:
            return next(iter(provs)) if len(provs) == 1 else None
    return None


@dataclass(frozen=True)
class DistrictMatch:
    name: str
    province: str | None  # None when ambiguous
    provinces: tuple[str, ...]
    start: int
    end: int
    text: str


_DISTRICT_PREFIX_RE = re.compile(
    r"(?:huyện|thị xã|thành phố|quận|TP\.?|Tp\.?|TX\.?|(?:huyện|quận|thị|thành) (?:ủy|uỷ))[ \t\u00a0]*$",
    re.IGNORECASE
)


@lru_cache(maxsize=1)
def _district_matcher() -> _Matcher:
    items = []
    for d in _load("districts.json"):
        for n in [d["name"], *d.get("aliases", [])]:
            items.append((n, d["name"], [], [], True))
    return _Matcher(items)


def find_districts(text: str, require_prefix: bool = True) -> list[DistrictMatch]:
    """District-level units named in `text`. With require_prefix (the default) only names
    printed after "huyện", "thị xã", "thành phố", "quận", "TP", "TX" count, because many
    district names are also common words or names of communes elsewhere."""
    def accept(t, s, e, payload):
        return not require_prefix or bool(_DISTRICT_PREFIX_RE.search(t, max(0, s - 12), s))

    idx = _district_index()
    out = []
    for s, e, name, _v, printed in _district_matcher().find(text, accept):
        provs = tuple(sorted(idx.get(_clean_name(name), ())))
        out.append(DistrictMatch(name=name, province=provs[0] if len(provs) == 1 else None,
                                 provinces=provs, start=s, end=e, text=printed))
    return out


# --------------------------------------------------------------------------- outlets

@lru_cache(maxsize=1)
def _outlet_index():
    domains: dict[str, dict] = {}
    tags: dict[str, tuple[str, dict]] = {}
    names: dict[str, tuple[str, dict]] = {}
    for o in _load("outlets.json"):
        for d in o.get("domains", []):
            domains.setdefault(d.lower(), o)
        for t in o.get("tags", []):
            tags.setdefault(fold(t), (t, o))
        for n in [o["name"], *o.get("names", [])]:
            names.setdefault(fold(n), (n, o))
    return domains, tags, names


_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


def _domain_of(token: str) -> str | None:
    s = token.strip().lower()
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", s)
    s = re.split(r"[/?#:\s]", s, maxsplit=1)[0].strip(".")
    if s.startswith("www."):
        s = s[4:]
    return s if _DOMAIN_RE.match(s) else None


def province_of_outlet(token_or_domain: str) -> tuple[str, str | None] | None:
    """(source, province) for an outlet named by a domain ("baodongkhoi.vn",
    "https://www.baodongkhoi.vn/...", case-insensitive; a subdomain falls back to its
    parent), a short tag ("BBK", "(QBĐT)") or a name ("Báo Thanh Hóa"). `source` is what the
    record reports: the lower-case domain for a domain, else the tag or name as listed.
    province is None for a national outlet; the whole result is None when unknown."""
    if not token_or_domain:
        return None
    domains, tags, names = _outlet_index()
    raw = nfc(token_or_domain).strip()
    dom = _domain_of(raw)
    if dom:
        parts = dom.split(".")
        for i in range(len(parts) - 1):
            cand = ".".join(parts[i:])
            if cand in domains:
                return cand, domains[cand]["province"]
    key = fold(raw.strip("()[] \t-–—:"))
    if key in tags:
        t, o = tags[key]
        return t, o["province"]
    if key in names:
        n, o = names[key]
        return n, o["province"]
    return None


@dataclass(frozen=True)
class OutletMatch:
    source: str
    province: str | None
    kind: str  # "domain", "tag" or "name"
    start: int
    end: int
    text: str


_TEXT_DOMAIN_RE = re.compile(r"(?<![\w.@-])((?:[A-Za-z0-9-]+\.)+(?:vn|com|net|org|info))(?![\w-])")


@lru_cache(maxsize=1)
def _outlet_name_matcher() -> _Matcher:
    # Only names printed as an outlet's ("Báo Gia Lai", "báo Lao động Thủ đô", "Tạp chí
    # Cộng sản"): a bare alternative name such as "Công an nhân dân" is also the body itself.
    items = []
    for o in _load("outlets.json"):
        for n in [o["name"], *o.get("names", [])]:
            if not _OUTLET_WORD_RE.match(n):
                if not re.search(r"[A-ZĐ]", n[1:]) or len(_LETTERS_RE.findall(n)) < 2:
                    continue
                variant = "báo " + n
            else:
                variant = n[0].lower() + n[1:]
            items.append((variant, n, [], [], False))
    return _Matcher(items)


_OUTLET_WORD_RE = re.compile(r"(?:Báo|Tạp chí|Đài|Cổng|Thông tấn)\b")


@lru_cache(maxsize=1)
def _outlet_tag_re():
    _, tags, _ = _outlet_index()
    alts = "|".join(re.escape(t) for t, _ in sorted(tags.values(), key=lambda x: -len(x[0])))
    return re.compile(
        rf"\(\s*({alts})\s*\)"                               # (BBK)
        rf"|(?m:^[ \t]*({alts})[ \t]*[-–—:])"                # BBK - at a paragraph start
        rf"|(?:\b[Tt]heo|[Nn]guồn:?)[ \t]+(?:[Bb]áo[ \t]+)?({alts})(?!\w)"  # Theo PLVN
    )


def find_outlets(text: str) -> list[OutletMatch]:
    """Outlets named in `text`: domains anywhere, short tags in parentheses / at a
    paragraph start / after "Theo", "Nguồn", and outlet names ("Báo Gia Lai"). Tags are
    matched as printed (case-sensitive)."""
    text = nfc(text)
    domains, tags, names = _outlet_index()
    out = []
    for m in _TEXT_DOMAIN_RE.finditer(text):
        r = province_of_outlet(m.group(1))
        if r:
            out.append(OutletMatch(r[0], r[1], "domain", m.start(1), m.end(1), m.group(1)))
    for m in _outlet_tag_re().finditer(text):
        gi = next(i for i in (1, 2, 3) if m.group(i))
        t, o = tags[fold(m.group(gi))]
        out.append(OutletMatch(t, o["province"], "tag", m.start(gi), m.end(gi), m.group(gi)))
    for s, e, n, _v, printed in _outlet_name_matcher().find(text):
        _, o = names[fold(n)]
        out.append(OutletMatch(n, o["province"], "name", s, e, printed))
    out.sort(key=lambda m: (m.start, -m.end))
    return out
