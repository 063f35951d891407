# The commands a newcomer needs. Everything runs in .venv (made by `make setup`).
PY := .venv/bin/python
WAREHOUSE ?= data/warehouse.duckdb

.PHONY: setup run refresh kpis test lint bench sample

setup: .venv/.installed

.venv/.installed: requirements.txt
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -r requirements.txt
	touch $@

refresh: setup
	$(PY) -m cx refresh --data data/sample --warehouse $(WAREHOUSE)

kpis: refresh
	$(PY) -m cx metrics --warehouse $(WAREHOUSE)

run: refresh
	$(PY) -m cx dashboard --warehouse $(WAREHOUSE)

test: setup
	$(PY) -m pytest

lint: setup
	.venv/bin/ruff check .

bench: setup
	$(PY) benchmarks/run.py

sample: setup
	$(PY) -m cx sample --out data/sample
