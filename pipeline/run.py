"""Extract a corpus: ingest → clean → extract → store, one article at a time.

One bad article never costs the others: its error is printed as one line naming the
file, recorded in the `errors` table, and the run goes on.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, TextIO

from .clean import clean_story
from .extract import extract
from .ingest import IngestError, iter_articles
from .store import Store


@dataclass
class Summary:
    articles: int = 0
    errors: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"extracted {self.articles} articles, {self.errors} errors "
                f"in {self.seconds:.1f} s ({rate:.1f} articles/s)")


def run(inputs: Iterable[str | Path], db_path: str | Path | None, jsonl_path: str | Path | None,
        log: TextIO = sys.stderr, progress_every: int = 100) -> Summary:
    summary, started = Summary(), time.perf_counter()
    store = Store(db_path) if db_path else None
    out = _open_jsonl(jsonl_path)
    try:
        for item in iter_articles(inputs, exclude=[p for p in (db_path, jsonl_path) if p]):
            if isinstance(item, IngestError):
                _error(summary, store, log, str(item), item.path, item.line, item.id)
                continue
            where = f"{item.path}:{item.line}" if item.line else item.path
            try:
                article = extract(clean_story(item))
            except Exception as exc:  # one article's failure must not stop the run
                _error(summary, store, log, f"{where}: extraction failed: {type(exc).__name__}: {exc}",
                       item.path, item.line, item.id)
                continue
            if store:
                store.write(article)
            if out:
                out.write(article.model_dump_json(exclude={"text"}) + "\n")
            summary.articles += 1
            if progress_every and summary.articles % progress_every == 0:
                elapsed = time.perf_counter() - started
                print(f"... {summary.articles} articles ({summary.articles / elapsed:.1f}/s)", file=log)
    finally:
        if out:
            out.close()
        if store:
            store.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _open_jsonl(path):
    if not path:
        return None
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8")


def _error(summary, store, log, message, path, line, article_id):
    summary.errors += 1
    print(f"error: {message}", file=log)
    if store:
        store.write_error(str(path), message, line=line, article_id=article_id)
