"""Directives: what leaders asked, assigned or stressed, one task per directive.

A leader's speech opens with a reporting verb ("Phát biểu chỉ đạo ...", "X đề nghị",
"nhấn mạnh", "mong muốn") and goes on over the next sentences and paragraphs; within
it, a sentence is a directive when it states a task ("cần", "phải", "tiếp tục",
"tăng cường", an imperative verb first). Tasks a meeting adopts ("Hội nghị nhất trí
...") are directives with no speaker. Past results and an association's own pledges
("sẽ tiếp tục") are not.
"""
from __future__ import annotations

import re

from ..gazetteer import fold, fold_in_place
from ..nlp import Doc, Sentence
from ..resources import load_json
from ..schema import Directive, Official
from .common import evidence

_DATA = load_json("directives.json")


def _words(key: str) -> str:
    return "|".join(re.escape(w) for w in sorted(_DATA[key], key=len, reverse=True))


# "X đề nghị các hội ...": the verb that introduces a directive and what follows it.
INTRO = re.compile(rf"(?<![\wÀ-ỹ])(?:{_words('intro_verbs')})(?![\wÀ-ỹ])\s*:?\s*", re.I)
# A speech that goes on over several sentences starts with one of these.
OPENER = re.compile(rf"(?<![\wÀ-ỹ])(?:{_words('speech_openers')})(?![\wÀ-ỹ])", re.I)
TASK = re.compile(rf"(?<![\wÀ-ỹ])(?:{_words('task_markers')})(?![\wÀ-ỹ])", re.I)
IMPERATIVE = re.compile(rf"^(?:{_words('imperatives')})(?![\wÀ-ỹ])", re.I)
ADOPTED = re.compile(rf"(?<![\wÀ-ỹ])(?:{_words('adopted')})(?![\wÀ-ỹ])\s*:?\s*", re.I)
NOT_TASK = re.compile(rf"(?<![\wÀ-ỹ])(?:{_words('not_tasks')})(?![\wÀ-ỹ])", re.I)
# Salutations and wishes open with a verb too ("Thưa các vị đại biểu", "Chúc Đại hội ...").
NOT_IMPERATIVE = {fold(w) for w in _DATA["not_imperatives"]}
CAPTION = re.compile(r"(?:Ảnh|Nguồn)\s*:|\(Ảnh", re.I)
NOT_BEFORE = re.compile(rf"(?:{_words('intro_not_before')})\s*$", re.I)
NOT_AFTER = re.compile(rf"^\s*(?:{'|'.join(_DATA['intro_not_after'])})", re.I)
# "Sau khi trao đổi, A và B thống nhất chọn ...": what the meeting's parties agreed.
AGREED = re.compile(r"(?<![\wÀ-ỹ])và\s[^.;:]{3,80}?(?<!để\s)(?<!đoàn kết,\s)thống nhất\s+", re.I)
# A headline or lead that quotes a leader: "Tổng Bí thư Nguyễn Phú Trọng: Các cấp Hội ... cần ...".
QUOTED = re.compile(r"^(?:Theo\s+)?(?P<who>[^:,]{4,90})(?:\s*:\s*|,\s+)")
QUIET_LIMIT = 4  # a speech is over after this many sentences without a task


def directives(doc: Doc, officials: list[Official]) -> list[Directive]:
    found: list[Directive] = []
    speaker: str | None = None  # the leader whose speech we are in
    in_speech, quiet = False, 0
    for sentence in doc.sentences:
        text = sentence.text
        if len(text.split()) < 4 or _in_caption(sentence, doc):
            continue
        intro, adopted = _intro(text), ADOPTED.search(text) or AGREED.search(text)
        if adopted and (intro is None or adopted.start() < intro.start()):
            found += _tasks(doc, sentence, text[adopted.end():], None)
            in_speech, speaker, quiet = True, None, 0
            continue
        named = _speaker_in(text, officials, intro.start() if intro else len(text))
        if intro and (named or in_speech or _pronoun_subject(text[: intro.start()])):
            speaker = named or speaker or _leader(officials)
            in_speech, quiet = True, 0
            found += _tasks(doc, sentence, text[intro.end():], speaker)
            continue
        quoted = QUOTED.match(text)
        if quoted and (":" in quoted.group() or text.startswith("Theo")) and _is_task(text[quoted.end():]):
            who = _speaker_in(quoted["who"], officials, len(quoted["who"]))
            if who:
                found += _tasks(doc, sentence, text[quoted.end():], who)
                continue
        if OPENER.search(text) and named:
            if not _caption_like(sentence, doc):
                speaker, in_speech, quiet = named, True, 0
            continue
        if in_speech and (_is_task(text) or _starts_with_verb(sentence)):
            found += _tasks(doc, sentence, text, speaker)
            quiet = 0
            continue
        quiet += 1
        if quiet > QUIET_LIMIT:
            in_speech = False
    return _dedupe(found)


def _intro(text: str) -> re.Match | None:
    """The first verb that introduces an instruction ("đề nghị", "yêu cầu"), not the
    noun ("sự chỉ đạo", "phát biểu chỉ đạo tại", "đã đề nghị")."""
    for m in INTRO.finditer(text):
        verb_end = m.start() + len(m.group().rstrip(" :\t"))
        if not NOT_BEFORE.search(text[: m.start()]) and not NOT_AFTER.match(text[verb_end:]):
            return m
    return None


def _speaker_in(text: str, officials: list[Official], verb_at: int) -> str | None:
    """The official a sentence names nearest before its verb (else first after it; else
    by a title of three words or more)."""
    folded = fold_in_place(text)
    before, after = [], []
    for o in officials:
        key = fold(o.name)
        at = folded.rfind(key, 0, verb_at)
        if at >= 0:
            before.append((at, o.name))
        elif (at := folded.find(key)) >= 0:
            after.append((at, o.name))
    if before or after:
        return max(before)[1] if before else min(after)[1]
    for o in officials:
        for t in o.titles:
            if len(t.split()) >= 3 and fold(t) in fold(text):
                return o.name
    return None


def _leader(officials: list[Official]) -> str | None:
    chairs = [o.name for o in officials if o.role == "chair"]
    return chairs[0] if chairs else (officials[0].name if len(officials) == 1 else None)


def _in_caption(sentence: Sentence, doc: Doc) -> bool:
    """Every sentence of a paragraph that credits a photo is part of its caption."""
    return any(CAPTION.search(s.text) for s in doc.sentences if s.paragraph == sentence.paragraph)


def _caption_like(sentence: Sentence, doc: Doc) -> bool:
    """A photo caption ("X phát biểu chỉ đạo tại hội nghị"): a short paragraph of one
    sentence. It names who spoke but does not start a speech."""
    alone = all(s.paragraph != sentence.paragraph for s in doc.sentences if s is not sentence)
    return alone and len(sentence.text.split()) < 20


def _pronoun_subject(before: str) -> bool:
    return bool(re.search(r"(?:đồng chí|ông|bà|lãnh đạo|thủ tướng|chủ tịch|bí thư)[^,.;]{0,60}$", before, re.I))


def _starts_with_verb(sentence: Sentence) -> bool:
    """Within a speech, a sentence whose first word underthesea tags as a verb is an
    imperative ("Vận động hội viên ...", "Giữ vững ..."), unless it reports a result."""
    tagged = [(w, t) for w, t in sentence.tagged if t != "CH"]
    return (bool(tagged) and tagged[0][1] == "V" and fold(tagged[0][0]) not in NOT_IMPERATIVE
            and not NOT_TASK.search(sentence.text))


def _is_task(text: str) -> bool:
    """An instruction: an imperative verb first ("Rà soát ...", "Duy trì ..."), or a task
    marker ("cần", "tăng cường") in a sentence that does not report results."""
    body = re.sub(r"^[^,]{0,40}(?:thời gian tới|năm \d{4}|tới đây|cụ thể),\s*", "", text, flags=re.I)
    if IMPERATIVE.match(body.strip("“\"' ")):
        return True
    return bool(TASK.search(text)) and not NOT_TASK.search(text)


def _tasks(doc: Doc, sentence: Sentence, body: str, speaker: str | None) -> list[Directive]:
    """One directive per task: tasks are separated by ';' (GOLD.md). Evidence is the
    task's own span in the story (the whole sentence if the text was reshaped)."""
    out = []
    for part in body.split(";"):
        task = _clean(part)
        if len(task.split()) < 3:
            continue
        at = doc.text.find(task, sentence.start, sentence.end)
        start, end = (at, at + len(task)) if at >= 0 else (sentence.start, sentence.end)
        out.append(Directive(speaker=speaker, text=task, evidence=evidence(doc, start, end)))
    return out


def _clean(task: str) -> str:
    task = task.strip()
    task = re.sub(r"^[“\"'‘]+|[”\"'’]+$", "", task).strip()
    task = re.sub(r"(?:\.{3}|…)?[./]*\s*$", "", task)
    task = re.sub(r"^(?:rằng|là|:)(?![\wÀ-ỹ])\s*", "", task)
    return task.strip(" ,.;:“”\"")


def _dedupe(found: list[Directive]) -> list[Directive]:
    """A headline and the body often state the same task: keep the longer one."""
    kept: list[Directive] = []
    for d in sorted(found, key=lambda d: -len(d.text)):
        words = set(re.findall(r"[\wÀ-ỹ]+", fold(d.text)))
        if any(k.speaker == d.speaker and len(words & set(re.findall(r"[\wÀ-ỹ]+", fold(k.text)))) >= 0.7 * len(words)
               for k in kept):
            continue
        kept.append(d)
    order = {id(d): i for i, d in enumerate(found)}
    return sorted(kept, key=lambda d: order[id(d)])
