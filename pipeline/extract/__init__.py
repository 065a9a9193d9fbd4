"""The extraction chain: its components in order, each with what it needs and what it adds.

    story → published → outlet → meeting date → lead sentence (kind) → association names
          → (no name and a low score: not relevant, stop) → officials → place → level
          → associations → relevance ─ not relevant: stop
          → convener (who chairs when nobody is said to) → convener level (the chair's or
          the convening association's) → association counts → documents → directives

The chain reads a page's main story only (``stories.split``: the other stories of a tag
page, or those printed after the story, are set aside as ``removed`` spans). Every
component reads the Doc (sentences, the spans and facts of those before it) and adds
its own facts and spans; ``CHAIN`` is checked at import: what a component requires, an
earlier one assigns. A story the relevance component sets aside goes no further: its
record keeps the source and publication date, and has no meeting facts (GOLD.md). The
record is then assembled from ``Doc.facts``: a fact named like a field of
``schema.Article`` fills that field, ``meeting.X`` fills ``Meeting.X``. A new
fact kind is a field in the schema, one module here with its ``Component``, a line in
``CHAIN``, its table in ``store/tables.py`` and its Datasette metadata.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from ..clean import Story
from ..nlp import Doc, analyse
from ..rules import Rules
from ..schema import Article, Meeting
from ..stories import mask, split as split_stories
from . import associations, convener, counts, dates, directives, documents, meeting, mentions, officials, relevance
from .component import Component

CHAIN: tuple[Component, ...] = (
    dates.PUBLISHED,
    meeting.OUTLET,
    dates.MEETING_DATE,
    meeting.LEAD,
    mentions.MENTIONS,
    relevance.UNNAMED,
    officials.OFFICIALS,
    meeting.PLACE,
    meeting.LEVEL,
    associations.ASSOCIATIONS,
    relevance.RELEVANCE,
    convener.CONVENER,
    meeting.CONVENER_LEVEL,
    counts.COUNTS,
    documents.DOCUMENTS,
    directives.DIRECTIVES,
)

INPUTS = ("story",)
"""What the chain starts from: ``Doc.facts["story"]`` is the cleaned ``Story``."""


def check_chain(chain: tuple[Component, ...]) -> None:
    """Raise if a component requires what no earlier component assigns."""
    available = set(INPUTS)
    for component in chain:
        missing = [r for r in component.requires if r not in available]
        if missing:
            raise ValueError(f"component {component.name!r} requires {missing}, "
                             "which no earlier component assigns")
        available.update(component.assigns)


check_chain(CHAIN)


class Pipeline:
    """The chain built from one set of rules (``Rules.default()`` unless given)."""

    def __init__(self, rules: Rules | None = None, chain: tuple[Component, ...] = CHAIN):
        check_chain(chain)
        self.rules = rules or Rules.default()
        self.components: list[tuple[Component, Callable[[Doc], None]]] = [
            (c, c.factory(self.rules)) for c in chain]

    def component(self, name: str) -> Callable[[Doc], None]:
        return next(fn for c, fn in self.components if c.name == name)

    def run(self, story: Story, until: str | None = None, given: dict | None = None) -> Doc:
        """The story's Doc after the chain (or after its component ``until``). ``given``
        facts replace those the chain finds, as soon as their component has run (a test
        can set ``{"meeting.kind": "làm việc"}``).

        A page of several stories is read as its main story (``stories.split``): the Doc's
        text is the page with the other stories blanked out (offsets hold), and each of
        them is a ``removed`` span."""
        _, removed = split_stories(story.text, story.title)
        doc = analyse(mask(story.text, removed) if removed else story.text)
        for block in removed:
            doc.add_span("removed", block.start, block.end, block.first_line[:120])
        doc.facts["story"] = story
        for component, fn in self.components:
            fn(doc)
            doc.facts.update({k: v for k, v in (given or {}).items() if k in component.assigns})
            if component.name == until or doc.facts.get("relevant") is False:
                break
        return doc

    def __call__(self, story: Story) -> Article:
        return assemble(self.run(story))


KEPT_WHEN_SET_ASIDE = ("source", "published", "relevant", "relevance", "relevance_reasons")
"""What the record of a story that is not relevant keeps: the page's own metadata."""


def assemble(doc: Doc) -> Article:
    """The record of a Doc the chain has run over."""
    story: Story = doc.facts["story"]
    facts = doc.facts
    spans = doc.spans
    if facts.get("relevant") is False:
        facts = {k: v for k, v in facts.items() if k in KEPT_WHEN_SET_ASIDE}
        spans = [s for s in spans if s.kind in ("source", "published", "removed")]
    meeting_fields = {k.removeprefix("meeting."): v for k, v in facts.items() if k.startswith("meeting.")}
    lists = {k: v for k, v in facts.items() if k in Article.model_fields and k != "meeting"}
    return Article(
        id=story.id,
        meeting=Meeting(**meeting_fields),
        path=story.path,
        url=story.url,
        title=story.title,
        text=story.text,
        spans=spans,
        **lists,
    )


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The default chain, built once per process (``worker.preload`` builds it)."""
    return Pipeline()


def extract(story: Story) -> Article:
    """The record of one story, by the default chain."""
    return default_pipeline()(story)
