"""The test suite: one module per pipeline module, plus end-to-end tests on corpus/ and ../shared."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The project's folder."""
SHARED = ROOT.parent / "shared"
"""``../shared`` beside the project: the seeds, dev texts, off-topic pages and gold answers."""
