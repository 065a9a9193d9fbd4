"""News outlets and the province they imply (``rules/outlets.json``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rules
from ..text import fold, nfc
from .matcher import LETTERS_RE, Matcher

# A web domain printed in running text ("Theo baodongkhoi.vn."), not inside a URL's path,
# an e-mail address or a longer host name.
DOMAIN_RE = re.compile(
    r"(?<![\w.@/-])((?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|info))(?!\w|\.\w|-)",
    re.I,
)
# What every domain holds: most texts hold none, and this is found by skipping to each ".".
_TOP_LEVEL = re.compile(r"\.(?:vn|com|net|org|info)(?!\w|\.\w|-)", re.I)


def find_domains(text: str) -> list[re.Match[str]]:
    """``DOMAIN_RE``'s matches in ``text`` (group 1: the domain)."""
    return list(DOMAIN_RE.finditer(text)) if _TOP_LEVEL.search(text) else []


@lru_cache(maxsize=1)
def _outlet_index():
    domains: dict[str, dict] = {}
    tags: dict[str, tuple[str, dict]] = {}
    names: dict[str, tuple[str, dict]] = {}
    for o in rules.outlets():
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


_OUTLET_WORD_RE = re.compile(r"(?:Báo|Tạp chí|Đài|Cổng|Thông tấn)\b")


@lru_cache(maxsize=1)
def _outlet_name_matcher() -> Matcher:
    # Only names printed as an outlet's ("Báo Gia Lai", "báo Lao động Thủ đô", "Tạp chí
    # Cộng sản"): a bare alternative name such as "Công an nhân dân" is also the body itself.
    items = []
    for o in rules.outlets():
        for n in [o["name"], *o.get("names", [])]:
            if not _OUTLET_WORD_RE.match(n):
                if not re.search(r"[A-ZĐ]", n[1:]) or len(LETTERS_RE.findall(n)) < 2:
                    continue
                variant = "báo " + n
            else:
                variant = n[0].lower() + n[1:]
            items.append((variant, n, [], [], False))
    return Matcher(items)


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
    for m in find_domains(text):
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
