"""What the plugin knows about a served meetings database, from the data files beside it:

- ``database.yaml``: Datasette metadata of one database (Vietnamese titles, descriptions,
  facets, canned queries), applied under whatever name the database is served as, and
  the plugin's own section ``analyst`` (hidden columns, search results);
- ``labels.yaml``: the Vietnamese label of each stored code, per column.
"""
from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from ..store.analyst import labels

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _database_yaml() -> dict[str, Any]:
    return yaml.safe_load((HERE / "database.yaml").read_text(encoding="utf-8"))


def settings() -> dict[str, Any]:
    """The plugin's section of ``database.yaml`` (``hidden_columns``, ``search``)."""
    return _database_yaml()["analyst"]


@lru_cache(maxsize=64)
def database_metadata(database_url: str, root_url: str) -> dict[str, Any]:
    """Datasette metadata of one served database; ``$db``/``$root`` in HTML descriptions
    become its URL and the instance's (so that links work under any name)."""
    metadata = copy.deepcopy({k: v for k, v in _database_yaml().items() if k != "analyst"})

    def links(entry: dict[str, Any]) -> None:
        if "description_html" in entry:
            entry["description_html"] = (entry["description_html"]
                                         .replace("$db", database_url).replace("$root", root_url))

    links(metadata)
    for section in ("tables", "queries"):
        for entry in metadata.get(section, {}).values():
            links(entry)
    return metadata


@lru_cache(maxsize=1)
def _labels_by_column() -> dict[tuple[str, str], dict[str, str]]:
    index = {}
    for vocabulary in labels()["vocabularies"].values():
        values = {value: vi for value, (vi, _en) in vocabulary["values"].items()}
        for qualified in vocabulary["columns"]:
            table, column = qualified.split(".")
            index[(table, column)] = values
    return index


@lru_cache(maxsize=1)
def _labels_by_column_name() -> dict[str, dict[str, str]]:
    """For query results (no table): a column name used by one vocabulary only."""
    seen: dict[str, list[dict[str, str]]] = {}
    for (_table, column), values in _labels_by_column().items():
        if values not in seen.setdefault(column, []):
            seen[column].append(values)
    return {column: found[0] for column, found in seen.items() if len(found) == 1}


def label(table: Optional[str], column: str, value: Any) -> Optional[str]:
    """The Vietnamese label of a stored code, or None when the column has none. Integer
    codes (``articles.relevant``: 0, 1) are looked up as their digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    values = (_labels_by_column().get((table, column)) if table
              else _labels_by_column_name().get(column))
    return (values or {}).get(value)


# One reason of ``articles.relevance_reasons``, as pipeline/extract/relevance.py writes it:
# "sport: hội thao (-2.5)", "17 association name(s) (+3.0)", "no meeting named (-2.5)".
# The view ``relevance_signals`` (store/analyst.py) cuts the same shape in SQL.
REASON = re.compile(r"^(?:(?P<count>\d+) )?(?P<signal>.+?)(?:: (?P<words>.+))? "
                    r"\((?P<weight>[+-]\d+(?:\.\d+)?)\)$")


def relevance_reason(reason: str) -> Optional[dict[str, Any]]:
    """One reason cut into ``signal``, ``words``, ``count`` and ``weight`` (None when it
    is not in the shape above)."""
    found = REASON.match(reason)
    if not found:
        return None
    count = found["count"]
    return {"signal": found["signal"], "words": found["words"],
            "count": int(count) if count else None, "weight": float(found["weight"])}


def relevance_reasons_vi(value: Any) -> Optional[list[tuple[str, str]]]:
    """A ``relevance_reasons`` cell in Vietnamese: (label, reason as stored) per reason,
    "thể thao: hội thao (−2,5)", "có nêu tên hội: 17 (+3,0)"; None for a cell that is no
    JSON list of strings."""
    try:
        reasons = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        return None
    out = []
    for reason in reasons:
        cut = relevance_reason(reason)
        if cut is None:
            out.append((reason, reason))
            continue
        name = label("relevance_signals", "signal", cut["signal"]) or cut["signal"]
        detail = cut["words"] or (str(cut["count"]) if cut["count"] is not None else None)
        weight = f"{cut['weight']:+.1f}".replace(".", ",").replace("-", "−")
        out.append((f"{name}{': ' + detail if detail else ''} ({weight})", reason))
    return out


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """``static/analyst.css`` and the rules hiding the bookkeeping columns on table pages
    (not on row pages: a row shows everything)."""
    rules = [
        f"body.table.table-{table} .col-{column}"
        for table, columns in settings()["hidden_columns"].items() for column in columns
    ]
    hidden = ",\n".join(rules) + " { display: none; }\n" if rules else ""
    return (HERE / "static" / "analyst.css").read_text(encoding="utf-8") + hidden
