"""The data files under `models/` (gazetteers, patterns), loaded once per process."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


@lru_cache(maxsize=None)
def load_json(name: str):
    path = MODELS_DIR / name
    with path.open(encoding="utf-8") as f:
        return json.load(f)
