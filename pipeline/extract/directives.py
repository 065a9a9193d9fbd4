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

from ..gazetteer import fold
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
CAPTION = re.compile(r"(?:Ảnh|Nguồn)\s*:|\(Ảnh", re.I)


def directives(doc: Doc, officials: list[Official]) -> list[Directive]:
    names = {fold(o.name): o.name for o in officials}
    found: list[Directive] = []
    speaker: str | None = None  # the leader whose speech we are in
    in_speech = False
    for sentence in doc.sentences:
        text = sentence.text
        if CAPTION.search(text) or len(text.split()) < 4:
            continue
        named = _speaker_in(text, officials)
        intro = INTRO.search(text)
        adopted = ADOPTED.search(text)
        if intro and (named or in_speech or _pronoun_subject(text[: intro.start()])):
            speaker = named or speaker
            in_speech = True
            body = text[intro.end():]
            found += _tasks(doc, sentence, body, speaker)
            continue
        if adopted and not named:
            found += _tasks(doc, sentence, text[adopted.end():], None)
            in_speech, speaker = True, None
            continue
        if OPENER.search(text) and named:
            speaker, in_speech = named, True
            continue
        if in_speech and _is_task(text):
            found += _tasks(doc, sentence, text, speaker)
        elif in_speech and named and not _is_task(text):
            speaker = named
    return _dedupe(found)


def _speaker_in(text: str, officials: list[Official]) -> str | None:
    """The official a sentence names (by name, else by a title only one of them holds)."""
    folded = fold(text)
    for o in officials:
        if fold(o.name) in folded:
            return o.name
    for o in officials:
        for t in o.titles:
            if len(t.split()) >= 3 and fold(t) in folded:
                return o.name
    return None


def _pronoun_subject(before: str) -> bool:
    return bool(re.search(r"(?:đồng chí|ông|bà|lãnh đạo|thủ tướng|chủ tịch|bí thư)[^,.;]{0,60}$", before, re.I))


def _is_task(text: str) -> bool:
    body = re.sub(r"^[^,]{0,40}(?:thời gian tới|năm \d{4}|tới đây),\s*", "", text)
    if NOT_TASK.search(text):
        return False
    return bool(TASK.search(text) or IMPERATIVE.match(body.strip("“\"' ")))


def _tasks(doc: Doc, sentence: Sentence, body: str, speaker: str | None) -> list[Directive]:
    """One directive per task: tasks are separated by ';' (GOLD.md)."""
    out = []
    offset = sentence.text.rfind(body) if body else -1
    base = sentence.start + max(offset, 0)
    cursor = 0
    for part in re.split(r";", body):
        start = cursor
        cursor += len(part) + 1
        task = _clean(part)
        if len(task.split()) < 3:
            continue
        at = base + start + max(part.find(task[:10]), 0)
        out.append(Directive(speaker=speaker, text=task, evidence=evidence(doc, at, min(at + len(task), doc_len(doc)))))
    return out


def doc_len(doc: Doc) -> int:
    return len(doc.text)


def _clean(task: str) -> str:
    task = task.strip()
    task = re.sub(r"^[“\"'‘]+|[”\"'’]+$", "", task).strip()
    task = re.sub(r"(?:\.{3}|…)?[./]*\s*$", "", task)
    task = re.sub(r"^(?:rằng|là|:)\s*", "", task)
    return task.strip(" ,.;:“”\"")


def _dedupe(found: list[Directive]) -> list[Directive]:
    """A headline and the body often state the same task: keep the longer one."""
    kept: list[Directive] = []
    for d in sorted(found, key=lambda d: -len(d.text)):
        words = set(fold(d.text).split())
        if any(len(words & set(fold(k.text).split())) >= 0.6 * len(words) for k in kept):
            continue
        kept.append(d)
    order = {id(d): i for i, d in enumerate(found)}
    return sorted(kept, key=lambda d: order[id(d)])
