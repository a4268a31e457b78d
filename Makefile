# Every target installs what it needs: a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Built from seeds/, and rebuilt from them when seeds/ or ingest/ change. The folder itself is
# a prerequisite: removing or renaming a document changes its time, not any file's.
DB := relations.db
# make serve SERVE_DB=mine/relations.db serves a database of your own, as it is (README).
SERVE_DB ?= $(DB)
SEEDS := seeds $(wildcard seeds/*.txt seeds/*.html) seeds/sources.yml
INGEST_CODE := $(wildcard ingest/*.py ingest/*.yml) schema.sql
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test db lint format eval chromium clean bench bench-quick package

serve: $(INSTALLED) $(if $(filter $(DB),$(SERVE_DB)),$(DB))
	$(BIN)/datasette serve -i $(SERVE_DB) --metadata metadata.yml --plugins-dir plugins \
		-h 127.0.0.1 -p 8001

test: $(INSTALLED) chromium lint
	$(BIN)/pytest -q

db: $(DB)

$(DB): $(INSTALLED) $(SEEDS) $(INGEST_CODE)
	$(BIN)/python -m ingest --db $(DB) seeds

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: $(DB)
	$(BIN)/python -m tests.eval.evaluate --db $(DB)

clean:
	rm -rf $(VENV) $(DB) tests/artifacts

# --- Scale: benchmarks (docs/performance.md) and deployment (docs/deploy.md) ---
# make bench: seeds, 1k and 10k articles (8 minutes here). Add the 40k corpus with
# make bench BENCH_SIZES=4,1000,10000,40000 (40k alone, 10 requests per URL: 10 minutes).
# make bench-quick: seeds and 1k, short phases (1.5 minutes here). See docs/performance.md.
BENCH_SIZES ?=
DIST := dist
PUBLISH_OPTIONS := --metadata metadata.yml --plugins-dir plugins --template-dir templates \
	--install datasette==0.65.5 --install datasette-vega

bench: $(INSTALLED)
	$(BIN)/python benchmarks/run.py $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))

bench-quick: $(INSTALLED)
	$(BIN)/python benchmarks/run.py --quick

# Everything `datasette package` / `datasette publish cloudrun` need, and the commands.
# The database goes in compacted (VACUUM INTO): same rows, no free pages.
package: $(DB)
	rm -rf $(DIST) && mkdir -p $(DIST)/templates
	$(BIN)/python -c "import sqlite3, sys; sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', \
		uri=True).execute('VACUUM INTO ?', [sys.argv[2]])" $(DB) $(DIST)/$(DB)
	cp metadata.yml $(DIST)/
	cp -r plugins $(DIST)/plugins
	if [ -d templates ]; then cp -r templates/. $(DIST)/templates/; fi
	rm -rf $(DIST)/plugins/__pycache__
	cd $(DIST) && $(abspath $(BIN))/datasette inspect $(DB) --inspect-file inspect-data.json
	printf '%s\n' '#!/bin/sh' '# Made by make package; see docs/deploy.md. Run from anywhere.' \
		'set -e' 'cd "$$(dirname "$$0")"' \
		'command -v datasette >/dev/null || { echo "datasette not found: activate the venv that make made (. $(abspath $(VENV))/bin/activate) or pip install datasette==0.65.5 datasette-vega" >&2; exit 127; }' \
		'case "$$1" in' \
		'serve) exec datasette serve -i $(DB) --inspect-file inspect-data.json --metadata metadata.yml --plugins-dir plugins --template-dir templates -h 0.0.0.0 -p 8001 ;;' \
		'package) exec datasette package $(DB) --tag mongolia-relations $(PUBLISH_OPTIONS) ;;' \
		'cloudrun) exec datasette publish cloudrun $(DB) --service mongolia-relations $(PUBLISH_OPTIONS) --memory 2Gi --cpu 1 --min-instances 1 --max-instances 4 ;;' \
		'*) echo "usage: $$0 serve|package|cloudrun" >&2; exit 2 ;;' 'esac' > $(DIST)/deploy.sh
	chmod +x $(DIST)/deploy.sh
	@echo "$(DIST)/ ready: $$(ls $(DIST) | tr '\n' ' ')"
