# Set-up is part of every target: a fresh machine needs only Python 3.11.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SHARED ?= ../shared
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8001

.PHONY: extract test serve eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# Debian's Chromium for the browser tests (Playwright drives it; no browser download)
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "WARNING: chromium could not be installed: tests/test_browser.py will be skipped"
	touch $(STAMP)

extract: $(STAMP)
	$(PY) -m pipeline extract corpus --db outputs/meetings.db --jsonl outputs/facts.jsonl --prune

test: $(STAMP)
	$(PY) -m pytest -q

# Read-only, SQL time limit, local only unless HOST=... (options: pipeline/datasette/__init__.py)
serve: $(STAMP)
	$(PY) -m pipeline.datasette outputs/meetings.db --host $(HOST) --port $(PORT)

eval: $(STAMP)
	$(PY) -m pipeline extract $(SHARED)/seeds $(SHARED)/dev --db outputs/eval.db --jsonl outputs/eval.jsonl --prune
	$(PY) -m pipeline evaluate --gold $(SHARED)/gold --pred outputs/eval.jsonl

bench: $(STAMP)
	$(PY) -m tools.bench --shared $(SHARED) --articles 10000 --json outputs/bench.json

clean:
	rm -rf outputs/*.db outputs/*.db-wal outputs/*.db-shm outputs/*.jsonl
