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

# At 10M tickets + 2M survey responses + 1M reviews in monthly CSV files: the full refresh against
# a bare DuckDB load of the same files, a refresh with the next month added against the full one,
# peak memory, the KPI query and `cx metrics`; appends a dated section to this month's file in
# benchmarks/history/ (BENCHMARKS.md keeps the latest figure per target). Smaller:
# `$(PY) benchmarks/run.py --tickets 200000 --surveys 40000`.
bench: setup
	$(PY) benchmarks/run.py

sample: setup
	$(PY) -m cx sample --out data/sample

# Each dashboard page in headless Chromium against the 10M-ticket warehouse `make bench` builds
# (first render, warm reload, filter change); appends a dated section to this month's file in
# benchmarks/history/.
BENCH_WAREHOUSE ?= benchmarks/out/run-10000000-surveys-2000000/warehouse.duckdb
.PHONY: bench-pages
bench-pages: setup
	$(PY) benchmarks/pages.py --warehouse $(BENCH_WAREHOUSE) --append

# The dashboard under load: 20 browser sessions changing filters for a minute while two
# refreshes publish, on the bundled sample; appends its figures to benchmarks/history/.
.PHONY: bench-load
bench-load: setup
	$(PY) benchmarks/load.py --append
