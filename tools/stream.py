"""A realistic, deterministic stream of news pages for the benchmark (issue 12).

    python -m tools.stream [--shared DIR] [--articles N] [--seed S] --out FILE.jsonl

A crawl of provincial news sites brings mostly pages that are not reports of a meeting with
associations, some as saved HTML, a few very long, and no two alike. The stream imitates
that from the shared texts (third-party text: it is generated into a temporary file, never
committed):

- **on-topic pages** (``seeds/``, ``dev/``, ``dev2/``) and **off-topic pages**
  (``offtopic/``, ``OFFTOPIC_SHARE`` of the stream) are recombined within their class: the
  lead of one text, paragraphs of others, and every sentence that can be rebuilt is, in one
  way at least: a clause of another sentence, the tail of another sentence after a join word
  ("và", "để", ...), an opening phrase ("Theo đó, ");
- **names, places, associations, numbers and dates are substituted**, consistently within
  a page: people's names from the surnames and middle names of ``pipeline/rules/names.json``
  (and a list of given names below), provinces from ``provinces.json``, districts from
  ``districts.json`` (after a unit word), associations among the kinds of
  ``associations.json``, years shifted by the page's offset, days and months drawn, other
  numbers drawn with as many digits;
- ``HTML_SHARE`` of the pages are **HTML** in a news-site template (head with scripts and
  JSON-LD, menus, breadcrumb, share bar, related-article teasers, most-read list, footer,
  trailing scripts), served from a provincial paper's domain;
- one page in ``LONG_EVERY`` is **long**: ``LONG_FACTOR`` times the median length of its
  class, alternately one long story (paragraphs of many texts) and a listing page (a tag
  or category page: ``LONG_FACTOR`` stories one after the other, each with its headline
  and lead, of which the pipeline reads the first).

Page ``i`` depends only on the seed and ``i`` (its own ``random.Random``), so the first M
pages of a stream of N are the stream of M; no two pages of a stream have the same text.
The generator reads the data files directly, not through ``pipeline``, so the same stream
can be fed to another version of the code.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "pipeline" / "rules"

SEED = 12
OFFTOPIC_SHARE = 0.7
HTML_SHARE = 0.2
LONG_EVERY = 250
LONG_FACTOR = 16
REPLACE_PARAGRAPH = 0.5
"""Share of the base text's body paragraphs replaced by paragraphs of other texts."""
ON_TOPIC_DIRS = ("seeds", "dev", "dev2")
OFF_TOPIC_DIRS = ("offtopic",)

# Written for this benchmark: common Vietnamese given names (names.json has surnames and
# middle names only).
GIVEN_NAMES = (
    "An", "Anh", "Bảo", "Bình", "Châu", "Chiến", "Cường", "Dũng", "Duy", "Giang", "Hà", "Hải",
    "Hạnh", "Hiền", "Hiếu", "Hòa", "Hoàng", "Hùng", "Hưng", "Hương", "Huy", "Khang", "Khánh",
    "Lan", "Liên", "Linh", "Long", "Lộc", "Mai", "Minh", "My", "Nam", "Nga", "Nghĩa", "Ngọc",
    "Nhung", "Phong", "Phúc", "Phương", "Quân", "Quang", "Sơn", "Tâm", "Thắng", "Thanh",
    "Thảo", "Thịnh", "Thủy", "Tiến", "Toàn", "Trang", "Trí", "Trung", "Tuấn", "Tùng", "Vân",
    "Việt", "Vinh", "Xuân", "Yến", "Hậu", "Lâm", "Đạt", "Định", "Hằng", "Loan", "Thư", "Vy",
)
# Capitalised words that follow a surname without being part of a name ("Hà Nội" is
# protected as a province before names are looked for).
NOT_NAME_WORDS = frozenset(
    "Tỉnh Thành Huyện Quận Xã Phường Hội Ủy Uỷ Ban Đảng Bí Chủ Phó Giám Trưởng Đoàn Mặt "
    "Nhà Nhân Sở Phòng Cục Bộ Tổng Liên Thường Trường Ngày Sáng Chiều Tối Tại Theo Trong "
    "Với Và Các Những Đồng Ông Bà Anh Chị Thứ Tháng Năm Quyết Chỉ Nghị Kế Thông Luật".split()
)

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[^\W\d_])")
_CLAUSE = re.compile(r"(?<=[;,])\s+")
_WORD = re.compile(r"\w+")
# clock times, dates (d/m, d-m, d/m/yyyy, d.m.yyyy), years, then any other run of digits
_NUMBERS = re.compile(
    r"(?P<time>(?<!\d)(?P<hh>[01]?\d|2[0-3])(?P<tsep>[:h])(?P<mm>[0-5]\d)(?!\d))|"
    r"(?P<date>(?<!\d)(?P<d>\d{1,2})(?P<sep>[/-])(?P<m>\d{1,2})(?:(?P=sep)(?P<y>\d{4}))?(?![\d/-])"
    r"|(?<!\d)(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})(?!\d))"
    r"|(?P<year>(?<!\d)(?:19[5-9]\d|20[0-3]\d)(?!\d))"
    r"|(?P<num>\d+)"
)
# Words at which a sentence's tail is swapped for another sentence's (written for this
# benchmark), and phrases that open a sentence in Vietnamese news.
JOINS = (" và ", " để ", " nhằm ", " trong ", " cho ", " với ", " của ", " theo ", " về ", " tại ")
OPENERS = ("Theo đó, ", "Bên cạnh đó, ", "Ngoài ra, ", "Đặc biệt, ", "Trong năm {year}, ",
           "Từ đầu năm {year} đến nay, ", "Trong {n} tháng đầu năm, ", "Thời gian qua, ",
           "Cũng tại {event}, ", "Qua đó, ", "Nhìn chung, ", "Mặt khác, ", "Đồng thời, ",
           "Tính đến tháng {n}/{year}, ", "Sau {n} năm triển khai, ", "Theo báo cáo, ")
EVENTS = ("hội nghị", "buổi làm việc", "buổi lễ", "chương trình", "sự kiện", "buổi gặp mặt")
MORE_WAYS = 0.2
"""Chance that a sentence already rebuilt one way is rebuilt another way too."""
# The capital letters of Vietnamese (Python's re has no \p{Lu}).
_UPPER = "".join(chr(c) for c in range(0x41, 0x1F00)
                 if chr(c).isupper() and unicodedata.name(chr(c), "").startswith("LATIN"))
# A paragraph that opens with a dateline ("Sáng 5/3, ...", "(BBK) - Ngày 5-3"): another
# story's lead, where the pipeline starts a new story; kept out of what is added to a page.
_DATELINE = re.compile(r"^\W{0,3}(?:\(?[A-ZĐ][\w.]{1,12}\)?\s*[-–—:]\s*)?"
                       r"(?:sáng|chiều|tối|trưa|đêm|ngày|hôm)\b[^.\n]{0,20}?\d{1,2}\s*[/.\-]\s*\d{1,2}", re.I)
_CREDIT = re.compile(r"((?:Ảnh|Tin|Bài|Tin, ảnh|Bài, ảnh|Tin và ảnh)\s*:\s*)([^\W\d][^:;\n]{1,24})$", re.M)
_DISTRICT_PREFIX = r"(?:huyện|quận|thị xã|Huyện|Quận|Thị xã|Huyện ủy|Quận ủy|Thị ủy|TX\.|H\.)"


# --------------------------------------------------------------------------- sources


def _read(path: Path) -> str:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def split_sentences(paragraph: str) -> list[str]:
    """A simple sentence split (for recombination and the stream's statistics only)."""
    return [s for s in _SENTENCE_END.split(paragraph.strip()) if s]


@dataclass
class Pool:
    """The texts of one class (on- or off-topic): each as its lines, and the paragraphs,
    clauses and lengths they offer."""

    markers: frozenset = frozenset()
    """Lines that open a box of other stories' teasers ("Tin liên quan": ``chrome.json``)."""
    texts: list[list[str]] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    """Where each text's story ends: its first teaser marker (or its end)."""
    paragraphs: list[str] = field(default_factory=list)
    """Story paragraphs of eight words or more, not a headline, a lead or a teaser box."""
    clauses: list[str] = field(default_factory=list)
    tails: dict[str, list[str]] = field(default_factory=dict)
    """What follows each of ``JOINS`` in the sentences (after three words at least)."""
    lengths: list[int] = field(default_factory=list)

    def add(self, text: str) -> None:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if not lines:
            return
        end = next((i for i, line in enumerate(lines) if i and self.is_marker(line)), len(lines))
        self.texts.append(lines)
        self.ends.append(end)
        self.lengths.append(sum(len(line) + 1 for line in lines))
        for line in lines[_head(lines, end):end]:
            if is_body(line):
                self.paragraphs.append(line)
                for sentence in split_sentences(line):
                    self.clauses += [c for c in _CLAUSE.split(sentence)[1:] if len(c.split()) >= 4]
                    for join, tail in _joins(sentence):
                        self.tails.setdefault(join, []).append(tail)

    def is_marker(self, line: str) -> bool:
        return line.strip().rstrip(":").strip().casefold() in self.markers

    @property
    def median(self) -> int:
        return int(statistics.median(self.lengths))


def _head(lines: list[str], end: int) -> int:
    """Lines before a text's body: the headline, a stamp line, ... up to the lead."""
    head = 1
    while head < end and len(lines[head - 1].split()) < 12 and head < 3:
        head += 1
    return head


def is_body(line: str) -> bool:
    """A paragraph that may go anywhere in a story: eight words or more, no dateline."""
    return len(line.split()) >= 8 and not _DATELINE.match(line)


def load_pools(shared: Path) -> tuple[Pool, Pool]:
    """(on-topic, off-topic) pools from the shared folder."""
    chrome = json.loads((RULES / "chrome.json").read_text(encoding="utf-8"))
    markers = frozenset(m.casefold() for m in chrome["teaser_markers"])
    pools = []
    for dirs in (ON_TOPIC_DIRS, OFF_TOPIC_DIRS):
        pool = Pool(markers)
        for name in dirs:
            for path in sorted((shared / name).glob("*.txt")):
                pool.add(_read(path))
        if not pool.texts:
            raise SystemExit(f"stream: no texts in {shared}/{{{','.join(dirs)}}}")
        pools.append(pool)
    return pools[0], pools[1]


@dataclass(frozen=True)
class Vocabulary:
    """What is substituted, from the project's rule files."""

    surnames: tuple[str, ...]
    middles: tuple[str, ...]
    provinces: tuple[str, ...]  # canonical names, drawn as replacements
    province_of: dict           # any printed variant -> canonical name
    province_re: re.Pattern
    districts: tuple[str, ...]
    district_set: frozenset
    district_re: re.Pattern
    associations: tuple[str, ...]
    association_re: re.Pattern
    name_re: re.Pattern
    outlets: tuple[tuple[str, str, str], ...]  # (name, domain, province)


def load_vocabulary(rules: Path = RULES) -> Vocabulary:
    def read(name: str):
        return json.loads((rules / name).read_text(encoding="utf-8"))

    names = read("names.json")
    surnames, middles = tuple(names["surnames"]), tuple(names["middle_names"])
    province_of = {}
    for entry in read("provinces.json"):
        for variant in [entry["name"], *entry.get("variants", ())]:
            if len(variant) > 3 and not variant.isupper():
                province_of.setdefault(variant, entry["name"])
    provinces = tuple(sorted({e["name"] for e in read("provinces.json") if e["era"] == "pre2025"}))
    districts = tuple(sorted({d["name"] for d in read("districts.json") if not d.get("ambiguous")}))
    kinds = read("associations.json")["kinds"]
    associations = tuple(sorted(k for k in kinds if k.startswith("Hội ")))
    outlets = tuple((o["name"], o["domains"][0], o["province"] or "")
                    for o in read("outlets.json") if o["domains"] and "provincial" in o["kind"])

    def alternation(words: Iterable[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))

    return Vocabulary(
        surnames=surnames, middles=middles, provinces=provinces, province_of=province_of,
        province_re=re.compile(rf"(?<!\w)({alternation(province_of)})(?!\w)"),
        districts=districts, district_set=frozenset(districts),
        district_re=re.compile(rf"(?<!\w)({_DISTRICT_PREFIX}\s+)((?:[^\W\d_]+ ?){{1,3}})"),
        associations=associations,
        association_re=re.compile(rf"(?<!\w)({alternation(associations)})(?!\w)"),
        name_re=re.compile(rf"(?<![\w\ue000-\ue0ff])({alternation(surnames)})((?: +[{_UPPER}]\w*){{1,3}})"),
        outlets=outlets,
    )


# --------------------------------------------------------------------------- variation


class Variation:
    """One page's substitutions: the same printed name, place or association becomes the
    same other one throughout the page."""

    def __init__(self, rng: random.Random, vocab: Vocabulary):
        self.rng, self.vocab = rng, vocab
        self.year_shift = rng.randint(-9, 1)
        self.people: dict[str, str] = {}
        self.places: dict[str, int] = {}  # canonical province -> placeholder index
        self.place_names: list[str] = []
        self.districts: dict[str, str] = {}
        self.associations: dict[str, str] = {}

    def apply(self, text: str) -> str:
        text = self.vocab.province_re.sub(self._province, text)  # placeholders first
        text = self.vocab.district_re.sub(self._district, text)
        text = self.vocab.name_re.sub(self._name, text)
        text = self.vocab.association_re.sub(self._association, text)
        text = _NUMBERS.sub(self._number, text)
        text = _CREDIT.sub(self._credit, text)
        return re.sub("[\ue000-\ue0ff]", lambda m: self.place_names[ord(m.group()) - 0xE000], text)

    def _province(self, m: re.Match) -> str:
        before = m.string[max(0, m.start() - 12):m.start()].split()
        if before and (before[-1] in self.vocab.surnames or before[-1] in self.vocab.middles):
            return m.group()  # "Nguyễn Hòa Bình" is a person (names.json)
        canonical = self.vocab.province_of[m.group(1)]
        if canonical not in self.places and len(self.place_names) < 256:
            self.places[canonical] = len(self.place_names)
            self.place_names.append(self.rng.choice(self.vocab.provinces))
        index = self.places.get(canonical)
        return m.group() if index is None else chr(0xE000 + index)

    def _district(self, m: re.Match) -> str:
        words = m.group(2).split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if name in self.vocab.district_set:
                new = self.districts.setdefault(name, self.rng.choice(self.vocab.districts))
                rest = m.group(2)[len(name):]
                return m.group(1) + new + rest
        return m.group()

    def _name(self, m: re.Match) -> str:
        tail = m.group(2)
        words = tail.split(" ")[1:]  # the tail starts with a space
        n = 0
        for word in words:
            if not word[:1].isupper() or word.isupper() or word in NOT_NAME_WORDS:
                break
            n += 1
        if n == 0:
            return m.group()
        old = " ".join([m.group(1), *words[:n]])
        new = self.people.get(old)
        if new is None:
            rng = self.rng
            parts = [rng.choice(self.vocab.surnames),
                     *(rng.choice(self.vocab.middles) for _ in range(n - 1)),
                     rng.choice(GIVEN_NAMES)]
            new = self.people[old] = " ".join(parts)
        rest = " ".join(words[n:])
        return new + (" " + rest if rest else "")

    def _credit(self, m: re.Match) -> str:
        return m.group(1) + " ".join(self.rng.choice(GIVEN_NAMES) for _ in range(2))

    def _association(self, m: re.Match) -> str:
        old = m.group(1)
        return self.associations.setdefault(old, self.rng.choice(self.vocab.associations))

    def _number(self, m: re.Match) -> str:
        rng = self.rng
        if m.group("time"):
            return f"{rng.randint(6, 21):0{len(m.group('hh'))}d}{m.group('tsep')}{rng.randint(0, 59):02d}"
        if m.group("date"):
            if m.group("d2"):
                d, mo, y, sep = m.group("d2"), m.group("m2"), m.group("y2"), "."
            else:
                d, mo, y, sep = m.group("d"), m.group("m"), m.group("y"), m.group("sep")
            if 1 <= int(d) <= 31 and 1 <= int(mo) <= 12:
                day, month = rng.randint(1, 28), rng.randint(1, 12)
                out = f"{day:0{len(d)}d}{sep}{month:0{len(mo)}d}"
                return out + (f"{sep}{int(y) + self.year_shift}" if y else "")
            return re.sub(r"\d+", self._digits, m.group())
        if m.group("year"):
            return str(int(m.group("year")) + self.year_shift)
        return self._digits(m)

    def _digits(self, m: re.Match) -> str:
        digits = m.group()
        if len(digits) == 1:
            return str(self.rng.randint(1, 9)) if digits != "0" else "0"
        first = str(self.rng.randint(1, 9)) if digits[0] != "0" else "0"
        return first + "".join(str(self.rng.randint(0, 9)) for _ in digits[1:])


def _joins(sentence: str) -> Iterator[tuple[str, str]]:
    """(join word, the rest of the sentence after it, without its final stop)."""
    body = sentence.rstrip(".;…!? ")
    for join in JOINS:
        at = body.find(join)
        if at > 0 and len(body[:at].split()) >= 3 and len(body[at + len(join):].split()) >= 3:
            yield join, body[at + len(join):]


def _recombine(paragraph: str, pool: Pool, rng: random.Random, surnames: frozenset,
               headline: bool = False) -> str:
    """The paragraph with its sentences rebuilt, each in one way at least where it can be:
    a clause from another sentence, the tail after a join word from another sentence, an
    opening phrase (not in a headline)."""
    out = []
    for sentence in split_sentences(paragraph):
        ways = [_swap_clause, _swap_tail] + ([] if headline else [_open])
        rng.shuffle(ways)
        changed = False
        for way in ways:
            if changed and rng.random() >= MORE_WAYS:
                continue
            new = way(sentence, pool, rng, surnames)
            changed = changed or new != sentence
            sentence = new
        out.append(sentence)
    return " ".join(out)


def _swap_clause(sentence: str, pool: Pool, rng: random.Random, surnames: frozenset) -> str:
    clauses = _CLAUSE.split(sentence)
    if len(clauses) < 2 or not pool.clauses:
        return sentence
    i = rng.randrange(1, len(clauses))
    clause = rng.choice(pool.clauses)
    ending = clauses[i][-1] if clauses[i][-1:] in ";,." else ""  # the sentence's own stop
    clauses[i] = clause.rstrip(";,.") + ending if ending else clause
    return " ".join(clauses)


def _swap_tail(sentence: str, pool: Pool, rng: random.Random, surnames: frozenset) -> str:
    joins = list(_joins(sentence))
    if not joins:
        return sentence
    join, tail = rng.choice(joins)
    others = pool.tails.get(join)
    if not others:
        return sentence
    stop = sentence[len(sentence.rstrip(".;…!? ")):]
    head = sentence[:len(sentence) - len(stop) - len(tail)]
    return head + rng.choice(others) + stop


def _open(sentence: str, pool: Pool, rng: random.Random, surnames: frozenset) -> str:
    if len(sentence.split()) < 6:
        return sentence
    first = sentence.split(" ", 1)[0]
    if not (first.isupper() or first in surnames or first.endswith(",")):
        sentence = sentence[:1].lower() + sentence[1:]
    opener = rng.choice(OPENERS).format(year=rng.randint(2015, 2025), n=rng.randint(2, 11),
                                        event=rng.choice(EVENTS))
    return opener + sentence


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    id: str
    on_topic: bool
    html: bool
    long: bool
    text: str
    """The story as text: the page's text, or what the HTML template wraps."""
    record: dict
    """The JSONL record: ``id`` with ``text``, or ``html`` and ``url``; maybe ``published``."""
    head: int = 1
    """Lines of ``text`` before the body: the headline, a stamp line, the lead."""
    end: int = 0
    """Lines of ``text`` up to the end of the story (a box of teasers may follow)."""
    stories: int = 1
    """Stories on the page: ``LONG_FACTOR`` for a long listing page."""


class Stream:
    """Pages of the benchmark's stream (see the module docstring)."""

    def __init__(self, shared: Path, seed: int | str = SEED, *, offtopic_share: float = OFFTOPIC_SHARE,
                 html_share: float = HTML_SHARE, long_every: int = LONG_EVERY, prefix: str = "bench"):
        self.on, self.off = load_pools(shared)
        self.vocab = load_vocabulary()
        self.seed, self.prefix = seed, prefix
        self.offtopic_share, self.html_share, self.long_every = offtopic_share, html_share, long_every

    def pages(self, n: int) -> Iterator[Page]:
        """The first ``n`` pages; a page whose text another already has is drawn again."""
        seen: set[bytes] = set()
        for i in range(n):
            for attempt in range(100):
                page = self.page(i, attempt)
                digest = hashlib.blake2b(page.text.encode(), digest_size=16).digest()
                if digest not in seen:
                    seen.add(digest)
                    break
            else:
                raise RuntimeError(f"stream: page {i} repeats another page 100 times")
            yield page

    def page(self, i: int, attempt: int = 0) -> Page:
        rng = random.Random(f"{self.seed}:{i}:{attempt}")
        on_topic = rng.random() >= self.offtopic_share
        html = rng.random() < self.html_share
        # long pages at a fixed stride (offset by the seed), so that a prefix holds its share
        long = self.long_every > 0 and (i + len(str(self.seed))) % self.long_every == self.long_every - 1
        # every other long page a listing (a tag or category page: stories one after the other)
        listing = long and (i // self.long_every) % 2 == 1
        pool = self.on if on_topic else self.off
        variation = Variation(rng, self.vocab)
        if listing:
            head, end, lines = self._lines(pool, rng, rng.choice(pool.lengths))
            box = lines[end:]
            lines = lines[:end]
            for _ in range(LONG_FACTOR - 1):
                _, more_end, more = self._lines(pool, rng, rng.choice(pool.lengths))
                lines += more[:more_end]
            end = len(lines)
            lines += box
        else:
            target = LONG_FACTOR * pool.median if long else rng.choice(pool.lengths)
            head, end, lines = self._lines(pool, rng, target)
        lines = [variation.apply(line) for line in lines]
        text = "\n".join(lines)
        page_id = f"{self.prefix}_{i + 1:05d}"
        published = f"{rng.randint(2016, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        outlet = rng.choice(self.vocab.outlets)
        url = f"https://{outlet[1]}/{_slug(lines[0])[:80]}-{i + 1}.html"
        if html:
            teasers = [self._teaser(rng, variation) for _ in range(rng.randint(3, 6))]
            most_read = [self._teaser(rng, variation)[0] for _ in range(10)]
            record = {"id": page_id, "html": render_html(lines, rng, outlet, url, published,
                                                         teasers, most_read), "url": url}
        else:
            record = {"id": page_id, "text": text}
            if rng.random() < 0.5:
                record["url"] = url
            if rng.random() < 0.3:
                record["published"] = published
        return Page(page_id, on_topic, html, long, text, record, head, end,
                    LONG_FACTOR if listing else 1)

    def _lines(self, pool: Pool, rng: random.Random, target: int) -> tuple[int, int, list[str]]:
        """(head, end, lines): a base text's title and lead (the first ``head`` lines), its
        story (up to ``end``) with half the paragraphs replaced by other texts' and others
        added up to ``target`` characters, then its box of teasers if it has one (where the
        cleaner ends the story: what is added goes before it)."""
        k = rng.randrange(len(pool.texts))
        base, base_end = pool.texts[k], pool.ends[k]
        head = _head(base, base_end)
        story, box = list(base[:head]), base[base_end:]
        for line in base[head:base_end]:
            if len(line.split()) >= 8 and rng.random() < REPLACE_PARAGRAPH:
                line = rng.choice(pool.paragraphs)
            story.append(line)
        size = sum(len(line) + 1 for line in story + box)
        while size < target * 0.9 and pool.paragraphs:
            line = rng.choice(pool.paragraphs)
            story.insert(rng.randint(head, len(story)), line)
            size += len(line) + 1
        while size > target * 1.25 and len(story) > head + 1:
            size -= len(story.pop()) + 1  # trim a long base to the drawn length
        surnames = frozenset(self.vocab.surnames)
        lines = ([_recombine(line, pool, rng, surnames, headline=True) for line in story[:head]]
                 + [_recombine(line, pool, rng, surnames) for line in story[head:] + box])
        return head, len(story), lines

    def _teaser(self, rng: random.Random, variation: Variation) -> tuple[str, str]:
        """(headline, lead) of another text, as the related-articles box shows them."""
        text = rng.choice(rng.choice((self.on, self.off)).texts)
        lead = next((line for line in text[1:] if len(line.split()) >= 12), text[0])
        return variation.apply(text[0][:160]), variation.apply(lead[:240])


# --------------------------------------------------------------------------- HTML


_MENU = ("Trang chủ", "Thời sự", "Chính trị", "Xây dựng Đảng", "Kinh tế", "Xã hội", "Văn hóa",
         "Thể thao", "Pháp luật", "Quốc phòng - An ninh", "Giáo dục", "Y tế", "Nông nghiệp",
         "Nông thôn mới", "Mặt trận - Đoàn thể", "Địa phương", "Quốc tế", "Ảnh", "Video",
         "Podcast", "Emagazine", "Bạn đọc", "Du lịch", "Khoa học - Công nghệ", "Chuyển đổi số")


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "tin"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _script(rng: random.Random) -> str:
    """Inline scripts of the kind news sites carry (tag manager, ads, counters), ~3-6 KB."""
    ids = [rng.randrange(10**6, 10**7) for _ in range(rng.randint(40, 90))]
    zones = ",".join(f'{{"zone":{z},"size":[{rng.choice((300, 728, 970))},{rng.choice((90, 250, 600))}]}}'
                     for z in ids)
    return (
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),"
        f"dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='/gtm.js?id='+i+dl;"
        f"f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer','GTM-{ids[0]}');\n"
        f"var adsConfig={{\"site\":{ids[1]},\"zones\":[{zones}]}};\n"
        "document.addEventListener('DOMContentLoaded',function(){for(var i=0;i<adsConfig.zones.length;"
        "i++){var z=adsConfig.zones[i];var el=document.getElementById('ad-'+z.zone);if(el){"
        "el.style.minHeight=z.size[1]+'px';}}});"
    )


def render_html(lines: list[str], rng: random.Random, outlet: tuple[str, str, str], url: str,
                published: str, teasers: list[tuple[str, str]], most_read: list[str]) -> str:
    """A provincial paper's article page around the story's lines (first line: headline)."""
    site, domain, province = outlet
    title, body = lines[0], lines[1:]
    if len(title.split()) > 30:  # an excerpt that starts with its lead: a headline from it
        title, body = " ".join(split_sentences(title)[0].split()[:25]).rstrip(",;:."), lines
    hour, minute = rng.randint(6, 21), rng.randint(0, 59)
    y, m, d = published.split("-")
    stamp = f"{hour:02d}:{minute:02d} {d}/{m}/{y}"
    iso = f"{published}T{hour:02d}:{minute:02d}:00+07:00"
    where = rng.randrange(4)  # where the page states its date, if it does
    head = [f'<meta charset="utf-8"><title>{_esc(title)} | {_esc(site)}</title>',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta property="og:title" content="{_esc(title)}">',
            f'<meta property="og:url" content="{_esc(url)}"><meta property="og:site_name" content="{_esc(site)}">',
            f'<link rel="stylesheet" href="/css/main.{rng.randrange(16**8):08x}.css">',
            f"<script>{_script(rng)}</script>"]
    if where == 0:
        head.append(f'<meta property="article:published_time" content="{iso}">')
    elif where == 1:
        head.append('<script type="application/ld+json">' + json.dumps(
            {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
             "datePublished": iso, "publisher": {"@type": "Organization", "name": site}},
            ensure_ascii=False) + "</script>")
    menu = "".join(f'<li><a href="/{_slug(item)}">{_esc(item)}</a></li>' for item in _MENU)
    section = rng.choice(_MENU[1:16])
    paragraphs = []
    for k, line in enumerate(body):
        paragraphs.append(f"<p>{_esc(line)}</p>")
        if k == 1:
            paragraphs.append(f'<figure class="image"><img src="/media/{rng.randrange(10**9)}.jpg" '
                              f'alt=""><figcaption>{_esc(line[:90])}. Ảnh: PV</figcaption></figure>'
                              f'<div id="ad-{rng.randrange(10**6)}" class="ad-inline"></div>')
    related = "".join(
        f'<li><a href="/{_slug(h)[:60]}-{rng.randrange(10**5)}.html">{_esc(h)}</a>'
        f'<p class="sapo">{_esc(s)}</p></li>' for h, s in teasers)
    popular = "".join(f'<li><a href="/{_slug(h)[:60]}.html">{_esc(h)}</a></li>' for h in most_read)
    timestamp = (f'<time datetime="{iso}">{stamp}</time>' if where == 2 else
                 f"<span class=\"date\">{stamp}</span>" if where == 1 else "")
    return "\n".join([
        '<!DOCTYPE html>', '<html lang="vi"><head>', *head, "</head>", "<body>",
        f'<div class="topbar">Thứ {rng.randint(2, 7)}, {d}/{m}/{y} | Đăng nhập | Đăng ký | RSS</div>',
        f'<header><a class="logo" href="/">{_esc(site)}</a><nav><ul>{menu}</ul></nav>'
        '<form class="search" action="/tim-kiem"><input name="q" placeholder="Tìm kiếm..."></form></header>',
        f'<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/{_slug(section)}">{_esc(section)}</a></div>',
        "<main><article>", f"<h1>{_esc(title)}</h1>", f'<div class="meta">{timestamp}</div>',
        *paragraphs,
        f'<p class="author"><strong>{rng.choice(("PV", "Thanh Tâm", "Minh Hải", "Hoàng Anh"))}</strong></p>',
        '<div class="share">Chia sẻ: <a href="#">Facebook</a> <a href="#">Zalo</a> <a href="#">In bài</a></div>',
        "</article>",
        f'<aside><h3>Tin liên quan</h3><ul class="related">{related}</ul>'
        f'<h3>Đọc nhiều</h3><ol class="popular">{popular}</ol></aside></main>',
        f'<footer><p>{_esc(site)} - Cơ quan của Đảng bộ tỉnh {_esc(province)}</p>'
        f"<p>Giấy phép số {rng.randrange(100, 999)}/GP-BTTTT</p>"
        f"<p>Thống kê truy cập: {rng.randrange(10**6, 10**8):,}</p><p>Bản quyền thuộc về {_esc(site)}.</p></footer>",
        f'<script src="/js/vendor.{rng.randrange(16**8):08x}.js"></script>',
        f"<script>{_script(rng)}</script>", "</body></html>",
    ])


# --------------------------------------------------------------------------- files


@dataclass
class Stats:
    """What a written stream holds."""

    articles: int = 0
    on_topic: int = 0
    html: int = 0
    long: int = 0
    listing: int = 0
    chars: int = 0
    sentences: int = 0
    distinct_sentences: int = 0
    sentence_chars: int = 0
    distinct_sentence_chars: int = 0
    distinct_texts: int = 0
    bytes: int = 0
    _seen: set = field(default_factory=set, repr=False)
    _texts: set = field(default_factory=set, repr=False)

    def add(self, page: Page) -> None:
        self.articles += 1
        self.on_topic += page.on_topic
        self.html += page.html
        self.long += page.long
        self.listing += page.stories > 1
        self.chars += len(page.text)
        self._texts.add(hashlib.blake2b(page.text.encode(), digest_size=16).digest())
        for line in page.text.split("\n"):
            for sentence in split_sentences(line):
                self.sentences += 1
                self.sentence_chars += len(sentence)
                digest = hashlib.blake2b(sentence.encode(), digest_size=12).digest()
                if digest not in self._seen:
                    self._seen.add(digest)
                    self.distinct_sentences += 1
                    self.distinct_sentence_chars += len(sentence)

    def as_dict(self) -> dict:
        self.distinct_texts = len(self._texts)
        n = self.articles or 1
        return {
            "articles": self.articles,
            "off_topic_share": (self.articles - self.on_topic) / n,
            "html_share": self.html / n,
            "long_pages": self.long,
            "listing_pages": self.listing,
            "long_factor": LONG_FACTOR,
            "story_chars": self.chars,
            "sentences": self.sentences,
            "distinct_sentences": self.distinct_sentences,
            "distinct_sentence_share": self.distinct_sentences / (self.sentences or 1),
            "distinct_sentence_chars_share": self.distinct_sentence_chars / (self.sentence_chars or 1),
            "distinct_texts": self.distinct_texts,
            "jsonl_mb": self.bytes / 2**20,
        }


def write_jsonl(pages: Iterable[Page], path: Path) -> dict:
    """Write the pages' records to ``path``; returns the stream's statistics."""
    stats = Stats()
    with path.open("w", encoding="utf-8") as out:
        for page in pages:
            line = json.dumps(page.record, ensure_ascii=False) + "\n"
            out.write(line)
            stats.bytes += len(line.encode())
            stats.add(page)
    return stats.as_dict()


def scaled_pages(shared: Path, base: int = 256, scales: Iterable[int] = (1, 16, 256),
                 seed: int | str = "cost", listing: bool = False) -> dict[int, list[dict]]:
    """For the cost per character: ``base`` on-topic text pages of normal length, and the
    same pages joined ``k`` at a time into pages ``k`` times as long: the same text at every
    scale. ``base`` must be a multiple of every scale.

    A long page is one story (the first page's headline and story, the others' story
    paragraphs, then the first page's teasers), or with ``listing`` a listing page (each
    page's headline, lead and story one after the other, then the first page's teasers: the
    pipeline splits it into ``k`` stories and reads the first)."""
    stream = Stream(shared, seed, offtopic_share=0.0, html_share=0.0, long_every=0, prefix="cost")
    pages = list(stream.pages(base))
    out = {}
    for k in scales:
        if k < 1 or base % k:
            raise ValueError(f"scale {k} does not divide the {base} base pages")
        records = []
        for n, start in enumerate(range(0, base, k), 1):
            group = pages[start:start + k]
            first = group[0].text.split("\n")
            lines = first[:group[0].end]
            for page in group[1:]:
                page_lines = page.text.split("\n")
                if listing:
                    lines += page_lines[:page.end]
                else:  # their paragraphs: no headline-like line or lead
                    lines += [line for line in page_lines[page.head:page.end] if is_body(line)]
            lines += first[group[0].end:]  # the first page's teasers, if any, at the end
            kind = "listing" if listing else "story"
            records.append({"id": f"cost_{kind}_{k}x_{n:04d}", "text": "\n".join(lines)})
        out[k] = records
    return out


def describe(stats: dict) -> str:
    return (f"stream: {stats['articles']} articles ({stats['off_topic_share']:.1%} off-topic, "
            f"{stats['html_share']:.1%} HTML, {stats['long_pages']} pages {stats['long_factor']}× "
            f"long, {stats.get('listing_pages', 0)} of them listings), {stats['distinct_sentence_share']:.1%} of {stats['sentences']} sentences "
            f"distinct ({stats['distinct_sentence_chars_share']:.1%} of their characters), "
            f"{stats['distinct_texts']} distinct texts, {stats['jsonl_mb']:.1f} MB JSONL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.stream", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", default=str(SEED))
    parser.add_argument("--out", required=True, help="the JSONL file to write")
    args = parser.parse_args(argv)
    stream = Stream(Path(args.shared), args.seed)
    stats = write_jsonl(stream.pages(args.articles), Path(args.out))
    print(describe(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
