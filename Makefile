# The commands a newcomer needs. Everything runs in .venv (made by `make setup`).
PY := .venv/bin/python
WAREHOUSE ?= data/warehouse.duckdb

.PHONY: setup run refresh kpis test lint bench bench-target sample

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

# Refresh time, peak memory and KPI query times at 1M and 10M tickets; appends a dated section
# to this month's file in benchmarks/history/ (BENCHMARKS.md keeps the latest figure per target).
bench: setup
	$(PY) benchmarks/run.py

# The refresh target's own mix: 10M tickets + 2M survey responses + 1M reviews.
bench-target: setup
	$(PY) benchmarks/run.py --tickets 10000000 --surveys 2000000

sample: setup
	$(PY) -m cx sample --out data/sample

# Each dashboard page in headless Chromium against the 10M-ticket warehouse `make bench` builds
# (first render, warm reload, filter change); appends a dated section to this month's file in
# benchmarks/history/.
BENCH_WAREHOUSE ?= benchmarks/out/warehouse-10000000.duckdb
.PHONY: bench-pages
bench-pages: setup
	$(PY) benchmarks/pages.py --warehouse $(BENCH_WAREHOUSE) --append
