"""Documents cited by number: "Quyết định số 118-QĐ/TW ngày 22-8-2023 của Ban Bí thư".

The document types and the issuing bodies are data (``rules/documents.json``).
"""
from __future__ import annotations

import re

from ..nlp import Doc
from ..rules import Rules
from ..schema import Document
from ..text import Sought, alternation, caseless_regex, words_start
from .common import capitalised_run, evidence
from .component import Component
from .dates import FULL_DATE, iso

# 118-QĐ/TW, 23-ĐA/TU, 45/2010/NĐ-CP, 16/CT-TTg, 21/CT/TTg, 51-CT/TƯ; or a bare number.
SYMBOL = r"\d+(?:\s*[-/]\s*[0-9A-ZĐƯa-zđư&]+)+"
NUMBER = rf"(?:{SYMBOL}|\d{{1,4}}(?![\d./-])(?!,\d))"
AFTER = re.compile(
    rf"^\s*(?:\([^)]*\)\s*)?,?\s*(?:ngày\s+(?P<d>{FULL_DATE.pattern}|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?"
    r"\s*(?:\([^)]*\)\s*)?,?\s*(?:của\s+(?P<issuer>.+))?",
    re.I,
)


class Documents:
    """The citation patterns of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.documents
        self.types = sorted(r.types, key=len, reverse=True)
        self.issuers = sorted(r.issuers, key=len, reverse=True)
        self.association_issuer = re.compile(r"^(?:Ban Chấp hành |Trung ương |Ban Thường vụ )?Hội\b")
        self.citation = re.compile(
            rf"(?<!\w)(?P<type>{alternation(r.types)})\s+(?:số\s+)?(?P<nums>{NUMBER}(?:\s*(?:,|và)\s*{NUMBER})*)",
            re.I,
        )
        # Sought where a type word, each from its first letter so that sre skips ahead, is
        # followed by a number (text.Sought, in caseless text).
        self.citations = Sought(self.citation, caseless_regex(rf"(?:{words_start(r.types)})\s+(?:số\s+)?\d"),
                                caseless=True)

    def __call__(self, doc: Doc) -> None:
        found = self.documents(doc)
        for i, d in enumerate(found):
            doc.add_span("document", d.evidence.start, d.evidence.end, f"{d.type} {d.number}", i)
        doc.facts["documents"] = found

    def documents(self, doc: Doc) -> list[Document]:
        found: dict[str, Document] = {}
        text = doc.text
        for m in self.citations.finditer(text, doc.low):
            numbers = [n for n in re.split(r"\s*(?:,|và)\s*", m["nums"]) if n]
            bare = not any(re.search(r"[-/]", n) for n in numbers)
            if bare and any(_is_year(n) for n in numbers):
                continue  # "Kế hoạch 2024": a year names no document
            tail = text[m.end(): m.end() + 160].split("\n")[0]
            after = AFTER.match(tail)
            date = _date(after["d"]) if after and after["d"] else None
            issuer = self._issuer(after["issuer"]) if after and after["issuer"] else None
            if bare and not m["type"][0].isupper() and not (date or issuer):
                continue  # "hướng dẫn 107 mô hình": the verb, not a document (unlike "kết luận 66 của Ban Bí thư")
            if issuer and self.association_issuer.match(issuer):
                continue  # an association's own decision is no Party or State document
            symbol = _shared_symbol(numbers)
            for n in numbers:
                number = re.sub(r"\s+", "", n)
                if symbol and re.fullmatch(r"\d+", number):
                    number += symbol  # "Quyết định 217, 218-QĐ/TW": both are QĐ/TW
                key = number.upper()
                if key in found or _is_year(number):
                    continue
                found[key] = Document(
                    type=self._type_as_printed(m["type"]), number=number, date=date, issuer=issuer,
                    evidence=evidence(doc, m.start(), m.end()),
                )
        # "Kết luận 62-KL/TW ... (gọi tắt là Kết luận 62)": a bare number names a document
        # already cited in full.
        full = [k for k in found if not k.isdigit()]
        return [d for k, d in found.items() if not (k.isdigit() and any(re.match(rf"{k}[-/]", f) for f in full))]

    def _type_as_printed(self, kind: str) -> str:
        for t in self.types:
            if t.lower() == kind.lower():
                return t
        return kind

    def _issuer(self, s: str) -> str | None:
        for name in self.issuers:
            if s.lower().startswith(name.lower()):
                return s[: len(name)]
        # An issuer not in the list: its leading capitalised words.
        return capitalised_run(s)


def _is_year(number: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", number))


def _shared_symbol(numbers: list[str]) -> str:
    for n in reversed(numbers):
        m = re.match(r"\d+(\s*[-/].*)$", n)
        if m:
            return re.sub(r"\s+", "", m.group(1))
    return ""


def _date(s: str) -> str | None:
    nums = [int(x) for x in re.findall(r"\d+", s)]
    return iso(nums[2], nums[1], nums[0]) if len(nums) == 3 else None


DOCUMENTS = Component("documents", requires=(), assigns=("documents", "span:document"), factory=Documents)
