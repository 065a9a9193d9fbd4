"""Relevance: is the story a report of a meeting with associations at all (GOLD.md's
``relevant``)?

An interpretable score over signals kept as data (``rules/relevance.json``): associations
taking part (the associations component's findings) and named, words of their work, a
meeting in the lead, and counter-signals of what else a crawl brings (sport, festivals,
accidents, trials, council sessions, Party congresses, ceremonies, documents). The signals'
weights add up to a score that a logistic function maps into 0..1; at or above the
threshold the story is relevant. The threshold is low on purpose (a doubtful page kept
costs less than a meeting lost), so borderline pages stay relevant with a low score.

A story that is not relevant keeps its source and publication date; the chain stops after
this component and the record has no meeting facts (``extract.assemble``).
"""
from __future__ import annotations

import math
import re

from ..nlp import Doc
from ..rules import Rules
from ..text import fold, whole_words
from .component import Component


class Relevance:
    """The relevance scorer of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.relevance
        self.weights = r.weights
        self.threshold = r.threshold
        # Searched in folded text.
        self.work = re.compile(whole_words(map(fold, r.association_work)))
        self.members = re.compile(whole_words(map(fold, r.members)))
        self.meeting_sentences = r.meeting_sentences
        self.off_topic = {kind: re.compile(whole_words(map(fold, words))) for kind, words in r.off_topic.items()}
        # Any kind's words: where one of them starts (``_off_topic``).
        self.any_off_topic = re.compile(whole_words(fold(w) for words in r.off_topic.values() for w in words))
        self.meeting = re.compile(whole_words(map(fold, rules.meetings.meeting_kinds)))

    def __call__(self, doc: Doc) -> None:
        self.assign(doc, *self.score(doc))

    def assign(self, doc: Doc, score: float, reasons: list[str]) -> None:
        doc.facts["relevance"] = round(score, 3)
        doc.facts["relevance_reasons"] = reasons
        doc.facts["relevant"] = score >= self.threshold

    def score(self, doc: Doc) -> tuple[float, list[str]]:
        """(score in 0..1, the signals behind it, each "signal (+weight)")."""
        w = self.weights
        lead = fold(_lead_text(doc))
        signals: list[tuple[str, float]] = []
        taking_part = len(doc.facts.get("associations") or [])
        if taking_part:
            n = min(taking_part, w.association_takes_part.max)
            signals.append((f"{taking_part} association(s) taking part", n * w.association_takes_part.weight))
        named = len(doc.facts["mentions"])  # every association named, titles too
        if named:
            n = min(named, w.association_named.max)
            signals.append((f"{named} association name(s)", n * w.association_named.weight))
        for label, rx, weighted in (("associations' work", self.work, w.association_work),
                                    ("members", self.members, w.members)):
            words = sorted({m.group(0) for m in rx.finditer(lead)})
            if words:
                signals.append((f"{label}: {', '.join(words)}", min(len(words), weighted.max) * weighted.weight))
        meeting = self.meeting.search(lead)
        if meeting:
            signals.append((f"meeting: {meeting.group(0)}", w.meeting))
        elif not any(self.meeting.search(fold(s.text)) for s in doc.sentences[: self.meeting_sentences]):
            signals.append(("no meeting named", w.no_meeting))
        found = self._off_topic(lead)
        signals += [(f"{kind}: {found[kind].group(0)}", w.off_topic) for kind in self.off_topic if kind in found]
        total = w.bias + sum(v for _, v in signals)
        return 1 / (1 + math.exp(-total)), [f"{name} ({value:+.1f})" for name, value in signals]

    def _off_topic(self, lead: str) -> dict[str, re.Match[str]]:
        """Each kind's first match in ``lead``, as its own search finds it, in one scan: each
        kind is tried only where a word of one of them starts (a kind's match starts where
        one does), until every kind is found."""
        found: dict[str, re.Match[str]] = {}
        at = self.any_off_topic.search(lead)
        while at is not None and len(found) < len(self.off_topic):
            for kind, rx in self.off_topic.items():
                if kind not in found and (m := rx.match(lead, at.start())):
                    found[kind] = m
            at = self.any_off_topic.search(lead, at.start() + 1)
        return found


def _lead_text(doc: Doc) -> str:
    """The headline and the paragraph that reports the meeting (the lead sentence's)."""
    story = doc.facts["story"]
    lead = doc.facts.get("lead")
    paragraph = " ".join(s.text for s in doc.sentences if lead is not None and s.paragraph == lead.paragraph)
    return f"{story.title or ''}\n{paragraph}"


def _unnamed(rules: Rules):
    scorer = Relevance(rules)

    def unnamed(doc: Doc) -> None:
        """A story that names no association (most of what a crawl brings): none can take
        part, so its score is already the one the relevance component would give; one that
        scores too low is set aside here, before the costly components."""
        if not doc.facts["mentions"]:
            score, reasons = scorer.score(doc)
            if score < scorer.threshold:
                scorer.assign(doc, score, reasons)
    return unnamed


UNNAMED = Component("relevance_unnamed", requires=("mentions", "lead"),
                    assigns=("relevant", "relevance", "relevance_reasons"), factory=_unnamed)
RELEVANCE = Component("relevance", requires=("associations", "mentions", "lead"),
                      assigns=("relevant", "relevance", "relevance_reasons"), factory=Relevance)
