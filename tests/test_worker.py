"""``worker.preload`` loads, once per process, what the first articles would otherwise
build: the chain, the gazetteers' matchers, underthesea's models; and freezes it out of the
collector's reach. Checked in a fresh process, where nothing was loaded before."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

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
