"""A built install, as a dask worker's (``pip install /path/to/project``, not ``-e``), extracts
the corpus exactly as this checkout does: the rule files ship as package data.

The wheel is built here and installed with ``--no-deps`` into a fresh venv whose
dependencies come from this venv's site-packages (appended to its path, so nothing is
downloaded and the editable install's finder is not loaded); the run happens outside the
checkout, so only the installed package can be imported.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests import ROOT

pytestmark = pytest.mark.slow


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_wheel_install_extracts_the_corpus_as_the_checkout(tmp_path: Path):
    # Built from a copy, so that the build leaves nothing in the checkout.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "outputs", "build", "*.egg-info", "__pycache__", ".pytest_cache"))
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, source)
    wheel = next(dist.glob("meetings_pipeline-*.whl"))

    fresh = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)

    where = run(python, "-c", "import pipeline, pipeline.rules as r; print(pipeline.__file__); "
                "print(r.Rules.default().officials.title_heads[0])", cwd=tmp_path).stdout.split("\n")
    assert where[0].startswith(str(fresh)), where

    corpus = ROOT / "corpus"
    run(python, "-m", "pipeline", "extract", corpus, "--db", tmp_path / "w.db", "--jsonl", tmp_path / "w.jsonl",
        "--no-progress", cwd=tmp_path)
    run(sys.executable, "-m", "pipeline", "extract", corpus, "--db", tmp_path / "e.db", "--jsonl",
        tmp_path / "e.jsonl", "--no-progress", cwd=tmp_path)
    built, editable = (tmp_path / "w.jsonl").read_text(), (tmp_path / "e.jsonl").read_text()
    assert built.count("\n") == len(list(corpus.glob("*.txt"))) > 0
    assert built == editable
