"""Score exported records against the hand-written gold answers (``../shared/GOLD.md``, "Scoring").

Every figure is micro-averaged over the scored articles and kept with the counts behind it:

- ``relevant``: accuracy, and ``relevant.false`` P/R/F1 on the articles set aside (a record
  without ``relevant`` is relevant). The facts of an article whose gold is not relevant
  are all false positives.
- ``published``, ``meeting.date``, ``meeting.province``, ``meeting.level`` (and, unscored by
  the bars, ``meeting.time_of_day``): accuracy over all articles (null answered with null is
  right) and ``stated`` accuracy over the articles whose gold value is not null.
- ``officials``: precision/recall/F1 on names; a name predicted more often than gold has it
  is a false positive each extra time. On matched names, ``officials.title`` (one predicted
  title shares >= 80 % of the syllables of the first gold title, over the longer of the two;
  no gold title is right only when none is predicted) and ``officials.role``;
  ``officials.titles``: P/R/F1 over every title of the matched names, gold and predicted
  titles paired one to one when they share >= 80 % of the syllables of the longer.
  ``officials.chair``: P/R/F1 on the names whose role is ``chair``.
- ``association_counts``: P/R/F1 on ``count`` (multisets of integers per article);
  ``association_counts.kind`` on matches (equal counts paired to agree on kind where they can).
- ``documents``: P/R/F1 on ``number`` with spaces removed, upper-cased; ``documents.date`` on
  matches.
- ``directives``: a gold and a predicted directive match when they share at least half of the
  syllables of the longer one; pairs one to one, best overlap first; P/R/F1 on pairs;
  ``directives.speaker`` on matches.
- ``associations``: P/R/F1 on (``kind``, ``level``) pairs as multisets, over the gold records
  that have the key.

A gold article without a prediction is scored against an empty record. Predictions whose id
has no gold are ignored (listed in ``Report.unscored``).
"""
from .cli import main
from .fields import score
from .load import load_gold, load_predictions
from .matching import count_key, document_key, match_directives, norm, overlap, syllables, title_ok
from .report import Accuracy, ArticleDiff, FieldAccuracy, Issue, PRF, Report, explain, explain_all

__all__ = ["main", "score", "load_gold", "load_predictions", "norm", "syllables", "overlap",
           "title_ok", "document_key", "count_key", "match_directives", "Accuracy", "FieldAccuracy",
           "PRF", "Issue", "ArticleDiff", "Report", "explain", "explain_all"]
