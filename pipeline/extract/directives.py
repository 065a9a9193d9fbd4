"""Directives: what leaders asked, assigned or stressed, one task per directive.

A leader's speech opens with a reporting verb ("Phát biểu chỉ đạo ...", "X đề nghị",
"nhấn mạnh", "mong muốn") and goes on over the next sentences and paragraphs; within
it, a sentence is a directive when it states a task ("cần", "phải", "tiếp tục",
"tăng cường", an imperative verb first). Tasks a meeting adopts ("Hội nghị nhất trí
...") are directives with no speaker. Past results and an association's own pledges
("sẽ tiếp tục") are not. The words are data (``rules/directives.json``).

A speaker is an official the sentence names: one of the ``official`` spans of the chain
(nearest before the verb), else the official whose long title the sentence prints.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from ..nlp import Doc, Sentence
from ..rules import Rules
from ..schema import Directive, Official
from ..text import E, alternation, caseless, caseless_regex, fold, whole_words
from .common import evidence
from .component import Component

# A headline or lead that quotes a leader: "Tổng Bí thư Nguyễn Phú Trọng: Các cấp Hội ... cần ...".
QUOTED = re.compile(r"^(?:Theo\s+)?(?P<who>[^:,]{4,90})(?:\s*:\s*|,\s+)")
_QUOTES = re.compile(r"^[“\"'‘]+|[”\"'’]+$")
_TRAILING_DOTS = re.compile(r"(?:\.{3}|…)?[./]*\s*$")
_WORDS = re.compile(r"\w+")
QUIET_LIMIT = 4  # a speech is over after this many sentences without a task


def _words(words: list[str]) -> str:
    return alternation(words)


def _whole(words: list[str]) -> str:
    """The words as whole words, for a pattern searched ``caseless``."""
    return whole_words(map(caseless, words))


class Directives:
    """The directive patterns of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.directives
        # "X đề nghị các hội ...": the verb that introduces a directive and what follows it.
        # Searched in the sentence made ``caseless`` (same offsets) but for the three
        # patterns whose capitals matter: target, not_speaker, dropped_opener.
        ci = caseless_regex
        self.intro = ci(rf"{_whole(r.intro_verbs)}\s*:?\s*")
        # A speech that goes on over several sentences starts with one of these.
        self.opener = ci(_whole(r.speech_openers))
        self.task = ci(_whole(r.task_markers))
        self.imperative = ci(rf"^(?:{_words(r.imperatives)}){E}")
        self.adopted = ci(rf"{_whole(r.adopted)}\s*:?\s*")
        self.adopts = ci(rf"^\W*(?:{_words(r.adopts)}){E}")
        self.not_task = ci(_whole(r.not_tasks))
        # Salutations and wishes open with a verb too ("Thưa các vị đại biểu", "Chúc Đại hội ...").
        self.not_imperative = {fold(w) for w in r.not_imperatives}
        markers = alternation(r.caption_markers)
        self.caption = ci(rf"(?:{markers})\s*:|\((?:{markers})")
        self.not_before = ci(rf"(?:{_words(r.intro_not_before)})\s*$")
        self.not_after = ci(rf"^\s*(?:{'|'.join(r.intro_not_after)})")
        self.agreed = ci(r.agreed_pattern)
        self.task_prefix = ci(rf"^[^,]{{0,40}}(?:{'|'.join(r.task_prefixes)}),\s*")
        self.speaker_subject = ci(rf"{_whole(r.speaker_words)}[^,.;]{{0,60}}$")
        self.dropped_opener = re.compile(rf"^(?:{_words(r.dropped_openers)}|:){E}\s*")
        self.assertion = ci(rf"^(?:{_words(r.assertions)}){E}")
        self.not_speaker = re.compile(rf"^\W*(?:[^,]{{0,30}},\s*)?(?:{_words(r.not_speakers)}){E}")
        self.collective = ci(rf"(?:^|,\s*){_whole(r.collective_speakers)}[^,.;]{{0,30}}$")
        self.target = re.compile(rf"^\W*(?:{_words(r.targets)}){E}")
        self.past = ci(_whole(["đã", "đạt được", "vừa qua"]))
        self.min_words = r.min_words

    def __call__(self, doc: Doc) -> None:
        found = self.directives(doc, doc.facts["officials"])
        for i, d in enumerate(found):
            doc.add_span("directive", d.evidence.start, d.evidence.end, d.speaker or "", i)
        doc.facts["directives"] = found

    def directives(self, doc: Doc, officials: list[Official]) -> list[Directive]:
        found: list[Directive] = []
        speaker: str | None = None  # the leader whose speech we are in
        in_speech, quiet = False, 0
        spans = doc.spans_of("official")
        names = (spans, [s.start for s in spans])
        long_titles = [(o.name, fold(t)) for o in officials for t in o.titles if len(t.split()) >= 3]
        captions = {s.paragraph for s in doc.sentences if self.caption.search(s.low)}

        def tasks(sentence, body: str, who: str | None) -> list[Directive]:
            return [d for d in _tasks(doc, sentence, body, who, self.dropped_opener)
                    if len(d.text.split()) >= self.min_words]

        for sentence in doc.sentences:
            text = sentence.text
            if len(text.split()) < 4 or sentence.paragraph in captions:
                continue
            low = sentence.low
            intro = self._intro(low)
            adopted = self.adopted.search(low) or self.agreed.search(low)
            if adopted and (intro is None or adopted.start() < intro.start()):
                found += tasks(sentence, text[adopted.end():], None)
                in_speech, speaker, quiet = True, None, 0
                continue
            if self.adopts.match(low):
                in_speech, speaker, quiet = True, None, 0  # the meeting's own tasks follow
                continue
            if not in_speech and self.target.match(text) and not self.not_task.search(low):
                found += tasks(sentence, text, None)
                continue
            named = _speaker_in(sentence, len(text), names, long_titles,
                                intro.start() if intro else len(text))
            subject = text[: intro.start()] if intro else ""
            subject_low = low[: intro.start()] if intro else ""
            if intro and self.not_speaker.match(subject):
                continue  # "Báo cáo ... nêu rõ": a report's words, not a leader's
            if intro and (named or in_speech or self.speaker_subject.search(subject_low)
                          or self.collective.search(subject_low)):
                body = text[intro.end():]
                if self.assertion.match(intro.group()) and not self._states_task(low[intro.end():]):
                    continue  # "nhấn mạnh" an assessment, not a task
                if named:
                    speaker = named
                elif self.collective.search(subject_low) and not in_speech:
                    speaker = None  # "lãnh đạo tỉnh đề nghị": no one named
                elif not in_speech:
                    speaker = _leader(officials)
                in_speech, quiet = True, 0
                found += tasks(sentence, body, speaker)
                continue
            quoted = QUOTED.match(text)
            if quoted and (":" in quoted.group() or text.startswith("Theo")) and self._is_task(low[quoted.end():]):
                who = _speaker_in(sentence, quoted.end("who"), names, long_titles, quoted.end("who"))
                if who:
                    found += tasks(sentence, text[quoted.end():], who)
                    continue
            if self.opener.search(low) and named:
                if not _caption_like(sentence, doc):
                    speaker, in_speech, quiet = named, True, 0
                continue
            if in_speech and (self._is_task(low) or self._starts_with_verb(sentence, low)):
                found += tasks(sentence, text, speaker)
                quiet = 0
                continue
            quiet += 1
            if quiet > QUIET_LIMIT:
                in_speech = False
        return _dedupe(found)

    def _states_task(self, body: str) -> bool:
        """What follows an assertion verb (``caseless``) is a task: a task word, and no past
        tense in its main clause (its first words; "những kết quả đã đạt được" later is fine)."""
        head = " ".join(body.split()[:8])
        return bool(self.task.search(body) or self.imperative.match(body.strip("“\"' :"))) \
            and not self.past.search(head)

    def _intro(self, text: str) -> re.Match | None:
        """The first verb that introduces an instruction ("đề nghị", "yêu cầu"), not the
        noun ("sự chỉ đạo", "phát biểu chỉ đạo tại", "đã đề nghị"), in ``caseless`` text."""
        for m in self.intro.finditer(text):
            verb_end = m.start() + len(m.group().rstrip(" :\t"))
            if not self.not_before.search(text[: m.start()]) and not self.not_after.match(text[verb_end:]):
                return m
        return None

    def _starts_with_verb(self, sentence: Sentence, low: str) -> bool:
        """Within a speech, a sentence whose first word underthesea tags as a verb is an
        imperative ("Vận động hội viên ...", "Giữ vững ..."), unless it reports a result
        (``low``: the sentence ``caseless``)."""
        if self.not_task.search(low):  # before tagging: most sentences stop here
            return False
        tagged = [(w, t) for w, t in sentence.tagged if t != "CH"]
        return bool(tagged) and tagged[0][1] == "V" and fold(tagged[0][0]) not in self.not_imperative

    def _is_task(self, text: str) -> bool:
        """An instruction: an imperative verb first ("Rà soát ...", "Duy trì ..."), or a task
        marker ("cần", "tăng cường") in a sentence that does not report results
        (``caseless`` text)."""
        body = self.task_prefix.sub("", text)
        if self.imperative.match(body.strip("“\"' ")):
            return True
        return bool(self.task.search(text)) and not self.not_task.search(text)


def _speaker_in(sentence: Sentence, length: int, names, long_titles, verb_at: int) -> str | None:
    """The official named in the sentence's first ``length`` characters nearest before
    its verb at ``verb_at`` (else the first after it); else the official one of whose
    titles of three words or more it prints. ``names``: the ``official`` spans."""
    lo, hi, verb = sentence.start, sentence.start + length, sentence.start + verb_at
    spans, starts = names
    here = [s for s in spans[bisect_left(starts, lo): bisect_left(starts, hi)] if s.end <= hi]
    before = [s for s in here if s.end <= verb]
    if before:
        return max(before, key=lambda s: s.start).label
    if here:
        return min(here, key=lambda s: s.start).label
    folded = fold(sentence.text[:length])
    for name, title in long_titles:
        if title in folded:
            return name
    return None


def _leader(officials: list[Official]) -> str | None:
    chairs = [o.name for o in officials if o.role == "chair"]
    return chairs[0] if chairs else (officials[0].name if len(officials) == 1 else None)


def _caption_like(sentence: Sentence, doc: Doc) -> bool:
    """A photo caption ("X phát biểu chỉ đạo tại hội nghị"): a short paragraph of one
    sentence. It names who spoke but does not start a speech."""
    i = sentence.index
    neighbours = [doc.sentences[j] for j in (i - 1, i + 1) if 0 <= j < len(doc.sentences)]
    alone = all(s.paragraph != sentence.paragraph for s in neighbours)
    return alone and len(sentence.text.split()) < 20


def _tasks(doc: Doc, sentence: Sentence, body: str, speaker: str | None, dropped) -> list[Directive]:
    """One directive per task: tasks are separated by ';' (GOLD.md). Evidence is the
    task's own span in the story (the whole sentence if the text was reshaped)."""
    out = []
    for part in body.split(";"):
        task = _clean(part, dropped)
        if len(task.split()) < 3:
            continue
        at = doc.text.find(task, sentence.start, sentence.end)
        start, end = (at, at + len(task)) if at >= 0 else (sentence.start, sentence.end)
        out.append(Directive(speaker=speaker, text=task, evidence=evidence(doc, start, end)))
    return out


def _clean(task: str, dropped) -> str:
    task = task.strip()
    task = _QUOTES.sub("", task).strip()
    task = _TRAILING_DOTS.sub("", task)
    task = dropped.sub("", task)
    return task.strip(" ,.;:“”\"")


def _dedupe(found: list[Directive]) -> list[Directive]:
    """A headline and the body often state the same task: keep the longer one."""
    kept: list[tuple[Directive, set[str]]] = []
    for d in sorted(found, key=lambda d: -len(d.text)):
        words = set(_WORDS.findall(fold(d.text)))
        if any(k.speaker == d.speaker and len(words & kw) >= 0.7 * len(words) for k, kw in kept):
            continue
        kept.append((d, words))
    order = {id(d): i for i, d in enumerate(found)}
    return sorted((d for d, _ in kept), key=lambda d: order[id(d)])


DIRECTIVES = Component("directives", requires=("officials", "span:official"),
                       assigns=("directives", "span:directive"), factory=Directives)
