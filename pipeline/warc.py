"""Crawls as WARC files (``wget --warc-file``, Heritrix, Common Crawl): ``.warc`` and
``.warc.gz``, read with warcio.

Each HTML response record (HTTP 200, ``Content-Type: text/html`` or XHTML) is an article:
its URL is ``WARC-Target-URI``, its id a stable hash of that URL (``warc_<16 hex>``), its
text the decoded body. ``WARC-Date`` is when the page was crawled, not when it was
published, so it is not used. Every other record (requests, metadata, non-HTML responses,
redirects, errors, revisits) is skipped and counted by why, for the run's summary; a body
over the size limit, or that cannot be decoded, is an error of that record alone.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Record:
    """One HTML page of a WARC file."""

    id: str
    url: str
    body: bytes
    charset: str | None
    number: int  # the record's position in the file, from 1


@dataclass(frozen=True)
class Skipped:
    """A record that is not an article, and why ("not HTML", "redirect", ...)."""

    number: int
    reason: str


@dataclass(frozen=True)
class Refused:
    """A record that should be an article but cannot be read."""

    number: int
    message: str


class NotWarc(ValueError):
    """The file is not a WARC file at all."""


def article_id(url: str) -> str:
    """The stable id of a crawled page: the same URL gives the same id in every crawl."""
    return "warc_" + hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def records(path: Path, max_bytes: int) -> Iterator[Union[Record, Skipped, Refused]]:
    """The records of a WARC file, streamed (one record's body in memory at a time)."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as stream:
        for number, record in enumerate(ArchiveIterator(stream), 1):
            if not record.format.startswith("warc"):  # warcio reads anything as an old ARC
                raise NotWarc("not a WARC file (no WARC/1.x record header)")
            if record.rec_type != "response":
                yield Skipped(number, f"{record.rec_type} record")
                continue
            http = record.http_headers
            status = http.get_statuscode() if http is not None else None
            if status is None:
                yield Skipped(number, "not an HTTP response")
                continue
            if status.startswith("3"):
                yield Skipped(number, "redirect")
                continue
            if status != "200":
                yield Skipped(number, f"HTTP {status}")
                continue
            content_type = (http.get_header("Content-Type") or "").lower()
            if not content_type.startswith(HTML_TYPES):
                yield Skipped(number, "not HTML")
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield Refused(number, f"record body above the {max_bytes / 2**20:.3g} MB limit")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its header says
                yield Refused(number, "record cut short: the file is truncated")
                return
            charset = None
            if "charset=" in content_type:
                charset = content_type.split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
            yield Record(article_id(url), url, body, charset, number)


def count(path: Path) -> int:
    """How many HTML responses the file holds, about (for a progress bar): the response
    records, read without their bodies; 1 for a file warcio cannot read."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with path.open("rb") as stream:
            return max(1, sum(1 for r in ArchiveIterator(stream) if r.rec_type == "response"))
    except Exception:
        return 1
