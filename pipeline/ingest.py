"""Paths in, raw articles out.

``iter_articles`` walks files and folders and yields one ``RawArticle`` per article (one per
``.txt``/``.html``/``.htm`` file, one per line of a ``.jsonl`` file) or an ``IngestError`` for
anything it refuses. Errors are values: a bad file never stops a run, and each bad JSONL line
is reported on its own while the good lines around it still yield.

Decoding of ``.txt``/``.html`` files, in order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE) decides;
2. strict UTF-8 (legacy Vietnamese text almost never happens to be valid UTF-8);
3. for HTML, the ``<meta charset>`` / ``http-equiv`` declaration;
4. UTF-16 without BOM, recognised by NUL bytes on one parity of the positions only;
5. charset-normalizer's guess, with a nudge towards Windows-1258 when that decodes the bytes
   into clearly more Vietnamese letters (short texts are otherwise easy to mistake); a
   guess that does not read as Vietnamese and has a rival as good that reads differently
   is refused ("cannot tell the text's encoding") rather than stored as mojibake.

Windows-1258 writes tones as combining marks, so every text is NFC-normalised; line ends
become ``\\n``. Nothing here reads more than one file at a time.
"""
from __future__ import annotations

import codecs
import enum
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from . import warc
from .schema import web_url
from .text import nfc

MAX_BYTES = 5 * 1024 * 1024
"""Files (and JSONL lines) above this size are refused before they are read."""

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
WARC_SUFFIXES = (".warc", ".warc.gz")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES


def _suffix(path: Path) -> str:
    """The file's type by its name: ``.warc.gz`` as one, else the last suffix (lower case)."""
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()

# A decoded text whose share of control characters (other than tab, newline, CR, FF, VT)
# is above this is binary, whatever the decoder said.
_MAX_CONTROL_SHARE = 0.05
_META_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)

# A legacy decoding that is not Vietnamese must lead every candidate that reads
# differently by this much coherence (charset-normalizer's language fit, 0 to 1), at the
# same mess ratio.
_MIN_LEAD = 0.1
_SAME_CHAOS = 0.01

# Letters of the Vietnamese alphabet (all tones), used to judge a legacy decoding.
_VIET_BASES = "aăâeêioôơuưy"
_VIET_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VIET_LETTERS = frozenset(
    nfc(base + tone)
    for b in _VIET_BASES
    for base in (b, b.upper())
    for tone in _VIET_TONES
) | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ")


def normalize_text(text: str) -> str:
    """NFC, ``\\r\\n``/``\\r`` → ``\\n``, no leading BOM: the one text normalisation of ingest."""
    if "\r" in text:  # (one scan in C; most texts have none)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return nfc(text)


@dataclass(frozen=True)
class RawArticle:
    """One article as read: plain text or HTML (one of them at least), and what came with it."""

    id: str
    path: str
    text: str | None
    html: str | None
    url: str | None = None
    published: str | None = None
    line: int | None = None
    line_digest: bytes | None = None
    """sha256 of the JSONL line it was read from (without its line break): with the file's
    path, all the article is read from (``worker.content_hash``)."""


@dataclass(frozen=True)
class IngestError:
    """A file or JSONL line that was refused, and why."""

    path: str
    message: str
    line: int | None = None
    id: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class Skip(enum.Enum):
    """Why something met while walking a folder was not read."""

    UNSUPPORTED = "unsupported"
    """a file of another type (``.docx``, ``.pdf``, ...)"""
    LOOP = "loop"
    """a link to a folder already read (e.g. ``loop/up -> ..``)"""
    OUTSIDE = "outside"
    """a link leading out of the input folder"""
    RECORD = "record"
    """a WARC record that is no article (a request, a redirect, an error, not HTML, a URL
    crawled again in the same file)"""


@dataclass(frozen=True)
class Skipped:
    """A file or link passed over while walking a folder (not an error: the run says how
    many in its summary)."""

    path: str
    why: Skip
    detail: str = ""
    """For a WARC record, why ("not HTML", "redirect", "HTTP 404", ...)."""


class _Refused(Exception):
    """Internal: a reason to refuse a file; turned into an ``IngestError`` at the boundary."""


# --------------------------------------------------------------------------- walking


def iter_articles(inputs: Iterable[str | Path],
                  exclude: Iterable[str | Path] = ()) -> Iterator[RawArticle | IngestError | Skipped]:
    """Yield a ``RawArticle`` or an ``IngestError`` for every article under ``inputs``, and a
    ``Skipped`` for what a folder holds that is not read.

    Folders are walked recursively in sorted order, taking only ``.txt``, ``.html``, ``.htm``
    and ``.jsonl`` files; each real folder is walked once (by device and inode: a link back
    up is not a way round forever) and no link is followed out of the input folder. A file
    named explicitly with another suffix is an error, as is a path that does not exist.
    Files in ``exclude`` (the run's own outputs, when they lie inside an input folder) are
    skipped.
    """
    skip = {Path(p).resolve() for p in exclude}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for file in _walk(path):
                if isinstance(file, Skipped):
                    if Path(file.path).resolve() not in skip:
                        yield file
                elif file.resolve() not in skip:
                    yield from _read_file(file)
        elif path.is_file():
            if _suffix(path) not in SUFFIXES:
                yield IngestError(
                    str(path),
                    f"unsupported file type {path.suffix or '(none)'!r} "
                    f"(expected {', '.join(SUFFIXES)})",
                )
            else:
                yield from _read_file(path)
        elif path.exists():
            yield IngestError(str(path), "not a regular file or folder")
        else:
            yield IngestError(str(path), "no such file or folder")


def count_articles(inputs: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> int:
    """About how many items ``iter_articles`` will yield (for a progress bar's time left):
    one per file, one per line of a JSONL file (blank lines included), without decoding."""
    skip = {Path(p).resolve() for p in exclude}
    total = 0
    for item in inputs:
        path = Path(item)
        files = ([f for f in _walk(path) if not isinstance(f, Skipped) and f.resolve() not in skip]
                 if path.is_dir() else [path])
        for file in files:
            kind = _suffix(file)
            total += (_count_lines(file) if kind in JSONL_SUFFIXES
                      else warc.count(file) if kind in WARC_SUFFIXES else 1)
    return total


def _count_lines(path: Path) -> int:
    try:
        lines, last = 0, b"\n"
        with path.open("rb") as f:
            while chunk := f.read(2**20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (last != b"\n")
    except OSError:
        return 1


def _walk(root: Path) -> Iterator[Path | Skipped]:
    """Files with a known suffix under ``root``, depth-first, names sorted at each level,
    and what was passed over. Links are followed only to what lies inside ``root`` (its
    real path), and a real folder met again (a link to it) is not walked twice. A stack,
    not recursion: a deep tree cannot exhaust Python's recursion limit."""
    top = Path(os.path.realpath(root))
    walked: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry]] = []

    def enter(folder: Path) -> bool:
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in walked:
                return False
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return True  # unreadable: nothing to walk (and not a loop)
        walked.add((info.st_dev, info.st_ino))
        stack.append(iter(entries))
        return True

    enter(root)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(top):
                yield Skipped(str(path), Skip.OUTSIDE)
            elif entry.is_dir():
                if not enter(path):
                    yield Skipped(str(path), Skip.LOOP)
            elif entry.is_file():
                if _suffix(path) in SUFFIXES:
                    yield path
                else:
                    yield Skipped(str(path), Skip.UNSUPPORTED)
        except OSError:
            continue


def _read_file(path: Path) -> Iterator[RawArticle | IngestError]:
    if _has_surrogates(str(path)):  # a file name in some other encoding than UTF-8
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        yield IngestError(shown, "file name is not valid UTF-8 (rename the file)")
        return
    suffix = _suffix(path)
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path)
        return
    if suffix in WARC_SUFFIXES:
        yield from _read_warc(path)
        return
    try:
        text = _read_document(path, is_html=suffix in HTML_SUFFIXES)
    except _Refused as why:
        yield IngestError(str(path), str(why), id=path.stem)
        return
    except OSError as exc:
        yield IngestError(str(path), f"cannot read file ({exc.strerror or exc})", id=path.stem)
        return
    if suffix in HTML_SUFFIXES:
        yield RawArticle(id=path.stem, path=str(path), text=None, html=text)
    else:
        yield RawArticle(id=path.stem, path=str(path), text=text, html=None)


# --------------------------------------------------------------------------- plain files


def _read_document(path: Path, *, is_html: bool) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _Refused(f"file is {size / 2**20:.1f} MB, above the {_limit_mb()} MB limit")
    if size == 0:
        raise _Refused("empty file")
    data = path.read_bytes()
    text = normalize_text(decode_bytes(data, is_html=is_html))
    if not text.strip():
        raise _Refused("empty file")
    return text


def decode_bytes(data: bytes, *, is_html: bool = False) -> str:
    """Decode a document's bytes (see the module docstring for the order); raise ``_Refused``."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_strict(data[3:], "utf-8"), "utf-8")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        text = _strict(data, "utf-16")  # the codec reads and drops the BOM
        if text is None:
            raise _Refused("cannot decode text (UTF-16 byte-order mark, but invalid UTF-16)")
        return _checked(text, "utf-16")

    if not data.strip():
        raise _Refused("empty file")

    utf16 = _utf16_by_nul_pattern(data)
    if utf16 is not None:
        return _checked(utf16, "utf-16")
    if b"\x00" in data:
        raise _Refused("binary file, not text")

    text = _strict(data, "utf-8")
    if text is not None:
        return _checked(text, "utf-8")

    if is_html:
        declared = _declared_charset(data)
        if declared is not None:
            text = _strict(data, declared)
            if text is not None:
                return _checked(text, declared)

    detected, text = _detect(data)
    if text is None:
        raise _Refused(f"cannot decode text (tried utf-8, utf-16, detected {detected or 'nothing'})")
    return _checked(text, detected or "?")


def _limit_mb() -> str:
    return f"{MAX_BYTES / 2**20:.3g}"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(text: str, encoding: str) -> str:
    """Refuse decoded text that is mostly control characters: a binary file."""
    if not text:
        return text
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"
    )
    if controls / len(text) > _MAX_CONTROL_SHARE:
        raise _Refused("binary file, not text")
    return text


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    """UTF-16 without BOM: NULs on one parity only, plenty of them (ASCII-range text)."""
    if len(data) < 2 or b"\x00" not in data:
        return None
    even, odd = data[0::2], data[1::2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd and not nul_even and nul_odd >= 0.2 * len(odd):
        encoding = "utf-16-le"
    elif nul_even and not nul_odd and nul_even >= 0.2 * len(even):
        encoding = "utf-16-be"
    else:
        return None
    return _strict(data[: len(data) - len(data) % 2], encoding)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_META_SNIFF_BYTES])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").strip().lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _viet_fit(text: str) -> float:
    """Share of the non-ASCII letters of ``text`` that are Vietnamese letters (1.0 if none)."""
    letters = [ch for ch in nfc(text) if ch.isalpha() and not ch.isascii()]
    if not letters:
        return 1.0
    return sum(1 for ch in letters if ch in _VIET_LETTERS) / len(letters)


def _detect(data: bytes) -> tuple[str | None, str | None]:
    """charset-normalizer's best guess, unless Windows-1258 reads as clearly more Vietnamese.

    Short Vietnamese texts in Windows-1258 are sometimes guessed as a CJK or another Latin
    code page; Windows-1258 wins when nearly all its non-ASCII letters are Vietnamese ones and
    the guess's are clearly not. A guess that does not read as Vietnamese is kept only when
    it is sure: no other candidate that reads differently fits (nearly) as well. Otherwise
    the file is refused rather than stored as mojibake (Latin-1 French read as cp1257).
    """
    from charset_normalizer import from_bytes  # imported here: only legacy files need it

    results = from_bytes(data)
    best = results.best()
    name = best.encoding if best is not None else None
    text = str(best) if best is not None else None
    if name == "cp1258":
        return name, text

    cp1258 = _strict(data, "cp1258")
    if cp1258 is not None:
        fit = _viet_fit(cp1258)
        if fit >= 0.95 and (text is None or fit > _viet_fit(text) + 0.05):
            return "cp1258", cp1258
    if best is not None and _viet_fit(text) < 0.95:
        rivals = [m.encoding for m in results if m.chaos <= best.chaos + _SAME_CHAOS
                  and m.coherence > best.coherence - _MIN_LEAD and str(m) != text]
        if rivals:
            raise _Refused(f"cannot tell the text's encoding (as likely {name} as {rivals[0]}; "
                           "neither reads as Vietnamese): save the file as UTF-8")
    return name, text


# --------------------------------------------------------------------------- WARC


def _read_warc(path: Path) -> Iterator[RawArticle | IngestError | Skipped]:
    """One article per HTML response record (``pipeline.warc``); the other records are
    skipped and counted; a record that cannot be read is its own error; a URL crawled
    again in the same file is read once (its first response)."""
    where = str(path)
    seen: set[str] = set()
    try:
        for record in warc.records(path, MAX_BYTES):
            if isinstance(record, warc.Skipped):
                yield Skipped(f"{where}#{record.number}", Skip.RECORD, record.reason)
            elif isinstance(record, warc.Refused):
                yield IngestError(where, record.message, line=record.number)
            elif record.id in seen:
                yield Skipped(f"{where}#{record.number}", Skip.RECORD, "URL crawled again")
            else:
                seen.add(record.id)
                try:
                    html = normalize_text(_decode_record(record))
                except _Refused as why:
                    yield IngestError(where, str(why), line=record.number, id=record.id)
                    continue
                url = web_url(record.url)
                yield RawArticle(id=record.id, path=where, text=None, html=html, url=url, line=record.number)
    except OSError as exc:
        yield IngestError(where, f"cannot read file ({exc.strerror or exc})")
    except warc.NotWarc as exc:
        yield IngestError(where, str(exc))
    except Exception as exc:  # warcio's own errors on a damaged file
        yield IngestError(where, f"not a readable WARC file ({type(exc).__name__}: {exc})")


def _decode_record(record: "warc.Record") -> str:
    """A record's body: by the charset its HTTP header declares, else as any HTML file."""
    text = _strict(record.body, record.charset) if record.charset else None
    if text is not None:
        return _checked(text, record.charset)
    return decode_bytes(record.body, is_html=True)


# --------------------------------------------------------------------------- JSONL


def _read_jsonl(path: Path) -> Iterator[RawArticle | IngestError]:
    """One article per line; each bad line is its own error and the rest still yield.

    The file as a whole has no size limit (a JSONL corpus may be large); each line is held
    to ``MAX_BYTES`` and never read into memory beyond that.
    """
    where = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield IngestError(where, f"cannot read file ({exc.strerror or exc})")
        return
    seen_content = False
    with handle:
        number = 0
        while True:
            raw = handle.readline(MAX_BYTES + 1)
            if not raw:
                break
            number += 1
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
                size = len(raw)
                while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                    raw = handle.readline(2**20)
                    size += len(raw)
                seen_content = True
                yield IngestError(
                    where,
                    f"line is {size / 2**20:.1f} MB, above the {_limit_mb()} MB limit",
                    line=number,
                )
                continue
            if not raw.strip():
                continue
            seen_content = True
            yield from _jsonl_record(where, number, raw)
    if not seen_content:
        yield IngestError(where, "empty file")


# Valid UTF-8 holds no surrogate: only a JSON escape of one (\\ud800-\\udfff) can make one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _has_surrogates(value: str) -> bool:
    """JSON's ``\\ud800`` escapes can make strings that are not Unicode text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _jsonl_record(where: str, number: int, raw: bytes) -> Iterator[RawArticle | IngestError]:
    """One JSONL line: its article, or the error refusing it. A ``url`` that is not a web
    address or a ``published`` that is not a date is refused on its own (an error), and
    the article is read without it."""
    def error(message: str, id_: str | None = None) -> IngestError:
        return IngestError(where, message, line=number, id=id_)

    try:
        # orjson reads the bytes a third faster. It refuses what json reads otherwise or
        # explains better (bad UTF-8, NaN, unpaired surrogates, ...): that line is read
        # again below, with its error as json words it.
        record, escaped = orjson.loads(raw), False
    except orjson.JSONDecodeError:
        record = None
    if not isinstance(record, dict):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield error("line is not valid UTF-8")
            return
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield error(f"malformed JSON ({exc.msg})")
            return
        if not isinstance(record, dict):
            yield error(f"malformed record (a JSON {type(record).__name__}, not an object)")
            return
        escaped = _SURROGATE_ESCAPE.search(raw) is not None  # else no field can hold one
    id_ = record.get("id")
    if not isinstance(id_, str) or not id_.strip():
        yield error("malformed record (missing or empty 'id')")
        return
    if escaped and _has_surrogates(id_):
        yield error("malformed record ('id' holds an unpaired UTF-16 surrogate)")
        return
    id_ = id_.strip()

    fields: dict[str, str | None] = {}
    for key in ("text", "html", "url", "published"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            yield error(f"malformed record ('{key}' must be a string)", id_)
            return
        if value is not None and escaped and _has_surrogates(value):
            yield error(f"malformed record ('{key}' holds an unpaired UTF-16 surrogate)", id_)
            return
        fields[key] = normalize_text(value) if value is not None else None
    text, html = fields["text"], fields["html"]
    if not (text and text.strip()) and not (html and html.strip()):
        yield error("malformed record (needs a non-empty 'text' or 'html')", id_)
        return

    url = (fields["url"] or "").strip() or None
    address = web_url(url)
    if url is not None and address is None:
        yield error(f"'url' {_shown(url)} is not a web address (http or https): "
                    "the article is read without it", id_)
    published = (fields["published"] or "").strip() or None
    day = published and published_day(published)
    if published is not None and day is None:
        yield error(f"'published' {_shown(published)} is not a date (YYYY-MM-DD, DD/MM/YYYY, "
                    "or an ISO date and time): the article is read without it", id_)
    yield RawArticle(
        id=id_,
        path=where,
        text=text if text and text.strip() else None,
        html=html if html and html.strip() else None,
        url=address,
        published=day,
        line=number,
        line_digest=hashlib.sha256(raw.rstrip(b"\r\n")).digest(),
    )


def _shown(value: str, limit: int = 80) -> str:
    return repr(value[:limit]) + ("..." if len(value) > limit else "")


# The forms of a publication date taken from JSONL: ISO (with a time and offset or not:
# the date as printed, in the publisher's time zone), day first as Vietnamese writes it
# (09/01/2025, 9-1-2025, 09.01.2025, with a time or not), and 2025/01/09.
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_FORMS = (
    re.compile(rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_TIME}"),
    re.compile(rf"(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}}){_TIME}"),
    re.compile(rf"(?P<d>\d{{1,2}})([/.\-])(?P<m>\d{{1,2}})\2(?P<y>\d{{4}}){_TIME}"),
)


def published_day(value: str) -> str | None:
    """A publication date in one of the common forms, as ``YYYY-MM-DD``; None when it is
    in no known form or is no real day (``2025-02-30``)."""
    for pattern in _DATE_FORMS:
        match = pattern.fullmatch(value.strip())
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                return None
    return None
