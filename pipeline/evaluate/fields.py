"""The scoring of each field of a record (GOLD.md, "Scoring"), and of a whole set."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Optional

from .matching import (
    ratio, count_key, document_key, match_directives, norm, overlap, pair_by_key, syllables, title_ok,
)
from .report import (
    MEETING_FIELDS, Accuracy, ArticleDiff, FieldAccuracy, Issue, Metric, PRF, Report, _show_value,
)


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


def _score_meeting(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gm = g.get("meeting") if isinstance(g.get("meeting"), dict) else {}
    pm = p.get("meeting") if isinstance(p.get("meeting"), dict) else {}
    # An article that is not relevant: its published date is the page's own, not scored.
    pairs = [("published", g.get("published"), p.get("published"))] if _relevant(g) else []
    pairs += [(f"meeting.{f}", gm.get(f), pm.get(f)) for f in MEETING_FIELDS]
    for name, gv, pv in pairs:
        ok = norm(gv) == norm(pv)
        metric: FieldAccuracy = metrics[name]
        metric.all.add(ok)
        if norm(gv) is not None:
            metric.stated.add(ok)
        if not ok:
            diff.issues.append(Issue(name, "wrong", gv, pv))


def _relevant(record: dict) -> bool:
    """A record without ``relevant`` is relevant (GOLD.md)."""
    return record.get("relevant", True) is not False


def _score_relevant(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gr, pr = _relevant(g), _relevant(p)
    metrics["relevant"].add(gr == pr)
    set_aside: PRF = metrics["relevant.false"]
    set_aside.tp += (not gr) and (not pr)
    set_aside.fp += gr and (not pr)
    set_aside.fn += (not gr) and pr
    if gr != pr:
        diff.issues.append(Issue("relevant", "wrong", gr, pr, "set aside" if not pr else "kept"))


def _pair_titles(gold: list[str], pred: list[str]) -> list[tuple[int, int]]:
    """Gold and predicted titles paired one to one, best overlap first, each pair sharing at
    least 80 % of the syllables of the longer title (GOLD.md's ``officials.titles``)."""
    gs, ps = [syllables(t) for t in gold], [syllables(t) for t in pred]
    candidates = []
    for i, a in enumerate(gs):
        for j, b in enumerate(ps):
            num, den = overlap(a, b)
            if den and 5 * num >= 4 * den:
                candidates.append((-num / den, i, j))
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


def _official_text(o: dict) -> str:
    titles = ", ".join(_titles(o))
    return f"{o.get('name')} [{titles}] ({o.get('role')})"


def _score_officials(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    gold = _items(g, "officials")
    pred = _items(p, "officials")
    name = lambda o: norm(o.get("name")) or ""  # noqa: E731
    # Names pair in order: the first prediction of a name is the one scored; every further
    # prediction of it is a false positive.
    pairs, missed, spurious = pair_by_key(gold, pred, name, lambda o: 0)
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
        titles: PRF = metrics["officials.titles"]
        paired = _pair_titles(gt, pt)
        titles.tp += len(paired)
        titles.fn += len(gt) - len(paired)
        titles.fp += len(pt) - len(paired)
        ok = title_ok(gt, pt)
        metrics["officials.title"].add(ok)
        if not ok:
            if gt:
                first = syllables(gt[0])
                best = max((overlap(first, syllables(t)) for t in pt), default=(0, len(first)),
                           key=lambda nd: ratio(*nd))
                note = f"best overlap with first gold title {ratio(*best):.2f} (needs 0.80)"
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


def _score_keyed(g: dict, p: dict, metrics: dict, diff: ArticleDiff, field: str, key, attribute: str,
                 wrong: str, show, context) -> None:
    """P/R/F1 of a list field whose items pair by ``key`` (GOLD.md), and the accuracy of
    one ``attribute`` of the pairs (``field.attribute``)."""
    gold, pred = _items(g, field), _items(p, field)
    pairs, missed, spurious = pair_by_key(gold, pred, key, lambda a: norm(a.get(attribute)))
    prf: PRF = metrics[field]
    prf.tp += len(pairs)
    prf.fn += len(missed)
    prf.fp += len(spurious)
    for gi in missed:
        diff.issues.append(Issue(field, "missed", show(gold[gi]), None))
    for pj in spurious:
        diff.issues.append(Issue(field, "spurious", None, show(pred[pj])))
    for gi, pj in pairs:
        ok = norm(gold[gi].get(attribute)) == norm(pred[pj].get(attribute))
        metrics[f"{field}.{attribute}"].add(ok)
        if not ok:
            diff.issues.append(Issue(f"{field}.{attribute}", wrong, gold[gi].get(attribute),
                                     pred[pj].get(attribute), context(gold[gi])))


def _score_counts(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    _score_keyed(g, p, metrics, diff, "association_counts", lambda a: count_key(a.get("count")), "kind",
                 "wrong kind", lambda a: f"{a.get('count')} {a.get('subject')} ({a.get('kind')})",
                 lambda a: f"count {a.get('count')}")


def _score_documents(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    _score_keyed(g, p, metrics, diff, "documents", lambda d: document_key(d.get("number")), "date",
                 "wrong date", lambda d: f"{d.get('type')} {d.get('number')} (date {d.get('date')})",
                 lambda d: str(d.get("number")))


def _association_key(a: dict) -> tuple:
    return (norm(a.get("kind")), norm(a.get("level")))


def _score_associations(g: dict, p: dict, metrics: dict, diff: ArticleDiff) -> None:
    """P/R/F1 on (kind, level) pairs as multisets; a gold record without the key is not
    scored on it."""
    if "associations" not in g:
        return
    gold = Counter(_association_key(a) for a in _items(g, "associations"))
    pred = Counter(_association_key(a) for a in _items(p, "associations"))
    prf: PRF = metrics["associations"]
    prf.tp += sum((gold & pred).values())
    prf.fn += sum((gold - pred).values())
    prf.fp += sum((pred - gold).values())
    for (kind, level), n in (gold - pred).items():
        diff.issues.extend([Issue("associations", "missed", f"{kind} ({level})", None)] * n)
    for (kind, level), n in (pred - gold).items():
        diff.issues.extend([Issue("associations", "spurious", None, f"{kind} ({level})")] * n)


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
        best = max(((ratio(*overlap(gsyl, b)), j) for j, b in enumerate(psyl)), default=None)
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
        "relevant": Accuracy(),
        "relevant.false": PRF(),
        "published": FieldAccuracy(),
        "meeting.date": FieldAccuracy(),
        "meeting.time_of_day": FieldAccuracy(),
        "meeting.province": FieldAccuracy(),
        "meeting.level": FieldAccuracy(),
        "officials": PRF(),
        "officials.title": Accuracy(),
        "officials.titles": PRF(),
        "officials.role": Accuracy(),
        "officials.chair": PRF(),
        "association_counts": PRF(),
        "association_counts.kind": Accuracy(),
        "documents": PRF(),
        "documents.date": Accuracy(),
        "directives": PRF(),
        "directives.speaker": Accuracy(),
        "associations": PRF(),
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
        _score_relevant(g, p, metrics, diff)
        _score_meeting(g, p, metrics, diff)
        _score_officials(g, p, metrics, diff)
        _score_counts(g, p, metrics, diff)
        _score_documents(g, p, metrics, diff)
        _score_directives(g, p, metrics, diff)
        _score_associations(g, p, metrics, diff)
        per_article.append(diff)
    unscored = sorted(set(pred) - set(gold))
    return Report(metrics, per_article, no_prediction, unscored, without_gold)
