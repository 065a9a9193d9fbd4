"""Small SQL helpers shared by the store's modules."""
from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

T = TypeVar("T")

IN_CHUNK = 500
"""Values bound to one ``in (...)`` list: well under SQLite's limit on a statement's
parameters, and few queries for a run's batches."""


def in_chunks(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """``values`` ``IN_CHUNK`` at a time, each with its placeholders ("?, ?, ?") for an
    ``in (...)`` list."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start:start + IN_CHUNK]
        yield chunk, ", ".join("?" * len(chunk))
