"""The accuracy bars as a regression test.

The shared texts a crawl would bring (the seeds, dev and dev2 meeting reports and the
off-topic pages) are extracted once (via ``pipeline.run.run``, into a tmp database and
JSONL) and scored with ``pipeline.evaluate`` against their hand-written gold answers
(``../shared/gold``): the relevance bars on all of them, the fact bars on the meeting
reports. A failure prints the whole evaluate table. ``dev_html``'s bar (the same texts as
news pages score as the .txt do) is in ``tests/test_page.py``.
"""
from __future__ import annotations

import io

import pytest

from pipeline import evaluate
from pipeline.evaluate.cli import ARTICLE_SUFFIXES
from pipeline.run import run
from tests import SHARED

pytestmark = pytest.mark.slow

REPORTS = ("seeds", "dev", "dev2")
OFFTOPIC = "offtopic"

# (metric, attribute, bar) on the meeting reports: attribute "all"/"stated" for field
# accuracies, "f1" for P/R/F1, "value" for plain accuracies.
BARS = [
    ("published", "stated", 0.93),
    ("meeting.date", "stated", 0.95),
    ("meeting.province", "stated", 0.95),
    ("meeting.level", "all", 0.93),
    ("officials", "f1", 0.97),
    ("officials.titles", "f1", 0.93),
    ("officials.role", "value", 0.90),
    ("officials.chair", "f1", 0.90),
    ("association_counts", "f1", 0.90),
    ("documents", "f1", 0.97),
    ("directives", "f1", 0.80),
    ("directives.speaker", "value", 0.92),
    ("associations", "f1", 0.90),
]

FACT_FIELDS = ("officials", "association_counts", "documents", "directives", "associations")


def _ids(*names: str) -> list[str]:
    return sorted(p.stem for name in names for p in (SHARED / name).iterdir()
                  if p.suffix in ARTICLE_SUFFIXES)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    folders = [SHARED / name for name in (*REPORTS, OFFTOPIC)]
    gold = SHARED / "gold"
    if not all(f.is_dir() for f in folders + [gold]):
        pytest.skip(f"{SHARED} (seeds, dev, dev2, offtopic, gold) not present beside the project")
    out = tmp_path_factory.mktemp("accuracy")
    log = io.StringIO()
    summary = run(folders, out / "eval.db", out / "eval.jsonl", log=log)
    assert summary.errors == 0, log.getvalue()
    predictions = evaluate.load_predictions(out / "eval.jsonl")
    assert summary.articles == len(predictions)
    return evaluate.load_gold(gold), predictions


def _scored(extracted, names):
    gold, predictions = extracted
    ids = _ids(*names)
    result = evaluate.score(gold, predictions, ids)
    # Every scored text must have its gold answer and its prediction, or the figures mean little.
    assert not result.no_prediction and not result.ids_without_gold, result.table()
    assert result.n_articles == len(ids) > 0
    return result


@pytest.fixture(scope="module")
def reports(extracted):
    return _scored(extracted, REPORTS)


@pytest.fixture(scope="module")
def crawl(extracted):
    return _scored(extracted, (*REPORTS, OFFTOPIC))


def _figure(metric, attribute: str):
    if attribute == "all":
        return metric.all.value
    if attribute == "stated":
        return metric.stated.value
    if attribute == "f1":
        return metric.f1
    return metric.value


@pytest.mark.parametrize("name,attribute,bar", BARS, ids=[f"{n}.{a}>={b}" for n, a, b in BARS])
def test_accuracy_bar(reports, name, attribute, bar):
    value = _figure(reports[name], attribute)
    assert value is not None, f"{name} has no {attribute} figure (nothing to score?)\n{reports.table()}"
    assert value >= bar, f"{name} {attribute} = {value:.3f} < {bar}\n\n{reports.table()}"


def test_off_topic_pages_are_set_aside(crawl):
    aside = crawl["relevant.false"]
    assert aside.f1 >= 0.95, crawl.table()
    # no meeting report is set aside: every page judged not relevant is an off-topic one
    assert aside.precision == 1.0, crawl.table()


def test_off_topic_pages_yield_next_to_no_facts(extracted):
    _, predictions = extracted
    pages = _ids(OFFTOPIC)
    facts = sum(len(predictions[i].get(field) or []) for i in pages for field in FACT_FIELDS)
    assert facts / len(pages) <= 0.1, f"{facts} facts from {len(pages)} off-topic pages"
