"""Officials: who took part in the meeting, with their titles as printed and their role.

A person is a run of capitalised syllables that starts with a known surname, and counts
as an official only when the text ties a title or an honorific to it: "Title Name",
"đồng chí Name, Title, Title", "Name - Title", "các đồng chí: Name, Title; Name, Title",
"các Ủy viên Ban Thường vụ: Name-Title; ...", "Name được bầu giữ chức Title". A byline
or a photo credit has neither, so it never becomes one. Title words, surnames, honorifics
and role verbs are data (``rules/officials.json``, ``rules/names.json``); titles are matched
with the tone-mark placement folded (Uỷ viên = Ủy viên).

Assigns ``officials`` and the spans ``official`` (each mention of a name) and ``title``
(each title printed with it), both pointing to the official's index.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ..gazetteer import district_at_start, find_provinces
from ..nlp import Doc, Sentence
from ..rules import Rules
from ..schema import ROLE_ORDER, Official
from ..text import (B, E, alternation, caseless, caseless_literals, caseless_regex, fold, fold_in_place,
                    literal_trie, word_start)
from .common import evidence
from .component import Component

WORD = re.compile(r"\w[\w’'&]*")
# WORD's matches whose first letter is upper case, found in C: a run of ``[\w’'&]`` holds
# one match of WORD, from its first letter on. The class lists the upper-case letters of
# the first plane; a letter beyond it is checked in Python (``capitalised_words``). The
# pattern starts with a class of every first character (then, after it, that no word
# character was before it), so that sre skips in C to where one is.
_UPPER = "".join(re.escape(c) for c in map(chr, range(0x10000)) if c.isupper() and re.match(r"\w", c))
CAPITALISED = re.compile(rf"[’'&{_UPPER}\U00010000-\U0010FFFF](?<![\w’'&][\s\S])"
                         rf"(?:(?<=[’'&])[’'&]*(?=\w)[{_UPPER}\U00010000-\U0010FFFF]|(?<=\w))[\w’'&]*")
# What makes capitalised_words look at a match again: a mark before its letter, a letter
# beyond the first plane.
_LEAD_OR_ASTRAL = re.compile("[’'&\U00010000-\U0010FFFF]")
# "và" joins two titles' words only before a capital ("Bộ Kế hoạch và Đầu tư"); before a
# lower-case word it ends the title ("Phó Trưởng Ban và lãnh đạo các vụ").
_AND = re.compile(r"\svà\s+(\w)")
_EMPTY = re.compile("")
# Module-level patterns of the title helpers, compiled once (each is called per name).
_CLAUSE_BREAK = re.compile(r"[;:]")
_IS_BEFORE_NAME = re.compile(r"\s+là\s+(?:ông|bà|đồng chí|đ/c)?\s*$")
_CAC = re.compile(r"(?:^|\s)các\s")
_AFTER_NAME = re.compile(r"\s*(?:,|\(|[-–—])\s*")
_TITLE_BREAK = re.compile(r",|\s[-–—]\s")
_HYPHEN_IN_WORD = re.compile(r"(?<=\w)[-–]")
_SPACES = re.compile(r"\s+")


def attend_pattern(roles) -> str:
    """The attendance verbs as whole words, longest first, then the attendance patterns; a
    verb is not one after the words ``attend_not_after`` gives it, nor before those of
    ``attend_not_before``. Grouped by first letter, each group from its letter (the tests
    of what precedes the verb come after it), so that sre skips to where one can start: two
    branches of different first letters never match at one place, so a group keeps only
    its own branches' order. (A pattern that starts otherwise than with a letter leaves
    the whole as one alternation after ``B``.)"""
    branches = [(w, "".join(rf"(?<!{re.escape(before)} {re.escape(w[0])})"
                            for before in roles.attend_not_after.get(w, []))
                 + re.escape(w[1:])
                 + (rf"(?!\s+(?:{alternation(roles.attend_not_before[w])}))" if w in roles.attend_not_before else ""))
                for w in sorted(set(roles.attend), key=lambda w: (-len(w), w))]
    branches += [(p, p[1:]) for p in roles.attend_patterns]
    if not all(w[:1].isalpha() for w, _ in branches):
        plain = [re.escape(w[0]) + rest if w in roles.attend else w for w, rest in branches]
        return rf"{B}(?:{'|'.join(plain)}){E}"
    by_first: dict[str, list[str]] = {}
    for w, rest in branches:
        by_first.setdefault(w[0], []).append(rest)
    return "(?:" + "|".join(f"{word_start(c)}(?:{'|'.join(rests)})" for c, rests in by_first.items()) + f"){E}"


def capitalised_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of WORD's matches in ``text`` whose first letter is upper case."""
    if _LEAD_OR_ASTRAL.search(text) is None:  # the usual text: every match is one, as found
        return [(m.start(), m.end(), m.group()) for m in CAPITALISED.finditer(text)]
    out = []
    for m in CAPITALISED.finditer(text):
        start, word = m.start(), m.group()
        if word[0] in "’'&":
            lead = len(word) - len(word.lstrip("’'&"))
            start, word = start + lead, word[lead:]
        if word[0] <= "\uffff" or word[0].isupper():
            out.append((start, m.end(), word))
    return out


@dataclass
class Mention:
    name: str
    start: int
    end: int
    sentence: Sentence
    titles: list[str] = field(default_factory=list)
    honorific: bool = False
    title_spans: list[tuple[str, int, int]] = field(default_factory=list)


class Officials:
    """The officials finder of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.officials
        roles = r.roles
        self.surnames = {fold(s) for s in rules.names.surnames}
        self.name_middles = set(r.name_middles)
        self.not_names = tuple(fold(s) for s in r.not_names)
        # Searched in folded text (lower case, one tone placement); offsets are the original's.
        prefix = rf"(?:(?:{alternation(r.title_prefixes, folded=True)})\s+)?"
        self.title_head = re.compile(rf"{B}{prefix}(?:{literal_trie(map(fold, r.title_heads))}){E}")
        self.honorific = re.compile(rf"(?<![\w/])(?:{alternation(r.honorifics, folded=True)})\s*$")
        self.stop_words = re.compile(rf"\s(?:{literal_trie(map(fold, r.title_stops))}){E}")
        # "Chủ tịch danh dự", "Ủy viên dự khuyết": a stop word inside these ends nothing.
        self.stop_exceptions = re.compile(rf"(?:{alternation(r.title_stop_exceptions, folded=True)}){E}")
        self.appointed = re.compile(
            rf"^\s*(?:(?:được\s+)?(?:{alternation(r.appointed.verbs)})\s+)?(?:{alternation(r.appointed.posts)})\s+")
        self.place_before = re.compile(rf"(?:{alternation(r.place_before_name, folded=True)})\s+$")
        lead_in = [alternation(r.lead_in.words, folded=True), *r.lead_in.patterns]
        self.lead_in = re.compile(rf"^(?:(?:{'|'.join(lead_in)})\s*)*$")
        self.lead_end = re.compile(rf"(?:^|\s)(?:{alternation(r.lead_end, folded=True)})\s*$")
        # The role verbs are searched in the caseless masked sentence (``_verbs``).
        self.chair = caseless_literals(roles.chair)
        self.chair_before = re.compile(rf"(?:{alternation(roles.chair_before)})\s+$", re.I)
        self.chair_list = caseless_regex("|".join(roles.chair_list_patterns))
        self.leads = caseless_literals(roles.leads)
        self.attend = caseless_regex(attend_pattern(roles))
        self.speak = caseless_literals(roles.speak)

    # -- the component ----------------------------------------------------------------------

    def __call__(self, doc: Doc) -> None:
        found, mentions = self.officials(doc)
        index = {fold(o.name): i for i, o in enumerate(found)}
        for m in mentions:
            i = index[fold(m.name)]
            doc.add_span("official", m.start, m.end, found[i].name, i)
            for title, start, end in m.title_spans:
                doc.add_span("title", start, end, title, i)
        doc.facts["officials"] = found

    def officials(self, doc: Doc) -> tuple[list[Official], list[Mention]]:
        """The officials, with the roles their sentences give them, and the mentions of
        their names. (Who chairs when nobody is said to is the convener component's.)"""
        by_sentence = []
        for s in doc.sentences:
            names = self.name_spans(s.text)  # once: the mentions' and the role verbs'
            by_sentence.append((s, names, self._mentions(s, names)))
        mentions = [m for _, _, found in by_sentence for m in found]
        verbs = {s.index: self._verbs(caseless(_masked(s, found)), names) for s, names, found in by_sentence if found}
        known = {fold(m.name) for m in mentions if m.titles or m.honorific}
        by_name: dict[str, Official] = {}
        for m in mentions:
            key = fold(m.name)
            if key not in known:
                continue
            role = self._role(m, verbs[m.sentence.index])
            current = by_name.get(key)
            if current is None:
                by_name[key] = Official(
                    name=m.name, titles=m.titles, role=role, evidence=evidence(doc, m.start, m.end)
                )
                continue
            current.titles = merge_titles(current.titles, m.titles)
            if ROLE_ORDER[role] < ROLE_ORDER[current.role]:
                current.role = role
        result = list(by_name.values())
        kept = [m for m in mentions if fold(m.name) in known]
        return result, kept

    # -- finding names --------------------------------------------------------------------

    def name_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of personal names: 2-4 capitalised syllables starting with a surname,
        not a place ("Hà Nội", "Lâm Đồng") nor a body ("Việt Nam", "Đoàn Kiểm tra")."""
        # Only the capitalised words: a lower-case word between two of them is in the gap,
        # which then is not blank and ends the run.
        words = capitalised_words(text)
        spans, i = [], 0
        while i < len(words):
            j = i + 1
            while j < len(words) and text[words[j - 1][1]: words[j][0]].isspace():
                j += 1
            if j - i >= 2:  # a name has two words at least
                spans.extend(self._names_in_run(text, words[i:j]))
            i = j
        return spans

    def _names_in_run(self, text, run) -> list[tuple[int, int]]:
        # A name never starts inside a place name ("Tỉnh ủy Kiên Giang Mai Văn Huỳnh"), nor
        # inside a district's name printed after its administrative word ("Huyện ủy Đồng Phú").
        # No name without two words one of which a surname can start (most runs: one word).
        starts = [k for k in range(len(run) - 1)
                  if fold(run[k][2]) in self.surnames or run[k + 1][2] in self.name_middles]
        if not starts:
            return []
        base = run[0][0]
        places = [(base + p.start, base + p.end) for p in find_provinces(text[base: run[-1][1]])]
        if self.place_before.search(fold_in_place(text[max(0, base - 20): base])):
            d = district_at_start(text[base: run[-1][1]], require_prefix=False)
            places += [(base + d.start, base + d.end)] if d else []
        spans, k = [], 0
        while k < len(run):
            word = run[k][2]
            if any(a <= run[k][0] < b for a, b in places):
                k += 1
                continue
            surname = fold(word) in self.surnames or k + 1 < len(run) and run[k + 1][2] in self.name_middles
            if surname and not word.isupper() and len(run) - k >= 2:
                if fold(text[run[k][0]: run[-1][1] + 12]).startswith(self.not_names):
                    k += 1
                    continue
                end = min(len(run), k + 4)
                # A title word right after a name ends it ("Châu Ngọc Hồng Bí thư Đảng ủy").
                for j in range(k + 2, end):
                    if self.title_head.match(fold_in_place(text[run[j][0]: run[j][0] + 60])):
                        end = j
                        break
                # Acronyms ("UBND") never end a name.
                while end > k + 1 and run[end - 1][2].isupper() and len(run[end - 1][2]) > 1:
                    end -= 1
                if end - k >= 2:
                    spans.append((run[k][0], run[end - 1][1]))
                    k = end
                    continue
            k += 1
        return spans

    # -- titles around a name ------------------------------------------------------------

    def _head(self, segment: str, anchored: bool = False):
        folded = fold_in_place(segment)
        return self.title_head.match(folded) if anchored else self.title_head.search(folded)

    def _stop(self, title: str) -> int | None:
        """Where a title ends: the first stop word (tone-folded) or "và" before a lower-case word."""
        folded = self.stop_exceptions.sub(lambda m: "_" * len(m.group()), " " + fold_in_place(title))
        found = [m.start() for m in [self.stop_words.search(folded)] if m]
        found += [m.start() for m in _AND.finditer(" " + title) if m.group(1).islower()][:1]
        return min(found) if found else None

    def _mentions(self, sentence: Sentence, spans: list[tuple[int, int]]) -> list[Mention]:
        """The mentions of the names at ``spans`` (``name_spans`` of the sentence)."""
        text = sentence.text
        result = []
        for n, (start, end) in enumerate(spans):
            prev_end = spans[n - 1][1] if n else 0
            next_start = spans[n + 1][0] if n + 1 < len(spans) else len(text)
            before = text[prev_end:start]
            pre, honorific = self._titles_before(before)
            header, header_at = self._header_titles(text[:start], prev_end)
            post = self._titles_after(text[end:next_start], next_start < len(text))
            titles = merge_titles([], header + pre + post)
            located = ([(t, *_locate(text, t, header_at, start)) for t in header]
                       + [(t, *_locate(text, t, prev_end, start, last=True)) for t in pre]
                       + [(t, *_locate(text, t, end, next_start)) for t in post])
            title_spans = [(t, sentence.start + a, sentence.start + b)
                           for t, a, b in located if a is not None and t in titles]
            result.append(Mention(text[start:end], sentence.start + start, sentence.start + end, sentence,
                                  titles, honorific, title_spans))
        return result

    def _title_to_end(self, segment: str) -> tuple[str, str] | None:
        """(what precedes it, the title) when `segment` ends with a whole title: the first
        title word after which no verb or preposition ends the title."""
        folded = fold_in_place(segment)
        for head in self.title_head.finditer(folded):
            if self._stop(segment[head.start():]) is None:
                return fold(segment[: head.start()]), self._trim(segment[head.start():])
        return None

    def _titles_before(self, before: str) -> tuple[list[str], bool]:
        """Titles printed right before a name ("UVTV Tỉnh ủy, Trưởng ban Dân vận Tỉnh ủy X")."""
        chunk = _CLAUSE_BREAK.split(before)[-1]
        honorific = bool(self.honorific.search(fold_in_place(chunk.rstrip())))
        # "Phó Chủ tịch thường trực ... là bà Name": the title before "là"
        chunk = _IS_BEFORE_NAME.sub(" ", chunk)
        segments = _segments(chunk)
        titles: list[str] = []
        for k in range(len(segments) - 1, -1, -1):
            found = self._title_to_end(segments[k]) if segments[k] else None
            if not found or not found[1]:
                break
            lead, title = found
            if lead and not self.lead_in.match(lead):
                if k == len(segments) - 1 or self.lead_end.search(lead):
                    # "Phát biểu tại buổi làm việc, Chủ tịch UBND tỉnh X": the title starts at its head.
                    titles.insert(0, title)
                break
            titles.insert(0, title)
            if lead:
                break
        return titles, honorific

    def _header_titles(self, before: str, prev_end: int) -> tuple[list[str], int]:
        """A title list before a colon covers every name of the list after it:
        "các nguyên Ủy viên Bộ Chính trị, nguyên Chủ tịch Quốc hội: A, B, C",
        "Chín Phó chủ tịch Ủy ban MTTQ tỉnh, gồm: Ông A; bà B; ông C". Also where the
        header's text starts."""
        colon = before.rfind(":")
        if colon < 0:
            return [], 0
        header = before[:colon]
        # Only what follows the last name before the colon, from its last "các" on.
        last_name_end = max([e for _, e in self.name_spans(header)] or [0])
        at = last_name_end
        header = header[last_name_end:]
        cac = list(_CAC.finditer(header))
        if cac:
            at += cac[-1].end()
            header = header[cac[-1].end():]
        titles = []
        for seg in _segments(header):
            head = self._head(seg)
            if head and self.lead_in.match(fold(seg[: head.start()])):
                title = self._trim(seg[head.start():])
                if title:
                    titles.append(title)
        return titles, at

    def _titles_after(self, until_next: str, another_follows: bool) -> list[str]:
        """Titles printed after a name: ", Title, Title", " - Title", "(Title)",
        "được bầu giữ chức Title"."""
        appointed = self.appointed.match(until_next)
        if appointed:
            body = until_next[appointed.end():]
        else:
            m = _AFTER_NAME.match(until_next)
            if not m:
                return []
            body = until_next[m.end():]
        body = _CLAUSE_BREAK.split(body)[0]
        titles, skipped = [], False
        for seg in self._split_titles(body):
            seg = seg.strip().rstrip(")")
            if not self._head(seg, anchored=True):
                # One unknown segment (an abbreviation, a typo) between titles is skipped,
                # not the end of the list: "UVTVTU, Phó Chủ tịch UBND tỉnh".
                if not skipped and titles == [] and 0 < len(seg.split()) <= 3 and seg[:1].isupper():
                    skipped = True
                    continue
                break
            title = self._trim(seg)
            if title:
                titles.append(title)
            if self._stop(seg) is not None:
                break
        # A last segment right before the next name is that name's title, not this one's.
        if titles and another_follows and until_next.rstrip().endswith(titles[-1]):
            titles.pop()
        return titles

    def _split_titles(self, body: str) -> list[str]:
        """Split at commas and dashes; a hyphen inside a word ("Đài PT-TH") splits only where
        a title follows it ("Rah Lan Chung-Phó Bí thư Tỉnh ủy")."""
        parts = []
        for piece in _TITLE_BREAK.split(body):
            cuts = [0] + [m.end() for m in _HYPHEN_IN_WORD.finditer(piece)
                          if self._head(piece[m.end():].lstrip(), anchored=True)]
            parts += [piece[a:b].rstrip("-–") for a, b in zip(cuts, cuts[1:] + [len(piece)])]
        return parts

    def _trim(self, title: str) -> str:
        """Cut a title at the first verb or preposition that ends it ("... chủ trì hội nghị")."""
        stop = self._stop(title)
        if stop is not None:
            title = title[: max(0, stop)]
        title = _SPACES.sub(" ", title).strip(" ,.-–")
        if title.count("(") > title.count(")"):
            title = title[: title.rfind("(")].strip()
        return " ".join(title.split()[:16])

    # -- roles ---------------------------------------------------------------------------

    def _verbs(self, masked: str, names: list[tuple[int, int]]) -> "_Verbs":
        """The role verbs of one sentence, found once (``masked``: the sentence with its
        names and titles blanked, ``caseless``; ``names``: its name spans)."""
        leads = [v.start() for v in self.leads.finditer(masked)]
        attend = [(v.start(), v.end()) for v in self.attend.finditer(masked)]
        speak = [(v.start(), v.end()) for v in self.speak.finditer(masked)]
        return _Verbs(
            chair_list=bool(self.chair_list.search(masked)),
            attend=bool(attend),
            speak=bool(speak),
            chairs=[(v.start(), v.end()) for v in self.chair.finditer(masked)],
            others=sorted(attend + speak),
            leads=leads,
            names=[a for a, _ in names] if leads else [],
        )

    def _role(self, m: Mention, verbs: "_Verbs") -> str:
        """The role of one mention, from the verbs of its sentence (names and titles
        blanked, so that "Trưởng Ban Chỉ đạo" speaks no "chỉ đạo" and "Ủy viên dự khuyết"
        attends nothing): it chairs when a chair verb follows it with no other verb between
        ("A; B; C cùng chủ trì") or it is named after "dưới sự chủ trì của", or it leads
        the delegation with no other name between; else it attends, else it speaks. Each
        look is a binary search in the sentence's verbs: linear in a long sentence."""
        at, end = m.start - m.sentence.start, m.end - m.sentence.start
        if verbs.chair_list:
            return "chair"
        i = bisect_left(verbs.chairs, (end, -1))
        if i < len(verbs.chairs):
            chair = verbs.chairs[i][0]
            j = bisect_left(verbs.others, (end, -1))
            if not (j < len(verbs.others) and verbs.others[j][1] <= chair):
                return "chair"
        if self.chair_before.search(m.sentence.text[max(0, at - 40): at]):
            return "chair"
        k = bisect_left(verbs.leads, at)
        if k < len(verbs.leads):
            n = bisect_left(verbs.names, end)
            if not (n < len(verbs.names) and verbs.names[n] < verbs.leads[k]):
                return "chair"
        if verbs.attend:
            return "attendee"
        if verbs.speak:
            return "speaker"
        return "mentioned"


@dataclass
class _Verbs:
    """Where one sentence's role verbs are (offsets in the sentence, in order)."""

    chair_list: bool
    attend: bool
    speak: bool
    chairs: list[tuple[int, int]]
    others: list[tuple[int, int]]  # attend and speak verbs
    leads: list[int]
    names: list[int]  # where names start


def merge_titles(old: list[str], new: list[str]) -> list[str]:
    """The fullest list over all mentions: every title printed with the name, in the
    order first printed, once, in its fullest form ("Bí thư Tỉnh ủy" and "Bí thư Tỉnh ủy
    Trà Vinh" are one: the second)."""
    merged = list(old)
    for t in new:
        key = fold(t)
        for i, m in enumerate(merged):
            if fold(m) in key:  # "Chủ tịch Hội Nhà báo tỉnh" → "... tỉnh Gia Lai"
                merged[i] = t
                break
            if key in fold(m):
                break
        else:
            merged.append(t)
    return merged


def _masked(sentence: Sentence, mentions: list[Mention]) -> str:
    """The sentence with the names and titles printed in it blanked (same length)."""
    chars = list(sentence.text)
    for m in mentions:
        for start, end in [(m.start, m.end)] + [(a, b) for _, a, b in m.title_spans]:
            for k in range(start - sentence.start, end - sentence.start):
                chars[k] = " "
    return "".join(chars)


def _segments(chunk: str) -> list[str]:
    return [s.strip() for s in _TITLE_BREAK.split(chunk)]


def _locate(text: str, title: str, lo: int, hi: int, last: bool = False) -> tuple[int | None, int | None]:
    """Where a title (as trimmed: white space collapsed) is printed in text[lo:hi]: its
    words with white space between, the first (or the ``last``) of the non-overlapping
    matches from the left. Literal searches: titles vary too much for a regex each."""
    words = title.split()
    if not words:  # (never a trimmed title) as the empty pattern would find it
        found = list(_EMPTY.finditer(text, lo, hi))
        return (found[-1] if last else found[0]).span() if found else (None, None)
    found, at, hi = (None, None), max(lo, 0), min(max(hi, 0), len(text))
    while (start := text.find(words[0], at, hi)) >= 0:
        end = start + len(words[0])
        for word in words[1:]:
            gap = end
            while gap < hi and text[gap].isspace():
                gap += 1
            if gap == end or not text.startswith(word, gap, hi):
                end = None
                break
            end = gap + len(word)
        if end is None:
            at = start + 1
            continue
        if not last:
            return start, end
        found, at = (start, end), end
    return found


OFFICIALS = Component("officials", requires=("story",),
                      assigns=("officials", "span:official", "span:title"), factory=Officials)
