"""The figures (accuracy, P/R/F1), the per-article differences and their readable form."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional, Union

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
