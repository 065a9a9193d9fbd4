"""An article as rows: what a worker sends back for the one writer to store."""
from __future__ import annotations

import json
from typing import Any

from ..schema import Article
from .tables import FACT_TABLES


def article_record(article: Article) -> str:
    """The article's JSON record as exported to JSONL: the GOLD.md shape, without the
    evidence layer (the text and its spans, which are in the database)."""
    return article.model_dump_json(exclude={"text", "spans"})


def article_rows(article: Article) -> dict[str, list[dict[str, Any]]]:
    """The rows one article becomes, per table (``articles``, every fact table, ``spans``),
    without row ids or ``extracted_at``. The order of each list is the order of the
    article's facts, which is the order the rows get their ids in."""
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [{
            "id": article.id,
            "path": article.path,
            "url": article.url,
            "source": article.source,
            "published": article.published,
            "title": article.title,
            "relevant": int(article.relevant),
            "relevance": article.relevance,
            "relevance_reasons": json.dumps(article.relevance_reasons, ensure_ascii=False),
            "text": article.text,
        }],
    }
    for table in FACT_TABLES:
        rows[table.name] = [{"article_id": article.id, **row} for row in table.rows(article)]
    rows["spans"] = [{"article_id": article.id, "kind": s.kind, "start": s.start, "end": s.end,
                      "label": s.label, "fact": s.fact} for s in article.spans]
    return rows
