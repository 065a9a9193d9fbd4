# Set-up is part of every target: a fresh machine needs only Python 3.11.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SHARED ?= ../shared
STAMP  := $(VENV)/.installed

.PHONY: extract test serve eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

extract: $(STAMP)
	$(PY) -m pipeline extract corpus --db outputs/meetings.db --jsonl outputs/facts.jsonl

test: $(STAMP)
	$(PY) -m pytest -q

serve: $(STAMP)
	@echo "Datasette at http://127.0.0.1:8001/meetings"
	$(PY) -m datasette serve outputs/meetings.db --metadata pipeline/datasette/metadata.yaml \
		--host 127.0.0.1 --port 8001 --setting sql_time_limit_ms 3000

eval: $(STAMP)
	$(PY) -m pipeline extract $(SHARED)/seeds $(SHARED)/dev --db outputs/eval.db --jsonl outputs/eval.jsonl
	$(PY) -m pipeline evaluate --gold $(SHARED)/gold --pred outputs/eval.jsonl

bench: $(STAMP)
	$(PY) -m pipeline.bench --shared $(SHARED) --articles 500

clean:
	rm -rf outputs/*.db outputs/*.jsonl
