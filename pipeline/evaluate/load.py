"""Reading gold answers (a folder of ``ID.json``) and predictions (the JSONL export)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Union

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
