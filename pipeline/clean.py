"""Separate the story from the page's chrome.

``clean_story`` turns a ``RawArticle`` into a ``Story``: the story as plain text, one paragraph
per line, with the title line and any dateline near the top kept (later stages read the
publication date and the outlet from them), and without the site's menus, counters,
share/print widgets, banner slogans and the related-article teasers that follow the story.

HTML goes through ``page.read_html`` first (trafilatura's main text, the page's stated
metadata); its output, like every plain text, then goes through the same line rules. The rules are data, in ``rules/chrome.json``
(its source is in ``models/README.md``): a new widget label is a line there, not a code change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from . import rules as rule_files
from .ingest import RawArticle, normalize_text
from .page import read_html
from .text import nfc

_DIGIT = re.compile(r"\d")
_ASCII_LOWER = b"abcdefghijklmnopqrstuvwxyz"
_CRAWLER_DATE = re.compile(r"^date\s+\d{4}-\d{2}(-\d{2})?\b")
_DATE_OR_TIME = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}([/.\-]\d{2,4})?\b|\b\d{1,2}:\d{2}\b")


@dataclass(frozen=True)
class Story:
    """The cleaned story of one article and what is known about it."""

    id: str
    text: str
    title: str | None
    url: str | None
    published: str | None
    source_hint: str | None
    path: str
    removed: tuple[str, ...] = ()
    """Kinds of material removed, in the order first met: "boilerplate" (trafilatura's cut of
    an HTML page), "chrome", "banner", "menu", "teasers"."""


@dataclass(frozen=True)
class ChromeRules:
    """``rules/chrome.json``, compiled."""

    teaser_markers: frozenset[str]
    longest_teaser_marker: int
    chrome_line: re.Pattern[str]  # the chrome lines' patterns as one alternation
    banner_min_words: int
    banner_min_upper_share: float
    menu_max_words: int
    menu_min_run: int
    menu_sentence_punctuation: str
    story_min_words: int
    photo_credit: re.Pattern[str]

    def is_teaser_marker(self, line: str) -> bool:
        key = line.strip().rstrip(":").strip()
        # casefold never shortens a string: a line longer than every marker is none of them
        # (most lines, not casefolded)
        return len(key) <= self.longest_teaser_marker and key.casefold() in self.teaser_markers

    def is_chrome(self, line: str) -> bool:
        stripped = line.strip()
        return self.chrome_line.fullmatch(stripped) is not None

    def is_banner(self, line: str) -> bool:
        words = line.split(maxsplit=self.banner_min_words - 1)  # enough to count to the least
        if len(words) < self.banner_min_words:
            return False
        # More a-z than this and its letters are too few upper case: a sentence, at once (most
        # lines, tested first). a-z counted in C: the ASCII part less itself without a-z.
        ascii_part = line.encode("ascii", "ignore")
        ascii_lower = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LOWER))
        if ascii_lower > 2 * (1 - self.banner_min_upper_share) * len(line):
            return False
        if _DIGIT.search(line) and _DATE_OR_TIME.search(line):
            return False  # a byline in capitals with its timestamp is no slogan
        letters = "".join(filter(str.isalpha, line))
        if not letters:
            return False
        upper = sum(map(str.isupper, letters))
        return upper / len(letters) >= self.banner_min_upper_share

    def is_menu_like(self, line: str) -> bool:
        stripped = line.strip()
        return (
            0 < len(stripped.split()) <= self.menu_max_words
            and not any(ch in self.menu_sentence_punctuation for ch in stripped)
            and not _DIGIT.search(stripped)
        )

    def is_story_text(self, line: str) -> bool:
        """A paragraph of the story: enough words, ending as a sentence ends (a headline
        or a byline above a "Tin liên quan" box is not yet the story)."""
        stripped = line.rstrip()
        return len(line.split()) >= self.story_min_words and (
            stripped.endswith((".", "!", "?", "…", "”", '"', ")")) or len(line.split()) >= 30)


def load_chrome_rules(chrome: rule_files.Chrome | None = None) -> ChromeRules:
    """The chrome rules compiled (by default ``rules/chrome.json``, compiled once)."""
    return _compile(chrome) if chrome is not None else _default_rules()


@lru_cache(maxsize=1)
def _default_rules() -> ChromeRules:
    return _compile(rule_files.Rules.default().chrome)


def _compile(data: rule_files.Chrome) -> ChromeRules:
    markers = frozenset(nfc(m).strip().rstrip(":").strip().casefold() for m in data.teaser_markers)
    return ChromeRules(
        teaser_markers=markers,
        longest_teaser_marker=max(map(len, markers), default=0),
        # A full match of the alternation is a full match of one of them (sre backtracks
        # into the next branch), in one call.
        chrome_line=re.compile("|".join(f"(?:{nfc(p)})" for p in data.chrome_lines), re.IGNORECASE),
        banner_min_words=data.banner.min_words,
        banner_min_upper_share=data.banner.min_upper_share,
        menu_max_words=data.menu.max_words,
        menu_min_run=data.menu.min_run,
        menu_sentence_punctuation=data.menu.sentence_punctuation,
        story_min_words=data.story_min_words,
        photo_credit=re.compile(rf"\(?\b{re.escape(data.photo_credit)}\s*:", re.IGNORECASE),
    )


# --------------------------------------------------------------------------- the story


def clean_story(raw: RawArticle) -> Story:
    """The story of ``raw`` without the page's chrome; never raises on odd input."""
    rules = load_chrome_rules()
    removed: list[str] = []
    title = published = source_hint = None
    url = raw.url

    text = ""
    if raw.html:
        page = read_html(raw.html, raw.url)
        text = page.text
        if text:
            removed.append("boilerplate")
        title, url, source_hint, published = page.title, url or page.url, page.sitename, page.published
    if not text.strip() and raw.text:
        text = raw.text
    text = normalize_text(text)

    cleaned = clean_text(text, rules, removed)
    if not cleaned and text.strip():
        # Everything looked like chrome: better the uncleaned page than no story at all.
        cleaned = _tidy_lines(text.split("\n"))
        removed.clear()

    if title:
        # The page's title only when it reads as a headline, as for a plain text's first
        # line: not a section name ("Tin tức"), a date line or a banner slogan.
        title = guess_title(_one_line(title))
        title = None if title and rules.is_banner(title) else title
    if title:
        if not _near_top(title, cleaned):
            cleaned = f"{title}\n{cleaned}" if cleaned else title
    else:
        title = guess_title(cleaned)

    if not source_hint and url:
        source_hint = urlsplit(url).hostname or None

    return Story(
        id=raw.id,
        text=cleaned,
        title=title,
        url=url,
        published=raw.published or published,
        source_hint=source_hint,
        path=raw.path,
        removed=tuple(removed),
    )


def clean_text(text: str, rules: ChromeRules | None = None, removed: list[str] | None = None) -> str:
    """Apply the line rules to a plain text; append the kinds removed to ``removed``."""
    rules = rules or load_chrome_rules()
    removed = removed if removed is not None else []

    def note(kind: str) -> None:
        if kind not in removed:
            removed.append(kind)

    lines = [line.rstrip() for line in normalize_text(text).split("\n")]

    # 1. Chrome and banner lines, wherever they stand.
    kept: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if rules.is_teaser_marker(line):
            kept.append(line)
        elif rules.is_chrome(line):
            note("chrome")
        elif rules.is_banner(line):
            note("banner")
        else:
            kept.append(line)

    # 2. A site menu: a run of short menu-like lines at the very top, before the title.
    run = 0
    while run < len(kept) and rules.is_menu_like(kept[run]):
        run += 1
    if run >= rules.menu_min_run and run < len(kept):
        kept = kept[run:]
        note("menu")

    # 3. Related-article teasers: from the first marker after some story text to the end.
    story: list[str] = []
    seen_story = False
    for line in kept:
        if rules.is_teaser_marker(line):
            if seen_story:
                note("teasers")
                break
            note("chrome")
            continue
        story.append(line)
        seen_story = seen_story or rules.is_story_text(line)

    return _tidy_lines(_join_wrapped(story))


def guess_title(text: str) -> str | None:
    """The headline of a plain-text story: the first line near the top that reads like one.

    Section names ("Chính trị"), datelines and photo captions above the headline are passed
    over; a crawler's ``date YYYY-MM[-DD]`` prefix is looked behind. When the page starts with
    the lead paragraph (a long line ending in a full stop) there is no headline: ``None``.
    """
    caption = load_chrome_rules().photo_credit
    for line in text.split("\n")[:4]:
        line = line.strip()
        meta = _CRAWLER_DATE.match(line)
        if meta:
            line = line[meta.end():].strip()
        words = line.split()
        if len(words) < 3:
            continue
        if len(words) <= 12 and (_DATE_OR_TIME.search(line) or _DIGIT.match(line)):
            continue
        if caption.search(line):
            continue
        if len(words) > 40 or (line.endswith(".") and not line.endswith("..")):
            return None
        return line
    return None


# --------------------------------------------------------------------------- helpers


def _join_wrapped(lines: list[str]) -> list[str]:
    """Hard-wrapped lines joined: a line of some length that does not end a sentence,
    followed by one that starts in lower case, is the same paragraph ("Dự hội nghị có ông
    A - Phó Trưởng ban / đại diện Hội người cao tuổi ..."). A section label ("Tin tức") or
    a crawler's ``date`` line is not wrapped text."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (out and stripped[:1].islower() and not _CRAWLER_DATE.match(stripped)
                and len(out[-1].split()) >= 6
                and not out[-1].rstrip().endswith((".", "!", "?", ":", ";", "…"))):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(line)
    return out


def _tidy_lines(lines: list[str]) -> str:
    """Trailing spaces off, blank lines out: paragraphs separated by a single "\\n"."""
    return "\n".join(line.rstrip() for line in lines if line.strip())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _near_top(title: str, text: str, lines: int = 4) -> bool:
    key = title.casefold()
    return any(key in _one_line(line).casefold() for line in text.split("\n")[:lines])
