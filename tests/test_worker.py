"""``worker.preload`` loads, once per process, what the first articles would otherwise
build: the chain, the gazetteers' matchers, underthesea's models; and freezes it out of the
collector's reach. Checked in a fresh process, where nothing was loaded before."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from pipeline import worker
from tests import ROOT


def test_preload_builds_the_chain_matchers_and_models_and_freezes_them() -> None:
    code = textwrap.dedent("""
        import gc, json, sys
        from pipeline import extract, tagging, worker
        from pipeline.gazetteer.districts import _district_matcher
        from pipeline.gazetteer.outlets import _outlet_name_matcher
        from pipeline.gazetteer.provinces import _province_matcher
        loaders = {"chain": extract.default_pipeline, "provinces": _province_matcher,
                   "districts": _district_matcher, "outlets": _outlet_name_matcher,
                   "words": tagging._fast_segmenter, "tags": tagging._fast_pos_tagger}
        before = {k: f.cache_info().currsize for k, f in loaders.items()}
        frozen = gc.get_freeze_count()
        worker.preload()
        after = {k: f.cache_info().currsize for k, f in loaders.items()}
        print(json.dumps({"before": before, "after": after, "frozen": [frozen, gc.get_freeze_count()]}))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(found["before"].values()) == {0}
    assert set(found["after"].values()) == {1}
    assert found["frozen"][0] == 0 and found["frozen"][1] > 10_000


def test_every_module_that_extracting_loads_is_in_the_rules_fingerprint() -> None:
    """A change to any module the extraction runs re-extracts unchanged inputs: each one it
    loads is hashed (``RULE_FILES``) or said to decide no row (``DECIDES_NO_ROW``)."""
    code = textwrap.dedent("""
        import json, sys
        from pipeline import worker
        from pipeline.ingest import RawArticle
        worker.extract_one(RawArticle(id="t", path="t.txt", html=None,
            text="Chiều 5/3/2024, Chủ tịch UBND tỉnh Bến Tre làm việc với các hội quần chúng."))
        worker.extract_one(RawArticle(id="h", path="h.html", text=None,
            html="<html><head><title>Tin</title></head><body><article><p>Sáng 6/3, Hội Nông dân "
                 "tỉnh tổ chức hội nghị sơ kết.</p></article></body></html>"))
        print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()
                                if n.split(".")[0] == "pipeline" and getattr(m, "__file__", None))))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    package = Path(worker.__file__).resolve().parent
    loaded = {Path(f).resolve().relative_to(package).as_posix() for f in json.loads(done.stdout)}

    def listed(patterns):
        return {f.resolve().relative_to(package).as_posix() for p in patterns for f in package.glob(p)}

    assert {"page.py", "tagging.py", "extract/officials.py"} <= loaded
    assert loaded - listed(worker.RULE_FILES) - listed(worker.DECIDES_NO_ROW) == set()
    assert listed(worker.RULE_FILES) & listed(worker.DECIDES_NO_ROW) == set()
