"""Score exported records against the hand-written gold answers (``../shared/GOLD.md``, "Scoring").

Every figure is micro-averaged over the scored articles and kept with the counts behind it:

- ``published``, ``meeting.date``, ``meeting.province``, ``meeting.level`` (and, unscored by
  the bars, ``meeting.time_of_day``): accuracy over all articles (null answered with null is
  right) and ``stated`` accuracy over the articles whose gold value is not null.
- ``officials``: precision/recall/F1 on names; a name predicted more often than gold has it
  is a false positive each extra time. On matched names, ``officials.title`` (one predicted
  title shares >= 80 % of the syllables of the first gold title, over the longer of the two;
  no gold title is right only when none is predicted) and ``officials.role``.
  ``officials.chair``: P/R/F1 on the names whose role is ``chair``.
- ``association_counts``: P/R/F1 on ``count`` (multisets of integers per article);
  ``association_counts.kind`` on matches (equal counts paired to agree on kind where they can).
- ``documents``: P/R/F1 on ``number`` with spaces removed, upper-cased; ``documents.date`` on
  matches.
- ``directives``: a gold and a predicted directive match when they share at least half of the
  syllables of the longer one; pairs one to one, best overlap first; P/R/F1 on pairs;
  ``directives.speaker`` on matches.

A gold article without a prediction is scored against an empty record. Predictions whose id
has no gold are ignored (listed in ``Report.unscored``).
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

from .text import fold

# ---------------------------------------------------------------------------------------------
# The comparison key for strings
# ---------------------------------------------------------------------------------------------

def norm(text: Optional[str]) -> Optional[str]:
    """The comparison key of a string: NFC, lower case, white space collapsed, tone marks folded.

    ``None`` stays ``None``; a string that is empty after collapsing becomes ``None`` too, so an
    exported ``""`` counts as null.
    """
    if text is None:
        return None
    return fold(str(text)) or None


def _strip_punct(token: str) -> str:
    i, j = 0, len(token)
    while i < j and unicodedata.category(token[i])[0] in "PS":
        i += 1
    while j > i and unicodedata.category(token[j - 1])[0] in "PS":
        j -= 1
    return token[i:j]


def syllables(text: Optional[str]) -> list[str]:
    """The syllables of a text: its ``norm`` split on white space, punctuation around each
    token stripped, empty tokens dropped (a lone "-" or ":" is not a syllable)."""
    key = norm(text)
    if not key:
        return []
    return [t for t in (_strip_punct(tok) for tok in key.split()) if t]


def overlap(a: list[str], b: list[str]) -> tuple[int, int]:
    """(shared syllables as multisets, length of the longer) -- the ratio's numerator and
    denominator, kept as integers so that 4/5 >= 0.8 holds exactly."""
    shared = sum((Counter(a) & Counter(b)).values())
    return shared, max(len(a), len(b))


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def title_ok(gold_titles: list[str], pred_titles: list[str]) -> bool:
    """One predicted title shares at least 80 % of the syllables of the first gold title,
    counted over the longer of the two; with no gold title, right only when none is predicted."""
    if not gold_titles:
        return not pred_titles
    first = syllables(gold_titles[0])
    for t in pred_titles:
        num, den = overlap(first, syllables(t))
        if den and 5 * num >= 4 * den:
            return True
    return False


def document_key(number: Any) -> Optional[str]:
    """A document number's comparison key: NFC, all white space removed, upper case."""
    if number is None:
        return None
    s = "".join(unicodedata.normalize("NFC", str(number)).split()).upper()
    return s or None


def count_key(value: Any) -> Any:
    """An association count as an integer where it can be read as one ("1.475" is 1475)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = "".join(value.split()).replace(".", "").replace(",", "")
        if digits.isdigit():
            return int(digits)
    return value


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_gold(gold_dir: Union[str, Path]) -> dict[str, dict]:
    """Every ``*.json`` in ``gold_dir``, keyed by its ``id`` (the file's stem when it has none)."""
    gold: dict[str, dict] = {}
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder of gold answers")
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not valid JSON: {exc}") from exc
        if not isinstance(record, dict):
            raise ValueError(f"{path}: expected one JSON object, got {type(record).__name__}")
        gold[str(record.get("id") or path.stem)] = record
    return gold


def load_predictions(jsonl_path: Union[str, Path]) -> dict[str, dict]:
    """One JSON object per line, keyed by ``id``. Blank lines are skipped; a malformed line, a
    line without an ``id`` or an id seen twice raises ``ValueError`` naming file and line."""
    preds: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    path = Path(jsonl_path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not valid JSON: {exc}") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object, got {type(record).__name__}")
            rid = record.get("id")
            if rid is None or str(rid) == "":
                raise ValueError(f"{path}:{lineno}: record has no 'id'")
            rid = str(rid)
            if rid in preds:
                raise ValueError(f"{path}:{lineno}: id {rid!r} already given on line {first_line[rid]}")
            preds[rid] = record
            first_line[rid] = lineno
    return preds


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def _fmt(value: Optional[float]) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> Optional[float]:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += bool(ok)

    def text(self) -> str:
        return f"{_fmt(self.value)} ({self.correct}/{self.total})"

    def as_dict(self) -> dict:
        return {"accuracy": self.value, "correct": self.correct, "total": self.total}


@dataclass
class FieldAccuracy:
    """Accuracy over all articles and, as ``stated``, over those whose gold is not null."""

    all: Accuracy = field(default_factory=Accuracy)
    stated: Accuracy = field(default_factory=Accuracy)

    @property
    def value(self) -> Optional[float]:
        return self.all.value

    def text(self) -> str:
        return f"{self.all.text():<20} stated {self.stated.text()}"

    def as_dict(self) -> dict:
        return {**self.all.as_dict(), "stated": self.stated.as_dict()}


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> Optional[float]:
        # 2PR/(P+R) written on counts: defined (0.0) also when nothing was predicted.
        den = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / den if den else None

    @property
    def value(self) -> Optional[float]:
        return self.f1

    def text(self) -> str:
        p = f"P {_fmt(self.precision)} ({self.tp}/{self.tp + self.fp})"
        r = f"R {_fmt(self.recall)} ({self.tp}/{self.tp + self.fn})"
        return f"{p:<20} {r:<20} F1 {_fmt(self.f1)}"

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


Metric = Union[Accuracy, FieldAccuracy, PRF]

# The order of the table; the meeting and date fields first.
MEETING_FIELDS = ("date", "time_of_day", "province", "level")
UNSCORED = {"meeting.time_of_day"}


# ---------------------------------------------------------------------------------------------
# Per-article differences
# ---------------------------------------------------------------------------------------------


@dataclass
class Issue:
    """One difference in one article.

    ``kind`` is one of: ``wrong`` (single value differs), ``missed`` (gold item not found),
    ``spurious`` (predicted item matching nothing), ``duplicate`` (a name predicted again),
    ``wrong title``, ``wrong role``, ``wrong kind``, ``wrong date``, ``wrong speaker``.
    """

    field: str
    kind: str
    gold: Any = None
    pred: Any = None
    note: str = ""

    def as_dict(self) -> dict:
        return {"field": self.field, "kind": self.kind, "gold": self.gold, "pred": self.pred,
                "note": self.note}


@dataclass
class ArticleDiff:
    id: str
    no_prediction: bool = False
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def by_field(self) -> dict[str, list[Issue]]:
        out: dict[str, list[Issue]] = defaultdict(list)
        for issue in self.issues:
            out[issue.field].append(issue)
        return dict(out)

    def as_dict(self) -> dict:
        return {"id": self.id, "no_prediction": self.no_prediction,
                "issues": [i.as_dict() for i in self.issues]}


@dataclass
class Report:
    metrics: dict[str, Metric]
    per_article: list[ArticleDiff]
    no_prediction: list[str] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)      # predicted ids with no gold
    ids_without_gold: list[str] = field(default_factory=list)  # requested ids with no gold

    def __getitem__(self, name: str) -> Metric:
        return self.metrics[name]

    @property
    def n_articles(self) -> int:
        return len(self.per_article)

    def article(self, article_id: str) -> Optional[ArticleDiff]:
        for diff in self.per_article:
            if diff.id == article_id:
                return diff
        return None

    def table(self) -> str:
        width = max(len(name) for name in self.metrics) + 2
        lines = [f"{'articles':<{width}} {self.n_articles} scored, "
                 f"{len(self.no_prediction)} without prediction, "
                 f"{sum(1 for d in self.per_article if d.ok)} without differences"]
        for name, metric in self.metrics.items():
            tail = "   (unscored)" if name in UNSCORED else ""
            lines.append(f"{name:<{width}} {metric.text()}{tail}")
        if self.unscored:
            lines.append(f"(ignored {len(self.unscored)} predictions with no gold answer)")
        if self.ids_without_gold:
            lines.append(f"(no gold answer for {len(self.ids_without_gold)} requested ids: "
                         f"{', '.join(self.ids_without_gold[:10])}"
                         f"{' ...' if len(self.ids_without_gold) > 10 else ''})")
        return "\n".join(lines)

    def as_dict(self, include_articles: bool = False) -> dict:
        out: dict[str, Any] = {
            "articles": self.n_articles,
            "no_prediction": list(self.no_prediction),
            "unscored_predictions": list(self.unscored),
            "ids_without_gold": list(self.ids_without_gold),
            "fields": {name: m.as_dict() for name, m in self.metrics.items()},
        }
        if include_articles:
            out["per_article"] = [d.as_dict() for d in self.per_article]
        return out


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


def _list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _items(record: dict, key: str) -> list[dict]:
    return [x for x in _list(record.get(key)) if isinstance(x, dict)]


def _titles(official: dict) -> list[str]:
    return [str(t) for t in _list(official.get("titles")) if t is not None and str(t).strip()]


def _pair_by_key(gold: list[dict], pred: list[dict], key: Callable[[dict], Any],
                 attr: Callable[[dict], Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match items with equal keys as multisets; among equal keys, pair equal ``attr`` first
    (this maximises attribute agreement), then the rest in order.

    Returns (pairs of (gold index, pred index), unmatched gold indices, unmatched pred indices).
    """
    gold_by: dict[Any, list[int]] = defaultdict(list)
    pred_by: dict[Any, list[int]] = defaultdict(list)
    for i, g in enumerate(gold):
        gold_by[key(g)].append(i)
    for j, p in enumerate(pred):
        pred_by[key(p)].append(j)
    pairs: list[tuple[int, int]] = []
    for k, gis in gold_by.items():
        pjs = list(pred_by.get(k, []))
        free_g = []
        for gi in gis:
            same = next((pj for pj in pjs if attr(pred[pj]) == attr(gold[gi])), None)
            if same is None:
                free_g.append(gi)
            else:
                pairs.append((gi, same))
                pjs.remove(same)
        for gi, pj in zip(free_g, list(pjs)):
            pairs.append((gi, pj))
            pjs.remove(pj)
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pj for _, pj in pairs}
    return (sorted(pairs), [i for i in range(len(gold)) if i not in matched_g],
            [j for j in range(len(pred)) if j not in matched_p])


def _score_meeting(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gm = g.get("meeting") if isinstance(g.get("meeting"), dict) else {}
    pm = p.get("meeting") if isinstance(p.get("meeting"), dict) else {}
    pairs = [("published", g.get("published"), p.get("published"))]
    pairs += [(f"meeting.{f}", gm.get(f), pm.get(f)) for f in MEETING_FIELDS]
    for name, gv, pv in pairs:
        ok = norm(gv) == norm(pv)
        metric: FieldAccuracy = metrics[name]
        metric.all.add(ok)
        if norm(gv) is not None:
            metric.stated.add(ok)
        if not ok:
            diff.issues.append(Issue(name, "wrong", gv, pv))


def _official_text(o: dict) -> str:
    titles = ", ".join(_titles(o))
    return f"{o.get('name')} [{titles}] ({o.get('role')})"


def _score_officials(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gold = _items(g, "officials")
    pred = _items(p, "officials")
    name = lambda o: norm(o.get("name")) or ""  # noqa: E731
    # Names pair in order: the first prediction of a name is the one scored; every further
    # prediction of it is a false positive.
    pairs, missed, spurious = _pair_by_key(gold, pred, name, lambda o: 0)
    prf: PRF = metrics["officials"]
    prf.tp += len(pairs)
    prf.fn += len(missed)
    prf.fp += len(spurious)
    for gi in missed:
        diff.issues.append(Issue("officials", "missed", _official_text(gold[gi]), None))
    gold_names = {name(o) for o in gold}
    seen: set[str] = set()
    matched_p = {pj for _, pj in pairs}
    for j, o in enumerate(pred):
        if j in spurious:
            kind = "duplicate" if name(o) in seen else "spurious"
            note = "listed again" if kind == "duplicate" else ""
            if kind == "duplicate" and name(o) in gold_names:
                note = "listed again (gold has it once)"
            diff.issues.append(Issue("officials", kind, None, _official_text(o), note))
        if j in matched_p or j in spurious:
            seen.add(name(o))
    for gi, pj in pairs:
        go, po = gold[gi], pred[pj]
        gt, pt = _titles(go), _titles(po)
        ok = title_ok(gt, pt)
        metrics["officials.title"].add(ok)
        if not ok:
            if gt:
                first = syllables(gt[0])
                best = max((overlap(first, syllables(t)) for t in pt), default=(0, len(first)),
                           key=lambda nd: _ratio(*nd))
                note = f"best overlap with first gold title {_ratio(*best):.2f} (needs 0.80)"
            else:
                note = "gold prints no title"
            diff.issues.append(Issue("officials.title", "wrong title", gt, pt,
                                     f"{go.get('name')}: {note}"))
        ok = norm(go.get("role")) == norm(po.get("role"))
        metrics["officials.role"].add(ok)
        if not ok:
            diff.issues.append(Issue("officials.role", "wrong role", go.get("role"), po.get("role"),
                                     str(go.get("name"))))
    # Chairs: P/R/F1 on the multiset of names whose role is chair.
    gold_chairs = Counter(name(o) for o in gold if norm(o.get("role")) == "chair")
    pred_chairs = Counter(name(o) for o in pred if norm(o.get("role")) == "chair")
    chair: PRF = metrics["officials.chair"]
    chair.tp += sum((gold_chairs & pred_chairs).values())
    chair.fn += sum((gold_chairs - pred_chairs).values())
    chair.fp += sum((pred_chairs - gold_chairs).values())
    display = {name(o): o.get("name") for o in pred + gold}
    for k, n in (gold_chairs - pred_chairs).items():
        for _ in range(n):
            diff.issues.append(Issue("officials.chair", "missed", display[k], None))
    for k, n in (pred_chairs - gold_chairs).items():
        for _ in range(n):
            diff.issues.append(Issue("officials.chair", "spurious", None, display[k]))


def _score_counts(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gold = _items(g, "association_counts")
    pred = _items(p, "association_counts")
    pairs, missed, spurious = _pair_by_key(gold, pred, lambda a: count_key(a.get("count")),
                                           lambda a: norm(a.get("kind")))
    show = lambda a: f"{a.get('count')} {a.get('subject')} ({a.get('kind')})"  # noqa: E731
    prf: PRF = metrics["association_counts"]
    prf.tp += len(pairs)
    prf.fn += len(missed)
    prf.fp += len(spurious)
    for gi in missed:
        diff.issues.append(Issue("association_counts", "missed", show(gold[gi]), None))
    for pj in spurious:
        diff.issues.append(Issue("association_counts", "spurious", None, show(pred[pj])))
    for gi, pj in pairs:
        ok = norm(gold[gi].get("kind")) == norm(pred[pj].get("kind"))
        metrics["association_counts.kind"].add(ok)
        if not ok:
            diff.issues.append(Issue("association_counts.kind", "wrong kind", gold[gi].get("kind"),
                                     pred[pj].get("kind"), f"count {gold[gi].get('count')}"))


def _score_documents(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gold = _items(g, "documents")
    pred = _items(p, "documents")
    pairs, missed, spurious = _pair_by_key(gold, pred, lambda d: document_key(d.get("number")),
                                           lambda d: norm(d.get("date")))
    show = lambda d: f"{d.get('type')} {d.get('number')} (date {d.get('date')})"  # noqa: E731
    prf: PRF = metrics["documents"]
    prf.tp += len(pairs)
    prf.fn += len(missed)
    prf.fp += len(spurious)
    for gi in missed:
        diff.issues.append(Issue("documents", "missed", show(gold[gi]), None))
    for pj in spurious:
        diff.issues.append(Issue("documents", "spurious", None, show(pred[pj])))
    for gi, pj in pairs:
        ok = norm(gold[gi].get("date")) == norm(pred[pj].get("date"))
        metrics["documents.date"].add(ok)
        if not ok:
            diff.issues.append(Issue("documents.date", "wrong date", gold[gi].get("date"),
                                     pred[pj].get("date"), str(gold[gi].get("number"))))


def match_directives(gold_texts: list[Any], pred_texts: list[Any]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold index, pred index, overlap) of directives sharing at least half of
    the syllables of the longer text, taken greedily from the best overlap down (ties: earlier
    gold, then earlier prediction)."""
    gs = [syllables(t) for t in gold_texts]
    ps = [syllables(t) for t in pred_texts]
    candidates = []
    for i, a in enumerate(gs):
        for j, b in enumerate(ps):
            num, den = overlap(a, b)
            if den and 2 * num >= den:
                candidates.append((-num / den, i, j))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for neg, i, j in candidates:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j, -neg))
    return sorted(pairs)


def _clip(text: Any, n: int = 110) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _score_directives(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gold = _items(g, "directives")
    pred = _items(p, "directives")
    pairs = match_directives([d.get("text") for d in gold], [d.get("text") for d in pred])
    matched_g = {i for i, _, _ in pairs}
    matched_p = {j for _, j, _ in pairs}
    prf: PRF = metrics["directives"]
    prf.tp += len(pairs)
    prf.fn += len(gold) - len(matched_g)
    prf.fp += len(pred) - len(matched_p)
    show = lambda d: f"[{_show_value(d.get('speaker'))}] \"{_clip(d.get('text'))}\""  # noqa: E731
    psyl = [syllables(d.get("text")) for d in pred]
    for i, d in enumerate(gold):
        if i in matched_g:
            continue
        gsyl = syllables(d.get("text"))
        # The closest prediction, matched elsewhere or not, tells why this one was missed.
        best = max(((_ratio(*overlap(gsyl, b)), j) for j, b in enumerate(psyl)), default=None)
        note = ""
        if best is not None and best[0] > 0:
            taken = " (paired with another gold directive)" if best[1] in matched_p else ""
            note = (f"closest prediction overlaps {best[0]:.2f}{taken}: "
                    f"\"{_clip(pred[best[1]].get('text'), 80)}\"")
        diff.issues.append(Issue("directives", "missed", show(d), None, note))
    for j, d in enumerate(pred):
        if j not in matched_p:
            diff.issues.append(Issue("directives", "spurious", None, show(d)))
    for i, j, _ in pairs:
        ok = norm(gold[i].get("speaker")) == norm(pred[j].get("speaker"))
        metrics["directives.speaker"].add(ok)
        if not ok:
            diff.issues.append(Issue("directives.speaker", "wrong speaker", gold[i].get("speaker"),
                                     pred[j].get("speaker"),
                                     f"\"{_clip(gold[i].get('text'), 80)}\""))


def _new_metrics() -> dict[str, Metric]:
    return {
        "published": FieldAccuracy(),
        "meeting.date": FieldAccuracy(),
        "meeting.time_of_day": FieldAccuracy(),
        "meeting.province": FieldAccuracy(),
        "meeting.level": FieldAccuracy(),
        "officials": PRF(),
        "officials.title": Accuracy(),
        "officials.role": Accuracy(),
        "officials.chair": PRF(),
        "association_counts": PRF(),
        "association_counts.kind": Accuracy(),
        "documents": PRF(),
        "documents.date": Accuracy(),
        "directives": PRF(),
        "directives.speaker": Accuracy(),
    }


def score(gold: dict[str, dict], pred: dict[str, dict],
          ids: Optional[Iterable[str]] = None) -> Report:
    """Score ``pred`` against ``gold`` over the gold ids (only those in ``ids`` when given).

    A gold id with no prediction is scored against an empty record (all nulls, empty lists).
    """
    if ids is None:
        wanted = sorted(gold)
        without_gold: list[str] = []
    else:
        requested = sorted(set(map(str, ids)))
        wanted = [i for i in requested if i in gold]
        without_gold = [i for i in requested if i not in gold]
    metrics = _new_metrics()
    per_article: list[ArticleDiff] = []
    no_prediction: list[str] = []
    for article_id in wanted:
        g = gold[article_id]
        p = pred.get(article_id)
        diff = ArticleDiff(article_id, no_prediction=p is None)
        if p is None:
            no_prediction.append(article_id)
            p = {}
        _score_meeting(g, p, metrics, diff)
        _score_officials(g, p, metrics, diff)
        _score_counts(g, p, metrics, diff)
        _score_documents(g, p, metrics, diff)
        _score_directives(g, p, metrics, diff)
        per_article.append(diff)
    unscored = sorted(set(pred) - set(gold))
    return Report(metrics, per_article, no_prediction, unscored, without_gold)


# ---------------------------------------------------------------------------------------------
# Reading the differences
# ---------------------------------------------------------------------------------------------


def _show_value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, list):
        return "[" + " | ".join(str(x) for x in v) + "]"
    return str(v)


def _issue_line(issue: Issue, width: int) -> str:
    head = f"  {issue.field:<{width}} {issue.kind:<13}"
    if issue.kind == "missed":
        body = _show_value(issue.gold)
    elif issue.kind in ("spurious", "duplicate"):
        body = _show_value(issue.pred)
    else:
        body = f"gold {_show_value(issue.gold)}  pred {_show_value(issue.pred)}"
        if issue.note:
            return f"{head} {issue.note}: {body}"
    if issue.note:
        body += f"\n  {'':<{width}} {'':<13}   ↳ {issue.note}"
    return f"{head} {body}"


def explain(report: Report, article_id: str) -> str:
    """A readable diff for one article: each field's missed, spurious and wrong items."""
    diff = report.article(article_id)
    if diff is None:
        return f"{article_id}: not among the scored articles"
    header = f"== {article_id}"
    if diff.no_prediction:
        header += "  (NO PREDICTION: scored as an empty record)"
    if diff.ok:
        return f"{header}  -- no differences"
    header += f"  -- {len(diff.issues)} difference{'s' if len(diff.issues) != 1 else ''}"
    width = max(len(i.field) for i in diff.issues)
    return "\n".join([header] + [_issue_line(i, width) for i in diff.issues])


def explain_all(report: Report) -> str:
    """``explain`` for every article with differences, one block each."""
    blocks = [explain(report, d.id) for d in report.per_article if not d.ok]
    return "\n\n".join(blocks) if blocks else "(no differences)"


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def _ids_from(folder: Union[str, Path]) -> list[str]:
    path = Path(folder)
    if not path.is_dir():
        raise ValueError(f"{path}: --ids-from needs a folder")
    return sorted({f.stem for f in path.iterdir() if f.is_file() and not f.name.startswith(".")})


def build_parser(prog: str = "evaluate") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Score exported records against gold answers (GOLD.md).")
    parser.add_argument("--gold", required=True, help="folder of gold ID.json files")
    parser.add_argument("--pred", required=True, help="the pipeline's JSONL export")
    parser.add_argument("--ids-from", metavar="DIR",
                        help="score only the ids named by the files in DIR (their names without extension)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--explain", action="store_true", help="also print each article's differences")
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        gold = load_gold(args.gold)
        pred = load_predictions(args.pred)
        ids = _ids_from(args.ids_from) if args.ids_from else None
    except (ValueError, OSError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    report = score(gold, pred, ids)
    if args.json:
        print(json.dumps(report.as_dict(include_articles=args.explain), ensure_ascii=False, indent=2))
    else:
        print(report.table())
        if args.explain:
            print()
            print(explain_all(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
