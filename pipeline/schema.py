"""The record of one article: the only definition of its shape.

The fields and their names are those of ``../shared/GOLD.md``; every model may carry
extra fields (evidence, offsets, normalised forms) which the scorer ignores.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

Level = Literal["central", "province", "district", "commune"]
Role = Literal["chair", "attendee", "speaker", "mentioned"]
ROLE_ORDER = {"chair": 0, "attendee": 1, "speaker": 2, "mentioned": 3}
"""GOLD.md's precedence: one role per person, the first that applies in this order."""
CountKind = Literal["total", "new", "dissolved", "merged", "other"]
TimeOfDay = Literal["sáng", "chiều", "tối"]


WEB_SCHEMES = ("http", "https")
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
"""White space (sre's \\s is ``str.isspace``) or a control character (category Cc)."""
_PLAIN_WEB_URL = re.compile(r"(?i:(https?))://[A-Za-z0-9.-]+(?::[0-9]*)?(?=[/?#]|\Z)")
"""The common address: http(s), then a host of ASCII letters, digits, dots and hyphens (no
user, no brackets, nothing urlsplit would refuse or read otherwise), a port or not, then a
path, query, fragment or the end."""


def web_url(value: Optional[str]) -> Optional[str]:
    """``value`` as a web address (http or https, with a host; the scheme in lower case,
    spaces around it dropped), or None for anything else: ``javascript:``, ``data:``, a
    relative path, a value with spaces or control characters inside. The one rule for
    what the database stores and the pages link as an article's URL."""
    if not value:
        return None
    value = value.strip()
    if _NOT_IN_URL.search(value):
        return None
    plain = _PLAIN_WEB_URL.match(value)
    if plain:  # urlsplit's answer, known without it (a third of a re-run's reading)
        return plain[1].lower() + value[len(plain[1]):]
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme not in WEB_SCHEMES or not host:
        return None
    return parts.scheme + value[len(parts.scheme):]


@dataclass(frozen=True)
class Span:
    """A stretch of the story that a component found, in the spirit of spaCy's ``Span`` in
    ``Doc.spans``: its ``kind`` ("date", "official", "title", "directive", ...), character
    offsets into the story, a ``label`` (the value read from it) and ``fact``, the index of
    the fact it belongs to in its list (``officials[fact]``), None for the meeting's own."""

    kind: str
    start: int
    end: int
    label: str = ""
    fact: Optional[int] = None


class Evidence(BaseModel):
    """Where a fact was read: the sentence and its character span in the cleaned text."""

    model_config = ConfigDict(extra="forbid")
    sentence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Fact(BaseModel):
    model_config = ConfigDict(extra="allow")
    evidence: Optional[Evidence] = None


class Meeting(Fact):
    date: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    time_of_day: Optional[TimeOfDay] = None
    province: Optional[str] = None
    level: Optional[Level] = None
    kind: Optional[str] = None
    # Extras: the province's name after the 2025 merger, and how each value was found.
    province_after_2025: Optional[str] = None
    province_source: Optional[str] = None
    date_source: Optional[str] = None


class Official(Fact):
    name: str
    titles: list[str] = []
    role: Role = "mentioned"


class AssociationCount(Fact):
    count: int = Field(ge=0)
    subject: str
    kind: CountKind = "total"


class Document(Fact):
    type: str
    number: str
    date: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    issuer: Optional[str] = None


class Directive(Fact):
    speaker: Optional[str] = None
    text: str


AssociationKind = Literal[
    "Mặt trận Tổ quốc", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh", "Đoàn Thanh niên",
    "Công đoàn", "Hội Chữ thập đỏ", "Hội Người cao tuổi", "Hội Khuyến học", "Hội Nạn nhân chất độc da cam",
    "Hội Luật gia", "Hội Nhà báo", "Hội Văn học nghệ thuật", "Liên hiệp các hội KH&KT", "Hội Người mù",
    "Hội Đông y", "Liên hiệp các tổ chức hữu nghị", "Hội Cựu thanh niên xung phong", "Hội Cựu giáo chức",
    "Hội Doanh nghiệp", "khác", "nhiều hội",
]


class Association(Fact):
    name: str
    kind: AssociationKind
    level: Optional[Level] = None


class Article(BaseModel):
    """One article's facts, in the GOLD.md shape plus the cleaned text it was read from."""

    model_config = ConfigDict(extra="allow")
    id: str
    relevant: bool = True
    # Extras: the relevance score (0..1) and the signals behind it.
    relevance: Optional[float] = Field(None, ge=0, le=1)
    relevance_reasons: list[str] = []
    source: Optional[str] = None
    published: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    meeting: Meeting = Meeting()
    officials: list[Official] = []
    association_counts: list[AssociationCount] = []
    documents: list[Document] = []
    directives: list[Directive] = []
    associations: list[Association] = []
    # Extras: provenance of the record, and its evidence layer (the cleaned text and the
    # spans found in it), which the database keeps but the JSON record leaves out.
    path: Optional[str] = None
    url: Optional[str] = None
    """An http(s) address only (``web_url``): anything else is not kept as a link."""
    title: Optional[str] = None
    text: Optional[str] = None
    spans: list[Span] = []

    @field_validator("url")
    @classmethod
    def _web_only(cls, value: Optional[str]) -> Optional[str]:
        return web_url(value)
