"""The rule files: vocabularies, patterns and gazetteers as data, shipped with the package.

Every file here is JSON (package data: a wheel install has them too). In the vocabulary
files a key starting with ``_`` documents the key after it, and ``_source`` says where the
file's words come from (``models/README.md`` lists every file with its source and licence).

``Rules.default()`` loads them all once per process, each checked against its model below
(a misspelt key or a wrong type fails at load, naming the file). An extractor is built from
the part it needs (``rules.officials``), so a test can hand it other rules::

    from dataclasses import replace
    rules = replace(Rules.default(), officials=Rules.default().officials.model_copy(
        update={"surnames": [...]}))
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from typing_extensions import TypedDict

M = TypeVar("M", bound=BaseModel)


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Banner(RuleFile):
    min_words: int = 4
    min_upper_share: float = 0.9


class Menu(RuleFile):
    max_words: int = 4
    min_run: int = 3
    sentence_punctuation: str = ".!?:;"


class Chrome(RuleFile):
    """``chrome.json``: page chrome and related-article markers (``pipeline/clean.py``)."""
    teaser_markers: list[str]
    chrome_lines: list[str]
    banner: Banner = Banner()
    menu: Menu = Menu()
    story_min_words: int = 6
    photo_credit: str


class Names(RuleFile):
    """``names.json``: surnames and middle names."""
    surnames: list[str]
    middle_names: list[str]


class LeadIn(RuleFile):
    words: list[str]
    patterns: list[str]


class Appointed(RuleFile):
    verbs: list[str]
    posts: list[str]


class Roles(RuleFile):
    chair: list[str]
    chair_before: list[str]
    chair_list_patterns: list[str]
    leads: list[str]
    attend: list[str]
    attend_not_before: dict[str, list[str]]
    attend_not_after: dict[str, list[str]]
    attend_patterns: list[str]
    speak: list[str]
    concludes: list[str]
    led_kinds: list[str]
    meeting_words: list[str]
    visits: list[str]
    accompany: list[str]


class Officials(RuleFile):
    """``officials.json``: titles, honorifics, role verbs (``extract/officials.py``)."""
    title_heads: list[str]
    title_prefixes: list[str]
    honorifics: list[str]
    title_stops: list[str]
    title_stop_exceptions: list[str]
    not_names: list[str]
    name_middles: list[str]
    place_before_name: list[str]
    lead_in: LeadIn
    lead_end: list[str]
    appointed: Appointed
    roles: Roles
    heads: list[str]
    not_head: list[str]
    elected_before: list[str]
    reelected: list[str]
    convening_bodies: list[str]
    led_with: list[str]


class MemberUnits(RuleFile):
    before: list[str]
    noun: str


class Counts(RuleFile):
    """``counts.json``: counted nouns, number words and count kinds (``extract/counts.py``)."""
    number_words: dict[str, int]
    multipliers: dict[str, int]
    nouns: list[str]
    nouns_not_before: list[str]
    modifiers: list[str]
    governed_nouns: list[str]
    places: list[str]
    number_lead_words: list[str]
    member_units: MemberUnits
    kinds: dict[str, list[str]]
    total_before: list[str]
    awarded: list[str]
    not_count_before: list[str]
    ordinal_before: list[str]


class Documents(RuleFile):
    """``documents.json``: document types and issuers (``extract/documents.py``)."""
    types: list[str]
    issuers: list[str]


class Directives(RuleFile):
    """``directives.json``: the verbs and markers of instructions (``extract/directives.py``)."""
    intro_verbs: list[str]
    speech_openers: list[str]
    task_markers: list[str]
    imperatives: list[str]
    adopted: list[str]
    not_tasks: list[str]
    adopts: list[str]
    intro_not_before: list[str]
    intro_not_after: list[str]
    not_imperatives: list[str]
    caption_markers: list[str]
    agreed_pattern: str
    task_prefixes: list[str]
    speaker_words: list[str]
    dropped_openers: list[str]
    assertions: list[str]
    not_speakers: list[str]
    collective_speakers: list[str]
    targets: list[str]
    min_words: int


class Meetings(RuleFile):
    """``meetings.json``: a meeting's words for itself, level markers, venue words
    (``extract/meeting.py``)."""
    meeting_kinds: list[str]
    markers: dict[str, list[str]]
    local_after: list[str]
    venue_words: list[str]
    not_venue_before: list[str]


class Dates(RuleFile):
    """``dates.json``: timestamp words, times of day, year clues (``extract/dates.py``)."""
    timestamp_words: list[str]
    times_of_day: list[str]
    stated_times_of_day: list[str]
    deadline_words: list[str]
    term_words: list[str]
    congress_words: list[str]
    year_mentions: list[str]
    period_words: list[str]


class People(RuleFile):
    """``people.json``: the body words that anchor a person (``pipeline/people.py``)."""
    province_markers: list[str]
    city_markers: list[str]
    local_markers: list[str]
    local_not_before: dict[str, list[str]]
    central_markers: list[str]
    former: list[str]


class Associations(RuleFile):
    """``associations.json``: the kinds of association and the names printed for them
    (``extract/mentions.py``)."""
    kinds: dict[str, list[str]]
    collective: list[str]
    short: dict[str, list[str]]
    other_head: str
    other_name_words: int
    other_name_stops: list[str]
    not_associations: list[str]
    body_prefixes: list[str]
    central_before: list[str]
    central_after: list[str]
    unit_level: dict[str, str]
    prefixed: dict[str, str]
    convener_after: list[str]
    congress_before: list[str]
    counterpart_before: list[str]
    guest_openers: list[str]
    subject_min_mentions: int
    list_min_kinds: int
    bare_not_before: list[str]


class Weighted(RuleFile):
    weight: float
    max: int


class RelevanceWeights(RuleFile):
    bias: float
    association_takes_part: Weighted
    association_named: Weighted
    association_work: Weighted
    members: Weighted
    meeting: float
    no_meeting: float
    off_topic: float


class Relevance(RuleFile):
    """``relevance.json``: the signals of a meeting with associations and their weights
    (``extract/relevance.py``)."""
    weights: RelevanceWeights
    meeting_sentences: int
    threshold: float
    association_work: list[str]
    members: list[str]
    off_topic: dict[str, list[str]]


class Places(RuleFile):
    """``places.json``: the words before an administrative unit's name (``gazetteer``)."""
    unit_prefixes: list[str]
    district_prefixes: list[str]


class ProvinceEntry(TypedDict, total=False):
    name: str
    era: str
    full_name: str
    type: str
    code: str
    region: str
    successor: str
    predecessors: list[str]
    lat: Optional[float]
    lon: Optional[float]
    match_bare_name: bool
    variants: list[str]
    not_before: list[str]
    not_after: list[str]


class DistrictEntry(TypedDict, total=False):
    name: str
    full_name: str
    type: str
    province: str
    code: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    source: str
    ambiguous: bool
    provinces: list[str]
    aliases: list[str]


class OutletEntry(TypedDict, total=False):
    name: str
    province: Optional[str]
    kind: str
    domains: list[str]
    tags: list[str]
    names: list[str]


RULE_FILES = ("chrome.json", "names.json", "officials.json", "counts.json", "documents.json",
              "directives.json", "meetings.json", "dates.json", "people.json", "places.json",
              "associations.json", "relevance.json",
              "provinces.json", "districts.json", "outlets.json")
"""Every rule file of the package (they all count in the content hash's fingerprint)."""


class RuleError(ValueError):
    """A rule file that cannot be read or does not fit its model."""


@lru_cache(maxsize=None)
def read(name: str) -> Any:
    """The parsed JSON of one rule file of the package, read once per process."""
    try:
        return json.loads(files(__name__).joinpath(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleError(f"rule file {name}: {exc}") from exc


def load(name: str, model: type[M]) -> M:
    """One vocabulary file as its model (the ``_`` documentation keys left out)."""
    data = read(name)
    if not isinstance(data, dict) or not data.get("_source"):
        raise RuleError(f"rule file {name}: an object with a '_source' is expected")
    try:
        return model.model_validate({k: v for k, v in data.items() if not k.startswith("_")})
    except ValidationError as exc:
        raise RuleError(f"rule file {name}: {exc}") from exc


def load_list(name: str, entry: type) -> list:
    """One gazetteer file (a JSON list) as a list of checked entries."""
    try:
        return TypeAdapter(list[entry]).validate_python(read(name))
    except ValidationError as exc:
        raise RuleError(f"rule file {name}: {exc}") from exc


@dataclass(frozen=True)
class Rules:
    """Every vocabulary the extraction uses, one field per rule file."""

    chrome: Chrome
    names: Names
    officials: Officials
    counts: Counts
    documents: Documents
    directives: Directives
    meetings: Meetings
    dates: Dates
    people: People
    places: Places
    associations: Associations
    relevance: Relevance

    @staticmethod
    @lru_cache(maxsize=1)
    def default() -> "Rules":
        """The package's rule files (loaded once per process)."""
        return Rules(
            chrome=load("chrome.json", Chrome),
            names=load("names.json", Names),
            officials=load("officials.json", Officials),
            counts=load("counts.json", Counts),
            documents=load("documents.json", Documents),
            directives=load("directives.json", Directives),
            meetings=load("meetings.json", Meetings),
            dates=load("dates.json", Dates),
            people=load("people.json", People),
            places=load("places.json", Places),
            associations=load("associations.json", Associations),
            relevance=load("relevance.json", Relevance),
        )


def provinces() -> list[ProvinceEntry]:
    return _gazetteer("provinces.json", ProvinceEntry)


def districts() -> list[DistrictEntry]:
    return _gazetteer("districts.json", DistrictEntry)


def outlets() -> list[OutletEntry]:
    return _gazetteer("outlets.json", OutletEntry)


@lru_cache(maxsize=None)
def _gazetteer(name: str, entry: type) -> list:
    return load_list(name, entry)
