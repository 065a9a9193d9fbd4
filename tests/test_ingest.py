"""Tests for pipeline.ingest: decoding, refusals as values, JSONL lines, folder walks."""
from __future__ import annotations

import json
import os
import random
import unicodedata
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.ingest import IngestError, RawArticle, Skip, Skipped, iter_articles
from tests import SHARED

# Written for these tests (not taken from any corpus).
SENTENCE = (
    "Chiều 3/5, Thường trực Tỉnh ủy làm việc với Hội Nông dân tỉnh về kết quả hoạt động "
    "quý I; đồng chí Phó Bí thư ghi nhận những nỗ lực của hội viên.\r\n"
    "Các hội tiếp tục đổi mới nội dung, phương thức hoạt động."
)
EXPECTED = unicodedata.normalize("NFC", SENTENCE.replace("\r\n", "\n"))

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed, tone marks as combining marks."""

    def split_tones(cluster: str) -> str:
        nfd = unicodedata.normalize("NFD", cluster)
        base = "".join(ch for ch in nfd if ch not in _TONE_MARKS)
        tones = "".join(ch for ch in nfd if ch in _TONE_MARKS)
        return unicodedata.normalize("NFC", base) + tones

    clusters: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return "".join(split_tones(c) for c in clusters).encode("cp1258")


def only(results: list) -> RawArticle | IngestError:
    assert len(results) == 1, results
    return results[0]


def read_one(path: Path) -> RawArticle | IngestError:
    return only(list(iter_articles([path])))


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda s: s.encode("utf-8"), id="utf-8"),
        pytest.param(lambda s: s.encode("utf-8-sig"), id="utf-8-sig"),
        pytest.param(lambda s: b"\xff\xfe" + s.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(lambda s: b"\xfe\xff" + s.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(lambda s: s.encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(lambda s: s.encode("utf-16-be"), id="utf-16-be-no-bom"),
        pytest.param(encode_cp1258, id="windows-1258"),
    ],
)
def test_decodes_text_files(tmp_path: Path, encode) -> None:
    path = tmp_path / "bai-viet.txt"
    path.write_bytes(encode(SENTENCE))
    article = read_one(path)
    assert isinstance(article, RawArticle), str(article)
    assert article.id == "bai-viet"
    assert article.path == str(path)
    assert article.html is None
    assert article.text == EXPECTED
    assert unicodedata.is_normalized("NFC", article.text)
    assert "\r" not in article.text


def test_windows_1258_short_text(tmp_path: Path) -> None:
    text = "Hội nghị giao ban Mặt trận"
    path = tmp_path / "ngan.txt"
    path.write_bytes(encode_cp1258(text))
    article = read_one(path)
    assert isinstance(article, RawArticle), str(article)
    assert article.text == text


def test_windows_1258_uses_combining_marks() -> None:
    # The fixture really exercises the combining-mark path (otherwise NFC would be moot).
    decoded = encode_cp1258("Hội").decode("cp1258")
    assert decoded != "Hội" and unicodedata.normalize("NFC", decoded) == "Hội"


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    body = encode_cp1258("Hội nghị tổng kết công tác hội năm 2024")
    path = tmp_path / "trang.html"
    path.write_bytes(
        b'<html><head><meta charset="windows-1258"><title>x</title></head><body><p>'
        + body
        + b"</p></body></html>"
    )
    article = read_one(path)
    assert isinstance(article, RawArticle), str(article)
    assert article.text is None
    assert "Hội nghị tổng kết công tác hội năm 2024" in article.html


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\ufeff \n".encode("utf-8")])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(content)
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert error.message == "empty file"
    assert str(error) == f"{path}: empty file"


def test_binary_file_with_nuls(tmp_path: Path) -> None:
    rng = random.Random(1258)
    data = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00\x00\x01"
    path = tmp_path / "anh.txt"
    path.write_bytes(data)
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert "binary file" in error.message


def test_binary_file_of_control_chars(tmp_path: Path) -> None:
    path = tmp_path / "dieu-khien.txt"
    path.write_bytes(bytes(range(1, 9)) * 200)
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert "binary file" in error.message


def test_random_bytes_without_nuls_are_refused(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "ngau-nhien.txt"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(4096)))
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert "binary file" in error.message or "cannot decode" in error.message


def test_size_limit_checked_before_reading(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "MAX_BYTES", 1024)
    path = tmp_path / "lon.txt"
    path.write_bytes(b"a" * 3 * 2**20)
    # If the file were read, this would raise.
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("file was read"))
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert error.message == "file is 3.0 MB, above the 0.000977 MB limit"


def test_default_size_limit_message(tmp_path: Path) -> None:
    path = tmp_path / "qua-lon.txt"
    with path.open("wb") as handle:
        handle.truncate(ingest.MAX_BYTES + 2**20)  # sparse: no real 6 MB written
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert error.message == "file is 6.0 MB, above the 5 MB limit"


def test_jsonl_bad_line_among_good(tmp_path: Path) -> None:
    path = tmp_path / "lo.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"id": "a1", "text": "Hội nghị thứ nhất.", "url": "https://vi.example/a1", "published": "2024-01-02"}',
                '{"id": "a2", "text": "thiếu dấu phẩy" "url": 1}',
                "",
                '["không", "phải", "đối tượng"]',
                '{"text": "không có id"}',
                '{"id": "a5"}',
                '{"id": "a6", "html": "<p>Hội nghị thứ sáu.</p>"}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    results = list(iter_articles([path]))
    good = [r for r in results if isinstance(r, RawArticle)]
    bad = [r for r in results if isinstance(r, IngestError)]

    assert [(a.id, a.line) for a in good] == [("a1", 1), ("a6", 7)]
    assert good[0].text == "Hội nghị thứ nhất."
    assert good[0].url == "https://vi.example/a1" and good[0].published == "2024-01-02"
    assert good[1].html == "<p>Hội nghị thứ sáu.</p>" and good[1].text is None

    assert [e.line for e in bad] == [2, 4, 5, 6]
    assert str(bad[0]).startswith(f"{path}:2: malformed JSON (")
    assert "not an object" in bad[1].message
    assert "id" in bad[2].message
    assert "text" in bad[3].message and bad[3].id == "a5"
    # Errors come in file order, interleaved with the good lines.
    assert [type(r).__name__ for r in results] == [
        "RawArticle", "IngestError", "IngestError", "IngestError", "IngestError", "RawArticle"
    ]


def test_jsonl_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "rong.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    error = read_one(path)
    assert isinstance(error, IngestError) and error.message == "empty file"


def test_folder_walk_is_recursive_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "sau").mkdir(parents=True)
    files = {
        "z.txt": "Bài z.",
        "a/sau/2.htm": "<p>Bài 2.</p>",
        "a/1.txt": "Bài 1.",
        "b/3.html": "<p>Bài 3.</p>",
        "b/ghi-chu.md": "không đọc",
        "anh.jpg": "không đọc",
        "c.jsonl": '{"id": "c1", "text": "Bài c1."}\n{"id": "c2", "text": "Bài c2."}\n',
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    everything = list(iter_articles([tmp_path]))
    results = [r for r in everything if not isinstance(r, Skipped)]
    assert all(isinstance(r, RawArticle) for r in results), [str(r) for r in results]
    assert [r.id for r in results] == ["1", "2", "3", "c1", "c2", "z"]
    assert results[0].path == str(tmp_path / "a" / "1.txt")
    assert [(r.path, r.why) for r in everything if isinstance(r, Skipped)] == [
        (str(tmp_path / "anh.jpg"), Skip.UNSUPPORTED), (str(tmp_path / "b" / "ghi-chu.md"), Skip.UNSUPPORTED)]


def test_inputs_keep_their_order(tmp_path: Path) -> None:
    for name in ("x.txt", "y.txt"):
        (tmp_path / name).write_text(f"Bài {name}.", encoding="utf-8")
    ids = [r.id for r in iter_articles([tmp_path / "y.txt", str(tmp_path / "x.txt")])]
    assert ids == ["y", "x"]


def test_unknown_suffix_given_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "bai.pdf"
    path.write_bytes(b"%PDF-1.4")
    error = read_one(path)
    assert isinstance(error, IngestError)
    assert str(error).startswith(f"{path}: unsupported file type '.pdf'")


def test_missing_path_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "co.txt"
    good.write_text("Có bài.", encoding="utf-8")
    results = list(iter_articles([tmp_path / "khong-co.txt", good]))
    assert isinstance(results[0], IngestError) and "no such file" in results[0].message
    assert isinstance(results[1], RawArticle) and results[1].text == "Có bài."


def test_is_a_lazy_generator(tmp_path: Path, monkeypatch) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Bài {i}.", encoding="utf-8")
    reads: list[str] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    stream = iter_articles([tmp_path])
    assert reads == []
    next(stream)
    assert reads == ["0.txt"]


def test_error_str_formats() -> None:
    assert str(IngestError("corpus/bad.txt", "empty file")) == "corpus/bad.txt: empty file"
    assert (
        str(IngestError("corpus/x.jsonl", "malformed JSON (Expecting ',' delimiter)", line=3))
        == "corpus/x.jsonl:3: malformed JSON (Expecting ',' delimiter)"
    )


def test_seed_corpus_reads_cleanly() -> None:
    shared = SHARED
    if not shared.is_dir():
        pytest.skip("../shared is not present")
    results = list(iter_articles([shared / "seeds", shared / "dev"]))
    errors = [str(r) for r in results if isinstance(r, IngestError)]
    assert not errors
    assert len(results) == len(os.listdir(shared / "seeds")) + len(os.listdir(shared / "dev"))


def test_jsonl_line_above_limit_is_its_own_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "MAX_BYTES", 100)
    path = tmp_path / "dai.jsonl"
    long_text = "Hội nghị " * 50
    path.write_text(
        '{"id": "a", "text": "Ngắn."}\n'
        f'{{"id": "b", "text": "{long_text}"}}\n'
        '{"id": "c", "text": "Cũng ngắn."}\n',
        encoding="utf-8",
    )
    results = list(iter_articles([path]))
    assert [getattr(r, "id", None) for r in results if isinstance(r, RawArticle)] == ["a", "c"]
    errors = [r for r in results if isinstance(r, IngestError)]
    assert len(errors) == 1 and errors[0].line == 2 and "above the" in errors[0].message
    assert [r.line for r in results] == [1, 2, 3]


@pytest.mark.parametrize("url, stored", [
    ("javascript:alert(1)", None),
    (" JaVaScRiPt:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("java\tscript:alert(1)", None),
    ("/tin-tuc/a.html", None),
    ("  HTTPS://baodongkhoi.vn/a.html ", "https://baodongkhoi.vn/a.html"),
    ("http://baodongkhoi.vn/a.html", "http://baodongkhoi.vn/a.html"),
])
def test_jsonl_url_must_be_a_web_address(tmp_path: Path, url, stored) -> None:
    path = tmp_path / "urls.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Bài.", "url": url}) + "\n", encoding="utf-8")
    *notes, article = list(iter_articles([path]))
    assert isinstance(article, RawArticle) and article.url == stored
    if stored is None:  # refused on its own: the article is read without it
        assert [str(n) for n in notes] == [
            f"{path}:1: 'url' {url.strip()!r} is not a web address (http or https): "
            "the article is read without it"]
    else:
        assert notes == []


@pytest.mark.parametrize("published, stored", [
    ("2025-01-09", "2025-01-09"),
    ("2025-01-09T08:00:00+07:00", "2025-01-09"),  # the date as printed, not in UTC
    ("2025-01-09 08:00", "2025-01-09"),
    ("09/01/2025", "2025-01-09"),  # day first, as Vietnamese writes it
    ("9-1-2025", "2025-01-09"),
    ("09.01.2025", "2025-01-09"),
    ("2025/01/09", "2025-01-09"),
    ("2025-02-30", None),
    ("30/02/2025", None),
    ("01/13/2025", None),
    ("hôm qua", None),
])
def test_jsonl_published_in_common_forms(tmp_path: Path, published, stored) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Bài.", "published": published},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    *notes, article = list(iter_articles([path]))
    assert isinstance(article, RawArticle) and article.published == stored
    if stored is None:
        assert [str(n) for n in notes] == [
            f"{path}:1: 'published' {published!r} is not a date (YYYY-MM-DD, DD/MM/YYYY, "
            "or an ISO date and time): the article is read without it"]
    else:
        assert notes == []


def test_an_article_record_keeps_only_a_web_url() -> None:
    from pipeline.schema import Article

    assert Article(id="a", url="javascript:alert(1)").url is None
    assert Article(id="a", url=" HTTPS://x.vn/a").url == "https://x.vn/a"


@pytest.mark.parametrize("text", [
    "Élève, déjà, où, été, garçon, naïve.",
    "Français: leçon de maïs.",
    "Le garçon naïf a reçu un cadeau de Noël.",
])
def test_a_doubtful_legacy_decoding_is_refused_not_stored_as_mojibake(tmp_path: Path, text) -> None:
    from charset_normalizer import from_bytes

    data = text.encode("latin-1")
    assert str(from_bytes(data).best()) != text  # the guess alone is mojibake (cp1250, cp1257)
    path = tmp_path / "francais.txt"
    path.write_bytes(data)
    error = read_one(path)
    assert isinstance(error, IngestError), error
    assert error.message.startswith("cannot tell the text's encoding (as likely ")
    assert error.message.endswith("neither reads as Vietnamese): save the file as UTF-8")


def test_the_same_text_in_utf8_is_read(tmp_path: Path) -> None:
    path = tmp_path / "francais.txt"
    path.write_text("Le comité s'est réuni à Genève.", encoding="utf-8")
    assert read_one(path).text == "Le comité s'est réuni à Genève."


def _urlsplit_web_url(value):
    """``schema.web_url`` by urlsplit alone (its definition, without the common-case path)."""
    from urllib.parse import urlsplit

    from pipeline.schema import _NOT_IN_URL, WEB_SCHEMES

    if not value:
        return None
    value = value.strip()
    if _NOT_IN_URL.search(value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in WEB_SCHEMES or not host:
        return None
    return parts.scheme + value[len(parts.scheme):]


_URL_PIECES = ["http", "HTTPS", "hTtP", "https", "ftp", "javascript", "", ":", "//", "://",
               "x.vn", "baobinhphuoc.com.vn", "a-b", "1.2.3.4", ".", "-", "@", "user:pw@", "[",
               "]", "[::1]", ":80", ":", ":8a", "%25", "đ", "_", "~", "/", "?", "#", "/a/b.html",
               "?id=3&x=[1]", "#top", "\\", " "]


@pytest.mark.parametrize("value", [
    "https://x.vn/a", "HTTP://x.vn", "http://x.vn:8080/a?b#c", "http://[::1]/", "http://[x.vn/",
    "http://user@x.vn/", "http://đ.vn/", "http://x_y.vn/", "http://:80/", "http:///a", "https:x.vn",
    "http://x.vn:8a/", "http://x.vn\\a", "ftp://x.vn/", "http://x.vn/[a]", "http://x.vn[a/",
    "http://x.vn]/", "http://x.vn:80]",
])
def test_web_url_is_urlsplits_answer_on_these(value) -> None:
    from pipeline.schema import web_url

    assert web_url(value) == _urlsplit_web_url(value)


def test_web_url_is_urlsplits_answer_on_any_assembly_of_address_pieces() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pipeline.schema import web_url

    @settings(max_examples=2000, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(_URL_PIECES), max_size=8).map("".join))
    def same(value):
        assert web_url(value) == _urlsplit_web_url(value), value

    same()


def test_jsonl_lines_orjson_refuses_are_read_as_json_reads_them(tmp_path: Path) -> None:
    """Lines read with orjson; those it refuses are json's to read or word the error of."""
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\n".join([
        b'{"id": "nan", "text": "B\xc3\xa0i.", "score": NaN}',  # json reads NaN
        b'{"id": "big", "text": "B\xc3\xa0i.", "n": 123456789012345678901234567890}',
        b'123456789012345678901234567890',  # json: an int (orjson: a float)
        b'{"id": "s", "text": "B\\ud800i."}',
        b'{"id": "u", "text": "B\xe0i."}',
        b'{"id": "j", "text": "B\xc3\xa0i." ',
    ]) + b"\n")
    items = list(iter_articles([path]))
    assert [(type(i).__name__, i.id) for i in items[:2]] == [("RawArticle", "nan"), ("RawArticle", "big")]
    assert [str(i) for i in items[2:]] == [
        f"{path}:3: malformed record (a JSON int, not an object)",
        f"{path}:4: malformed record ('text' holds an unpaired UTF-16 surrogate)",
        f"{path}:5: line is not valid UTF-8",
        f"{path}:6: malformed JSON (Expecting ',' delimiter)",
    ]
