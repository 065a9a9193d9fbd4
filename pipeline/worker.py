"""The work done for one article away from the database: clean → extract → rows.

It runs in whichever process the engine chooses (this one, a local worker process, a
dask worker on another machine) and touches no file and no database: a task is a
``RawArticle``, its outcome is ``Extracted`` (the article's rows, ``store.article_rows``,
and its JSON record) or ``Failed`` (the message). The parent process, the one writer,
stores the outcomes.

Also here: the content hash that lets a re-run skip an unchanged input.

``PIPELINE_VERSION``
    Bump it whenever the extraction changes in a way the hash cannot see (code outside the
    files listed in ``RULE_FILES``, a different underthesea model): the next run then
    re-extracts every article. Edits to the rule files (``pipeline/rules/*.json``) and to
    the extraction modules change the hash by themselves.
"""
from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

from .engines.budget import OverBudget, limit
from .ingest import RawArticle

PIPELINE_VERSION = "2"

TIME_BUDGET = 30.0
"""Seconds one article may take to clean and extract (``--time-budget``); past them it is
recorded as an error and the run goes on."""

_PACKAGE = Path(__file__).resolve().parent
RULE_FILES = ("ingest.py", "clean.py", "page.py", "stories.py", "nlp.py", "tagging.py", "text.py",
              "intervals.py", "schema.py", "gazetteer/*.py", "rules/*.py", "rules/*.json",
              "extract/*.py", "store/rows.py", "store/tables.py")
"""What decides an article's rows, relative to the package (hashed by ``rules_fingerprint``):
every module extracting an article loads but those in ``DECIDES_NO_ROW``."""

DECIDES_NO_ROW = ("__init__.py", "worker.py", "engines/*.py", "warc.py", "store/__init__.py",
                  "store/sql.py")
"""Modules extracting an article loads that decide none of its rows: the package, this
module (``PIPELINE_VERSION`` stands for it), the time budget, WARC records (an article read
from one is hashed as decoded), the store and its SQL helpers (imported with the rows)."""


NO_STORY = ("no story text found (the page holds no text to read: only scripts, or markup "
            "nested too deeply to parse)")


@dataclass(frozen=True)
class Extracted:
    """An article's rows per table (``store.article_rows``) and its JSON record."""

    rows: dict[str, list[dict[str, Any]]]
    record: str


@dataclass(frozen=True)
class Failed:
    """Why an article could not be extracted (one line)."""

    message: str


Outcome = Union[Extracted, Failed]


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """A digest of everything that decides an article's facts: ``PIPELINE_VERSION``, the
    extraction modules, the rule files and underthesea's version."""
    digest = hashlib.sha256(f"pipeline {PIPELINE_VERSION}\0".encode())
    files = [f for pattern in RULE_FILES for f in sorted(_PACKAGE.glob(pattern))]
    for file in files:
        name = file.relative_to(_PACKAGE).as_posix()
        digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    try:
        from importlib.metadata import version

        digest.update(f"underthesea {version('underthesea')}".encode())
    except Exception:  # not installed as a distribution: the code digest has to do
        pass
    return digest.hexdigest()


def content_hash(raw: RawArticle, fingerprint: str | None = None) -> str:
    """sha256 of what an article's rows are made from, and the rules' fingerprint: of a
    JSONL line, its path and the line's bytes (``RawArticle.line_digest``: a line written
    again with the same values is read again); else its id, path, url, published date,
    text and HTML (as decoded). (Not the JSONL line number, which no row records.)"""
    digest = hashlib.sha256((fingerprint or rules_fingerprint()).encode())
    if raw.line_digest is not None:  # hashed as it was read: no text encoded again
        digest.update(b"\0L" + raw.path.encode("utf-8", "surrogatepass") + b"\0" + raw.line_digest)
        return digest.hexdigest()
    for value in (raw.id, raw.path, raw.url, raw.published, raw.text, raw.html):
        if value is None:
            digest.update(b"\0N")
        else:
            data = value.encode("utf-8", "surrogatepass")
            digest.update(b"\0S%d:" % len(data) + data)
    return digest.hexdigest()


def extract_one(raw: RawArticle, budget: float | None = TIME_BUDGET) -> Outcome:
    """Clean and extract one article within ``budget`` seconds (None: no limit); an
    exception, or going over the budget, becomes ``Failed``."""
    from .clean import clean_story
    from .extract import extract
    from .store.rows import article_record, article_rows

    global _stuck_at
    _stuck_at = time.monotonic() + STUCK_AFTER * budget if budget else None
    try:
        with limit(budget):
            story = clean_story(raw)
            if not story.text.strip():  # an HTML page of scripts only, or nested too deep
                return Failed(NO_STORY)
            article = extract(story)
            return Extracted(article_rows(article), article_record(article))
    except OverBudget:
        return Failed(over_budget(budget))
    except Exception as exc:  # one article's failure must not stop the run
        return Failed(f"extraction failed: {type(exc).__name__}: {exc}")
    finally:
        _stuck_at = None


def over_budget(budget: float | None) -> str:
    return f"took longer than {budget:g} s to extract (the time budget per article, --time-budget)"


def extract_batch(raws: list[RawArticle], budget: float | None = TIME_BUDGET) -> list[Outcome]:
    """``extract_one`` over a batch (the unit sent to a worker). The models are loaded
    first, so that loading them is not counted in the first article's budget."""
    preload()
    return [extract_one(raw, budget) for raw in raws]


@lru_cache(maxsize=1)
def preload() -> None:
    """Build the extraction chain and the gazetteers' matchers and load underthesea's
    models (once per process), so that a forked worker inherits them and the first
    articles are not slowed by loading."""
    from . import gazetteer
    from .extract import default_pipeline
    from .nlp import analyse

    default_pipeline()
    gazetteer.load()
    for sentence in analyse("Chiều 5/3/2024, Chủ tịch UBND tỉnh làm việc với các hội.").sentences:
        _ = sentence.tagged
    # What is loaded now lives as long as the process: out of the cyclic collector's reach,
    # whose full passes went over the models again and again (0.16 s of a run of 10,000
    # pages), and, after a fork, off the pages a worker shares with its parent.
    gc.freeze()


STUCK_AFTER = 2
"""Budgets after which a local worker still in one article is stuck where no signal
reaches (native code that never returns to the interpreter): it exits, and the engine
records the article as an error (``engines.local``)."""

_stuck_at: float | None = None
"""When the article in hand counts as stuck (``time.monotonic``), None between articles."""


def init_local_worker(parent_pid: int) -> None:
    """Initializer of a local worker process: models loaded, and exit when the parent is
    gone (after a ``kill -9`` of the run nothing is left behind) or when the article in
    hand is stuck past ``STUCK_AFTER`` budgets."""
    preload()

    def watch() -> None:
        while True:
            time.sleep(0.2)
            stuck_at = _stuck_at
            if os.getppid() != parent_pid or (stuck_at is not None and time.monotonic() > stuck_at):
                os._exit(1)

    threading.Thread(target=watch, name="worker-watch", daemon=True).start()

