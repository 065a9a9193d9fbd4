"""A component of the extraction chain, declared as spaCy declares its factories.

``requires`` and ``assigns`` name what the component reads from and writes to the Doc:
a fact by its name in ``Doc.facts`` ("published", "meeting.date", "officials") or a kind
of span as ``span:KIND`` (``Doc.spans``). ``factory(rules)`` builds the component (its
patterns compiled from the rule files) as a function of the Doc.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..nlp import Doc
from ..rules import Rules


@dataclass(frozen=True)
class Component:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    factory: Callable[[Rules], Callable[[Doc], None]]
