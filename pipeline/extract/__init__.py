"""The whole extraction chain, in the order the facts depend on each other.

    publication date → outlet → meeting date → officials → meeting place/level/kind
    → association counts → documents → directives (speakers are officials)
"""
from __future__ import annotations

from ..clean import Story
from ..nlp import analyse
from ..schema import Article, Meeting
from . import counts, dates, directives, documents, meeting, officials
from .common import evidence


def extract(story: Story) -> Article:
    doc = analyse(story.text)
    published = story.published or dates.publication_date(doc).value
    source, outlet_province = meeting.outlet(doc)
    when, time_of_day = dates.meeting_date(doc, published)
    lead = meeting.lead_sentence(doc, when.start if when.value or when.end else None)
    kind = meeting.kind(lead)
    people = officials.officials(doc, kind)
    province, province_how = meeting.province(doc, lead, outlet_province)
    return Article(
        id=story.id,
        source=source or story.source_hint,
        published=published,
        meeting=Meeting(
            date=when.value,
            time_of_day=time_of_day,
            province=province,
            level=meeting.level(lead, people),
            kind=kind,
            province_after_2025=meeting.after_merger(province),
            province_source=province_how or None,
            date_source=when.how or None,
            evidence=evidence(doc, lead.start, lead.end) if lead else None,
        ),
        officials=people,
        association_counts=counts.association_counts(doc),
        documents=documents.documents(doc),
        directives=directives.directives(doc, people),
        path=story.path,
        url=story.url,
        title=story.title,
        text=story.text,
    )
