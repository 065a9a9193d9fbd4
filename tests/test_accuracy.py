"""The accuracy bars as a regression test.

The shared seeds and dev texts are extracted once (via ``pipeline.run.run``, into a tmp
database and JSONL), scored with ``pipeline.evaluate`` against the hand-written gold
answers of those texts (``../shared/gold`` holds the answers of other sets too), and each
bar is checked; a failure prints the whole evaluate table.
"""
from __future__ import annotations

import io

import pytest

from pipeline import evaluate
from pipeline.run import run
from tests import SHARED

pytestmark = pytest.mark.slow


# (metric, attribute, bar): attribute "all"/"stated" for field accuracies, "f1" for P/R/F1,
# "value" for plain accuracies.
BARS = [
    ("meeting.date", "all", 0.90),
    ("meeting.date", "stated", 0.85),
    ("meeting.province", "all", 0.90),
    ("meeting.province", "stated", 0.85),
    ("officials", "f1", 0.90),
    ("officials.title", "value", 0.85),
    ("officials.chair", "f1", 0.85),
    ("documents", "f1", 0.90),
    ("association_counts", "f1", 0.85),
    ("directives", "f1", 0.60),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    seeds, dev, gold = SHARED / "seeds", SHARED / "dev", SHARED / "gold"
    if not (seeds.is_dir() and dev.is_dir() and gold.is_dir()):
        pytest.skip(f"{SHARED} (seeds, dev, gold) not present beside the project")
    out = tmp_path_factory.mktemp("accuracy")
    log = io.StringIO()
    summary = run([seeds, dev], out / "eval.db", out / "eval.jsonl", log=log)
    assert summary.errors == 0, log.getvalue()
    gold_records = evaluate.load_gold(gold)
    predictions = evaluate.load_predictions(out / "eval.jsonl")
    assert summary.articles == len(predictions)
    ids = [p.stem for folder in (seeds, dev) for p in folder.iterdir() if p.suffix in (".txt", ".html")]
    result = evaluate.score(gold_records, predictions, ids)
    # Every scored text must have its gold answer and its prediction, or the figures mean little.
    assert not result.no_prediction and not result.ids_without_gold, result.table()
    assert result.n_articles == len(ids) > 0
    return result


def _figure(metric, attribute: str):
    if attribute == "all":
        return metric.all.value
    if attribute == "stated":
        return metric.stated.value
    if attribute == "f1":
        return metric.f1
    return metric.value


@pytest.mark.parametrize("name,attribute,bar", BARS, ids=[f"{n}.{a}>={b}" for n, a, b in BARS])
def test_accuracy_bar(report, name, attribute, bar):
    value = _figure(report[name], attribute)
    assert value is not None, f"{name} has no {attribute} figure (nothing to score?)\n{report.table()}"
    assert value >= bar, f"{name} {attribute} = {value:.3f} < {bar}\n\n{report.table()}"
