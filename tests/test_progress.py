"""pipeline.progress: a tqdm bar on a terminal, plain periodic lines otherwise."""
from __future__ import annotations

import io

from pipeline.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with Progress(1000, out, interval=0.0) as progress:
        progress.update(250, errors=1)
        progress.message("error: x.txt: empty file")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("... 250/1000 articles, ") and "/s, " in lines[0]
    assert lines[0].endswith(" left, 1 error")  # not "1 errors"
    assert lines[1] == "error: x.txt: empty file"
    assert "\r" not in out.getvalue()


def test_plain_lines_are_periodic():
    out = io.StringIO()
    with Progress(None, out, interval=3600) as progress:
        for _ in range(100):
            progress.update(1)
    assert out.getvalue() == ""


def test_bar_with_count_rate_and_time_left_on_a_terminal():
    out = Terminal()
    with Progress(1000, out) as progress:
        progress.update(500)
        progress.message("error: y.txt: binary file, not text")
    text = out.getvalue()
    assert "500/1000" in text and "articles/s" in text and "<" in text  # elapsed<left
    assert "error: y.txt: binary file, not text" in text


def test_disabled_progress_still_writes_messages():
    out = Terminal()
    with Progress(10, out, enabled=False) as progress:
        progress.update(10)
        progress.message("error: z")
    assert out.getvalue() == "error: z\n"


def test_counts_are_plural_except_one():
    out = io.StringIO()
    with Progress(10, out, interval=0.0) as progress:
        progress.update(2)
        progress.update(2, errors=2)
    assert [line.rsplit(", ", 1)[1] for line in out.getvalue().splitlines()] == ["0 errors", "2 errors"]
